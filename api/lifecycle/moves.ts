/**
 * The ticket's lifecycle moves, one row each: the workflow Update it sends, its input schema,
 * its OpenAPI path and summary, who may call it at all (the workflow's rules decide the rest),
 * how the Update's argument is built, and for a merge or link the other ticket, on which the
 * caller needs staff powers too. api/routers/lifecycle.ts turns every row into a procedure.
 */
import type { UpdateDefinition } from '@temporalio/common';
import type { z } from 'zod';
import type { LifecycleAction } from '../../workflows/lifecycle/rules';
import type { LifecycleView } from '../../workflows/lifecycle/view';
import {
  assignUpdate,
  cancelUpdate,
  claimUpdate,
  confirmResolutionUpdate,
  escalateUpdate,
  linkUpdate,
  mergeUpdate,
  reclassifyUpdate,
  reopenUpdate,
  reviewUpdate,
  transitionUpdate,
  triageUpdate,
  unassignUpdate,
  unlinkUpdate,
} from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { ZActionInput, ZAssignInput, ZEscalateInput, ZLinkInput, ZMergeInput, ZReclassifyInput, ZReviewInput, ZTransitionInput, ZTriageInput } from './schemas';

export type MoveInput = { id: string; reason?: string | undefined; requestId?: string | undefined };

export type Move<I extends z.ZodType<MoveInput>, A> = {
  /** `agent`: staff only (agentProcedure); `signedIn`: anyone signed in, requesters included (protectedProcedure). */
  caller: 'agent' | 'signedIn';
  /** The OpenAPI path under /tickets/{id}/. */
  path: string;
  summary: string;
  input: I;
  update: UpdateDefinition<LifecycleView, [A]>;
  args(input: z.output<I>, actor: Actor): A;
  /** The other end of a merge or link (changeLifecycle's counterpartId). */
  counterpart?(input: z.output<I>): string;
};

const move = <I extends z.ZodType<MoveInput>, A>(row: Move<I, A>) => row;
const reasonOf = (input: { reason?: string | undefined }) => input.reason ?? null;

export const lifecycleMoves = {
  transition: move({
    caller: 'agent',
    path: 'transition',
    summary: 'Move a ticket: in_progress, waiting_on_customer, waiting_on_third_party, resolved, closed',
    input: ZTransitionInput,
    update: transitionUpdate,
    args: (input, actor) => ({ actor, to: input.to, reason: reasonOf(input) }),
  }),
  triage: move({
    caller: 'agent',
    path: 'triage',
    summary: 'Triage a ticket by hand: department, category, priority',
    input: ZTriageInput,
    update: triageUpdate,
    args: (input, actor) => ({ actor, departmentId: input.departmentId, category: input.category, priority: input.priority, reason: reasonOf(input) }),
  }),
  review: move({
    caller: 'agent',
    path: 'review',
    summary: 'Decide on a ticket held by screening: reject it, or release it to triage',
    input: ZReviewInput,
    update: reviewUpdate,
    args: (input, actor) => ({ actor, decision: input.decision, reason: reasonOf(input) }),
  }),
  assign: move({
    caller: 'agent',
    path: 'assign',
    summary: 'Assign or reassign a ticket',
    input: ZAssignInput,
    update: assignUpdate,
    args: (input, actor) => ({ actor, assigneeId: input.assigneeId, reason: reasonOf(input) }),
  }),
  claim: move({ caller: 'agent', path: 'claim', summary: 'Take an unassigned ticket', input: ZActionInput, update: claimUpdate, args: (input, actor) => ({ actor, reason: reasonOf(input) }) }),
  unassign: move({
    caller: 'agent',
    path: 'unassign',
    summary: 'Put a ticket back in its queue',
    input: ZActionInput,
    update: unassignUpdate,
    args: (input, actor) => ({ actor, reason: reasonOf(input) }),
  }),
  escalate: move({
    caller: 'agent',
    path: 'escalate',
    summary: 'Escalate a ticket one level, with a reason',
    input: ZEscalateInput,
    update: escalateUpdate,
    args: (input, actor) => ({ actor, reason: input.reason }),
  }),
  reclassify: move({
    caller: 'agent',
    path: 'reclassify',
    summary: 'Change priority, category or department; SLA deadlines are recomputed',
    input: ZReclassifyInput,
    update: reclassifyUpdate,
    args: (input, actor) => ({ actor, priority: input.priority, category: input.category, departmentId: input.departmentId, reason: reasonOf(input) }),
  }),
  reopen: move({
    caller: 'signedIn',
    path: 'reopen',
    summary: 'Reopen a resolved ticket, or a closed one within the reopen window',
    input: ZActionInput,
    update: reopenUpdate,
    args: (input, actor) => ({ actor, reason: reasonOf(input) }),
  }),
  cancel: move({
    caller: 'signedIn',
    path: 'cancel',
    summary: 'Cancel a ticket before work starts',
    input: ZActionInput,
    update: cancelUpdate,
    args: (input, actor) => ({ actor, reason: reasonOf(input) }),
  }),
  confirmResolution: move({
    caller: 'signedIn',
    path: 'confirm-resolution',
    summary: 'The requester confirms the resolution: the ticket closes at once',
    input: ZActionInput,
    update: confirmResolutionUpdate,
    args: (input, actor) => ({ actor, reason: reasonOf(input) }),
  }),
  merge: move({
    caller: 'agent',
    path: 'merge',
    summary: 'Merge this ticket (a duplicate) into a primary',
    input: ZMergeInput,
    update: mergeUpdate,
    args: (input, actor) => ({ actor, primaryTicketId: input.primaryId, reason: reasonOf(input) }),
    counterpart: (input) => input.primaryId,
  }),
  link: move({
    caller: 'agent',
    path: 'link',
    summary: 'Link to a parent or related ticket',
    input: ZLinkInput,
    update: linkUpdate,
    args: (input, actor) => ({ actor, kind: input.kind, targetTicketId: input.targetId, reason: reasonOf(input) }),
    counterpart: (input) => input.targetId,
  }),
  unlink: move({
    caller: 'agent',
    path: 'unlink',
    summary: 'Remove a parent or related link',
    input: ZLinkInput,
    update: unlinkUpdate,
    args: (input, actor) => ({ actor, kind: input.kind, targetTicketId: input.targetId, reason: reasonOf(input) }),
    counterpart: (input) => input.targetId,
  }),
} satisfies { [K in LifecycleAction]?: unknown };
