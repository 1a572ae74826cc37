/**
 * Misuse reports (admin.misuse.*): what the daily check found about each user in its 24 hours
 * (tickets against the limit, screened content, near-duplicate tickets). Admins mark a report
 * reviewed (with a note), restrict the user from opening tickets (with the reason they are shown),
 * lift a restriction, or run the check now.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ControlledText, cardClass, mutedClass } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { Time } from '../../components/ticket-bits';
import { apiProblem } from '../../lib/errors';
import { queryClient, trpc, trpcClient, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/misuse')({ component: MisuseReports });

type Report = RouterOutputs['admin']['misuse']['list']['reports'][number];

const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.admin.misuse.list.pathKey() });

function MisuseReports() {
  const [status, setStatus] = useState<'open' | 'reviewed'>('open');
  const reports = useQuery(trpc.admin.misuse.list.queryOptions({ status }));
  const runNow = useMutation({ mutationFn: () => trpcClient.admin.misuse.runNow.mutate(), onSuccess: () => setTimeout(() => void invalidate(), 3000) });
  return (
    <section aria-labelledby="misuse-title" className="flex flex-col gap-6">
      <h1 id="misuse-title" className="text-2xl font-bold">
        Misuse reports
      </h1>
      <p className={`text-sm ${mutedClass}`}>
        Every day (at the time set in Settings, in the organisation&apos;s timezone) Deskflow looks at each user&apos;s last 24 hours: tickets against the limit, content screening held, and tickets
        that say nearly the same thing.
      </p>
      <div className="flex flex-wrap items-center gap-2">
        <Button tone={status === 'open' ? 'primary' : 'secondary'} onPress={() => setStatus('open')}>
          To review
        </Button>
        <Button tone={status === 'reviewed' ? 'primary' : 'secondary'} onPress={() => setStatus('reviewed')}>
          Reviewed
        </Button>
        <Button tone="secondary" isPending={runNow.isPending} isDisabled={runNow.isPending} onPress={() => runNow.mutate()}>
          Run the check now
        </Button>
        {runNow.isSuccess && <span className={`text-sm ${mutedClass}`}>Started: new reports appear here in a moment.</span>}
      </div>
      <FormAlert message={runNow.error ? apiProblem(runNow.error).message : null} />
      {reports.isPending ? (
        <Loading what="misuse reports" />
      ) : reports.isError ? (
        <Failed error={reports.error} retry={() => void reports.refetch()} />
      ) : reports.data.reports.length === 0 ? (
        <Empty>{status === 'open' ? 'Nothing to review.' : 'No reviewed reports yet.'}</Empty>
      ) : (
        <ul className="flex flex-col gap-4">
          {reports.data.reports.map((report) => (
            <ReportCard key={report.id} report={report} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ReportCard({ report }: { report: Report }) {
  const [note, setNote] = useState('');
  const { findings, user } = report;
  const act = useMutation({
    mutationFn: async (action: 'review' | 'restrict' | 'lift'): Promise<void> => {
      if (action === 'review') await trpcClient.admin.misuse.review.mutate({ id: report.id, note: note.trim() || undefined });
      else if (action === 'restrict') await trpcClient.admin.misuse.restrict.mutate({ id: report.id, reason: note.trim() });
      else await trpcClient.admin.misuse.lift.mutate({ userId: user.id });
    },
    onSuccess: () => invalidate(),
  });
  return (
    <li className={cardClass}>
      <article aria-labelledby={`report-${report.id}`} className="flex flex-col gap-3">
        <h2 id={`report-${report.id}`} className="font-semibold">
          {user.name} <span className={`font-normal ${mutedClass}`}>({user.email})</span>
        </h2>
        <p className={`text-sm ${mutedClass}`}>
          24 hours to <Time date={report.windowEnd} />
          {user.restrictedAt && <strong className="ml-2 text-red-700 dark:text-red-300">Restricted from opening tickets</strong>}
        </p>
        <ul className="list-disc pl-5 text-sm">
          <li className={findings.ticketVolume.count >= findings.ticketVolume.limit ? 'font-semibold' : ''}>
            {findings.ticketVolume.count} tickets opened (limit {findings.ticketVolume.limit} per {findings.ticketVolume.windowHours} h)
          </li>
          {findings.screened.map((item, i) => (
            <li key={`s${i}`}>
              {item.kind === 'ticket' ? 'Ticket' : 'Message on'}{' '}
              <Link to="/tickets/$ticketId" params={{ ticketId: item.ticketId }} className="text-indigo-700 underline dark:text-indigo-300">
                #{item.ticketNumber}
              </Link>{' '}
              held by screening{item.reason ? ` (${item.reason})` : ''}: “{item.excerpt}”
            </li>
          ))}
          {findings.nearDuplicates.map((group, i) => (
            <li key={`d${i}`}>
              Near-duplicate tickets ({Math.round(group.minSimilarity * 100)}% or more alike):{' '}
              {group.tickets.map((t, j) => (
                <span key={t.id}>
                  {j > 0 && ', '}
                  <Link to="/tickets/$ticketId" params={{ ticketId: t.id }} className="text-indigo-700 underline dark:text-indigo-300">
                    #{t.number} {t.title}
                  </Link>
                </span>
              ))}
            </li>
          ))}
        </ul>
        {report.status === 'reviewed' ? (
          <p className="text-sm">
            Reviewed {report.reviewedAt && <Time date={report.reviewedAt} />}
            {report.action === 'restricted' ? ': user restricted' : ''}
            {report.reviewNote ? ` — ${report.reviewNote}` : ''}
          </p>
        ) : (
          <ControlledText label="Note (for a restriction: the reason the user is shown)" value={note} onChange={setNote} multiline />
        )}
        <FormAlert message={act.error ? apiProblem(act.error).message : null} />
        <div className="flex flex-wrap gap-2">
          {report.status === 'open' && (
            <>
              <Button tone="secondary" isPending={act.isPending && act.variables === 'review'} isDisabled={act.isPending} onPress={() => act.mutate('review')}>
                Mark reviewed
              </Button>
              <Button tone="primary" isPending={act.isPending && act.variables === 'restrict'} isDisabled={act.isPending || note.trim() === ''} onPress={() => act.mutate('restrict')}>
                Restrict user
              </Button>
            </>
          )}
          {user.restrictedAt && (
            <Button tone="secondary" isPending={act.isPending && act.variables === 'lift'} isDisabled={act.isPending} onPress={() => act.mutate('lift')}>
              Lift restriction
            </Button>
          )}
        </div>
      </article>
    </li>
  );
}
