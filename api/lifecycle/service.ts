/**
 * Lifecycle changes through the API: the caller's role and scope are checked here (FORBIDDEN
 * before anything is sent), then the change goes to the ticket's workflow as an Update whose
 * validator checks it again against the workflow's own state — an illegal move is refused
 * before it reaches history and comes back as BAD_REQUEST naming the allowed moves. The answer
 * is the ticket row the workflow's activity has written by the time the update completes.
 */
import { WorkflowNotFoundError, WorkflowUpdateFailedError, WorkflowUpdateStage } from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';
import { TRPCError } from '@trpc/server';
import { desc, eq } from 'drizzle-orm';
import { aiSuggestions } from '../../db/schema';
import { lifecycleFailureTypes } from '../../workflows/lifecycle/errors';
import { allowedActions, permissionProblem, type LifecycleAction, type RuleSubject } from '../../workflows/lifecycle/rules';
import { ruleSubject, type LifecycleView } from '../../workflows/lifecycle/view';
import { stateQuery, ticketWorkflowId } from '../../workflows/messages';
import type { ticketWorkflow } from '../../workflows/ticket/workflow';
import type { Actor } from '../../workflows/types';
import { staffAccess, staffTicketOrNotFound, ticketAccess, type TicketAccess } from '../access';
import { isUnavailable } from '../errors';
import type { TicketView } from '../tickets/schemas';
import { getTicket } from '../tickets/service';
import type { AuthedContext } from '../trpc';

/** How long a caller waits for the workflow to apply a change before hearing it is delayed. */
export const UPDATE_DEADLINE_MS = 20_000;

/** What a lifecycle change needs of its caller: a signed-in request, or the inbound mail service acting for a mail's sender. */
export type LifecycleCaller = Pick<AuthedContext, 'db' | 'temporal' | 'user'>;

export const actorOf = (ctx: LifecycleCaller): Actor => ({ id: ctx.user.id, role: ctx.user.role, departmentId: ctx.user.departmentId, staffDepartmentIds: ctx.user.staffDepartmentIds });

/** The rules' view of a ticket row (the workflow re-checks with its own, current state). */
function rowSubject(row: TicketAccess): RuleSubject {
  return {
    number: row.number,
    status: row.status,
    requesterId: row.requesterId,
    departmentId: row.departmentId,
    assigneeId: row.assigneeId,
    held: row.heldForReview,
    merged: false,
    closedAt: row.closedAt?.getTime() ?? null,
    openChildren: 0,
    settings: null,
  };
}

/** Maps the workflow's refusal (or a finished workflow) to a tRPC error; other errors pass through. */
export function lifecycleError(error: unknown, ticket: { number: number; status: string }): unknown {
  if (error instanceof WorkflowNotFoundError || (error instanceof Error && /workflow execution already completed/i.test(error.message))) {
    const why = ticket.status === 'closed' ? 'closed for good: its reopen window has passed' : `${ticket.status} for good`;
    return new TRPCError({ code: 'BAD_REQUEST', message: `Ticket #${ticket.number} is ${why}; nothing can change it any more. Open a new ticket and link it to this one.`, cause: error });
  }
  const refused = workflowRefusal(error);
  return refused ? new TRPCError({ ...refused, cause: error }) : error;
}

/** The workflow's refusal of an Update (its validator or handler said no), as an API error code. */
export function workflowRefusal(error: unknown): { code: 'FORBIDDEN' | 'BAD_REQUEST'; message: string } | null {
  const failure = error instanceof WorkflowUpdateFailedError && error.cause instanceof ApplicationFailure ? error.cause : null;
  switch (failure?.type) {
    case lifecycleFailureTypes.forbidden:
      return { code: 'FORBIDDEN', message: failure.message };
    case lifecycleFailureTypes.illegalTransition:
    case lifecycleFailureTypes.invalidInput:
      return { code: 'BAD_REQUEST', message: failure.message };
  }
  return null;
}

/**
 * Sends one lifecycle change to a ticket's workflow and returns the ticket as persisted: the
 * Update `update` with the argument `argsFor` builds for the caller (the update id comes from
 * `requestId`, so a retried request is applied once).
 */
export async function changeLifecycle<A>(
  ctx: LifecycleCaller,
  input: { id: string; requestId?: string | undefined },
  action: LifecycleAction,
  update: UpdateDefinition<LifecycleView, [A]>,
  argsFor: (actor: Actor) => A,
  /** The other end of a merge or link: the caller needs staff powers there too, or it does not exist for them. */
  counterpartId?: string,
): Promise<TicketView> {
  const row = await ticketAccess(ctx.db, ctx.user, input.id);
  const actor = actorOf(ctx);
  const problem = permissionProblem(rowSubject(row), actor, action);
  if (problem) throw new TRPCError({ code: 'FORBIDDEN', message: `Ticket #${row.number}: ${problem}.` });
  if (counterpartId !== undefined) await staffTicketOrNotFound(ctx.db, ctx.user, counterpartId);

  const handle = ctx.temporal.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(row.number));
  const updateId = input.requestId ? `${action}:${ctx.user.id}:${input.requestId}` : `${action}:${crypto.randomUUID()}`;
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), UPDATE_DEADLINE_MS);
  });
  try {
    const outcome = await Promise.race([handle.startUpdate(update, { updateId, waitForStage: WorkflowUpdateStage.ACCEPTED, args: [argsFor(actor)] }).then((update) => update.result()), deadline]);
    if (outcome === 'late') {
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: `Ticket #${row.number}: the change is taking longer than usual (database or workers slow to answer). It is kept and applied once they are back; retry with the same requestId to see the result.`,
      });
    }
  } catch (error) {
    if (error instanceof TRPCError) throw error;
    if (isUnavailable(error)) throw error; // → SERVICE_UNAVAILABLE in api/trpc.ts
    throw lifecycleError(error, row);
  } finally {
    clearTimeout(timer);
  }
  try {
    return await getTicket(ctx.db, ctx.user, row.id);
  } catch (error) {
    // The change itself may take the ticket out of the caller's sight (moved to another department):
    // they still get the result of what they just did.
    if (error instanceof TRPCError && error.code === 'NOT_FOUND') return getTicket(ctx.db, { ...ctx.user, role: 'admin' }, row.id);
    throw error;
  }
}

export type LifecycleAnswer = {
  ticketId: string;
  number: number;
  /** False when the ticket's workflow has ended and its history is gone: only the row is known. */
  live: boolean;
  /** What the caller may do now, and where each action leads. */
  allowed: { action: LifecycleAction; to: string }[];
  /** The caller's powers on the ticket (domain/access.ts capabilitiesFor): staff manage watchers and see links; the console shows only what these allow. */
  capabilities: { staff: boolean; supervise: boolean; requester: boolean };
  /** The workflow's full state for staff; requesters get the part that concerns them. */
  state: LifecycleView | { status: string; resolvedAt: number | null; closedAt: number | null; autoCloseAt: number | null; mergedInto: { ticketId: string; number: number } | null } | null;
};

/** The full lifecycle state (the workflow's query), with the actions the caller may take. */
export async function lifecycleState(ctx: AuthedContext, id: string): Promise<LifecycleAnswer> {
  const row = await ticketAccess(ctx.db, ctx.user, id);
  const actor = actorOf(ctx);
  let view: LifecycleView | null = null;
  try {
    view = await ctx.temporal.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(row.number)).query(stateQuery);
  } catch (error) {
    if (!(error instanceof WorkflowNotFoundError)) throw error;
  }
  const subject = view ? ruleSubject(view) : rowSubject(row);
  const allowed = allowedActions(subject, actor, Date.now());
  const capabilities = { staff: row.caps.staff, supervise: row.caps.supervise, requester: row.caps.requester };
  if (!view) return { ticketId: row.id, number: row.number, live: false, allowed, capabilities, state: null };
  if (row.caps.staff) return { ticketId: row.id, number: row.number, live: true, allowed, capabilities, state: view };
  const { status, resolvedAt, closedAt, autoCloseAt, mergedInto } = view;
  return { ticketId: row.id, number: row.number, live: true, allowed, capabilities, state: { status, resolvedAt, closedAt, autoCloseAt, mergedInto } };
}

/** The AI drafts for a ticket (e.g. the suggested first reply for its assignee), newest first. Staff of the ticket only. */
export async function ticketSuggestions(ctx: AuthedContext, id: string) {
  const row = await staffAccess(ctx.db, ctx.user, id, 'read AI suggestions');
  return ctx.db
    .select({
      id: aiSuggestions.id,
      kind: aiSuggestions.kind,
      forUserId: aiSuggestions.forUserId,
      body: aiSuggestions.body,
      provider: aiSuggestions.provider,
      method: aiSuggestions.method,
      createdAt: aiSuggestions.createdAt,
    })
    .from(aiSuggestions)
    .where(eq(aiSuggestions.ticketId, row.id))
    .orderBy(desc(aiSuggestions.id));
}
