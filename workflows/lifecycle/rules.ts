/**
 * Who may move a ticket where, as pure functions of its state. Update validators use them inside
 * the workflow (so an illegal move never reaches history) and the API uses them to check roles
 * before it sends anything, and to show the actions a user has.
 */
import { FINAL_STATUSES, isIn, OPEN_STATUSES, WORKING_STATUSES, type TicketStatus } from '../../domain/vocabulary';
import { capabilitiesFor, staffDepartments, type Person } from '../../domain/access';
import type { Actor } from '../types';
import { lifecycleFailure, lifecycleFailureTypes } from './errors';

export const lifecycleActions = [
  'transition',
  'triage',
  'review',
  'assign',
  'claim',
  'unassign',
  'escalate',
  'reclassify',
  'reopen',
  'cancel',
  'confirmResolution',
  'merge',
  'link',
  'unlink',
] as const;
export type LifecycleAction = (typeof lifecycleActions)[number];

/** Moves of the work itself (the `transition` action). The others have actions of their own. */
export const WORK_TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: [],
  triaged: [],
  assigned: ['in_progress', 'waiting_on_customer', 'waiting_on_third_party', 'resolved'],
  in_progress: ['waiting_on_customer', 'waiting_on_third_party', 'resolved'],
  waiting_on_customer: ['in_progress', 'waiting_on_third_party', 'resolved'],
  waiting_on_third_party: ['in_progress', 'waiting_on_customer', 'resolved'],
  resolved: ['closed'],
  closed: [],
  cancelled: [],
  rejected: [],
};

const DAY = 86_400_000;

/** The part of a ticket's state the rules read (the workflow's state, or a ticket row in the API). */
export type RuleSubject = {
  number: number;
  status: TicketStatus;
  requesterId: string;
  departmentId: string | null;
  assigneeId: string | null;
  /** Held by screening. */
  held: boolean;
  merged: boolean;
  closedAt: number | null;
  openChildren: number;
  settings: { reopenWindowDays: number; parentBlocksResolution: boolean } | null;
};

export type ActionRequest = { action: LifecycleAction; to?: TicketStatus };

const REQUESTER_ACTIONS: ReadonlySet<LifecycleAction> = new Set(['cancel', 'reopen', 'confirmResolution']);
/** Actions an agent may not take even in scope: cancelling belongs to the requester, confirming too. */
const NOT_FOR_AGENTS: ReadonlySet<LifecycleAction> = new Set(['cancel', 'confirmResolution']);

/** The actor as domain/access.ts sees them (Updates sent before per-department staff carry only the home department). */
const personOf = (actor: Actor): Person => ({ id: actor.id, role: actor.role, staffDepartmentIds: actor.staffDepartmentIds ?? staffDepartments(actor.role, actor.departmentId) });

/**
 * Which rule grants staff powers: per ticket (domain/access.ts), or by role as before that —
 * kept only for workflow handlers replaying Updates accepted under it (workflows/ticket/patches.ts).
 */
export type StaffPowers = 'perTicket' | 'byRole';

/** The rule before staff powers were per ticket: supervisors and admins everywhere, agents in their department. */
function byRoleProblem(subject: RuleSubject, actor: Actor, action: LifecycleAction): string | null {
  if (actor.role === 'supervisor' || actor.role === 'admin') return null;
  const ownTicket = actor.id === subject.requesterId;
  if (ownTicket && REQUESTER_ACTIONS.has(action)) return null;
  if (actor.role === 'requester') {
    return ownTicket ? `requesters may only cancel, reopen or confirm the resolution of their tickets, not ${describe(action)}` : 'requesters may only change their own tickets';
  }
  if (NOT_FOR_AGENTS.has(action))
    return action === 'cancel' ? 'only the requester, a supervisor or an admin may cancel a ticket' : 'only the requester, a supervisor or an admin may confirm a resolution';
  const inScope = (subject.departmentId !== null && subject.departmentId === actor.departmentId) || subject.assigneeId === actor.id;
  return inScope ? null : 'agents may only change tickets of their department or assigned to them';
}

/** Why this actor may not take this action on this ticket, or null when their powers on it allow it (status aside). */
export function permissionProblem(subject: RuleSubject, actor: Actor, action: LifecycleAction, powers: StaffPowers = 'perTicket'): string | null {
  if (powers === 'byRole') return byRoleProblem(subject, actor, action);
  const caps = capabilitiesFor(personOf(actor), subject);
  if (caps.supervise) return null;
  if (caps.requester && REQUESTER_ACTIONS.has(action)) return null;
  if (!caps.staff) {
    // Whatever their role, on a ticket they only filed or watch people act as its requester.
    if (caps.requester) return `requesters may only cancel, reopen or confirm the resolution of their tickets, not ${describe(action)}`;
    if (actor.role === 'requester') return 'requesters may only change their own tickets';
    return actor.role === 'agent'
      ? 'agents may only change tickets of their department or assigned to them'
      : 'supervisors may only change tickets of the departments they supervise or assigned to them';
  }
  if (NOT_FOR_AGENTS.has(action))
    return action === 'cancel' ? 'only the requester, a supervisor or an admin may cancel a ticket' : 'only the requester, a supervisor or an admin may confirm a resolution';
  return null;
}

function withinReopenWindow(subject: RuleSubject, now: number): boolean {
  if (subject.closedAt === null || subject.merged) return false;
  const days = subject.settings?.reopenWindowDays ?? 0;
  return now <= subject.closedAt + days * DAY;
}

/** The status the action leads to, or null when the status does not allow it (roles aside). */
export function targetStatus(subject: RuleSubject, request: ActionRequest, now: number): TicketStatus | null {
  const { status } = subject;
  const open = isIn(OPEN_STATUSES, status);
  switch (request.action) {
    case 'transition': {
      if (!request.to || !WORK_TRANSITIONS[status].includes(request.to)) return null;
      return request.to;
    }
    case 'triage':
      return status === 'new' && !subject.held ? 'triaged' : null;
    case 'review':
      return status === 'new' && subject.held ? (request.to === 'rejected' ? 'rejected' : 'triaged') : null;
    case 'assign':
      return isIn(WORKING_STATUSES, status) ? (status === 'triaged' ? 'assigned' : status) : null;
    case 'claim':
      return status === 'triaged' && subject.assigneeId === null ? 'assigned' : null;
    case 'unassign':
      return (status === 'assigned' || status === 'in_progress') && subject.assigneeId !== null ? 'triaged' : null;
    case 'escalate':
      return isIn(WORKING_STATUSES, status) ? status : null;
    case 'reclassify':
      return open && !subject.held ? status : null;
    case 'reopen': {
      // Back to its assignee, or to the queue when it has none (then routing picks an agent):
      // what the workflow has always done with a reopened ticket.
      const to: TicketStatus = subject.assigneeId ? 'assigned' : 'triaged';
      if (status === 'resolved') return to;
      return status === 'closed' && withinReopenWindow(subject, now) ? to : null;
    }
    case 'cancel':
      return status === 'new' || status === 'triaged' || status === 'assigned' ? 'cancelled' : null;
    case 'confirmResolution':
      return status === 'resolved' ? 'closed' : null;
    case 'merge':
      return open && !subject.held ? 'closed' : null;
    case 'link':
    case 'unlink':
      return !isIn(FINAL_STATUSES, status) && !subject.merged && status !== 'closed' ? status : null;
  }
}

/**
 * Where an allowed reclassify lands once its new context is known: another department's queue takes an
 * assigned ticket from the start, so it loses its assignee and goes back to triaged.
 */
export function statusAfterReclassify(status: TicketStatus, change: { departmentChanged: boolean; hadAssignee: boolean }): TicketStatus {
  return change.departmentChanged && change.hadAssignee && status !== 'new' ? 'triaged' : status;
}

/** A requester's public reply moves a ticket waiting on them back to work; any other status stays. */
export function statusAfterRequesterReply(status: TicketStatus): TicketStatus {
  return status === 'waiting_on_customer' ? 'in_progress' : status;
}

function describe(action: LifecycleAction, to?: TicketStatus): string {
  switch (action) {
    case 'transition':
      return `move to ${to ?? '?'}`;
    case 'confirmResolution':
      return 'confirm the resolution';
    default:
      return action;
  }
}

/** Every action the actor may take now, with the status each leads to (for the UI and for error messages). */
export function allowedActions(subject: RuleSubject, actor: Actor, now: number): { action: LifecycleAction; to: TicketStatus }[] {
  const result: { action: LifecycleAction; to: TicketStatus }[] = [];
  for (const action of lifecycleActions) {
    if (permissionProblem(subject, actor, action)) continue;
    if (action === 'transition') {
      for (const to of WORK_TRANSITIONS[subject.status]) if (!blockedResolution(subject, to)) result.push({ action, to });
      continue;
    }
    if (action === 'review') {
      if (targetStatus(subject, { action }, now)) result.push({ action, to: 'rejected' }, { action, to: 'triaged' });
      continue;
    }
    const to = targetStatus(subject, { action }, now);
    if (to) result.push({ action, to });
  }
  return result;
}

function blockedResolution(subject: RuleSubject, to: TicketStatus | undefined): boolean {
  return to === 'resolved' && subject.openChildren > 0 && (subject.settings?.parentBlocksResolution ?? true);
}

/** Human-readable list of the moves allowed now, e.g. "transition → in_progress, cancel → cancelled". */
export function describeAllowed(subject: RuleSubject, actor: Actor, now: number): string[] {
  return allowedActions(subject, actor, now).map((a) => `${a.action} → ${a.to}`);
}

/**
 * Checks a request against the rules; throws the ApplicationFailure the API maps to FORBIDDEN
 * (role or scope) or BAD_REQUEST (illegal from this status, naming the allowed moves).
 * Returns the status the ticket will have.
 */
export function assertAllowed(subject: RuleSubject, actor: Actor, request: ActionRequest, now: number, powers: StaffPowers = 'perTicket'): TicketStatus {
  const problem = permissionProblem(subject, actor, request.action, powers);
  if (problem) throw lifecycleFailure(lifecycleFailureTypes.forbidden, `Ticket #${subject.number}: ${problem}.`);
  const to = targetStatus(subject, request, now);
  const allowed = describeAllowed(subject, actor, now);
  const allowedText =
    allowed.length > 0 ? `Allowed from ${subject.status}: ${allowed.join('; ')}.` : `Nothing can be changed on a ${subject.status} ticket${subject.merged ? ' (merged into another)' : ''}.`;
  if (!to) {
    const why =
      request.action === 'reopen' && subject.status === 'closed'
        ? subject.merged
          ? 'it was merged into another ticket'
          : `it was closed more than ${subject.settings?.reopenWindowDays ?? 0} days ago; open a new ticket instead`
        : subject.held && request.action !== 'review' && request.action !== 'cancel'
          ? 'it is held for review (spam or abuse screening) until an agent releases or rejects it'
          : `it is ${subject.status}`;
    throw lifecycleFailure(lifecycleFailureTypes.illegalTransition, `Ticket #${subject.number} cannot ${describe(request.action, request.to)}: ${why}. ${allowedText}`, {
      status: subject.status,
      allowed,
    });
  }
  if (request.action === 'transition' && blockedResolution(subject, request.to)) {
    throw lifecycleFailure(
      lifecycleFailureTypes.illegalTransition,
      `Ticket #${subject.number} cannot be resolved while ${subject.openChildren} child ticket${subject.openChildren === 1 ? ' is' : 's are'} open. ${allowedText}`,
      { status: subject.status, allowed },
    );
  }
  return to;
}
