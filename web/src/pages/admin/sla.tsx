/**
 * SLA policies (which tickets they match, their targets, their business calendar), each
 * department's escalation group (escalation-groups.tsx) and the business calendars (each edited on
 * its own page). Edits apply to open tickets from then on: the API tells their workflows to
 * re-resolve their policy.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { DEFAULT_PAUSED_STATUSES, PAUSABLE_STATUSES, priorities, type TicketStatus } from '../../../../domain/vocabulary';
import { ConfirmButton, ControlledSelect, ControlledText, Toggle, cardClass, mutedClass, type Option } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { apiProblem } from '../../lib/errors';
import { priorityWords, statusLabel } from '../../lib/format';
import { queryClient, trpc, type RouterOutputs } from '../../trpc';
import { CalendarTimezonePicker, describeWeek } from './calendar-bits';
import { EscalationGroups } from './escalation-groups';

export const Route = createLazyRoute('/_authed/admin/sla')({ component: Sla });

type Policy = RouterOutputs['admin']['sla']['policy']['list'][number];
type Calendar = RouterOutputs['admin']['sla']['calendar']['list'][number];

const ANY = 'any';

function Sla() {
  return (
    <div className="flex flex-col gap-10">
      <Policies />
      <EscalationGroups />
      <Calendars />
    </div>
  );
}

/** "1 h 30 min", "2 d 4 h" (business time). */
function duration(minutes: number): string {
  const parts: string[] = [];
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = Math.round(minutes % 60);
  if (days) parts.push(`${days} d`);
  if (hours) parts.push(`${hours} h`);
  if (rest || parts.length === 0) parts.push(`${rest} min`);
  return parts.join(' ');
}

function Policies() {
  const policies = useQuery(trpc.admin.sla.policy.list.queryOptions());
  const calendars = useQuery(trpc.admin.sla.calendar.list.queryOptions());
  const departments = useQuery(trpc.admin.departments.list.queryOptions());
  const [adding, setAdding] = useState(false);
  const failed = policies.error ?? calendars.error ?? departments.error;
  return (
    <section aria-labelledby="policies-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 id="policies-title" className="text-2xl font-bold">
          SLA policies
        </h1>
        {!adding && <Button onPress={() => setAdding(true)}>New policy</Button>}
      </div>
      <p className={`text-sm ${mutedClass}`}>A ticket runs under the most specific active policy that matches it. Times are business time on the policy’s calendar.</p>
      {failed ? (
        <Failed error={failed} retry={() => void Promise.all([policies.refetch(), calendars.refetch(), departments.refetch()])} />
      ) : !policies.data || !calendars.data || !departments.data ? (
        <Loading what="SLA policies" />
      ) : (
        <>
          {adding && (
            <div className={cardClass}>
              <h2 className="mb-3 text-lg font-semibold">New policy</h2>
              <PolicyForm policy={null} calendars={calendars.data} departments={departments.data} onDone={() => setAdding(false)} />
            </div>
          )}
          {policies.data.length === 0 ? (
            <Empty>No SLA policies: tickets run without targets. Add one above.</Empty>
          ) : (
            <ul aria-label="SLA policies" className="flex flex-col gap-3">
              {policies.data.map((policy) => (
                <PolicyItem key={policy.id} policy={policy} calendars={calendars.data} departments={departments.data} />
              ))}
            </ul>
          )}
        </>
      )}
    </section>
  );
}

type Department = RouterOutputs['admin']['departments']['list'][number];

function PolicyItem({ policy, calendars, departments }: { policy: Policy; calendars: Calendar[]; departments: Department[] }) {
  const [editing, setEditing] = useState(false);
  const remove = useMutation(trpc.admin.sla.policy.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.sla.policy.list.queryKey() }) }));
  const calendar = calendars.find((c) => c.id === policy.calendarId);
  const department = departments.find((d) => d.id === policy.departmentId);
  const match = [
    policy.priority ? `${priorityWords[policy.priority]} priority` : 'any priority',
    department ? department.name : 'any department',
    policy.category ? `category “${policy.category}”` : null,
    policy.requesterGroup ? `requesters in “${policy.requesterGroup}”` : null,
  ].filter(Boolean);
  return (
    <li className={cardClass}>
      {editing ? (
        <PolicyForm policy={policy} calendars={calendars} departments={departments} onDone={() => setEditing(false)} />
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row sm:justify-between">
          <div className="min-w-0 text-sm">
            <p className="text-base font-medium">
              {policy.name}
              {!policy.active && <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">Inactive</span>}
            </p>
            <p className={mutedClass}>Matches {match.join(', ')}</p>
            <p>
              First response {duration(policy.firstResponseMinutes)} · next response {duration(policy.nextResponseMinutes)} · resolution {duration(policy.resolutionMinutes)}
            </p>
            <p className={mutedClass}>
              Calendar: {calendar?.name ?? 'unknown'} · warns at {policy.thresholds.map((t) => `${t} %`).join(', ')}
              {policy.pausedStatuses.length > 0 && ` · paused while ${policy.pausedStatuses.map((status) => statusLabel(status, true).toLowerCase()).join(' or ')}`}
            </p>
          </div>
          <div className="flex flex-wrap items-start gap-2">
            <Button tone="secondary" onPress={() => setEditing(true)} aria-label={`Edit ${policy.name}`}>
              Edit
            </Button>
            <ConfirmButton
              label="Delete"
              ariaLabel={`Delete ${policy.name}`}
              title={`Delete ${policy.name}?`}
              confirmLabel="Delete"
              isPending={remove.isPending}
              onConfirm={() => remove.mutate({ id: policy.id })}
            >
              Open tickets under this policy move to the next policy that matches them.
            </ConfirmButton>
          </div>
        </div>
      )}
      {remove.error && <FormAlert message={apiProblem(remove.error).message} />}
    </li>
  );
}

function PolicyForm({ policy, calendars, departments, onDone }: { policy: Policy | null; calendars: Calendar[]; departments: Department[]; onDone: () => void }) {
  const [name, setName] = useState(policy?.name ?? '');
  const [description, setDescription] = useState(policy?.description ?? '');
  const [active, setActive] = useState(policy?.active ?? true);
  const [priority, setPriority] = useState<string>(policy?.priority ?? ANY);
  const [departmentId, setDepartmentId] = useState(policy?.departmentId ?? ANY);
  const [category, setCategory] = useState(policy?.category ?? '');
  const [requesterGroup, setRequesterGroup] = useState(policy?.requesterGroup ?? '');
  const [calendarId, setCalendarId] = useState(policy?.calendarId ?? calendars[0]?.id ?? '');
  const [first, setFirst] = useState(String(policy?.firstResponseMinutes ?? 60));
  const [next, setNext] = useState(String(policy?.nextResponseMinutes ?? 240));
  const [resolution, setResolution] = useState(String(policy?.resolutionMinutes ?? 1440));
  const [thresholds, setThresholds] = useState((policy?.thresholds ?? [80, 100]).join(', '));
  const [paused, setPaused] = useState<TicketStatus[]>(policy?.pausedStatuses ?? [...DEFAULT_PAUSED_STATUSES]);
  const done = async () => {
    await queryClient.invalidateQueries({ queryKey: trpc.admin.sla.policy.list.queryKey() });
    onDone();
  };
  const create = useMutation(trpc.admin.sla.policy.create.mutationOptions({ onSuccess: done }));
  const update = useMutation(trpc.admin.sla.policy.update.mutationOptions({ onSuccess: done }));
  const save = policy ? update : create;
  const problem = save.error ? apiProblem(save.error) : null;
  const priorityOptions: Option[] = [{ id: ANY, name: 'Any priority' }, ...priorities.map((id) => ({ id, name: priorityWords[id] }))];
  const departmentOptions: Option[] = [{ id: ANY, name: 'Any department' }, ...departments.map((d) => ({ id: d.id, name: d.name }))];
  const text = (value: string) => (value.trim() === '' ? null : value);
  const number = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
  return (
    <form
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (save.isPending) return;
        const fields = {
          name,
          description: text(description),
          active,
          priority: priorities.find((p) => p === priority) ?? null,
          departmentId: departmentId === ANY ? null : departmentId,
          category: text(category),
          requesterGroup: text(requesterGroup),
          calendarId,
          firstResponseMinutes: number(first),
          nextResponseMinutes: number(next),
          resolutionMinutes: number(resolution),
          // Whole percentages of a target's time at which it warns; 100 is the breach.
          thresholds: thresholds
            .split(/[\s,]+/)
            .filter(Boolean)
            .map(Number),
          pausedStatuses: PAUSABLE_STATUSES.filter((status) => paused.includes(status)),
        };
        if (policy) update.mutate({ id: policy.id, ...fields });
        else create.mutate(fields);
      }}
    >
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      <div className="grid gap-3 sm:grid-cols-2">
        <ControlledText label="Name" value={name} onChange={setName} error={problem?.fields.name} isRequired />
        <ControlledSelect label="Business calendar" value={calendarId} onChange={setCalendarId} options={calendars.map((c) => ({ id: c.id, name: c.name }))} error={problem?.fields.calendarId} />
        <ControlledText label="Description" value={description} onChange={setDescription} error={problem?.fields.description} className="sm:col-span-2" />
      </div>
      <fieldset className="grid gap-3 sm:grid-cols-2">
        <legend className="mb-1 text-sm font-semibold">Which tickets it matches</legend>
        <ControlledSelect label="Priority" value={priority} onChange={setPriority} options={priorityOptions} error={problem?.fields.priority} />
        <ControlledSelect label="Department" value={departmentId} onChange={setDepartmentId} options={departmentOptions} error={problem?.fields.departmentId} />
        <ControlledText label="Category" value={category} onChange={setCategory} error={problem?.fields.category} description="Blank: any category." />
        <ControlledText label="Requester group" value={requesterGroup} onChange={setRequesterGroup} error={problem?.fields.requesterGroup} description="Blank: anyone." />
      </fieldset>
      <fieldset className="grid gap-3 sm:grid-cols-3">
        <legend className="mb-1 text-sm font-semibold">Targets, in business minutes</legend>
        <ControlledText label="First response" type="number" inputMode="decimal" value={first} onChange={setFirst} error={problem?.fields.firstResponseMinutes} />
        <ControlledText label="Next response" type="number" inputMode="decimal" value={next} onChange={setNext} error={problem?.fields.nextResponseMinutes} />
        <ControlledText label="Resolution" type="number" inputMode="decimal" value={resolution} onChange={setResolution} error={problem?.fields.resolutionMinutes} />
      </fieldset>
      <div className="grid gap-3 sm:grid-cols-2">
        <ControlledText
          label="Warn at (percent of the target used)"
          value={thresholds}
          onChange={setThresholds}
          error={problem?.fields.thresholds}
          description="Separated by commas; 100 (the breach) must be one of them, e.g. 50, 80, 100."
        />
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">The clock pauses while a ticket is</legend>
          {PAUSABLE_STATUSES.map((status) => (
            <Toggle
              key={status}
              label={statusLabel(status, true)}
              isSelected={paused.includes(status)}
              onChange={(on) => setPaused((all) => (on ? [...all, status] : all.filter((s) => s !== status)))}
            />
          ))}
          {problem?.fields.pausedStatuses && <p className="text-sm text-red-700 dark:text-red-300">{problem.fields.pausedStatuses}</p>}
        </fieldset>
      </div>
      <Toggle label="Active" isSelected={active} onChange={setActive} />
      <div className="flex gap-2">
        <Button type="submit" isPending={save.isPending}>
          {policy ? 'Save policy' : 'Create policy'}
        </Button>
        <Button tone="secondary" onPress={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}

function Calendars() {
  const calendars = useQuery(trpc.admin.sla.calendar.list.queryOptions());
  return (
    <section aria-labelledby="calendars-title" className="flex flex-col gap-4">
      <h2 id="calendars-title" className="text-xl font-bold">
        Business calendars
      </h2>
      <p className={`text-sm ${mutedClass}`}>When the SLA clock runs: open hours per weekday in the calendar’s timezone, and the holidays it stops on.</p>
      <NewCalendar />
      {calendars.isPending ? (
        <Loading what="calendars" />
      ) : calendars.isError ? (
        <Failed error={calendars.error} retry={() => void calendars.refetch()} />
      ) : calendars.data.length === 0 ? (
        <Empty>No calendars yet.</Empty>
      ) : (
        <ul aria-label="Business calendars" className="flex flex-col gap-3">
          {calendars.data.map((calendar) => (
            <CalendarItem key={calendar.id} calendar={calendar} />
          ))}
        </ul>
      )}
    </section>
  );
}

function CalendarItem({ calendar }: { calendar: Calendar }) {
  const remove = useMutation(trpc.admin.sla.calendar.delete.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.sla.calendar.list.queryKey() }) }));
  return (
    <li className={cardClass}>
      <div className="flex flex-col gap-3 sm:flex-row sm:justify-between">
        <div className="min-w-0 text-sm">
          <p className="text-base font-medium">{calendar.name}</p>
          <p className={mutedClass}>
            {calendar.timezone} · {calendar.alwaysOpen ? 'Always open (24×7)' : describeWeek(calendar.weeklyHours)}
            {!calendar.alwaysOpen && ` · ${calendar.holidays.length} ${calendar.holidays.length === 1 ? 'holiday' : 'holidays'}`}
          </p>
        </div>
        <div className="flex flex-wrap items-start gap-2">
          <Link
            to="/admin/sla/calendars/$calendarId"
            params={{ calendarId: calendar.id }}
            className="inline-flex min-h-10 items-center rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
            aria-label={`Edit ${calendar.name}`}
          >
            Edit
          </Link>
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${calendar.name}`}
            title={`Delete ${calendar.name}?`}
            confirmLabel="Delete"
            isPending={remove.isPending}
            onConfirm={() => remove.mutate({ id: calendar.id })}
          >
            Only a calendar no policy uses can be deleted.
          </ConfirmButton>
        </div>
      </div>
      {remove.error && <FormAlert message={apiProblem(remove.error).message} />}
    </li>
  );
}

/** A new calendar starts as Monday to Friday, 09:00–17:00; its page then edits the rest. */
function NewCalendar() {
  const [name, setName] = useState('');
  const [timezone, setTimezone] = useState(() => Intl.DateTimeFormat().resolvedOptions().timeZone);
  const navigate = useNavigate();
  const create = useMutation(
    trpc.admin.sla.calendar.create.mutationOptions({
      onSuccess: async (calendar) => {
        await queryClient.invalidateQueries({ queryKey: trpc.admin.sla.calendar.list.queryKey() });
        await navigate({ to: '/admin/sla/calendars/$calendarId', params: { calendarId: calendar.id } });
      },
    }),
  );
  const problem = create.error ? apiProblem(create.error) : null;
  return (
    <form
      noValidate
      aria-labelledby="new-calendar-title"
      className={`${cardClass} flex flex-col gap-3`}
      onSubmit={(event) => {
        event.preventDefault();
        if (create.isPending) return;
        const weekdays = [1, 2, 3, 4, 5] as const;
        create.mutate({ name, timezone, weeklyHours: weekdays.map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] });
      }}
    >
      <h3 id="new-calendar-title" className="font-semibold">
        New calendar
      </h3>
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      <div className="grid gap-3 sm:grid-cols-2">
        <ControlledText label="Calendar name" value={name} onChange={setName} error={problem?.fields.name} isRequired />
        <CalendarTimezonePicker value={timezone} onChange={setTimezone} error={problem?.fields.timezone} />
      </div>
      <Button type="submit" isPending={create.isPending} className="self-start">
        Create calendar
      </Button>
    </form>
  );
}
