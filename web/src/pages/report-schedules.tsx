/**
 * Scheduled reports on the reports page: "Schedule by mail" saves the page's current filters as a
 * weekly or monthly report mail (report.subscriptions.create, a Temporal Schedule behind it), and
 * "My scheduled reports" lists the caller's with pause, resume and delete. Part of the reports chunk.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Dialog, DialogTrigger, Heading, Modal, ModalOverlay } from 'react-aria-components';
import { weekdayNames } from '../../../domain/report-subscriptions';
import { ConfirmButton, ControlledSelect, ControlledText, Saved, tableClass, tdClass, thClass } from '../components/controls';
import { Button, FormAlert } from '../components/fields';
import { Empty, Failed, Loading } from '../components/states';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, type RouterInputs, type RouterOutputs } from '../trpc';

type Filters = RouterInputs['report']['subscriptions']['create']['filters'];
type Subscription = RouterOutputs['report']['subscriptions']['list'][number];
type Period = Subscription['period'];
type Format = Subscription['format'];

const periodOptions = [
  { id: 'weekly', name: 'Weekly (the week before)' },
  { id: 'monthly', name: 'Monthly (the month before)' },
];
const formatOptions = [
  { id: 'summary', name: 'Headline figures only' },
  { id: 'csv', name: 'With a link to the SLA figures as CSV' },
  { id: 'xlsx', name: 'With a link to the Excel workbook' },
];
const dayOptions = (period: Period) =>
  period === 'weekly' ? weekdayNames.map((name, i) => ({ id: String(i + 1), name })) : Array.from({ length: 28 }, (_, i) => ({ id: String(i + 1), name: `Day ${i + 1}` }));

/** "Mondays at 07:30" / "On day 1 of each month at 07:30". */
export const whenWords = (s: Pick<Subscription, 'period' | 'day' | 'time'>) => (s.period === 'weekly' ? `${weekdayNames[s.day - 1]}s at ${s.time}` : `On day ${s.day} of each month at ${s.time}`);

const listKey = trpc.report.subscriptions.list.queryKey();

/** The button and its dialog: period, day and time (in the organisation's timezone) for the current filters. */
export function ScheduleByMail({ filters, timezone }: { filters: Filters; timezone: string }) {
  const [period, setPeriod] = useState<Period>('weekly');
  const [day, setDay] = useState('1');
  const [time, setTime] = useState('08:00');
  const [format, setFormat] = useState<Format>('summary');
  const [saved, setSaved] = useState<string | null>(null);
  const create = useMutation(
    trpc.report.subscriptions.create.mutationOptions({
      onSuccess: (created) => {
        setSaved(`Scheduled: ${whenWords(created).toLowerCase()} (${created.timezone}).`);
        void queryClient.invalidateQueries({ queryKey: listKey });
      },
    }),
  );
  const problem = create.error ? apiProblem(create.error) : null;
  return (
    <div className="flex flex-col items-end gap-2">
      <DialogTrigger onOpenChange={(open) => open && (create.reset(), setSaved(null))}>
        <Button tone="secondary">Schedule by mail</Button>
        <ModalOverlay isDismissable className="fixed inset-0 z-20 flex items-center justify-center bg-slate-950/50 p-4">
          <Modal className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-700 dark:bg-slate-900">
            <Dialog className="flex flex-col gap-4 outline-none">
              {({ close }) => (
                <form
                  className="flex flex-col gap-4"
                  onSubmit={(event) => {
                    event.preventDefault();
                    create.mutate({ filters, period, day: Number(day), time, format }, { onSuccess: close });
                  }}
                >
                  <Heading slot="title" className="text-lg font-semibold">
                    Schedule this report by mail
                  </Heading>
                  <p className="text-sm text-slate-700 dark:text-slate-300">Each mail covers the last full week or month, with the filters shown now, and goes to you.</p>
                  <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
                  <ControlledSelect
                    label="How often"
                    value={period}
                    onChange={(id) => {
                      setPeriod(id as Period);
                      setDay('1');
                    }}
                    options={periodOptions}
                    error={problem?.fields.period}
                  />
                  <ControlledSelect label={period === 'weekly' ? 'Day of the week' : 'Day of the month'} value={day} onChange={setDay} options={dayOptions(period)} error={problem?.fields.day} />
                  <ControlledText label="Time" value={time} onChange={setTime} description={`HH:MM, in ${timezone}`} inputMode="numeric" isRequired error={problem?.fields.time} />
                  <ControlledSelect label="What the mail carries" value={format} onChange={(id) => setFormat(id as Format)} options={formatOptions} error={problem?.fields.format} />
                  <div className="flex justify-end gap-2">
                    <Button tone="secondary" onPress={close}>
                      Cancel
                    </Button>
                    <Button type="submit" isPending={create.isPending}>
                      Schedule
                    </Button>
                  </div>
                </form>
              )}
            </Dialog>
          </Modal>
        </ModalOverlay>
      </DialogTrigger>
      <Saved message={saved} />
    </div>
  );
}

/** The caller's scheduled reports, with pause or resume and delete. */
export function MyScheduledReports() {
  const list = useQuery(trpc.report.subscriptions.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: listKey });
  const update = useMutation(trpc.report.subscriptions.update.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.report.subscriptions.delete.mutationOptions({ onSettled: refresh }));
  const failure = update.error ?? remove.error;
  return (
    <section aria-labelledby="scheduled-reports-title" className="flex flex-col gap-3 rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h2 id="scheduled-reports-title" className="text-lg font-semibold">
        My scheduled reports
      </h2>
      <FormAlert message={failure ? apiProblem(failure).message : null} />
      {list.isPending ? (
        <Loading what="your scheduled reports" />
      ) : list.isError ? (
        <Failed error={list.error} retry={() => void list.refetch()} />
      ) : list.data.length === 0 ? (
        <Empty>No scheduled reports yet. “Schedule by mail” sends this report to you every week or month.</Empty>
      ) : (
        <div className="overflow-x-auto" tabIndex={0} role="region" aria-label="My scheduled reports (table)">
          <table className={tableClass}>
            <caption className="sr-only">My scheduled reports</caption>
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  When
                </th>
                <th scope="col" className={thClass}>
                  Carries
                </th>
                <th scope="col" className={thClass}>
                  Status
                </th>
                <th scope="col" className={thClass}>
                  Actions
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => {
                const when = `${whenWords(s)} (${s.timezone})`;
                return (
                  <tr key={s.id}>
                    <th scope="row" className={`${tdClass} font-normal`}>
                      {when}
                    </th>
                    <td className={tdClass}>{formatOptions.find((f) => f.id === s.format)?.name}</td>
                    <td className={tdClass}>
                      {s.paused ? 'Paused' : 'Active'}
                      {s.lastQueuedAt ? `; last sent ${s.lastQueuedAt.toLocaleDateString()}` : ''}
                    </td>
                    <td className={`${tdClass} flex flex-wrap gap-2`}>
                      <Button
                        tone="secondary"
                        aria-label={`${s.paused ? 'Resume' : 'Pause'} the report mailed ${when}`}
                        isPending={update.isPending && update.variables.id === s.id}
                        onPress={() => update.mutate({ id: s.id, paused: !s.paused })}
                      >
                        {s.paused ? 'Resume' : 'Pause'}
                      </Button>
                      <ConfirmButton
                        label="Delete"
                        ariaLabel={`Delete the report mailed ${when}`}
                        title="Delete this scheduled report?"
                        confirmLabel="Delete"
                        onConfirm={() => remove.mutate({ id: s.id })}
                        isPending={remove.isPending && remove.variables.id === s.id}
                      >
                        No more mails will be sent for it. You can schedule it again at any time.
                      </ConfirmButton>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
