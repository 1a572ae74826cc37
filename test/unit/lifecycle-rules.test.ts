import { describe, expect, it } from 'vitest';
import { allowedActions, assertAllowed, permissionProblem, statusAfterReclassify, statusAfterRequesterReply, targetStatus, WORK_TRANSITIONS, type RuleSubject } from '../../workflows/lifecycle/rules';
import type { Actor } from '../../workflows/types';

const IT = 'dept-it';
const HR = 'dept-hr';
const requester: Actor = { id: 'u-req', role: 'requester', departmentId: null };
const otherRequester: Actor = { id: 'u-other', role: 'requester', departmentId: null };
const itAgent: Actor = { id: 'u-it', role: 'agent', departmentId: IT };
const hrAgent: Actor = { id: 'u-hr', role: 'agent', departmentId: HR };
const supervisor: Actor = { id: 'u-sup', role: 'supervisor', departmentId: HR };
const admin: Actor = { id: 'u-admin', role: 'admin', departmentId: null };
const DAY = 86_400_000;
const NOW = Date.parse('2027-01-10T12:00:00Z');

const ticket = (over: Partial<RuleSubject> = {}): RuleSubject => ({
  number: 1042,
  status: 'assigned',
  requesterId: requester.id,
  departmentId: IT,
  assigneeId: 'u-someone',
  held: false,
  merged: false,
  closedAt: null,
  openChildren: 0,
  settings: { reopenWindowDays: 14, parentBlocksResolution: true },
  ...over,
});

function failureOf(run: () => unknown): { type: string; message: string; details?: unknown[] } {
  try {
    run();
  } catch (error) {
    return error as { type: string; message: string; details?: unknown[] };
  }
  throw new Error('expected a refusal');
}

describe('status transitions', () => {
  it('the work moves between in_progress and the waiting states, to resolved, and from resolved to closed', () => {
    expect(WORK_TRANSITIONS.assigned).toEqual(['in_progress', 'waiting_on_customer', 'waiting_on_third_party', 'resolved']);
    expect(WORK_TRANSITIONS.in_progress).toEqual(['waiting_on_customer', 'waiting_on_third_party', 'resolved']);
    expect(WORK_TRANSITIONS.waiting_on_customer).toContain('in_progress');
    expect(WORK_TRANSITIONS.resolved).toEqual(['closed']);
    for (const final of ['closed', 'cancelled', 'rejected', 'new', 'triaged'] as const) expect(WORK_TRANSITIONS[final]).toEqual([]);
  });

  it('maps every action to the status it leads to, or null when the status does not allow it', () => {
    expect(targetStatus(ticket({ status: 'new' }), { action: 'triage' }, NOW)).toBe('triaged');
    expect(targetStatus(ticket({ status: 'new', held: true }), { action: 'triage' }, NOW)).toBeNull();
    expect(targetStatus(ticket({ status: 'new', held: true }), { action: 'review', to: 'rejected' }, NOW)).toBe('rejected');
    expect(targetStatus(ticket({ status: 'new', held: true }), { action: 'review' }, NOW)).toBe('triaged');
    expect(targetStatus(ticket({ status: 'triaged', assigneeId: null }), { action: 'claim' }, NOW)).toBe('assigned');
    expect(targetStatus(ticket({ status: 'triaged', assigneeId: null }), { action: 'assign' }, NOW)).toBe('assigned');
    expect(targetStatus(ticket({ status: 'in_progress' }), { action: 'assign' }, NOW)).toBe('in_progress');
    expect(targetStatus(ticket({ status: 'in_progress' }), { action: 'unassign' }, NOW)).toBe('triaged');
    expect(targetStatus(ticket({ status: 'waiting_on_customer' }), { action: 'unassign' }, NOW)).toBeNull();
    expect(targetStatus(ticket({ status: 'assigned' }), { action: 'cancel' }, NOW)).toBe('cancelled');
    expect(targetStatus(ticket({ status: 'in_progress' }), { action: 'cancel' }, NOW)).toBeNull();
    expect(targetStatus(ticket({ status: 'resolved' }), { action: 'confirmResolution' }, NOW)).toBe('closed');
    expect(targetStatus(ticket({ status: 'in_progress' }), { action: 'merge' }, NOW)).toBe('closed');
    expect(targetStatus(ticket({ status: 'resolved' }), { action: 'escalate' }, NOW)).toBeNull();
  });

  it('reopens from resolved at any time, and from closed only within the window and unless merged', () => {
    expect(targetStatus(ticket({ status: 'resolved' }), { action: 'reopen' }, NOW)).toBe('assigned');
    expect(targetStatus(ticket({ status: 'closed', closedAt: NOW - 13 * DAY }), { action: 'reopen' }, NOW)).toBe('assigned');
    expect(targetStatus(ticket({ status: 'closed', closedAt: NOW - 15 * DAY }), { action: 'reopen' }, NOW)).toBeNull();
    expect(targetStatus(ticket({ status: 'closed', closedAt: NOW - DAY, merged: true }), { action: 'reopen' }, NOW)).toBeNull();
    expect(targetStatus(ticket({ status: 'cancelled' }), { action: 'reopen' }, NOW)).toBeNull();
  });

  it('reopens to its assignee, or to the queue (triaged) when it has none, as the workflow always did', () => {
    expect(targetStatus(ticket({ status: 'resolved', assigneeId: null }), { action: 'reopen' }, NOW)).toBe('triaged');
    expect(targetStatus(ticket({ status: 'closed', closedAt: NOW - DAY, assigneeId: null }), { action: 'reopen' }, NOW)).toBe('triaged');
    expect(targetStatus(ticket({ status: 'closed', closedAt: NOW - DAY }), { action: 'reopen' }, NOW)).toBe('assigned');
    expect(allowedActions(ticket({ status: 'resolved', assigneeId: null }), requester, NOW)).toContainEqual({ action: 'reopen', to: 'triaged' });
  });
});

describe('roles', () => {
  it('requesters may cancel, reopen and confirm their own tickets, nothing else, and nothing on others’ tickets', () => {
    expect(permissionProblem(ticket(), requester, 'cancel')).toBeNull();
    expect(permissionProblem(ticket(), requester, 'reopen')).toBeNull();
    expect(permissionProblem(ticket(), requester, 'confirmResolution')).toBeNull();
    expect(permissionProblem(ticket(), requester, 'transition')).toMatch(/requesters may only cancel, reopen or confirm/);
    expect(permissionProblem(ticket(), requester, 'escalate')).not.toBeNull();
    expect(permissionProblem(ticket(), otherRequester, 'cancel')).toMatch(/only change their own tickets/);
  });

  it('agents act on their department’s tickets and tickets assigned to them; never cancel or confirm', () => {
    expect(permissionProblem(ticket(), itAgent, 'transition')).toBeNull();
    expect(permissionProblem(ticket(), hrAgent, 'transition')).toMatch(/their department or assigned to them/);
    expect(permissionProblem(ticket({ assigneeId: hrAgent.id }), hrAgent, 'transition')).toBeNull();
    expect(permissionProblem(ticket({ departmentId: null, assigneeId: null }), itAgent, 'claim')).not.toBeNull();
    expect(permissionProblem(ticket(), itAgent, 'cancel')).toMatch(/requester, a supervisor or an admin/);
    expect(permissionProblem(ticket(), itAgent, 'confirmResolution')).not.toBeNull();
  });

  it('an agent who raised their own ticket may also act on it as its requester', () => {
    const own = ticket({ requesterId: hrAgent.id });
    expect(permissionProblem(own, hrAgent, 'cancel')).toBeNull();
    expect(permissionProblem(own, hrAgent, 'transition')).not.toBeNull();
  });

  it('supervisors may do everything in the departments they supervise, admins everywhere', () => {
    for (const action of ['transition', 'cancel', 'confirmResolution', 'merge', 'review', 'escalate'] as const) {
      expect(permissionProblem(ticket({ departmentId: HR }), supervisor, action)).toBeNull();
      expect(permissionProblem(ticket(), admin, action)).toBeNull();
      // Another department's ticket: staff powers are per ticket, not per role.
      expect(permissionProblem(ticket(), supervisor, action)).toMatch(/departments they supervise/);
    }
  });
});

describe('refusals', () => {
  it('an illegal move is an IllegalTransition naming the moves allowed from the current status', () => {
    const refused = failureOf(() => assertAllowed(ticket({ status: 'assigned' }), itAgent, { action: 'transition', to: 'closed' }, NOW));
    expect(refused.type).toBe('IllegalTransition');
    expect(refused.message).toBe(
      'Ticket #1042 cannot move to closed: it is assigned. Allowed from assigned: transition → in_progress; transition → waiting_on_customer; transition → waiting_on_third_party; transition → resolved; assign → assigned; unassign → triaged; escalate → assigned; reclassify → assigned; merge → closed; link → assigned; unlink → assigned.',
    );
    expect(refused.details).toEqual([{ status: 'assigned', allowed: expect.arrayContaining(['transition → in_progress', 'unassign → triaged']) }]);
  });

  it('lists only what this actor may do', () => {
    expect(allowedActions(ticket({ status: 'resolved' }), requester, NOW)).toEqual([
      { action: 'reopen', to: 'assigned' },
      { action: 'confirmResolution', to: 'closed' },
    ]);
    expect(allowedActions(ticket({ status: 'cancelled' }), admin, NOW)).toEqual([]);
    const refused = failureOf(() => assertAllowed(ticket({ status: 'cancelled' }), admin, { action: 'reopen' }, NOW));
    expect(refused.message).toContain('Nothing can be changed on a cancelled ticket');
  });

  it('a role problem is Forbidden, checked before the status', () => {
    expect(failureOf(() => assertAllowed(ticket({ status: 'cancelled' }), hrAgent, { action: 'transition', to: 'in_progress' }, NOW))).toMatchObject({ type: 'Forbidden' });
  });

  it('explains a held ticket and an expired reopen window', () => {
    expect(failureOf(() => assertAllowed(ticket({ status: 'new', held: true }), itAgent, { action: 'claim' }, NOW)).message).toContain('held for review');
    expect(failureOf(() => assertAllowed(ticket({ status: 'closed', closedAt: NOW - 20 * DAY }), requester, { action: 'reopen' }, NOW)).message).toContain('closed more than 14 days ago');
  });

  it('a parent with open children cannot resolve, unless the rule is off', () => {
    const parent = ticket({ status: 'in_progress', openChildren: 2 });
    expect(failureOf(() => assertAllowed(parent, itAgent, { action: 'transition', to: 'resolved' }, NOW)).message).toContain('2 child tickets are open');
    expect(allowedActions(parent, itAgent, NOW)).not.toContainEqual({ action: 'transition', to: 'resolved' });
    expect(assertAllowed({ ...parent, settings: { reopenWindowDays: 14, parentBlocksResolution: false } }, itAgent, { action: 'transition', to: 'resolved' }, NOW)).toBe('resolved');
  });
});

describe('consequences that follow a move or a message', () => {
  it('a reclassify into another department sends an assigned ticket back to triaged; otherwise the status stays', () => {
    expect(statusAfterReclassify('in_progress', { departmentChanged: true, hadAssignee: true })).toBe('triaged');
    expect(statusAfterReclassify('assigned', { departmentChanged: true, hadAssignee: true })).toBe('triaged');
    expect(statusAfterReclassify('triaged', { departmentChanged: true, hadAssignee: false })).toBe('triaged');
    expect(statusAfterReclassify('new', { departmentChanged: true, hadAssignee: true })).toBe('new');
    expect(statusAfterReclassify('in_progress', { departmentChanged: false, hadAssignee: true })).toBe('in_progress');
    expect(statusAfterReclassify('waiting_on_customer', { departmentChanged: false, hadAssignee: true })).toBe('waiting_on_customer');
  });

  it("a requester's reply resumes only a ticket waiting on them", () => {
    expect(statusAfterRequesterReply('waiting_on_customer')).toBe('in_progress');
    for (const status of ['new', 'triaged', 'assigned', 'in_progress', 'waiting_on_third_party', 'resolved', 'closed'] as const) expect(statusAfterRequesterReply(status)).toBe(status);
  });
});
