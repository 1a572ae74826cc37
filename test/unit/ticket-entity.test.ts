/**
 * The ticket entity (workflows/ticket/entity.ts): its state and every move, without a Temporal
 * server. Each move takes the instant; the rules give the status (check, then the move).
 */
import { describe, expect, it } from 'vitest';
import { builtInPolicy, DEFAULT_LIFECYCLE_SETTINGS } from '../../workflows/sla/policy';
import type { BusinessCalendar } from '../../workflows/sla/calendar';
import { TicketEntity } from '../../workflows/ticket/entity';
import type { Actor, TicketContext, TicketWorkflowInput, TriageResult } from '../../workflows/types';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const T0 = Date.parse('2024-01-08T09:00:00Z'); // a Monday
const ALWAYS: BusinessCalendar = { timezone: 'UTC', alwaysOpen: true, weeklyHours: [], holidays: [] };

const requester: Actor = { id: 'u-rita', role: 'requester', departmentId: null };
const agent: Actor = { id: 'u-raj', role: 'agent', departmentId: 'dept-it' };
const otherAgent: Actor = { id: 'u-ann', role: 'agent', departmentId: 'dept-it' };
const supervisor: Actor = { id: 'u-sue', role: 'supervisor', departmentId: 'dept-it' };

const input: TicketWorkflowInput = { ticketId: 'tk-1', number: 1042, title: 'Laptop will not boot', description: 'Black screen.', urgency: 'medium', requesterId: requester.id };

const context = (over: Partial<TicketContext> = {}): TicketContext => ({
  department: { id: 'dept-it', slug: 'it' },
  policy: builtInPolicy('medium', ALWAYS, '24x7'),
  configVersion: 1,
  settings: { ...DEFAULT_LIFECYCLE_SETTINGS },
  liveEvents: true,
  ...over,
});
const triage: TriageResult = { departmentSlug: 'it', category: 'hardware', priority: 'medium', confidence: 0.9, method: 'model' };

/** A ticket as intake leaves it: triaged into IT at T0 (SLA from T0), then auto-assigned to Raj. */
function routedTicket(): TicketEntity {
  const ticket = new TicketEntity(TicketEntity.initialState(input));
  ticket.rowCreated();
  ticket.recordTriage(triage);
  ticket.adoptTriage(triage, context(), T0);
  ticket.triaged(T0);
  ticket.autoAssigned(agent.id, T0);
  return ticket;
}

/** The lifecycle failure a call throws. */
function refusal(run: () => unknown): { type: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { type: string; message: string };
  }
  throw new Error('expected a refusal');
}

describe('a new ticket', () => {
  it('starts new, at the requester’s urgency, unrouted, with no SLA', () => {
    const ticket = new TicketEntity(TicketEntity.initialState(input));
    expect(ticket.state).toMatchObject({ status: 'new', priority: 'medium', departmentId: null, assigneeId: null, sla: null, persisted: false, seq: 0 });
    expect(ticket.isOpen).toBe(true);
    expect(ticket.finished(T0)).toBe(false);
    expect(ticket.nextWakeAt(T0)).toBeNull();
  });

  it('confident triage: department and SLA from creation, triaged, then assigned when routing picks an agent', () => {
    const ticket = new TicketEntity(TicketEntity.initialState(input));
    ticket.adoptTriage(triage, context(), T0);
    ticket.triaged(T0 + MINUTE);
    expect(ticket.state).toMatchObject({ status: 'triaged', departmentId: 'dept-it', departmentSlug: 'it', category: 'hardware' });
    expect(ticket.state.sla!.clocks.first_response.runningSince).toBe(T0);
    ticket.autoAssigned(null, T0 + MINUTE); // nobody available: stays in the queue
    expect(ticket.state).toMatchObject({ status: 'triaged', assigneeId: null });
    ticket.autoAssigned(agent.id, T0 + MINUTE);
    expect(ticket.state).toMatchObject({ status: 'assigned', assigneeId: agent.id });
  });

  it('unsure triage waits for a person, status new; the person’s triage is checked by the rules', () => {
    const ticket = new TicketEntity(TicketEntity.initialState(input));
    ticket.adoptTriage({ ...triage, confidence: 0.2 }, context(), T0);
    ticket.awaitTriageByHand();
    expect(ticket.state).toMatchObject({ status: 'new', needsTriage: true });
    expect(refusal(() => ticket.check({ actor: requester }, { action: 'triage' }, T0)).type).toBe('Forbidden');
    const to = ticket.check({ actor: agent }, { action: 'triage' }, T0);
    const event = ticket.triageByHand({ priority: 'high', category: 'network' }, context({ policy: builtInPolicy('high', ALWAYS, '24x7') }), to, T0 + HOUR);
    expect(ticket.state).toMatchObject({ status: 'triaged', priority: 'high', category: 'network', needsTriage: false });
    expect(event).toMatchObject({ key: 'sla-policy/1', kind: 'sla_policy_changed', oldValue: { policy: 'Built-in medium' }, newValue: { policy: 'Built-in high' } });
  });

  it('held by screening: status new, SLA paused in the row, only review (or cancel) allowed', () => {
    const ticket = new TicketEntity(TicketEntity.initialState(input));
    ticket.holdForReview(context(), triage, { flagged: true, flags: ['spam'], reason: 'looks like spam', method: 'rules' });
    expect(ticket.rowProjection(T0)).toMatchObject({ status: 'new', heldForReview: true, reviewReason: 'looks like spam', slaState: 'paused' });
    expect(refusal(() => ticket.check({ actor: agent }, { action: 'triage' }, T0)).message).toContain('held for review');
    const to = ticket.check({ actor: agent }, { action: 'review', to: 'rejected' }, T0);
    expect(ticket.endReview()).toEqual({ flags: ['spam'], reason: 'looks like spam' });
    ticket.setStatus(to, T0);
    expect(ticket.state).toMatchObject({ status: 'rejected', review: null });
    expect(ticket.finished(T0)).toBe(true);
  });

  it('refuses a change without a well-formed actor before the rules', () => {
    const ticket = routedTicket();
    expect(refusal(() => ticket.check(undefined, { action: 'claim' }, T0))).toMatchObject({ type: 'InvalidInput' });
    expect(refusal(() => ticket.check({ actor: { id: 'x', role: 'boss' as never, departmentId: null } }, { action: 'claim' }, T0))).toMatchObject({ type: 'InvalidInput' });
  });
});

describe('assignment', () => {
  it('assign and claim move a triaged ticket to assigned; unassign puts it back in the queue', () => {
    const ticket = routedTicket();
    let to = ticket.check({ actor: agent }, { action: 'unassign' }, T0);
    ticket.unassign(to, T0 + MINUTE);
    expect(ticket.state).toMatchObject({ status: 'triaged', assigneeId: null });
    to = ticket.check({ actor: otherAgent }, { action: 'claim' }, T0);
    expect(to).toBe('assigned');
    ticket.assign(otherAgent.id, to, T0 + 2 * MINUTE);
    expect(ticket.state).toMatchObject({ status: 'assigned', assigneeId: otherAgent.id });
    expect(refusal(() => ticket.check({ actor: agent }, { action: 'claim' }, T0)).type).toBe('IllegalTransition');
  });

  it('reassigning a ticket in progress keeps its status', () => {
    const ticket = routedTicket();
    ticket.setStatus(ticket.check({ actor: agent }, { action: 'transition', to: 'in_progress' }, T0), T0);
    const to = ticket.check({ actor: supervisor }, { action: 'assign' }, T0);
    expect(to).toBe('in_progress');
    ticket.assign(otherAgent.id, to, T0 + MINUTE);
    expect(ticket.state).toMatchObject({ status: 'in_progress', assigneeId: otherAgent.id });
    ticket.autoAssigned(agent.id, T0 + MINUTE); // the escalation group's pick
    expect(ticket.state).toMatchObject({ status: 'in_progress', assigneeId: agent.id });
  });

  it('an assign checked while triaged stays assigned when the SLA auto-assigned it meanwhile', () => {
    const ticket = routedTicket();
    ticket.unassign('triaged', T0);
    const to = ticket.check({ actor: supervisor }, { action: 'assign' }, T0);
    ticket.autoAssigned(agent.id, T0 + MINUTE);
    ticket.assign(otherAgent.id, to, T0 + MINUTE);
    expect(ticket.state).toMatchObject({ status: 'assigned', assigneeId: otherAgent.id });
  });

  it('reclassifying into another department drops the assignee and goes back to triaged', () => {
    const ticket = routedTicket();
    const same = ticket.reclassify({ priority: 'high' }, context({ policy: builtInPolicy('high', ALWAYS, '24x7') }), T0 + HOUR);
    expect(same.departmentChanged).toBe(false);
    expect(ticket.state).toMatchObject({ status: 'assigned', priority: 'high', assigneeId: agent.id });
    const moved = ticket.reclassify({ category: 'payroll' }, context({ department: { id: 'dept-hr', slug: 'hr' }, policy: builtInPolicy('high', ALWAYS, '24x7') }), T0 + 2 * HOUR);
    expect(moved).toEqual({ event: null, departmentChanged: true });
    expect(ticket.state).toMatchObject({ status: 'triaged', assigneeId: null, departmentId: 'dept-hr', departmentSlug: 'hr', category: 'payroll' });
  });
});

describe('status moves', () => {
  it('waiting on the customer pauses the SLA; resolving stops it and sets the auto-close; auto-close closes', () => {
    const ticket = routedTicket();
    ticket.setStatus(ticket.check({ actor: agent }, { action: 'transition', to: 'waiting_on_customer' }, T0), T0 + HOUR);
    expect(ticket.rowProjection(T0 + 2 * HOUR)).toMatchObject({ status: 'waiting_on_customer', slaState: 'paused', responseDueAt: null });
    expect(refusal(() => ticket.check({ actor: agent }, { action: 'transition', to: 'closed' }, T0)).type).toBe('IllegalTransition');
    ticket.setStatus(ticket.check({ actor: agent }, { action: 'transition', to: 'resolved' }, T0), T0 + 3 * HOUR);
    expect(ticket.state).toMatchObject({ status: 'resolved', resolvedAt: T0 + 3 * HOUR, autoCloseAt: T0 + 3 * HOUR + 5 * DAY });
    expect(ticket.state.sla!.clocks.resolution.stoppedAt).toBe(T0 + 3 * HOUR);
    expect(ticket.nextWakeAt(T0 + 3 * HOUR)).toBe(T0 + 3 * HOUR + 5 * DAY);
    expect(ticket.autoCloseDue(T0 + 3 * HOUR + 5 * DAY - 1)).toBe(false);
    expect(ticket.autoCloseDue(T0 + 3 * HOUR + 5 * DAY)).toBe(true);
    ticket.autoClose(T0 + 3 * HOUR + 5 * DAY);
    expect(ticket.state).toMatchObject({ status: 'closed', closedAt: T0 + 3 * HOUR + 5 * DAY, autoCloseAt: null });
    expect(ticket.finished(T0 + 3 * HOUR + 5 * DAY + 14 * DAY)).toBe(false);
    expect(ticket.finished(T0 + 3 * HOUR + 5 * DAY + 14 * DAY + 1)).toBe(true);
  });

  it('the requester cancels a ticket that is not being worked on yet, and confirms a resolution', () => {
    const ticket = routedTicket();
    expect(ticket.check({ actor: requester }, { action: 'cancel' }, T0)).toBe('cancelled');
    ticket.setStatus('resolved', T0 + HOUR);
    ticket.setStatus(ticket.check({ actor: requester }, { action: 'confirmResolution' }, T0 + HOUR), T0 + 2 * HOUR);
    expect(ticket.state).toMatchObject({ status: 'closed', closedAt: T0 + 2 * HOUR });
  });
});

describe('reopen', () => {
  it('a resolved ticket goes back to its assignee with a new resolution cycle and escalation from level 0', () => {
    const ticket = routedTicket();
    ticket.state.escalationLevel = 2;
    ticket.setStatus('resolved', T0 + HOUR);
    const to = ticket.check({ actor: requester }, { action: 'reopen' }, T0 + 2 * HOUR);
    expect(to).toBe('assigned');
    ticket.reopen(to, T0 + 2 * HOUR);
    expect(ticket.state).toMatchObject({ status: 'assigned', assigneeId: agent.id, resolvedAt: null, closedAt: null, autoCloseAt: null, escalationLevel: 0 });
    expect(ticket.state.sla!.clocks.resolution).toMatchObject({ cycle: 2, runningSince: T0 + 2 * HOUR });
  });

  it('a ticket without an assignee goes back to the queue (triaged), as the workflow always did; the rules say the same', () => {
    const ticket = routedTicket();
    ticket.setStatus('resolved', T0 + HOUR);
    ticket.autoAssigned(null, T0 + HOUR); // the escalation group had nobody
    ticket.autoClose(T0 + 2 * HOUR);
    const to = ticket.check({ actor: requester }, { action: 'reopen' }, T0 + DAY);
    expect(to).toBe('triaged');
    ticket.reopen(to, T0 + DAY);
    expect(ticket.state).toMatchObject({ status: 'triaged', assigneeId: null, closedAt: null });
    expect(ticket.state.sla!.clocks.resolution.cycle).toBe(2);
  });

  it('a closed ticket reopens only within the reopen window', () => {
    const ticket = routedTicket();
    ticket.setStatus('closed', T0);
    expect(refusal(() => ticket.check({ actor: requester }, { action: 'reopen' }, T0 + 15 * DAY)).message).toContain('closed more than 14 days ago');
    expect(ticket.check({ actor: requester }, { action: 'reopen' }, T0 + 13 * DAY)).toBe('assigned');
  });
});

describe('merge and links', () => {
  it('a merged duplicate closes for good: the workflow finishes and it can never reopen', () => {
    const ticket = routedTicket();
    const to = ticket.check({ actor: agent }, { action: 'merge' }, T0);
    ticket.merge({ ticketId: 'tk-7', number: 1007 }, to, T0 + HOUR);
    expect(ticket.state).toMatchObject({ status: 'closed', mergedInto: { ticketId: 'tk-7', number: 1007 }, closedAt: T0 + HOUR });
    expect(ticket.finished(T0 + HOUR)).toBe(true);
    expect(refusal(() => ticket.check({ actor: requester }, { action: 'reopen' }, T0 + HOUR)).message).toContain('merged into another ticket');
    expect(refusal(() => ticket.check({ actor: agent }, { action: 'link' }, T0 + HOUR)).type).toBe('IllegalTransition');
  });

  it('a parent with an open child may not resolve; the child closing lifts that', () => {
    const parent = routedTicket();
    parent.childChanged({ ticketId: 'tk-2', number: 1043, open: true });
    parent.childChanged({ ticketId: 'tk-2', number: 1043, open: true }); // told twice: counted once
    expect(parent.state.openChildren).toEqual([{ ticketId: 'tk-2', number: 1043 }]);
    expect(refusal(() => parent.check({ actor: agent }, { action: 'transition', to: 'resolved' }, T0)).message).toContain('1 child ticket is open');
    parent.childChanged({ ticketId: 'tk-2', number: 1043, open: false });
    expect(parent.check({ actor: agent }, { action: 'transition', to: 'resolved' }, T0)).toBe('resolved');
  });

  it('links and unlinks a parent', () => {
    const child = routedTicket();
    expect(child.check({ actor: agent }, { action: 'link' }, T0)).toBe('assigned');
    child.linkParent({ ticketId: 'tk-9', number: 1009 });
    expect(child.state.parent).toEqual({ ticketId: 'tk-9', number: 1009 });
    child.unlinkParent();
    expect(child.state.parent).toBeNull();
  });
});

describe('escalation', () => {
  it('by hand: one level up with the policy’s step for that level, keyed on the next change', () => {
    const ticket = routedTicket();
    ticket.state.seq = 4;
    expect(ticket.check({ actor: supervisor }, { action: 'escalate' }, T0)).toBe('assigned');
    const first = ticket.escalateByHand('supervisor');
    expect(first.level).toBe(1);
    expect(first.outcome).toMatchObject({ raise: false, autoAssign: undefined });
    expect([...first.outcome.audience]).toEqual(['assignee']);
    expect(first.outcome.events).toEqual([
      { key: 'escalation/manual/5/L1', kind: 'escalated', field: 'escalationLevel', oldValue: 0, newValue: { level: 1, trigger: 'manual escalation by supervisor', actions: ['notify assignee'] } },
    ]);
    const second = ticket.escalateByHand('supervisor');
    expect(second).toMatchObject({ level: 2, outcome: { raise: true } });
    expect(ticket.raisePriority()).toBe(true);
    expect(ticket.state).toMatchObject({ escalationLevel: 2, priority: 'high' });
    const third = ticket.escalateByHand('admin');
    expect(third.outcome.autoAssign).toEqual({ pool: 'escalation_group', departmentId: 'dept-it', category: 'hardware' });
    ticket.state.priority = 'critical';
    expect(ticket.raisePriority()).toBe(false);
  });

  it('beyond the policy’s chain: a level that only tells the supervisor', () => {
    const ticket = routedTicket();
    ticket.state.escalationLevel = 3;
    const { level, outcome } = ticket.escalateByHand('supervisor');
    expect(level).toBe(4);
    expect([...outcome.audience]).toEqual(['supervisor']);
  });
});

describe('SLA bookkeeping', () => {
  it('fires the warning, then the breach (which escalates and asks for a priority raise), each once', () => {
    const ticket = routedTicket();
    const warnAt = T0 + 3 * HOUR + 12 * MINUTE; // 80 % of a 4 h first response, 24×7
    expect(ticket.dueItem(warnAt - 1)).toBeNull();
    expect(ticket.nextWakeAt(T0)).toBe(warnAt);
    const warning = ticket.dueItem(warnAt)!;
    expect(warning).toEqual({ type: 'threshold', target: 'first_response', cycle: 1, percent: 80, dueAt: warnAt });
    const fired = ticket.fire(warning, warnAt + 5)!;
    expect(fired).toMatchObject({
      kind: 'sla_warning',
      trigger: '80 % of first response',
      policyName: 'Built-in medium',
      live: [{ kind: 'sla_warning', target: 'first_response', elapsedPercent: 80 }],
    });
    expect(fired.outcome.events.map((e) => e.key)).toEqual(['sla/first_response/1/80', 'escalation/first_response/1/80/L1']);
    expect(fired.outcome.events[0]!.newValue).toMatchObject({ lateMs: 5, firedAt: new Date(warnAt + 5).toISOString() });
    expect(ticket.state.escalationLevel).toBe(1);
    expect(ticket.dueItem(warnAt + 5)).toBeNull();

    const breach = ticket.dueItem(T0 + 4 * HOUR)!;
    expect(breach).toMatchObject({ type: 'threshold', percent: 100 });
    const breached = ticket.fire(breach, T0 + 4 * HOUR)!;
    expect(breached).toMatchObject({ kind: 'sla_breached', outcome: { raise: true }, live: [{ kind: 'sla_breach', notify: ['assignee', 'supervisor'] }] });
    expect([...breached.outcome.audience].sort()).toEqual(['assignee', 'supervisor']);
    expect(ticket.state.escalationLevel).toBe(2);
    expect(ticket.rowProjection(T0 + 4 * HOUR).slaState).toBe('breached');
  });

  it('a pause never skips a breach: the threshold a pause interrupted fires once the clock runs again', () => {
    const ticket = routedTicket();
    ticket.setStatus('waiting_on_customer', T0 + 3 * HOUR);
    expect(ticket.dueItem(T0 + DAY)).toBeNull();
    expect(ticket.nextWakeAt(T0 + DAY)).toBeNull();
    ticket.setStatus('in_progress', T0 + DAY);
    expect(ticket.dueItem(T0 + DAY + 12 * MINUTE)).toMatchObject({ percent: 80, dueAt: T0 + DAY + 12 * MINUTE });
  });

  it('the post-breach timer hands the ticket to the escalation group, unless a higher level already ran', () => {
    const ticket = routedTicket();
    ticket.agentReplied(T0 + MINUTE); // first response met: only the resolution clock is left
    for (const at of [T0 + 19.2 * HOUR, T0 + DAY]) ticket.fire(ticket.dueItem(at)!, at);
    expect(ticket.state.escalationLevel).toBe(2); // L1 at 80 %, L2 at the breach
    const timerAt = T0 + DAY + 4 * HOUR;
    const timer = ticket.dueItem(timerAt)!;
    expect(timer).toEqual({ type: 'escalation', target: 'resolution', cycle: 1, level: 3, dueAt: timerAt });
    const fired = ticket.fire(timer, timerAt)!;
    expect(fired).toMatchObject({
      kind: 'escalated',
      trigger: 'resolution breached and still open after the escalation delay',
      outcome: { autoAssign: { pool: 'escalation_group', departmentId: 'dept-it' } },
    });
    expect(ticket.state.escalationLevel).toBe(3);

    const other = routedTicket();
    other.agentReplied(T0 + MINUTE);
    for (const at of [T0 + 19.2 * HOUR, T0 + DAY]) other.fire(other.dueItem(at)!, at);
    other.escalateByHand('supervisor'); // level 3 by hand first
    expect(other.fire(other.dueItem(timerAt)!, timerAt)).toBeNull();
    expect(other.dueItem(timerAt)).toBeNull(); // done all the same
  });

  it('a policy change retargets from the time accrued and is audited; the same policy only records the version', () => {
    const ticket = routedTicket();
    ticket.state.seq = 7;
    expect(ticket.applyContext(context({ configVersion: 2 }), T0 + HOUR)).toEqual({ policyChanged: false, event: null });
    expect(ticket.state.sla!.configVersion).toBe(2);
    const changed = ticket.applyContext(context({ configVersion: 3, policy: builtInPolicy('high', ALWAYS, '24x7') }), T0 + HOUR);
    expect(changed.policyChanged).toBe(true);
    expect(changed.event).toMatchObject({ key: 'sla-policy/8', newValue: { targetsMinutes: { firstResponse: 60 } } });
    expect(ticket.dueItem(T0 + HOUR)).toMatchObject({ percent: 80, dueAt: T0 + HOUR }); // 48 min of 60 were due; an hour has accrued
  });

  it('an SLA configuration change of a newer version asks for a refresh, once', () => {
    const ticket = routedTicket();
    expect(ticket.requestSlaRefresh(1)).toBe(false);
    expect(ticket.requestSlaRefresh(2)).toBe(true);
    expect(ticket.state.slaRefreshRequested).toBe(true);
    ticket.clearSlaRefresh();
    expect(ticket.state.slaRefreshRequested).toBe(false);
  });

  it('a ticket the skeleton started (persisted, open, no SLA) is adopted', () => {
    const ticket = new TicketEntity({ ...TicketEntity.initialState(input), persisted: true, status: 'assigned', assigneeId: agent.id });
    expect(ticket.lacksSla).toBe(true);
    ticket.applyContext(context(), T0);
    expect(ticket.lacksSla).toBe(false);
  });
});

describe('replies', () => {
  const reply = (commentId: number, from: Actor) => ({ commentId, authorId: from.id, authorRole: from.role, at: new Date(T0).toISOString() });

  it('counts each public reply once, and none before the SLA runs', () => {
    const fresh = new TicketEntity(TicketEntity.initialState(input));
    expect(fresh.acceptReply(reply(1, agent))).toBe(false);
    const ticket = routedTicket();
    expect(ticket.acceptReply(reply(1, agent))).toBe(true);
    expect(ticket.acceptReply(reply(1, agent))).toBe(false);
  });

  it('an agent’s first reply meets first response; later ones change nothing until the requester writes', () => {
    const ticket = routedTicket();
    expect(ticket.isFromRequester(reply(1, agent))).toBe(false);
    expect(ticket.agentReplied(T0 + HOUR)).toBe('first_response');
    expect(ticket.state.firstRespondedAt).toBe(T0 + HOUR);
    expect(ticket.agentReplied(T0 + 2 * HOUR)).toBeNull();
    expect(ticket.requesterReplied(T0 + 3 * HOUR)).toEqual({ kind: 'sla_projection', reason: null });
    expect(ticket.state.sla!.clocks.next_response).toMatchObject({ cycle: 1, runningSince: T0 + 3 * HOUR });
    expect(ticket.agentReplied(T0 + 4 * HOUR)).toBe('sla_projection');
  });

  it('a requester’s reply resumes a ticket waiting on them, and postpones the auto-close of a resolved one', () => {
    const ticket = routedTicket();
    expect(ticket.isFromRequester(reply(2, requester))).toBe(true);
    ticket.setStatus('waiting_on_customer', T0 + HOUR);
    expect(ticket.requesterReplied(T0 + 2 * HOUR)).toEqual({ kind: 'status_changed', reason: 'the requester replied' });
    expect(ticket.state.status).toBe('in_progress');
    ticket.setStatus('resolved', T0 + 3 * HOUR);
    expect(ticket.requesterReplied(T0 + DAY)).toEqual({ kind: 'auto_close_postponed', reason: 'the requester replied to the resolution' });
    expect(ticket.state.autoCloseAt).toBe(T0 + 6 * DAY);
  });
});

describe('projections', () => {
  it('the row and the search attributes show the state as of an instant', () => {
    const ticket = routedTicket();
    expect(ticket.rowProjection(T0 + HOUR)).toMatchObject({
      status: 'assigned',
      assigneeId: agent.id,
      departmentId: 'dept-it',
      slaState: 'on_track',
      responseDueAt: T0 + 4 * HOUR,
      resolutionDueAt: T0 + DAY,
    });
    expect(ticket.searchAttributes(T0 + HOUR)).toEqual({ status: 'assigned', priority: 'medium', departmentSlug: 'it', assigneeId: agent.id, slaState: 'on_track', dueAt: T0 + 4 * HOUR });
    expect(ticket.view(T0 + HOUR)).toMatchObject({ status: 'assigned', asOf: T0 + HOUR, sla: { policyName: 'Built-in medium', nextDueAt: T0 + 4 * HOUR } });
  });
});
