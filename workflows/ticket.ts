/**
 * The ticket's lifecycle as one durable workflow (id `ticket-<number>`). Postgres holds the data;
 * this workflow decides what happens next and when — screening, triage, routing, SLA clocks on
 * business hours, escalation, auto-close, links — and keeps the ticket row current through
 * keyed, idempotent activities.
 *
 * Reading order: message handlers (every change runs one at a time through `exclusive`, after
 * firing whatever SLA threshold is already due, so a breach is never skipped), the intake, then
 * the main loop, which sleeps until the next deadline or change.
 *
 * Deterministic code only: no I/O, no Node built-ins, activities imported as types. Changes to
 * what running tickets do go behind patched() (see PATCHES); test/workflows/replay.test.ts
 * replays recorded histories of every earlier version.
 */
import {
  ActivityFailure,
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  TimeoutFailure,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { Priority, TicketStatus } from '../db/schema/enums';
import type { Activities } from '../worker/activities';

import type { TicketContext } from '../worker/activities/sla';
import { lifecycleFailure, lifecycleFailureTypes } from './lifecycle/errors';
import { priorities, roles } from './lifecycle/vocabulary';
import { assertAllowed, OPEN_STATUSES, type ActionRequest } from './lifecycle/rules';
import { agentReplied, ALL_TARGETS, createSla, markDone, nextDue, projection, reopened, requesterReplied, retargetAll, stepsFor, stopClocks, syncClocks, type DueItem } from './lifecycle/sla';
import { lifecycleView, ruleSubject, type LifecycleView } from './lifecycle/view';
import {
  assignUpdate,
  awaitPersistedUpdate,
  cancelUpdate,
  childTicketSignal,
  claimUpdate,
  confirmResolutionUpdate,
  escalateUpdate,
  linkUpdate,
  mergeUpdate,
  publicReplySignal,
  reclassifyUpdate,
  reopenUpdate,
  reviewUpdate,
  slaConfigChangedSignal,
  stateQuery,
  ticketWorkflowId,
  transitionUpdate,
  triageUpdate,
  unassignUpdate,
  unlinkUpdate,
  type PublicReply,
} from './messages';
import { ticketSearchAttributes as sa } from './search-attributes';
import { addBusinessDays } from './sla/calendar';
import { DEFAULT_LIFECYCLE_SETTINGS, FALLBACK_CALENDAR } from './sla/policy';
import type { Actor, EscalationAudience, EscalationStep, ExtraEvent, LiveEventDraft, LiveEventSpec, NotificationSpec, OutboxItem, TicketChange, TicketChangeResult, TicketRowPatch, TicketState, TicketWorkflowInput, TriageResult } from './types';

/** patched() ids, oldest first. Never reuse or remove one while tickets started before it may still run. */
export const PATCHES = {
  /** The full lifecycle (screening, SLA, escalation…) replaced the walking skeleton's intake (v0). */
  lifecycleV1: 'deskflow-lifecycle-v1',
  /** A ticket started by the skeleton (v0) gets its SLA clocks on its next step. */
  adoptV0: 'deskflow-adopt-v0-ticket',
} as const;

/** Database writes: retried until they succeed (a database outage delays a ticket, never loses a step). */
const db = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/** AI classification (screening, triage): bounded, so a failing or slow provider falls back to the rules within seconds. */
const ai = proxyActivities<Activities>({
  startToCloseTimeout: '4 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});
/** AI drafting writes text and may take longer; it runs beside the ticket, never in its way. */
const aiDraft = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 2 },
});
/** The rules fallbacks: local code, retried until done. */
const rules = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/** Live room events are best effort: a few tries, then the durable record (audit, notifications) stands. */
const live = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

const DAY = 86_400_000;

function initialState(input: TicketWorkflowInput): TicketState {
  return {
    ticketId: input.ticketId,
    number: input.number,
    requesterId: input.requesterId,
    status: 'new',
    priority: input.urgency,
    category: null,
    departmentId: null,
    departmentSlug: null,
    assigneeId: null,
    slaState: 'on_track',
    persisted: false,
    seq: 0,
    review: null,
    needsTriage: false,
    triage: null,
    escalationLevel: 0,
    sla: null,
    settings: null,
    firstRespondedAt: null,
    resolvedAt: null,
    closedAt: null,
    autoCloseAt: null,
    parent: null,
    openChildren: [],
    mergedInto: null,
    slaRefreshRequested: false,
  };
}

const isOpen = (status: TicketStatus) => OPEN_STATUSES.includes(status);
const iso = (ms: number) => new Date(ms).toISOString();
function errorMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) return `timed out (${cause.timeoutType ?? 'timeout'})`;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function assertActor(input: { actor?: Actor } | undefined): Actor {
  const actor = input?.actor;
  if (!actor || typeof actor.id !== 'string' || !roles.includes(actor.role) || (actor.departmentId !== null && typeof actor.departmentId !== 'string')) {
    throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'a lifecycle change must name its actor: { id, role, departmentId }');
  }
  return actor;
}

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const state: TicketState = input.carried ?? initialState(input);
  const now = () => Date.now();
  const settings = () => state.settings ?? DEFAULT_LIFECYCLE_SETTINGS;

  // ---------------------------------------------------------------------------------------------
  // Plumbing: one change at a time, wake-ups of the main loop, background work.

  let queue: Promise<unknown> = Promise.resolve();
  /** Changes queued or running; while there are any, the state may be behind the ticket row. */
  let changesInFlight = 0;
  /** Runs changes one after another, in arrival order (handlers and the main loop alike). */
  function exclusive<T>(fn: () => Promise<T>): Promise<T> {
    changesInFlight += 1;
    const run = queue.then(fn);
    queue = run.catch(() => undefined);
    // Counted down on a branch of its own: the callers' continuations (and so the order of the
    // commands they issue) stay exactly as they were, for replay.
    void queue.then(() => void (changesInFlight -= 1));
    return run;
  }

  let woken = false;
  const wake = () => void (woken = true);

  /**
   * Work beside the ticket (live events, a drafted reply): it never holds up a change and touches
   * no state. Each item stays in the carried outbox until done, so one cut short by
   * continue-as-new runs again in the next run (both are idempotent).
   */
  state.outbox ??= [];
  const background = new Set<Promise<void>>();
  let outboxSeq = 0;
  function runOutbox(item: OutboxItem) {
    const task = item.kind === 'live' ? live.publishLiveEvents(item.input) : draftFirstReply(item.assigneeId);
    const tracked: Promise<void> = task.then(
      () => undefined,
      () => undefined,
    );
    background.add(tracked);
    void tracked.then(() => {
      background.delete(tracked);
      state.outbox = state.outbox!.filter((i) => i.id !== item.id);
    });
  }
  function enqueue(item: { kind: 'live'; input: Extract<OutboxItem, { kind: 'live' }>['input'] } | { kind: 'draft'; assigneeId: string }) {
    const full: OutboxItem = { ...item, id: `${state.seq}/${outboxSeq++}` };
    state.outbox!.push(full);
    runOutbox(full);
  }
  for (const item of state.outbox) runOutbox(item);

  const check = (request: { actor?: Actor } | undefined, action: ActionRequest) => assertAllowed(ruleSubject(state), assertActor(request), action, now());
  const view = (): LifecycleView => ({ ...lifecycleView(state, now()), historyLength: workflowInfo().historyLength });

  // ---------------------------------------------------------------------------------------------
  // Persisting: the row projection, search attributes and live events after every change.

  let lastSearchAttributes = '';
  function publishSearchAttributes(at: number) {
    const dueAt = state.sla ? projection(state.sla, at, state.status).nextDueAt : null;
    const values = [state.status, state.priority, state.departmentSlug, state.assigneeId, state.slaState, dueAt];
    const key = JSON.stringify(values);
    if (key === lastSearchAttributes) return;
    lastSearchAttributes = key;
    upsertSearchAttributes([
      { key: sa.TicketStatus, value: state.status },
      { key: sa.TicketPriority, value: state.priority },
      { key: sa.TicketDepartment, value: state.departmentSlug },
      { key: sa.AssigneeId, value: state.assigneeId },
      { key: sa.SlaState, value: state.slaState },
      { key: sa.SlaDueAt, value: dueAt === null ? null : new Date(dueAt) },
    ]);
  }

  function rowProjection(at: number): TicketRowPatch {
    const proj = state.sla ? projection(state.sla, at, state.status) : null;
    if (proj) state.slaState = proj.slaState;
    else if (state.review) state.slaState = 'paused';
    return {
      status: state.status,
      priority: state.priority,
      category: state.category,
      departmentId: state.departmentId,
      assigneeId: state.assigneeId,
      heldForReview: state.review !== null,
      reviewReason: state.review?.reason ?? null,
      needsTriage: state.needsTriage,
      triageConfidence: state.triage?.confidence ?? null,
      escalationLevel: state.escalationLevel,
      slaPolicyId: state.sla?.policy.policyId ?? null,
      slaConfigVersion: state.sla?.configVersion ?? 0,
      slaState: state.slaState,
      responseDueAt: proj?.responseDueAt ?? null,
      resolutionDueAt: proj?.resolutionDueAt ?? null,
      firstRespondedAt: state.firstRespondedAt,
      resolvedAt: state.resolvedAt,
      closedAt: state.closedAt,
      autoCloseAt: state.autoCloseAt,
    };
  }

  type PersistOptions = {
    actor?: Actor | null;
    source?: TicketChange['source'];
    reason?: string | null;
    events?: ExtraEvent[];
    notifications?: NotificationSpec[];
    autoAssign?: TicketChange['autoAssign'];
    live?: LiveEventDraft[];
  };

  let persisted = { status: state.status, assigneeId: state.assigneeId, priority: state.priority };

  /** Writes the state as it is now (row, audit events, notifications), once per sequence number. */
  async function persist(kind: string, options: PersistOptions = {}): Promise<TicketChangeResult> {
    return (await persistSteps([{ kind, options }]))[0]!;
  }

  /**
   * Writes consecutive changes of the state as it is now in one activity (one transaction), each
   * keyed by its own sequence number; e.g. "triaged" then "assigned", where the activity picks the
   * assignee.
   */
  async function persistSteps(steps: { kind: string; options: PersistOptions }[]): Promise<TicketChangeResult[]> {
    const at = now();
    const set = rowProjection(at);
    const changes: TicketChange[] = steps.map(({ kind, options }) => {
      state.seq += 1;
      return {
        ticketId: state.ticketId,
        seq: state.seq,
        dedupeKey: `${workflowId}#${state.seq}`,
        kind,
        set,
        actorId: options.actor?.id ?? null,
        source: options.source ?? (options.actor ? 'api' : 'workflow'),
        reason: options.reason ?? null,
        events: options.events,
        notifications: options.notifications,
        autoAssign: options.autoAssign,
      };
    });
    const results = changes.length === 1 ? [await db.applyTicketChange(changes[0]!)] : await db.applyTicketChanges(changes);
    steps.forEach(({ options }, i) => {
      const result = results[i]!;
      if (options.autoAssign && result.assigneeId !== state.assigneeId) {
        state.assigneeId = result.assigneeId;
        if (result.assigneeId && state.status === 'triaged') setStatus('assigned', at);
      }
    });
    publishSearchAttributes(at);

    const last = changes.at(-1)!;
    const actorId = last.actorId;
    const events: LiveEventSpec[] = [];
    const id = (what: string) => `${workflowId}#${last.seq}/${what}`;
    if (persisted.status !== state.status) events.push({ id: id('status'), kind: 'status', from: persisted.status, to: state.status, notify: [] });
    if (persisted.assigneeId !== state.assigneeId) events.push({ id: id('assignment'), kind: 'assignment', assigneeId: state.assigneeId, previousAssigneeId: persisted.assigneeId, notify: state.assigneeId ? ['assignee'] : [] });
    if (persisted.priority !== state.priority) events.push({ id: id('priority'), kind: 'priority', from: persisted.priority, to: state.priority, notify: [] });
    steps.flatMap(({ options }) => options.live ?? []).forEach((event, i) => events.push({ ...event, id: id(`${event.kind}-${i}`) } as LiveEventSpec));
    persisted = { status: state.status, assigneeId: state.assigneeId, priority: state.priority };
    if (events.length > 0 && state.liveEvents !== false) {
      enqueue({ kind: 'live', input: { ticketId: state.ticketId, ticketNumber: state.number, departmentSlug: state.departmentSlug, at: iso(at), actorId, events } });
    }
    wake();
    return results;
  }

  /** The assignment notification of the change `offset` steps from now (its key names that change). */
  const assignmentNotice = (offset = 1): NotificationSpec => ({
    key: `assigned/${state.seq + offset}`,
    kind: 'assigned',
    audience: ['assignee'],
    strictAssignee: true,
    title: `Ticket #${state.number} is assigned to you`,
    body: input.title,
  });

  // ---------------------------------------------------------------------------------------------
  // Status, SLA and routing steps shared by the handlers.

  /** Moves the status and keeps the SLA clocks, resolution and closing times in step with it. */
  function setStatus(to: TicketStatus, at: number) {
    state.status = to;
    if (state.sla) state.sla = isOpen(to) ? syncClocks(state.sla, to, at) : stopClocks(state.sla, at, ALL_TARGETS);
    if (to === 'resolved') {
      state.resolvedAt = at;
      state.autoCloseAt = addBusinessDays(state.sla?.policy.calendar ?? FALLBACK_CALENDAR, at, settings().autoCloseBusinessDays);
    }
    if (to === 'closed') {
      state.closedAt = at;
      state.autoCloseAt = null;
    }
  }

  /** Tells the parent ticket when this child opens or closes (it may not resolve while a child is open). */
  async function tellParent(wasOpen: boolean) {
    const open = isOpen(state.status);
    if (!state.parent || open === wasOpen) return;
    await signalParent(state.parent.number, open);
  }
  async function signalParent(parentNumber: number, open: boolean) {
    try {
      await getExternalWorkflowHandle(ticketWorkflowId(parentNumber)).signal(childTicketSignal, { ticketId: state.ticketId, number: state.number, open });
    } catch {
      // The parent's workflow has finished (closed for good): nothing is waiting for this child.
    }
  }

  /** Adopts a department, policy and settings (triage, reclassification, escalation, policy edits). */
  function applyContext(ctx: TicketContext, at: number): { policyChanged: boolean; event: ExtraEvent | null } {
    state.settings = ctx.settings;
    state.liveEvents = ctx.liveEvents;
    if (ctx.department) {
      state.departmentId = ctx.department.id;
      state.departmentSlug = ctx.department.slug;
    }
    if (!state.sla) {
      state.sla = createSla(ctx.policy, ctx.configVersion, at, state.status);
      return { policyChanged: true, event: null };
    }
    const old = state.sla.policy;
    const changed = JSON.stringify(old) !== JSON.stringify(ctx.policy);
    state.sla = changed ? retargetAll(state.sla, ctx.policy, ctx.configVersion, at, state.status) : { ...state.sla, configVersion: ctx.configVersion };
    const describe = (p: typeof old) => ({
      policy: p.name,
      version: p.version,
      calendar: p.calendarName,
      targetsMinutes: { firstResponse: p.targets.firstResponseMs / 60_000, nextResponse: p.targets.nextResponseMs / 60_000, resolution: p.targets.resolutionMs / 60_000 },
    });
    return { policyChanged: changed, event: changed ? { key: `sla-policy/${state.seq + 1}`, kind: 'sla_policy_changed', field: 'slaPolicy', oldValue: describe(old), newValue: describe(ctx.policy) } : null };
  }

  const context = (overrides: { departmentId?: string | null; departmentSlug?: string | null; priority?: Priority; category?: string | null } = {}) =>
    db.resolveTicketContext({
      departmentId: overrides.departmentSlug ? null : (overrides.departmentId ?? state.departmentId),
      departmentSlug: overrides.departmentSlug ?? null,
      priority: overrides.priority ?? state.priority,
      category: overrides.category === undefined ? state.category : overrides.category,
      requesterId: state.requesterId,
    });

  /** The step that picks an agent (skills, availability, workload, round-robin) for a triaged ticket. */
  const assignStep = (): { kind: string; options: PersistOptions } => ({
    kind: 'assigned',
    options: { source: 'workflow', autoAssign: { pool: 'department', departmentId: state.departmentId!, category: state.category }, notifications: [assignmentNotice(1)] },
  });

  /** Picks an agent and drafts them a first reply. */
  async function autoAssign() {
    if (!state.departmentId || state.status !== 'triaged') return;
    const [result] = await persistSteps([assignStep()]);
    afterAutoAssign(result!);
  }

  function afterAutoAssign(result: TicketChangeResult) {
    if (result.assigneeId && state.firstRespondedAt === null) enqueue({ kind: 'draft', assigneeId: result.assigneeId });
  }

  /** Drafts the first reply for an assignee; if the provider fails, the template (the activity audits the fallback). */
  async function draftFirstReply(assigneeId: string) {
    const key = `suggestion/first_reply/${assigneeId}`;
    try {
      await aiDraft.draftFirstReply({ ticketId: state.ticketId, assigneeId, key });
    } catch (error) {
      await rules.draftFirstReply({ ticketId: state.ticketId, assigneeId, key, fallbackFrom: errorMessage(error) });
    }
  }

  /** An AI step with its rules fallback; the fallback is audited. */
  async function withFallback<T>(step: string, primary: () => Promise<T>, fallback: () => Promise<T>): Promise<{ result: T; event: ExtraEvent | null }> {
    try {
      return { result: await primary(), event: null };
    } catch (error) {
      const result = await fallback();
      return { result, event: { key: `ai-fallback/${step}/${state.seq}`, kind: 'ai_fallback', field: step, newValue: { step, error: errorMessage(error), fallback: 'rules' } } };
    }
  }

  /** Routes a triaged ticket: department, SLA, then the queue (low confidence) or an agent. */
  async function route(slaStart: number, triage: TriageResult, events: ExtraEvent[]) {
    const confidentModel = (min: number) => triage.method !== 'model' || triage.confidence >= min;
    let ctx = await context({ departmentSlug: triage.departmentSlug, priority: triage.priority, category: triage.category });
    if (!confidentModel(ctx.settings.triageMinConfidence) && triage.departmentHint && triage.departmentHint !== triage.departmentSlug) {
      ctx = await context({ departmentSlug: triage.departmentHint, priority: triage.priority, category: triage.category });
    }
    state.priority = triage.priority;
    state.category = triage.category;
    applyContext(ctx, slaStart);
    const confidence = `${triage.method} triage: ${triage.category ?? 'no category'}, confidence ${triage.confidence.toFixed(2)}`;
    if (!confidentModel(ctx.settings.triageMinConfidence)) {
      state.needsTriage = true;
      await persist('needs_triage', {
        source: 'ai',
        reason: `${confidence} is below ${ctx.settings.triageMinConfidence}: a person triages it`,
        events,
        notifications: [{ key: 'needs-triage', kind: 'needs_triage', audience: ['supervisor'], title: `Ticket #${state.number} needs triage`, body: input.title }],
      });
      return;
    }
    setStatus('triaged', now());
    const triaged = { kind: 'triaged', options: { source: triage.method === 'model' ? ('ai' as const) : ('workflow' as const), reason: confidence, events } };
    if (!state.departmentId) {
      await persist(triaged.kind, triaged.options);
      return;
    }
    // Triaged, then assigned: one transaction, each change keyed on its own.
    const assign = assignStep();
    assign.options.notifications = [assignmentNotice(2)];
    const [, assigned] = await persistSteps([triaged, assign]);
    afterAutoAssign(assigned!);
  }

  /** The row, screening and triage (side by side), then hold for review or route. */
  async function intake() {
    upsertMemo({ title: input.title });
    const openedAt = now();
    const text = { title: input.title, description: input.description };
    const inserted = db
      .insertTicket({ ticketId: input.ticketId, number: input.number, title: input.title, description: input.description, urgency: input.urgency, requesterId: input.requesterId, dedupeKey: `${workflowId}#created` })
      .then(() => {
        state.persisted = true; // the create call (awaitPersisted) returns now
        publishSearchAttributes(openedAt);
      });
    const [screening, triage] = await Promise.all([
      withFallback('screening', () => ai.screenTicket(text), () => rules.screenTicketByRules(text)),
      withFallback('triage', () => ai.triageTicket({ ...text, urgency: input.urgency }), () => rules.triageTicketByRules({ ...text, urgency: input.urgency })),
      inserted,
    ]);
    state.triage = triage.result;
    const events = [screening.event, triage.event].filter((e): e is ExtraEvent => e !== null);
    if (screening.result.flagged) {
      const ctx = await context({ departmentSlug: triage.result.departmentSlug, priority: triage.result.priority, category: triage.result.category });
      state.settings = ctx.settings;
      state.liveEvents = ctx.liveEvents;
      state.departmentId = ctx.department?.id ?? null;
      state.departmentSlug = ctx.department?.slug ?? null;
      state.priority = triage.result.priority;
      state.category = triage.result.category;
      state.review = { flags: screening.result.flags, reason: screening.result.reason };
      await persist('held_for_review', {
        source: 'ai',
        reason: screening.result.reason,
        events,
        notifications: [{ key: 'review', kind: 'review_needed', audience: ['supervisor'], title: `Ticket #${state.number} is held for review`, body: `${input.title} — ${screening.result.reason}` }],
      });
      return;
    }
    await route(openedAt, triage.result, events);
  }

  /** The walking skeleton's intake (v0), command for command, for tickets it started. */
  async function skeletonIntake() {
    upsertMemo({ title: input.title });
    await db.insertTicket({ ...input, dedupeKey: `${workflowId}#created` });
    state.persisted = true;
    const triage = await ai.triageTicket({ title: input.title, description: input.description, urgency: input.urgency });
    const department = await db.findDepartment({ slug: triage.departmentSlug });
    state.departmentSlug = department?.slug ?? null;
    const skeletonChange = async (kind: string, set: TicketRowPatch, reason: string) => {
      state.seq += 1;
      await db.applyTicketChange({ ticketId: state.ticketId, seq: state.seq, dedupeKey: `${workflowId}#${state.seq}`, kind, set, actorId: null, source: kind === 'triaged' && triage.method === 'model' ? 'ai' : 'workflow', reason });
      Object.assign(state, set);
      upsertSearchAttributes([
        { key: sa.TicketStatus, value: state.status },
        { key: sa.TicketPriority, value: state.priority },
        { key: sa.TicketDepartment, value: state.departmentSlug },
        { key: sa.AssigneeId, value: state.assigneeId },
        { key: sa.SlaState, value: state.slaState },
      ]);
    };
    await skeletonChange('triaged', { status: 'triaged', departmentId: department?.id ?? null, category: triage.category, priority: triage.priority }, `${triage.method} triage, confidence ${triage.confidence.toFixed(2)}`);
    if (department) {
      const agent = await db.pickAgent({ departmentId: department.id, category: triage.category });
      if (agent) await skeletonChange('assigned', { status: 'assigned', assigneeId: agent.id }, agent.reason);
    }
    persisted = { status: state.status, assigneeId: state.assigneeId, priority: state.priority };
  }

  /** A v0 ticket gets SLA clocks (from its creation) the first time it runs this code live. */
  async function adoptV0() {
    const ctx = await context();
    applyContext(ctx, workflowInfo().startTime.getTime());
    await persist('sla_started', { reason: 'ticket started before SLA tracking; clocks run from its creation' });
  }

  // ---------------------------------------------------------------------------------------------
  // SLA thresholds and escalation.

  type StepOutcome = { events: ExtraEvent[]; audience: Set<EscalationAudience>; autoAssign: TicketChange['autoAssign']; raise: boolean };

  /** Applies escalation steps: level, who to tell, a priority raise, a reassignment to the escalation group. */
  function runSteps(steps: EscalationStep[], keyPrefix: string, trigger: string, outcome: StepOutcome) {
    for (const step of steps) {
      const actions = [...step.notify.map((a) => `notify ${a}`), ...(step.raisePriority ? ['raise priority'] : []), ...(step.reassignToEscalationGroup ? ['reassign to escalation group'] : [])];
      outcome.events.push({ key: `${keyPrefix}/L${step.level}`, kind: 'escalated', field: 'escalationLevel', oldValue: state.escalationLevel, newValue: { level: step.level, trigger, actions } });
      state.escalationLevel = step.level;
      step.notify.forEach((a) => outcome.audience.add(a));
      if (step.raisePriority) outcome.raise = true;
      if (step.reassignToEscalationGroup && state.departmentId) outcome.autoAssign = { pool: 'escalation_group', departmentId: state.departmentId, category: state.category };
    }
  }

  async function raisePriority(at: number): Promise<ExtraEvent | null> {
    const index = priorities.indexOf(state.priority);
    if (index >= priorities.length - 1) return null;
    state.priority = priorities[index + 1]!;
    return applyContext(await context(), at).event;
  }

  /** Fires one due threshold or post-breach timer: audit event, notification, live event, escalation steps. */
  async function fire(item: DueItem) {
    const at = now();
    const policy = state.sla!.policy;
    const steps = stepsFor(policy, item, state.escalationLevel);
    state.sla = markDone(state.sla!, item, state.status, at);
    const outcome: StepOutcome = { events: [], audience: new Set(), autoAssign: undefined, raise: false };
    const dueAt = iso(item.dueAt);
    const liveEvents: PersistOptions['live'] = [];
    let kind = 'escalated';
    let trigger: string;
    const cycleKey = `${item.target}/${item.cycle}`;
    if (item.type === 'threshold') {
      kind = item.percent < 100 ? 'sla_warning' : item.percent === 100 ? 'sla_breached' : 'sla_overdue';
      trigger = `${item.percent} % of ${item.target.replace('_', ' ')}`;
      outcome.events.push({
        key: `sla/${cycleKey}/${item.percent}`,
        kind,
        field: item.target,
        newValue: { target: item.target, percent: item.percent, cycle: item.cycle, dueAt, firedAt: iso(at), lateMs: at - item.dueAt, policy: policy.name },
      });
      outcome.audience.add('assignee');
      if (item.percent >= 100) outcome.audience.add('supervisor');
      liveEvents.push(item.percent >= 100 ? { kind: 'sla_breach', target: item.target, dueAt, notify: ['assignee', 'supervisor'] } : { kind: 'sla_warning', target: item.target, dueAt, elapsedPercent: item.percent, notify: ['assignee'] });
    } else {
      if (steps.length === 0) return; // a higher level already ran
      trigger = `${item.target.replace('_', ' ')} breached and still open after the escalation delay`;
    }
    runSteps(steps, `escalation/${cycleKey}/${item.type === 'threshold' ? item.percent : 'timer'}`, trigger, outcome);
    if (outcome.raise) {
      const event = await raisePriority(at);
      if (event) outcome.events.push(event);
    }
    const title =
      item.type === 'threshold'
        ? `Ticket #${state.number}: ${item.target.replace('_', ' ')} SLA ${item.percent >= 100 ? (item.percent === 100 ? 'breached' : `${item.percent} % elapsed`) : `at ${item.percent} %`}`
        : `Ticket #${state.number} escalated to level ${state.escalationLevel}`;
    await persist(kind, {
      source: 'workflow',
      reason: steps.length > 0 ? `${trigger}: escalation level ${state.escalationLevel}` : trigger,
      events: outcome.events,
      notifications: outcome.audience.size > 0 ? [{ key: outcome.events[0]!.key, kind, audience: [...outcome.audience], title, body: `${input.title} (due ${dueAt}, policy ${policy.name})` }] : [],
      autoAssign: outcome.autoAssign,
      live: liveEvents,
    });
  }

  /** Fires everything due by now, in order. Called before every change, so a pause never skips a breach. */
  async function catchUp() {
    for (let i = 0; state.sla && i < 100; i++) {
      const item = nextDue(state.sla, now());
      if (!item || item.dueAt > now()) return;
      await fire(item);
    }
  }

  async function refreshSla() {
    state.slaRefreshRequested = false;
    if (!state.sla) return;
    const at = now();
    const { policyChanged, event } = applyContext(await context(), at);
    await persist(policyChanged ? 'sla_policy_changed' : 'sla_projection', { reason: policyChanged ? 'the SLA configuration changed; deadlines recomputed from the business time already accrued' : null, events: event ? [event] : [] });
  }

  async function onWake() {
    await catchUp();
    if (state.slaRefreshRequested) await refreshSla();
    if (state.status === 'resolved' && state.autoCloseAt !== null && now() >= state.autoCloseAt) {
      setStatus('closed', now());
      await persist('auto_closed', { reason: `no reply from the requester within ${settings().autoCloseBusinessDays} business days of the resolution` });
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Handlers. Validators run the same rules the handlers re-check once it is their turn.

  setHandler(stateQuery, view);

  setHandler(awaitPersistedUpdate, async () => {
    await condition(() => state.persisted);
    return view();
  });

  /**
   * Registers a lifecycle Update. Its validator checks the rules (role, scope, status) so an
   * illegal move on a settled ticket never reaches history; the handler checks them again once it
   * is its turn (an earlier change may have moved the ticket since), runs `apply`, and answers the
   * new state.
   */
  function onLifecycleUpdate<R extends { actor: Actor }>(
    update: UpdateDefinition<LifecycleView, [R]>,
    action: (request: R | undefined) => ActionRequest,
    apply: (request: R, to: TicketStatus) => Promise<void>,
    validateInput?: (request: R) => void,
  ) {
    setHandler(
      update,
      (request) =>
        exclusive(async () => {
          await apply(request, check(request, action(request)));
          return view();
        }),
      {
        validator: (request) => {
          // While a change is in flight (its row may already be written), the state can be a step
          // behind what the caller saw: the handler checks once that change is done. The Update is
          // then refused by its handler instead of here (recorded in history, same error).
          if (changesInFlight === 0) check(request, action(request));
          validateInput?.(request);
        },
      },
    );
  }

  /** A plain status move: clocks caught up, the change persisted, a parent told if the ticket opened or closed. */
  async function moveTo(to: TicketStatus, kind: string, request: { actor: Actor; reason?: string | null }) {
    await catchUp();
    const wasOpen = isOpen(state.status);
    setStatus(to, now());
    await persist(kind, { actor: request.actor, reason: request.reason });
    await tellParent(wasOpen);
  }

  onLifecycleUpdate(
    transitionUpdate,
    (request) => ({ action: 'transition', to: request?.to }),
    (request, to) => moveTo(to, 'status_changed', request),
  );

  onLifecycleUpdate(
    triageUpdate,
    () => ({ action: 'triage' }),
    async (request) => {
      const ctx = await context({ departmentId: request.departmentId, priority: request.priority, category: request.category });
      if (!ctx.department) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number}: department ${request.departmentId} does not exist.`);
      await catchUp();
      const at = now();
      state.priority = request.priority;
      state.category = request.category;
      const { event } = applyContext(ctx, at);
      state.needsTriage = false;
      setStatus('triaged', at);
      await persist('triaged', { actor: request.actor, reason: request.reason, events: event ? [event] : [] });
      await autoAssign();
    },
  );

  onLifecycleUpdate(
    reviewUpdate,
    (request) => ({ action: 'review', to: request?.decision === 'reject' ? 'rejected' : 'triaged' }),
    async (request) => {
      const review = state.review!;
      state.review = null;
      if (request.decision === 'reject') {
        setStatus('rejected', now());
        await persist('rejected', { actor: request.actor, reason: request.reason ?? review.reason });
        return;
      }
      await persist('released', { actor: request.actor, reason: request.reason ?? `screening flagged ${review.flags.join(', ')}; an agent released it` });
      await route(now(), state.triage!, []);
    },
  );

  async function assignTo(actor: Actor, assigneeId: string, kind: string, reason: string | null | undefined) {
    if (assigneeId === state.assigneeId) return;
    const found = await db.checkAssignee({ assigneeId, departmentId: state.departmentId });
    if (!found.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} cannot be assigned to that user: ${found.problem}.`);
    await catchUp();
    state.assigneeId = assigneeId;
    if (state.status === 'triaged') setStatus('assigned', now());
    await persist(kind, { actor, reason, notifications: [assignmentNotice()] });
    if (state.firstRespondedAt === null) enqueue({ kind: 'draft', assigneeId });
  }

  onLifecycleUpdate(
    assignUpdate,
    () => ({ action: 'assign' }),
    (request) => assignTo(request.actor, request.assigneeId, 'assigned', request.reason),
    (request) => {
      if (typeof request.assigneeId !== 'string') throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'assigneeId is required');
    },
  );

  onLifecycleUpdate(
    claimUpdate,
    () => ({ action: 'claim' }),
    (request) => assignTo(request.actor, request.actor.id, 'claimed', request.reason),
  );

  onLifecycleUpdate(
    unassignUpdate,
    () => ({ action: 'unassign' }),
    async (request) => {
      await catchUp();
      state.assigneeId = null;
      setStatus('triaged', now());
      await persist('unassigned', { actor: request.actor, reason: request.reason });
    },
  );

  onLifecycleUpdate(
    escalateUpdate,
    () => ({ action: 'escalate' }),
    async (request) => {
      await catchUp();
      const at = now();
      const level = state.escalationLevel + 1;
      const step = state.sla?.policy.escalation.find((s) => s.level === level) ?? { level, target: 'any', trigger: { atPercent: 100 }, notify: ['supervisor'], raisePriority: false, reassignToEscalationGroup: false };
      const outcome: StepOutcome = { events: [], audience: new Set(), autoAssign: undefined, raise: false };
      runSteps([step], `escalation/manual/${state.seq + 1}`, `manual escalation by ${request.actor.role}`, outcome);
      if (outcome.raise) {
        const event = await raisePriority(at);
        if (event) outcome.events.push(event);
      }
      await persist('escalated', {
        actor: request.actor,
        reason: request.reason,
        events: outcome.events,
        notifications: [{ key: outcome.events[0]!.key, kind: 'escalated', audience: [...outcome.audience], title: `Ticket #${state.number} escalated to level ${level}`, body: `${input.title} — ${request.reason}` }],
        autoAssign: outcome.autoAssign,
      });
    },
    (request) => {
      if (typeof request.reason !== 'string' || request.reason.trim() === '') throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'a manual escalation needs a reason');
    },
  );

  onLifecycleUpdate(
    reclassifyUpdate,
    () => ({ action: 'reclassify' }),
    async (request) => {
      const ctx = await context({ departmentId: request.departmentId ?? state.departmentId, priority: request.priority, category: request.category });
      if (request.departmentId && !ctx.department) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number}: department ${request.departmentId} does not exist.`);
      await catchUp();
      const at = now();
      const departmentChanged = ctx.department !== null && ctx.department.id !== state.departmentId;
      if (request.priority) state.priority = request.priority;
      if (request.category !== undefined) state.category = request.category;
      const { event } = applyContext(ctx, at);
      if (departmentChanged && state.assigneeId) {
        // Another department's queue takes it from the start.
        state.assigneeId = null;
        if (state.status !== 'new') setStatus('triaged', at);
      }
      await persist('reclassified', { actor: request.actor, reason: request.reason, events: event ? [event] : [] });
      if (departmentChanged) await autoAssign();
    },
    (request) => {
      if (request.priority === undefined && request.category === undefined && request.departmentId === undefined) {
        throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'name a new priority, category or department');
      }
    },
  );

  onLifecycleUpdate(
    reopenUpdate,
    () => ({ action: 'reopen' }),
    async (request) => {
      const at = now();
      const wasOpen = isOpen(state.status);
      state.resolvedAt = null;
      state.closedAt = null;
      state.autoCloseAt = null;
      state.escalationLevel = 0;
      setStatus(state.assigneeId ? 'assigned' : 'triaged', at);
      if (state.sla) state.sla = reopened(state.sla, at, state.status);
      await persist('reopened', { actor: request.actor, reason: request.reason });
      if (!state.assigneeId) await autoAssign();
      await tellParent(wasOpen);
    },
  );

  onLifecycleUpdate(
    cancelUpdate,
    () => ({ action: 'cancel' }),
    (request) => moveTo('cancelled', 'cancelled', request),
  );

  onLifecycleUpdate(
    confirmResolutionUpdate,
    () => ({ action: 'confirmResolution' }),
    async (request) => {
      setStatus('closed', now());
      await persist('closed', { actor: request.actor, reason: request.reason ?? 'the requester confirmed the resolution' });
    },
  );

  onLifecycleUpdate(
    mergeUpdate,
    () => ({ action: 'merge' }),
    async (request) => {
      const merged = await db.mergeTickets({ duplicateId: state.ticketId, primaryId: request.primaryTicketId, actorId: request.actor.id, reason: request.reason ?? null });
      if (!merged.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} cannot be merged: ${merged.problem}.`);
      await catchUp();
      const wasOpen = isOpen(state.status);
      state.mergedInto = { ticketId: request.primaryTicketId, number: merged.targetNumber };
      setStatus('closed', now());
      await persist('merged', {
        actor: request.actor,
        reason: request.reason ?? `duplicate of #${merged.targetNumber}`,
        events: [{ key: 'merged-into', kind: 'merged_into', field: null, newValue: { ticketId: request.primaryTicketId, number: merged.targetNumber, movedComments: merged.movedComments ?? 0 } }],
      });
      await tellParent(wasOpen);
    },
    (request) => {
      if (request.primaryTicketId === state.ticketId) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'a ticket cannot be merged into itself');
    },
  );

  onLifecycleUpdate(
    linkUpdate,
    () => ({ action: 'link' }),
    async (request) => {
      if (request.kind === 'parent' && state.parent && state.parent.ticketId !== request.targetTicketId) {
        throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} already has parent #${state.parent.number}; unlink it first.`);
      }
      const linked = await db.linkTickets({ ticketId: state.ticketId, targetTicketId: request.targetTicketId, kind: request.kind === 'parent' ? 'child_of' : 'related_to', actorId: request.actor.id });
      if (!linked.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} cannot be linked: ${linked.problem}.`);
      if (request.kind === 'parent') {
        state.parent = { ticketId: request.targetTicketId, number: linked.targetNumber };
        await signalParent(linked.targetNumber, isOpen(state.status));
      }
      await persist('linked', {
        actor: request.actor,
        reason: request.reason,
        events: [{ key: `link/${state.seq + 1}`, kind: 'linked', field: request.kind, newValue: { ticketId: request.targetTicketId, number: linked.targetNumber } }],
      });
    },
  );

  onLifecycleUpdate(
    unlinkUpdate,
    () => ({ action: 'unlink' }),
    async (request) => {
      const unlinked = await db.unlinkTickets({ ticketId: state.ticketId, targetTicketId: request.targetTicketId, kind: request.kind === 'parent' ? 'child_of' : 'related_to' });
      if (!unlinked.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} cannot be unlinked: ${unlinked.problem}.`);
      if (request.kind === 'parent' && state.parent?.ticketId === request.targetTicketId) {
        await signalParent(state.parent.number, false);
        state.parent = null;
      }
      await persist('unlinked', {
        actor: request.actor,
        reason: request.reason,
        events: [{ key: `unlink/${state.seq + 1}`, kind: 'unlinked', field: request.kind, newValue: { ticketId: request.targetTicketId, number: unlinked.targetNumber } }],
      });
    },
  );

  setHandler(publicReplySignal, (reply: PublicReply) => exclusive(() => onPublicReply(reply)));

  async function onPublicReply(reply: PublicReply) {
    if (!state.sla || !state.persisted || !(isOpen(state.status) || state.status === 'resolved') || state.review) return;
    const seen = (state.repliesSeen ??= []);
    if (seen.includes(reply.commentId)) return;
    seen.push(reply.commentId);
    if (seen.length > 100) seen.splice(0, seen.length - 100);
    await catchUp();
    const at = now();
    const fromRequester = reply.authorId === state.requesterId || reply.authorRole === 'requester';
    const actor = { id: reply.authorId, role: reply.authorRole, departmentId: null };
    if (!fromRequester) {
      const before = JSON.stringify(state.sla.clocks);
      state.sla = agentReplied(state.sla, at);
      const first = state.firstRespondedAt === null;
      if (first) state.firstRespondedAt = at;
      if (first) await persist('first_response', { actor, reason: `public reply ${reply.commentId}` });
      else if (before !== JSON.stringify(state.sla.clocks)) await persist('sla_projection', { actor });
      return;
    }
    let kind = 'sla_projection';
    let reason: string | null = null;
    if (state.status === 'waiting_on_customer') {
      setStatus('in_progress', at);
      kind = 'status_changed';
      reason = 'the requester replied';
    } else if (state.status === 'resolved') {
      state.autoCloseAt = addBusinessDays(state.sla.policy.calendar, at, settings().autoCloseBusinessDays);
      kind = 'auto_close_postponed';
      reason = 'the requester replied to the resolution';
    }
    state.sla = requesterReplied(state.sla, at, state.status);
    await persist(kind, { actor, source: 'api', reason });
  }

  setHandler(slaConfigChangedSignal, ({ version }) => {
    if (state.sla && version > state.sla.configVersion) {
      state.slaRefreshRequested = true;
      wake();
    }
  });

  setHandler(childTicketSignal, (child) => {
    const others = state.openChildren.filter((c) => c.ticketId !== child.ticketId);
    state.openChildren = child.open ? [...others, { ticketId: child.ticketId, number: child.number }] : others;
  });

  // ---------------------------------------------------------------------------------------------
  // Intake, then the main loop.

  if (!state.persisted) {
    if (patched(PATCHES.lifecycleV1)) await exclusive(intake);
    else await exclusive(skeletonIntake);
  }

  const finished = (at: number) =>
    state.status === 'cancelled' || state.status === 'rejected' || (state.status === 'closed' && (state.mergedInto !== null || at > state.closedAt! + settings().reopenWindowDays * DAY));

  function nextWakeAt(at: number): number | null {
    const candidates: number[] = [];
    const due = state.sla ? nextDue(state.sla, at) : null;
    if (due) candidates.push(due.dueAt);
    if (state.status === 'resolved' && state.autoCloseAt !== null) candidates.push(state.autoCloseAt);
    if (state.status === 'closed' && state.closedAt !== null) candidates.push(state.closedAt + settings().reopenWindowDays * DAY + 1);
    return candidates.length > 0 ? Math.min(...candidates) : null;
  }

  for (;;) {
    if (finished(now())) break;
    if (!state.sla && !state.review && state.persisted && isOpen(state.status) && patched(PATCHES.adoptV0)) await exclusive(adoptV0);
    woken = false;
    const at = now();
    const wakeAt = nextWakeAt(at);
    if (wakeAt === null) await condition(() => woken);
    else if (wakeAt > at) await condition(() => woken, wakeAt - at);
    await exclusive(onWake);
    const info = workflowInfo();
    if (!finished(now()) && (info.continueAsNewSuggested || info.historyLength >= settings().historyEventBudget)) {
      // Updates in progress finish here; background work still running is carried in the outbox.
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketWorkflow>({ ...input, carried: state });
    }
  }
  await condition(allHandlersFinished);
  while (background.size > 0) await Promise.all([...background]);
}
