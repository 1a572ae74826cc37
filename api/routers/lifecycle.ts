/**
 * Ticket lifecycle procedures, merged into the `ticket` router (ticket.transition, ticket.assign,
 * …). Each is an Update to the ticket's workflow; see api/lifecycle/service.ts.
 */
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
import { ZActionInput, ZAssignInput, ZEscalateInput, ZLifecycleInput, ZLinkInput, ZMergeInput, ZReclassifyInput, ZReviewInput, ZTransitionInput, ZTriageInput } from '../lifecycle/schemas';
import { changeLifecycle, lifecycleState, ticketSuggestions } from '../lifecycle/service';
import { ZTicketView } from '../tickets/schemas';
import { agentProcedure, createTRPCRouter, protectedProcedure } from '../trpc';

const reasonOf = (input: { reason?: string | undefined }) => input.reason ?? null;
const openapi = (path: string, summary: string) => ({ openapi: { method: 'POST' as const, path: `/tickets/{id}/${path}` as const, tags: ['lifecycle'], summary } });

export const lifecycleRouter = createTRPCRouter({
  /** The workflow's full lifecycle state and the actions the caller may take now. */
  lifecycle: protectedProcedure.input(ZLifecycleInput).query(({ ctx, input }) => lifecycleState(ctx, input.id)),

  /** AI drafts for the ticket's agents, e.g. the suggested first reply. */
  suggestions: agentProcedure.input(ZLifecycleInput).query(({ ctx, input }) => ticketSuggestions(ctx, input.id)),

  transition: agentProcedure
    .meta(openapi('transition', 'Move a ticket: in_progress, waiting_on_customer, waiting_on_third_party, resolved, closed'))
    .input(ZTransitionInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'transition', transitionUpdate, (actor) => ({ actor, to: input.to, reason: reasonOf(input) })),
    ),

  triage: agentProcedure
    .meta(openapi('triage', 'Triage a ticket by hand: department, category, priority'))
    .input(ZTriageInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'triage', triageUpdate, (actor) => ({ actor, departmentId: input.departmentId, category: input.category, priority: input.priority, reason: reasonOf(input) })),
    ),

  review: agentProcedure
    .meta(openapi('review', 'Decide on a ticket held by screening: reject it, or release it to triage'))
    .input(ZReviewInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'review', reviewUpdate, (actor) => ({ actor, decision: input.decision, reason: reasonOf(input) })),
    ),

  assign: agentProcedure
    .meta(openapi('assign', 'Assign or reassign a ticket'))
    .input(ZAssignInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'assign', assignUpdate, (actor) => ({ actor, assigneeId: input.assigneeId, reason: reasonOf(input) })),
    ),

  claim: agentProcedure
    .meta(openapi('claim', 'Take an unassigned ticket'))
    .input(ZActionInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => changeLifecycle(ctx, input, 'claim', claimUpdate, (actor) => ({ actor, reason: reasonOf(input) }))),

  unassign: agentProcedure
    .meta(openapi('unassign', 'Put a ticket back in its queue'))
    .input(ZActionInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => changeLifecycle(ctx, input, 'unassign', unassignUpdate, (actor) => ({ actor, reason: reasonOf(input) }))),

  escalate: agentProcedure
    .meta(openapi('escalate', 'Escalate a ticket one level, with a reason'))
    .input(ZEscalateInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => changeLifecycle(ctx, input, 'escalate', escalateUpdate, (actor) => ({ actor, reason: input.reason }))),

  reclassify: agentProcedure
    .meta(openapi('reclassify', 'Change priority, category or department; SLA deadlines are recomputed'))
    .input(ZReclassifyInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'reclassify', reclassifyUpdate, (actor) => ({ actor, priority: input.priority, category: input.category, departmentId: input.departmentId, reason: reasonOf(input) })),
    ),

  reopen: protectedProcedure
    .meta(openapi('reopen', 'Reopen a resolved ticket, or a closed one within the reopen window'))
    .input(ZActionInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => changeLifecycle(ctx, input, 'reopen', reopenUpdate, (actor) => ({ actor, reason: reasonOf(input) }))),

  cancel: protectedProcedure
    .meta(openapi('cancel', 'Cancel a ticket before work starts'))
    .input(ZActionInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => changeLifecycle(ctx, input, 'cancel', cancelUpdate, (actor) => ({ actor, reason: reasonOf(input) }))),

  confirmResolution: protectedProcedure
    .meta(openapi('confirm-resolution', 'The requester confirms the resolution: the ticket closes at once'))
    .input(ZActionInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'confirmResolution', confirmResolutionUpdate, (actor) => ({ actor, reason: reasonOf(input) })),
    ),

  merge: agentProcedure
    .meta(openapi('merge', 'Merge this ticket (a duplicate) into a primary'))
    .input(ZMergeInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'merge', mergeUpdate, (actor) => ({ actor, primaryTicketId: input.primaryId, reason: reasonOf(input) }), input.primaryId),
    ),

  link: agentProcedure
    .meta(openapi('link', 'Link to a parent or related ticket'))
    .input(ZLinkInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'link', linkUpdate, (actor) => ({ actor, kind: input.kind, targetTicketId: input.targetId, reason: reasonOf(input) }), input.targetId),
    ),

  unlink: agentProcedure
    .meta(openapi('unlink', 'Remove a parent or related link'))
    .input(ZLinkInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) =>
      changeLifecycle(ctx, input, 'unlink', unlinkUpdate, (actor) => ({ actor, kind: input.kind, targetTicketId: input.targetId, reason: reasonOf(input) }), input.targetId),
    ),
});
