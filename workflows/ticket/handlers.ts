/**
 * The ticket's message handlers: one lifecycle move per Update, the public-reply signal and the
 * wait for the row. Each move is checked by the rules twice — by its validator (an illegal move
 * on a settled ticket never reaches history) and again when it is its turn — and uses the status
 * the rules return. Every change first fires whatever SLA item is already due.
 */
import { condition, getExternalWorkflowHandle, setHandler } from '@temporalio/workflow';
import type { UpdateDefinition } from '@temporalio/common';
import type { TicketEventKind, TicketStatus } from '../../domain/vocabulary';
import { lifecycleFailure, lifecycleFailureTypes } from '../lifecycle/errors';
import type { ActionRequest } from '../lifecycle/rules';
import type { LifecycleView } from '../lifecycle/view';
import {
  childTicketSignal,
  ticketWorkflowId,
  type ActorInput,
  type AssignInput,
  type EscalateInput,
  type LinkInput,
  type MergeInput,
  type PublicReply,
  type ReclassifyInput,
  type ReviewInput,
  type TransitionInput,
  type TriageInput,
} from '../messages';
import type { Actor, NotificationSpec } from '../types';
import { assignmentNotice, autoAssign, resolveContext, route } from './routing';
import type { TicketRun } from './run';
import { catchUp, raisePriority } from './sla';

/** A lifecycle move: the rules' request for an input, the change itself, and input checks beyond the rules. */
export type Move<R extends { actor: Actor }> = {
  action: (request: R | undefined) => ActionRequest;
  /** Runs when it is this Update's turn and the rules allow it; `to` is the status they return. */
  apply: (run: TicketRun, request: R, to: TicketStatus) => Promise<void>;
  validateInput?: (run: TicketRun, request: R) => void;
};

/**
 * Registers a lifecycle Update. Its validator checks the rules (role, scope, status) so an
 * illegal move on a settled ticket never reaches history; the handler checks them again once it
 * is its turn (an earlier change may have moved the ticket since), runs the move, and answers the
 * new state.
 */
export function onLifecycleUpdate<R extends { actor: Actor }>(run: TicketRun, update: UpdateDefinition<LifecycleView, [R]>, move: Move<R>): void {
  setHandler(
    update,
    (request) =>
      run.exclusive(async () => {
        await move.apply(run, request, run.check(request, move.action(request), { inHandler: true }));
        return run.view();
      }),
    {
      validator: (request) => {
        // While a change is in flight (its row may already be written), the state can be a step
        // behind what the caller saw: the handler checks once that change is done. The Update is
        // then refused by its handler instead of here (recorded in history, same error).
        if (!run.busy) run.check(request, move.action(request));
        move.validateInput?.(run, request);
      },
    },
  );
}

/** Completes once the ticket row exists; the create path sends it with Update-With-Start. */
export async function awaitPersisted(run: TicketRun): Promise<LifecycleView> {
  await condition(() => run.ticket.state.persisted);
  return run.view();
}

// -------------------------------------------------------------------------------------------------
// Parent and child tickets.

/** Tells the parent ticket when this child opens or closes (it may not resolve while a child is open). */
async function tellParent(run: TicketRun, wasOpen: boolean) {
  const open = run.ticket.isOpen;
  const { parent } = run.ticket.state;
  if (!parent || open === wasOpen) return;
  await signalParent(run, parent.number, open);
}

async function signalParent(run: TicketRun, parentNumber: number, open: boolean) {
  const { ticketId, number } = run.ticket.state;
  try {
    await getExternalWorkflowHandle(ticketWorkflowId(parentNumber)).signal(childTicketSignal, { ticketId, number, open });
  } catch {
    // The parent's workflow has finished (closed for good): nothing is waiting for this child.
  }
}

// -------------------------------------------------------------------------------------------------
// The moves. Each keeps the shape (async or not) of the code it was split from: the number of
// promise steps decides when its commands are issued, and running tickets' histories recorded that.

/**
 * A plain status move: clocks caught up, the change persisted, a parent told if the ticket opened
 * or closed. `notices` names who is told, once the clocks are caught up (their keys use the sequence number).
 */
async function moveTo(run: TicketRun, to: TicketStatus, kind: TicketEventKind, request: { actor: Actor; reason?: string | null }, notices?: (run: TicketRun) => NotificationSpec[]) {
  await catchUp(run);
  const wasOpen = run.ticket.isOpen;
  run.ticket.setStatus(to, run.now());
  await run.store.persist(kind, { actor: request.actor, reason: request.reason, notifications: notices?.(run) });
  await tellParent(run, wasOpen);
}

/** The requester's notification that their ticket was resolved (keyed by the change that resolves it): confirm or reopen it. */
const resolvedNotice = (run: TicketRun): NotificationSpec[] => [
  {
    key: `resolved/${run.ticket.state.seq + 1}`,
    kind: 'resolved',
    audience: ['requester'],
    title: `Your ticket #${run.ticket.state.number} was resolved`,
    body: `${run.input.title}: confirm the resolution if the problem is solved, or reopen the ticket if it is not.`,
    data: { link: `/tickets/${run.ticket.state.number}` },
  },
];

/** Assign and claim: the assignee is checked against the department, then the ticket moves as the rules say. */
async function assignTo(run: TicketRun, actor: Actor, assigneeId: string, kind: TicketEventKind, reason: string | null | undefined, to: TicketStatus) {
  const { ticket } = run;
  if (assigneeId === ticket.state.assigneeId) return;
  const found = await run.activities.db.checkAssignee({ assigneeId, departmentId: ticket.state.departmentId });
  if (!found.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${ticket.state.number} cannot be assigned to that user: ${found.problem}.`);
  await catchUp(run);
  ticket.assign(assigneeId, to, run.now());
  await run.store.persist(kind, { actor, reason, notifications: [assignmentNotice(run)] });
  if (ticket.state.firstRespondedAt === null) run.store.enqueue({ kind: 'draft', assigneeId });
}

const transition: Move<TransitionInput> = {
  action: (request) => ({ action: 'transition', to: request?.to }),
  apply: (run, request, to) => moveTo(run, to, 'status_changed', request, to === 'resolved' ? resolvedNotice : undefined),
};

const triage: Move<TriageInput> = {
  action: () => ({ action: 'triage' }),
  apply: async (run, request, to) => {
    const ctx = await resolveContext(run, { departmentId: request.departmentId, priority: request.priority, category: request.category });
    if (!ctx.department) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${run.ticket.state.number}: department ${request.departmentId} does not exist.`);
    await catchUp(run);
    const event = run.ticket.triageByHand(request, ctx, to, run.now());
    await run.store.persist('triaged', { actor: request.actor, reason: request.reason, events: event ? [event] : [] });
    await autoAssign(run);
  },
};

const review: Move<ReviewInput> = {
  action: (request) => ({ action: 'review', to: request?.decision === 'reject' ? 'rejected' : 'triaged' }),
  apply: async (run, request, to) => {
    const held = run.ticket.endReview();
    if (request.decision === 'reject') {
      run.ticket.setStatus(to, run.now());
      await run.store.persist('rejected', { actor: request.actor, reason: request.reason ?? held.reason });
      return;
    }
    // Released: routing decides like at intake (the queue when triage was unsure, else an agent).
    await run.store.persist('released', { actor: request.actor, reason: request.reason ?? `screening flagged ${held.flags.join(', ')}; an agent released it` });
    await route(run, run.now(), run.ticket.state.triage!, []);
  },
};

const assign: Move<AssignInput> = {
  action: () => ({ action: 'assign' }),
  apply: (run, request, to) => assignTo(run, request.actor, request.assigneeId, 'assigned', request.reason, to),
  validateInput: (_run, request) => {
    if (typeof request.assigneeId !== 'string') throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'assigneeId is required');
  },
};

const claim: Move<ActorInput> = {
  action: () => ({ action: 'claim' }),
  apply: (run, request, to) => assignTo(run, request.actor, request.actor.id, 'claimed', request.reason, to),
};

const unassign: Move<ActorInput> = {
  action: () => ({ action: 'unassign' }),
  apply: async (run, request, to) => {
    await catchUp(run);
    run.ticket.unassign(to, run.now());
    await run.store.persist('unassigned', { actor: request.actor, reason: request.reason });
  },
};

const escalate: Move<EscalateInput> = {
  action: () => ({ action: 'escalate' }),
  apply: async (run, request) => {
    await catchUp(run);
    const at = run.now();
    const { level, outcome } = run.ticket.escalateByHand(request.actor.role);
    if (outcome.raise) {
      const event = await raisePriority(run, at);
      if (event) outcome.events.push(event);
    }
    await run.store.persist('escalated', {
      actor: request.actor,
      reason: request.reason,
      events: outcome.events,
      notifications: [
        {
          key: outcome.events[0]!.key,
          kind: 'escalated',
          audience: [...outcome.audience],
          title: `Ticket #${run.ticket.state.number} escalated to level ${level}`,
          body: `${run.input.title} — ${request.reason}`,
        },
      ],
      autoAssign: outcome.autoAssign,
    });
  },
  validateInput: (_run, request) => {
    if (typeof request.reason !== 'string' || request.reason.trim() === '') throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'a manual escalation needs a reason');
  },
};

const reclassify: Move<ReclassifyInput> = {
  action: () => ({ action: 'reclassify' }),
  apply: async (run, request) => {
    const { ticket } = run;
    const ctx = await resolveContext(run, { departmentId: request.departmentId ?? ticket.state.departmentId, priority: request.priority, category: request.category });
    if (request.departmentId && !ctx.department) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${ticket.state.number}: department ${request.departmentId} does not exist.`);
    await catchUp(run);
    const { event, departmentChanged } = ticket.reclassify(request, ctx, run.now());
    await run.store.persist('reclassified', { actor: request.actor, reason: request.reason, events: event ? [event] : [] });
    if (departmentChanged) await autoAssign(run);
  },
  validateInput: (_run, request) => {
    if (request.priority === undefined && request.category === undefined && request.departmentId === undefined) {
      throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'name a new priority, category or department');
    }
  },
};

const reopen: Move<ActorInput> = {
  action: () => ({ action: 'reopen' }),
  apply: async (run, request, to) => {
    const wasOpen = run.ticket.isOpen;
    run.ticket.reopen(to, run.now());
    await run.store.persist('reopened', { actor: request.actor, reason: request.reason });
    if (!run.ticket.state.assigneeId) await autoAssign(run);
    await tellParent(run, wasOpen);
  },
};

const cancel: Move<ActorInput> = {
  action: () => ({ action: 'cancel' }),
  apply: (run, request, to) => moveTo(run, to, 'cancelled', request),
};

const confirmResolution: Move<ActorInput> = {
  action: () => ({ action: 'confirmResolution' }),
  apply: async (run, request, to) => {
    run.ticket.setStatus(to, run.now());
    await run.store.persist('closed', { actor: request.actor, reason: request.reason ?? 'the requester confirmed the resolution' });
  },
};

const merge: Move<MergeInput> = {
  action: () => ({ action: 'merge' }),
  apply: async (run, request, to) => {
    const { ticket } = run;
    const merged = await run.activities.db.mergeTickets({ duplicateId: ticket.state.ticketId, primaryId: request.primaryTicketId, actorId: request.actor.id, reason: request.reason ?? null });
    if (!merged.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${ticket.state.number} cannot be merged: ${merged.problem}.`);
    await catchUp(run);
    const wasOpen = ticket.isOpen;
    ticket.merge({ ticketId: request.primaryTicketId, number: merged.targetNumber }, to, run.now());
    await run.store.persist('merged', {
      actor: request.actor,
      reason: request.reason ?? `duplicate of #${merged.targetNumber}`,
      events: [{ key: 'merged-into', kind: 'merged_into', field: null, newValue: { ticketId: request.primaryTicketId, number: merged.targetNumber, movedComments: merged.movedComments ?? 0 } }],
    });
    await tellParent(run, wasOpen);
  },
  validateInput: (run, request) => {
    if (request.primaryTicketId === run.ticket.state.ticketId) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, 'a ticket cannot be merged into itself');
  },
};

const link: Move<LinkInput> = {
  action: () => ({ action: 'link' }),
  apply: async (run, request) => {
    const { ticket } = run;
    const { state } = ticket;
    if (request.kind === 'parent' && state.parent && state.parent.ticketId !== request.targetTicketId) {
      throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} already has parent #${state.parent.number}; unlink it first.`);
    }
    const linked = await run.activities.db.linkTickets({
      ticketId: state.ticketId,
      targetTicketId: request.targetTicketId,
      kind: request.kind === 'parent' ? 'child_of' : 'related_to',
      actorId: request.actor.id,
    });
    if (!linked.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} cannot be linked: ${linked.problem}.`);
    if (request.kind === 'parent') {
      ticket.linkParent({ ticketId: request.targetTicketId, number: linked.targetNumber });
      await signalParent(run, linked.targetNumber, ticket.isOpen);
    }
    await run.store.persist('linked', {
      actor: request.actor,
      reason: request.reason,
      events: [{ key: `link/${state.seq + 1}`, kind: 'linked', field: request.kind, newValue: { ticketId: request.targetTicketId, number: linked.targetNumber } }],
    });
  },
};

const unlink: Move<LinkInput> = {
  action: () => ({ action: 'unlink' }),
  apply: async (run, request) => {
    const { ticket } = run;
    const { state } = ticket;
    const unlinked = await run.activities.db.unlinkTickets({ ticketId: state.ticketId, targetTicketId: request.targetTicketId, kind: request.kind === 'parent' ? 'child_of' : 'related_to' });
    if (!unlinked.ok) throw lifecycleFailure(lifecycleFailureTypes.invalidInput, `Ticket #${state.number} cannot be unlinked: ${unlinked.problem}.`);
    if (request.kind === 'parent' && state.parent?.ticketId === request.targetTicketId) {
      await signalParent(run, state.parent.number, false);
      ticket.unlinkParent();
    }
    await run.store.persist('unlinked', {
      actor: request.actor,
      reason: request.reason,
      events: [{ key: `unlink/${state.seq + 1}`, kind: 'unlinked', field: request.kind, newValue: { ticketId: request.targetTicketId, number: unlinked.targetNumber } }],
    });
  },
};

/** Every lifecycle Update's move, by name. */
export const moves = { transition, triage, review, assign, claim, unassign, escalate, reclassify, reopen, cancel, confirmResolution, merge, link, unlink };

/** A public reply (signal): an agent's meets first / next response, a requester's resumes a ticket waiting on them. */
export async function onPublicReply(run: TicketRun, reply: PublicReply) {
  const { ticket } = run;
  if (!ticket.acceptReply(reply)) return;
  await catchUp(run);
  const at = run.now();
  const actor = { id: reply.authorId, role: reply.authorRole, departmentId: null };
  if (!ticket.isFromRequester(reply)) {
    const change = ticket.agentReplied(at);
    if (change === 'first_response') await run.store.persist('first_response', { actor, reason: `public reply ${reply.commentId}` });
    else if (change) await run.store.persist('sla_projection', { actor });
    return;
  }
  const { kind, reason } = ticket.requesterReplied(at);
  await run.store.persist(kind, { actor, source: 'api', reason });
}

/** SLA policies, calendars or settings changed (signal): a ticket under an older version re-resolves its policy when the loop wakes. */
export function onSlaConfigChanged(run: TicketRun, { version }: { version: number }) {
  if (run.ticket.requestSlaRefresh(version)) run.wake();
}
