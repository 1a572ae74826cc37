/**
 * SLA policies (which tickets they match, their targets, their business calendar), each
 * department's escalation group (escalation-groups.tsx) and the business calendars (each edited on
 * its own page). Edits apply to open tickets from then on: the API tells their workflows to
 * re-resolve their policy.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import {
  DEFAULT_ESCALATION_CHAIN,
  DEFAULT_PAUSED_STATUSES,
  PAUSABLE_STATUSES,
  escalationAudiences,
  priorities,
  type EscalationAudience,
  type EscalationStep,
  type TicketStatus,
} from '../../../../domain/vocabulary';
import { ConfirmButton, ControlledSelect, ControlledText, Toggle, cardClass, mutedClass, type Option } from '../../components/controls';
import { Button, FormAlert, errorClass } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { apiProblem, issuesUnder, type ApiProblem } from '../../lib/errors';
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
            <p className={mutedClass}>{describeChain(policy.escalation)}</p>
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
  // A new policy sends no chain: the API gives it the default one.
  const [chain, setChain] = useState<StepDraft[] | null>(policy ? policy.escalation.map(draftOf) : null);
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
          ...(chain ? { escalation: chain.map(stepOf) } : {}),
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
      {chain ? (
        <ChainEditor steps={chain} onChange={setChain} problem={problem} />
      ) : (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <span className={mutedClass}>Escalation chain: the default ({describeChain(DEFAULT_ESCALATION_CHAIN)}).</span>
          <Button tone="secondary" onPress={() => setChain(DEFAULT_ESCALATION_CHAIN.map(draftOf))}>
            Edit the escalation chain
          </Button>
        </div>
      )}
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

// ---------------------------------------------------------------------------------------------
// The escalation chain: what happens, level by level, as a target's time runs out.

type Trigger = 'percent' | 'breach';
type StepDraft = {
  /** React's key for the row: stays when the level is edited. */
  key: number;
  level: string;
  target: EscalationStep['target'];
  when: Trigger;
  amount: string;
  notify: EscalationAudience[];
  raisePriority: boolean;
  reassign: boolean;
};

const targetOptions: Option[] = [
  { id: 'any', name: 'Any target' },
  { id: 'first_response', name: 'First response' },
  { id: 'next_response', name: 'Next response' },
  { id: 'resolution', name: 'Resolution' },
];
const whenOptions: Option[] = [
  { id: 'percent', name: 'At N % of the target’s time' },
  { id: 'breach', name: 'N minutes after the breach' },
];
const audienceWords: Record<EscalationAudience, string> = { assignee: 'Assignee', supervisor: 'Supervisors', escalation_group: 'Escalation group' };

let nextKey = 0;
function draftOf(step: EscalationStep): StepDraft {
  const breach = 'afterBreachMinutes' in step.trigger;
  return {
    key: nextKey++,
    level: String(step.level),
    target: step.target,
    when: breach ? 'breach' : 'percent',
    amount: String('afterBreachMinutes' in step.trigger ? step.trigger.afterBreachMinutes : step.trigger.atPercent),
    notify: [...step.notify],
    raisePriority: step.raisePriority,
    reassign: step.reassignToEscalationGroup,
  };
}

/** As the API takes it; an empty number is NaN, which the API refuses beside its field. */
function stepOf(draft: StepDraft): EscalationStep {
  const number = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));
  const amount = number(draft.amount);
  return {
    level: number(draft.level),
    target: draft.target,
    trigger: draft.when === 'breach' ? { afterBreachMinutes: amount } : { atPercent: amount },
    notify: escalationAudiences.filter((a) => draft.notify.includes(a)),
    raisePriority: draft.raisePriority,
    reassignToEscalationGroup: draft.reassign,
  };
}

/** "Escalates: level 1 at 75 % (notify assignee), level 2 at breach + 30 min (supervisors, raise priority)". */
function describeChain(chain: readonly EscalationStep[]): string {
  if (chain.length === 0) return 'Never escalates.';
  const audience: Record<EscalationAudience, string> = { assignee: 'assignee', supervisor: 'supervisors', escalation_group: 'escalation group' };
  const steps = [...chain]
    .sort((a, b) => a.level - b.level)
    .map((step) => {
      const when = 'afterBreachMinutes' in step.trigger ? `at breach + ${duration(step.trigger.afterBreachMinutes)}` : `at ${step.trigger.atPercent} %`;
      const clock = step.target === 'any' ? '' : ` of ${targetOptions.find((o) => o.id === step.target)?.name.toLowerCase() ?? step.target}`;
      const actions = [
        step.notify.length > 0 ? `notify ${step.notify.map((a) => audience[a]).join(' and ')}` : null,
        step.raisePriority ? 'raise priority' : null,
        step.reassignToEscalationGroup ? 'reassign to escalation group' : null,
      ].filter(Boolean);
      return `level ${step.level} ${when}${clock} (${actions.join(', ')})`;
    });
  return `Escalates: ${steps.join(', ')}`;
}

function ChainEditor({ steps, onChange, problem }: { steps: StepDraft[]; onChange: (steps: StepDraft[]) => void; problem: ApiProblem | null }) {
  const chainError = issuesUnder(problem, ['escalation'])[''] ?? null;
  const change = (key: number, patch: Partial<StepDraft>) => onChange(steps.map((s) => (s.key === key ? { ...s, ...patch } : s)));
  const used = new Set(steps.map((s) => Number(s.level)));
  const freeLevel = [1, 2, 3, 4, 5, 6, 7, 8, 9].find((level) => !used.has(level));
  return (
    <fieldset className="flex flex-col gap-3" aria-describedby={chainError ? 'escalation-chain-error' : undefined}>
      <legend className="mb-1 text-sm font-semibold">Escalation chain</legend>
      <p className={`text-sm ${mutedClass}`}>Each level fires once per cycle of the clock it watches. A step must notify someone, raise the priority or reassign.</p>
      {chainError && (
        <p id="escalation-chain-error" role="alert" className={errorClass}>
          {chainError}
        </p>
      )}
      {steps.length === 0 && <p className="text-sm">No steps: tickets under this policy never escalate.</p>}
      {steps.map((step, index) => (
        <StepEditor
          key={step.key}
          step={step}
          errors={issuesUnder(problem, ['escalation', index])}
          onChange={(patch) => change(step.key, patch)}
          onRemove={() => onChange(steps.filter((s) => s.key !== step.key))}
        />
      ))}
      {freeLevel !== undefined && (
        <Button
          tone="secondary"
          className="self-start"
          onPress={() => onChange([...steps, { key: nextKey++, level: String(freeLevel), target: 'any', when: 'percent', amount: '100', notify: ['assignee'], raisePriority: false, reassign: false }])}
        >
          Add a step
        </Button>
      )}
    </fieldset>
  );
}

function StepEditor({ step, errors, onChange, onRemove }: { step: StepDraft; errors: Record<string, string>; onChange: (patch: Partial<StepDraft>) => void; onRemove: () => void }) {
  const name = `Level ${step.level.trim() || '(no number)'}`;
  const id = `escalation-step-${step.key}`;
  const stepError = errors[''] ?? errors.notify ?? errors.raisePriority ?? errors.reassignToEscalationGroup ?? null;
  return (
    <fieldset className={`${cardClass} flex flex-col gap-3`} aria-describedby={stepError ? `${id}-error` : undefined}>
      <legend className="px-1 text-sm font-semibold">{name}</legend>
      {stepError && (
        <p id={`${id}-error`} role="alert" className={errorClass}>
          {stepError}
        </p>
      )}
      <div className="grid gap-3 sm:grid-cols-4">
        <ControlledText label="Level" type="number" inputMode="numeric" value={step.level} onChange={(level) => onChange({ level })} error={errors.level} />
        <ControlledSelect
          label="Which clock"
          value={step.target}
          onChange={(target) => onChange({ target: targetOptions.find((o) => o.id === target) ? (target as StepDraft['target']) : 'any' })}
          options={targetOptions}
          error={errors.target}
        />
        <ControlledSelect label="When" value={step.when} onChange={(when) => onChange({ when: when === 'breach' ? 'breach' : 'percent' })} options={whenOptions} />
        <ControlledText
          label={step.when === 'breach' ? 'Minutes after the breach' : 'Percent of the target’s time'}
          type="number"
          inputMode="numeric"
          value={step.amount}
          onChange={(amount) => onChange({ amount })}
          error={errors.trigger}
          description={step.when === 'percent' ? '100 is the breach.' : undefined}
        />
      </div>
      <div className="flex flex-wrap gap-x-6 gap-y-2">
        <fieldset className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">Who is told</legend>
          {escalationAudiences.map((audience) => (
            <Toggle
              key={audience}
              label={audienceWords[audience]}
              isSelected={step.notify.includes(audience)}
              onChange={(on) => onChange({ notify: on ? [...step.notify, audience] : step.notify.filter((a) => a !== audience) })}
            />
          ))}
        </fieldset>
        <div className="flex flex-col gap-1 sm:pt-6">
          <Toggle label="Raise the priority" isSelected={step.raisePriority} onChange={(raisePriority) => onChange({ raisePriority })} />
          <Toggle label="Reassign to the escalation group" isSelected={step.reassign} onChange={(reassign) => onChange({ reassign })} />
        </div>
      </div>
      <Button tone="secondary" className="self-start" onPress={onRemove} aria-label={`Remove ${name.toLowerCase()}`}>
        Remove
      </Button>
    </fieldset>
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
