/**
 * A ticket's lifecycle state and every move on it, as a plain class: no I/O, no Temporal, no clock
 * of its own (each move takes the instant it happens at). The rules (../lifecycle/rules.ts) say
 * whether a move is allowed and which status it leads to; the workflow (./workflow.ts) decides
 * when a move runs and persists what it did. Unit-tested without a server
 * (test/unit/ticket-entity.test.ts).
 *
 * Moves mutate `state` in place: it is the object the workflow carries across continue-as-new.
 */
import { isIn, OPEN_STATUSES, priorities, roles, type NotificationKind, type Priority, type Role, type TicketEventKind, type TicketStatus } from '../../domain/vocabulary';
import { lifecycleFailure, lifecycleFailureTypes } from '../lifecycle/errors';
import { assertAllowed, statusAfterReclassify, statusAfterRequesterReply, targetStatus, type ActionRequest, type StaffPowers } from '../lifecycle/rules';
import { agentReplied, ALL_TARGETS, createSla, markDone, nextDue, projection, reopened, requesterReplied, retargetAll, stepsFor, stopClocks, syncClocks, type DueItem } from '../lifecycle/sla';
import { lifecycleView, ruleSubject, type LifecycleView } from '../lifecycle/view';
import type { ChildTicketChange, PublicReply } from '../messages';
import { addBusinessDays } from '../sla/calendar';
import { accruedAt, isStopped, slaState as clockSlaState, type SlaClockState } from '../sla/clock';
import { DEFAULT_LIFECYCLE_SETTINGS, FALLBACK_CALENDAR } from '../sla/policy';
import type {
  Actor,
  EscalationAudience,
  EscalationStep,
  ExtraEvent,
  LifecycleSettings,
  LiveEventDraft,
  ScreeningResult,
  SlaClockFigures,
  TicketChange,
  TicketFactsPatch,
  TicketContext,
  TicketRowPatch,
  TicketState,
  TicketWorkflowInput,
  TriageResult,
} from '../types';

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString();

/** What escalation steps did: audit events, who to tell, a priority raise to make, a reassignment. */
export type StepOutcome = { events: ExtraEvent[]; audience: Set<EscalationAudience>; autoAssign: TicketChange['autoAssign']; raise: boolean };

/** A due SLA threshold or post-breach timer that fired; the workflow persists it (and raises the priority when asked). */
export type FiredItem = { kind: TicketEventKind & NotificationKind; trigger: string; steps: EscalationStep[]; outcome: StepOutcome; live: LiveEventDraft[]; dueAt: string; policyName: string };

/** The values of the ticket's search attributes (TicketStatus … SlaDueAt). */
export type SearchAttributeValues = { status: TicketStatus; priority: Priority; departmentSlug: string | null; assigneeId: string | null; slaState: TicketState['slaState']; dueAt: number | null };

/** The actor of a lifecycle change, checked: the API fills it, but an Update's input is untrusted. */
export function assertActor(input: { actor?: Actor } | undefined): Actor {
  const actor = input?.actor;
  if (!actor || typeof actor.id !== 'string' || !roles.includes(actor.role) || (actor.departmentId !== null && typeof actor.departmentId !== 'string')) {
    throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'a lifecycle change must name its actor: { id, role, departmentId }');
  }
  return actor;
}

const emptyOutcome = (): StepOutcome => ({ events: [], audience: new Set(), autoAssign: undefined, raise: false });

export class TicketEntity {
  constructor(readonly state: TicketState) {}

  /** A new ticket: status `new`, no department, no SLA yet (intake decides). */
  static initialState(input: TicketWorkflowInput): TicketState {
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

  get settings(): LifecycleSettings {
    return this.state.settings ?? DEFAULT_LIFECYCLE_SETTINGS;
  }

  get isOpen(): boolean {
    return isIn(OPEN_STATUSES, this.state.status);
  }

  // -----------------------------------------------------------------------------------------------
  // The rules: whether a move is allowed, and the status it leads to.

  /** Checks the actor and the move against the rules; returns the status the ticket moves to, or throws the lifecycle failure. */
  check(request: { actor?: Actor } | undefined, action: ActionRequest, at: number, powers: StaffPowers = 'perTicket'): TicketStatus {
    return assertAllowed(ruleSubject(this.state), assertActor(request), action, at, powers);
  }

  /** The status a move leads to now (roles aside), or null when the status does not allow it. */
  target(action: ActionRequest, at: number): TicketStatus | null {
    return targetStatus(ruleSubject(this.state), action, at);
  }

  view(at: number): LifecycleView {
    return lifecycleView(this.state, at);
  }

  // -----------------------------------------------------------------------------------------------
  // Status.

  /** Moves the status and keeps the SLA clocks, resolution and closing times in step with it. */
  setStatus(to: TicketStatus, at: number): void {
    const { state } = this;
    state.status = to;
    if (state.sla) state.sla = isIn(OPEN_STATUSES, to) ? syncClocks(state.sla, to, at) : stopClocks(state.sla, at, ALL_TARGETS);
    if (to === 'resolved') {
      state.resolvedAt = at;
      state.autoCloseAt = addBusinessDays(state.sla?.policy.calendar ?? FALLBACK_CALENDAR, at, this.settings.autoCloseBusinessDays);
    }
    if (to === 'closed') {
      state.closedAt = at;
      state.autoCloseAt = null;
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Moves a person asks for. `to` is what check() returned for the move.

  /** An assignee chosen by a person (assign, claim). */
  assign(assigneeId: string, to: TicketStatus, at: number): void {
    this.state.assigneeId = assigneeId;
    // The SLA may have auto-assigned the ticket since the check (triaged → assigned already).
    if (to !== this.state.status) this.setStatus(to, at);
  }

  /** An assignee picked by the workflow's activity (routing, escalation group); null: nobody was available. */
  autoAssigned(assigneeId: string | null, at: number): void {
    this.state.assigneeId = assigneeId;
    if (!assigneeId) return;
    const to = this.target({ action: 'assign' }, at);
    if (to && to !== this.state.status) this.setStatus(to, at);
  }

  unassign(to: TicketStatus, at: number): void {
    this.state.assigneeId = null;
    this.setStatus(to, at);
  }

  /** A person's triage of a ticket automatic triage was unsure about; returns the SLA policy change, if any. */
  triageByHand(request: { priority: Priority; category: string | null }, ctx: TicketContext, to: TicketStatus, at: number): ExtraEvent | null {
    this.state.priority = request.priority;
    this.state.category = request.category;
    const { event } = this.applyContext(ctx, at);
    this.state.needsTriage = false;
    this.setStatus(to, at);
    return event;
  }

  /** Ends the screening hold (reject or release); returns what screening flagged. */
  endReview(): NonNullable<TicketState['review']> {
    const review = this.state.review!;
    this.state.review = null;
    return review;
  }

  /**
   * A new priority, category or department (the context resolved for them). Another department's
   * queue takes the ticket from the start: it loses its assignee and goes back to triaged.
   */
  reclassify(request: { priority?: Priority; category?: string | null }, ctx: TicketContext, at: number): { event: ExtraEvent | null; departmentChanged: boolean } {
    const { state } = this;
    const departmentChanged = ctx.department !== null && ctx.department.id !== state.departmentId;
    if (request.priority) state.priority = request.priority;
    if (request.category !== undefined) state.category = request.category;
    const { event } = this.applyContext(ctx, at);
    const to = statusAfterReclassify(state.status, { departmentChanged, hadAssignee: state.assigneeId !== null });
    if (departmentChanged) state.assigneeId = null;
    if (to !== state.status) this.setStatus(to, at);
    return { event, departmentChanged };
  }

  /** Back to work: a new resolution cycle, escalation from level 0. */
  reopen(to: TicketStatus, at: number): void {
    const { state } = this;
    state.resolvedAt = null;
    state.closedAt = null;
    state.autoCloseAt = null;
    state.escalationLevel = 0;
    this.setStatus(to, at);
    if (state.sla) state.sla = reopened(state.sla, at, state.status);
  }

  /** This ticket is a duplicate of `primary`: it closes for good. */
  merge(primary: { ticketId: string; number: number }, to: TicketStatus, at: number): void {
    this.state.mergedInto = primary;
    this.setStatus(to, at);
  }

  linkParent(parent: { ticketId: string; number: number }): void {
    this.state.parent = parent;
  }

  unlinkParent(): void {
    this.state.parent = null;
  }

  /** A child ticket opened or closed (its workflow signals); a parent may not resolve while a child is open. */
  childChanged(child: ChildTicketChange): void {
    const others = this.state.openChildren.filter((c) => c.ticketId !== child.ticketId);
    this.state.openChildren = child.open ? [...others, { ticketId: child.ticketId, number: child.number }] : others;
  }

  /** A manual escalation: one level up, with the policy's step for that level (or a plain "tell the supervisor"). */
  escalateByHand(role: Role): { level: number; outcome: StepOutcome } {
    const level = this.state.escalationLevel + 1;
    const step = this.state.sla?.policy.escalation.find((s) => s.level === level) ?? {
      level,
      target: 'any',
      trigger: { atPercent: 100 },
      notify: ['supervisor'],
      raisePriority: false,
      reassignToEscalationGroup: false,
    };
    const outcome = emptyOutcome();
    this.runSteps([step], `escalation/manual/${this.state.seq + 1}`, `manual escalation by ${role}`, outcome);
    return { level, outcome };
  }

  // -----------------------------------------------------------------------------------------------
  // Moves the workflow makes on its own: intake, routing, auto-close.

  /** The ticket row exists (the create call, awaitPersisted, returns from now on). */
  rowCreated(): void {
    this.state.persisted = true;
  }

  /** Automatic triage's result, kept for a ticket released from review. */
  recordTriage(triage: TriageResult): void {
    this.state.triage = triage;
  }

  /** Screening flagged the ticket: it waits, status `new`, in the department triage points to, until a person rejects or releases it. */
  holdForReview(ctx: TicketContext, triage: TriageResult, screening: ScreeningResult): void {
    const { state } = this;
    state.settings = ctx.settings;
    state.liveEvents = ctx.liveEvents;
    state.departmentId = ctx.department?.id ?? null;
    state.departmentSlug = ctx.department?.slug ?? null;
    state.priority = triage.priority;
    state.category = triage.category;
    state.review = { flags: screening.flags, reason: screening.reason };
  }

  /** Adopts automatic triage's result and the context it routes to; the SLA starts at `slaStart` (creation, or release from review). */
  adoptTriage(triage: TriageResult, ctx: TicketContext, slaStart: number): void {
    this.state.priority = triage.priority;
    this.state.category = triage.category;
    this.applyContext(ctx, slaStart);
  }

  /** Whether triage may run again on edited text: intake is done, nobody works on it and no screening hold waits. */
  get mayRetriage(): boolean {
    const { state } = this;
    return state.persisted && state.sla !== null && !state.review && state.assigneeId === null && (state.status === 'new' || state.status === 'triaged');
  }

  /**
   * Adopts a confident triage of the edited text (a ticket nobody works on yet). A ticket that
   * waited for a person's triage is triaged now. Returns what changed, and the SLA policy change.
   */
  retriage(triage: TriageResult, ctx: TicketContext, at: number): { changed: string[]; event: ExtraEvent | null } {
    const { state } = this;
    const before = { department: state.departmentId, category: state.category, priority: state.priority, status: state.status };
    state.triage = triage;
    state.priority = triage.priority;
    state.category = triage.category;
    const { event } = this.applyContext(ctx, at);
    if (state.needsTriage) {
      state.needsTriage = false;
      this.triaged(at);
    }
    const after = { department: state.departmentId, category: state.category, priority: state.priority, status: state.status };
    const changed = (Object.keys(before) as (keyof typeof before)[]).filter((key) => before[key] !== after[key]);
    return { changed, event };
  }

  /** Triage was not confident: a person triages it (the status stays `new`). */
  awaitTriageByHand(): void {
    this.state.needsTriage = true;
  }

  /** Triage was confident: the status the rules give a triaged ticket. */
  triaged(at: number): void {
    const to = this.target({ action: 'triage' }, at);
    if (to) this.setStatus(to, at);
  }

  autoCloseDue(at: number): boolean {
    return this.state.status === 'resolved' && this.state.autoCloseAt !== null && at >= this.state.autoCloseAt;
  }

  /** No reply within the auto-close days: the resolution counts as confirmed. */
  autoClose(at: number): void {
    const to = this.target({ action: 'confirmResolution' }, at);
    if (to) this.setStatus(to, at);
  }

  // -----------------------------------------------------------------------------------------------
  // Replies (public comments).

  /** Whether a public reply counts for the SLA; remembers it, so a resent comment counts once. */
  acceptReply(reply: PublicReply): boolean {
    const { state } = this;
    if (!state.sla || !state.persisted || !(this.isOpen || state.status === 'resolved') || state.review) return false;
    const seen = (state.repliesSeen ??= []);
    if (seen.includes(reply.commentId)) return false;
    seen.push(reply.commentId);
    if (seen.length > 100) seen.splice(0, seen.length - 100);
    return true;
  }

  isFromRequester(reply: PublicReply): boolean {
    return reply.authorId === this.state.requesterId || reply.authorRole === 'requester';
  }

  /** An agent's public reply meets first / next response. Returns the change to persist, or null when nothing changed. */
  agentReplied(at: number): 'first_response' | 'sla_projection' | null {
    const { state } = this;
    const before = JSON.stringify(state.sla!.clocks);
    state.sla = agentReplied(state.sla!, at);
    if (state.firstRespondedAt === null) {
      state.firstRespondedAt = at;
      return 'first_response';
    }
    return before !== JSON.stringify(state.sla.clocks) ? 'sla_projection' : null;
  }

  /** A requester's public reply: resumes a ticket waiting on them, postpones auto-close, restarts next response. */
  requesterReplied(at: number): { kind: TicketEventKind; reason: string | null } {
    const { state } = this;
    let kind: TicketEventKind = 'sla_projection';
    let reason: string | null = null;
    const to = statusAfterRequesterReply(state.status);
    if (to !== state.status) {
      this.setStatus(to, at);
      kind = 'status_changed';
      reason = 'the requester replied';
    } else if (state.status === 'resolved') {
      state.autoCloseAt = addBusinessDays(state.sla!.policy.calendar, at, this.settings.autoCloseBusinessDays);
      kind = 'auto_close_postponed';
      reason = 'the requester replied to the resolution';
    }
    state.sla = requesterReplied(state.sla!, at, state.status);
    return { kind, reason };
  }

  // -----------------------------------------------------------------------------------------------
  // SLA bookkeeping.

  /** Adopts a department, policy and settings (triage, reclassification, escalation, policy edits). */
  applyContext(ctx: TicketContext, at: number): { policyChanged: boolean; event: ExtraEvent | null } {
    const { state } = this;
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
    return {
      policyChanged: changed,
      event: changed ? { key: `sla-policy/${state.seq + 1}`, kind: 'sla_policy_changed', field: 'slaPolicy', oldValue: describe(old), newValue: describe(ctx.policy) } : null,
    };
  }

  /** The SLA item due by `at`, if any (fire it before any other change, so a breach is never skipped). */
  dueItem(at: number): DueItem | null {
    const item = this.state.sla ? nextDue(this.state.sla, at) : null;
    return item && item.dueAt <= at ? item : null;
  }

  /**
   * Fires a due threshold or post-breach timer: marks it done and runs the escalation steps it
   * triggers. Null when there is nothing to record (a timer whose level a higher one already passed).
   */
  fire(item: DueItem, at: number): FiredItem | null {
    const { state } = this;
    const policy = state.sla!.policy;
    const steps = stepsFor(policy, item, state.escalationLevel);
    state.sla = markDone(state.sla!, item, state.status, at);
    const outcome = emptyOutcome();
    const dueAt = iso(item.dueAt);
    const live: LiveEventDraft[] = [];
    let kind: FiredItem['kind'] = 'escalated';
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
      live.push(
        item.percent >= 100
          ? { kind: 'sla_breach', target: item.target, dueAt, notify: ['assignee', 'supervisor'] }
          : { kind: 'sla_warning', target: item.target, dueAt, elapsedPercent: item.percent, notify: ['assignee'] },
      );
    } else {
      if (steps.length === 0) return null; // a higher level already ran
      trigger = `${item.target.replace('_', ' ')} breached and still open after the escalation delay`;
    }
    this.runSteps(steps, `escalation/${cycleKey}/${item.type === 'threshold' ? item.percent : 'timer'}`, trigger, outcome);
    return { kind, trigger, steps, outcome, live, dueAt, policyName: policy.name };
  }

  /** Applies escalation steps: level, who to tell, a priority raise, a reassignment to the escalation group. */
  private runSteps(steps: EscalationStep[], keyPrefix: string, trigger: string, outcome: StepOutcome): void {
    const { state } = this;
    for (const step of steps) {
      const actions = [...step.notify.map((a) => `notify ${a}`), ...(step.raisePriority ? ['raise priority'] : []), ...(step.reassignToEscalationGroup ? ['reassign to escalation group'] : [])];
      outcome.events.push({ key: `${keyPrefix}/L${step.level}`, kind: 'escalated', field: 'escalationLevel', oldValue: state.escalationLevel, newValue: { level: step.level, trigger, actions } });
      state.escalationLevel = step.level;
      step.notify.forEach((a) => outcome.audience.add(a));
      if (step.raisePriority) outcome.raise = true;
      if (step.reassignToEscalationGroup && state.departmentId) outcome.autoAssign = { pool: 'escalation_group', departmentId: state.departmentId, category: state.category };
    }
  }

  /** One priority step up; false when already the most urgent. The caller resolves the context (policy) for the new priority. */
  raisePriority(): boolean {
    const index = priorities.indexOf(this.state.priority);
    if (index >= priorities.length - 1) return false;
    this.state.priority = priorities[index + 1]!;
    return true;
  }

  /** An SLA configuration of a newer version: the next step re-resolves the policy. True when the ticket must wake for it. */
  requestSlaRefresh(version: number): boolean {
    if (!this.state.sla || version <= this.state.sla.configVersion) return false;
    this.state.slaRefreshRequested = true;
    return true;
  }

  clearSlaRefresh(): void {
    this.state.slaRefreshRequested = false;
  }

  /** A ticket the walking skeleton (v0) started: persisted and open, but without SLA clocks. */
  get lacksSla(): boolean {
    return !this.state.sla && !this.state.review && this.state.persisted && this.isOpen;
  }

  /** The workflow's work is done: cancelled, rejected, merged, or closed past the reopen window. */
  finished(at: number): boolean {
    const { state } = this;
    return state.status === 'cancelled' || state.status === 'rejected' || (state.status === 'closed' && (state.mergedInto !== null || at > state.closedAt! + this.settings.reopenWindowDays * DAY));
  }

  /** When the workflow must wake next on its own: an SLA item, auto-close, the end of the reopen window. */
  nextWakeAt(at: number): number | null {
    const { state } = this;
    const candidates: number[] = [];
    const due = state.sla ? nextDue(state.sla, at) : null;
    if (due) candidates.push(due.dueAt);
    if (state.status === 'resolved' && state.autoCloseAt !== null) candidates.push(state.autoCloseAt);
    if (state.status === 'closed' && state.closedAt !== null) candidates.push(state.closedAt + this.settings.reopenWindowDays * DAY + 1);
    return candidates.length > 0 ? Math.min(...candidates) : null;
  }

  // -----------------------------------------------------------------------------------------------
  // Projections: the ticket row and the search attributes.

  /** The row's lifecycle columns as of `at` (also settles `slaState`). */
  rowProjection(at: number): TicketRowPatch {
    const { state } = this;
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

  /** The SLA clocks' figures as of `at`, for the reports (a pure reading of the state). */
  factsAt(at: number): TicketFactsPatch {
    const { sla } = this.state;
    if (!sla) return { at, paused: false, firstResponse: null, resolution: null };
    const cal = sla.policy.calendar;
    const figures = (clock: SlaClockState): SlaClockFigures => {
      const elapsedMs = accruedAt(clock, at, cal);
      const state = clockSlaState(clock);
      const stopped = isStopped(clock);
      return { elapsedMs, targetMs: clock.targetMs, cycle: clock.cycle, stopped, met: stopped && clock.met === true, breached: state === 'breached', atRisk: state === 'at_risk' };
    };
    return { at, paused: sla.policy.pausedStatuses.includes(this.state.status), firstResponse: figures(sla.clocks.first_response), resolution: figures(sla.clocks.resolution) };
  }

  searchAttributes(at: number): SearchAttributeValues {
    const { state } = this;
    const dueAt = state.sla ? projection(state.sla, at, state.status).nextDueAt : null;
    return { status: state.status, priority: state.priority, departmentSlug: state.departmentSlug, assigneeId: state.assigneeId, slaState: state.slaState, dueAt };
  }
}
