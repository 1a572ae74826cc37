/**
 * Suggested replies and summaries for staff: the API checks the per-ticket rule (staff of the
 * ticket only: what the assistant reads includes internal notes), looks up knowledge-base
 * passages, and executes the assist workflow (workflows/assist.ts), whose activity calls the
 * model or answers offline. Nothing is sent to the requester: a suggestion only fills the
 * agent's reply box.
 */
import { TRPCError } from '@trpc/server';
import { WorkflowFailedError } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { tickets } from '../../db/schema';
import { ASSIST_WORKFLOW_TYPE } from '../../workflows/messages';
import type { AssistRequest, AssistResult } from '../../workflows/types';
import { staffAccess } from '../access';
import type { AuthedContext } from '../trpc';
import { knowledgePassagesForTicket } from './knowledge';

/** Longer than the model's own bound (AI_TIMEOUT_MS, twice) plus the offline answer. */
const ASSIST_TIMEOUT = '90 seconds';

export type AssistAnswer = { text: string; method: string; provider: string };

export async function assistTicket(ctx: AuthedContext, kind: AssistRequest['kind'], ticketId: string): Promise<AssistAnswer> {
  const access = await staffAccess(ctx.db, ctx.user, ticketId, kind === 'summary' ? 'read its AI summary' : 'ask for a suggested reply');
  const [ticket] = await ctx.db.select({ id: tickets.id, title: tickets.title, description: tickets.description }).from(tickets).where(eq(tickets.id, access.id));
  const knowledge = kind === 'suggest_reply' && ticket ? await knowledgePassagesForTicket(ctx.db, ticket, await ctx.services.knowledgeEmbedder()) : [];
  const request: AssistRequest = { kind, ticketId: access.id, forUserId: ctx.user.id, knowledge };
  try {
    const result = await ctx.temporal.workflow.execute<(input: AssistRequest) => Promise<AssistResult>>(ASSIST_WORKFLOW_TYPE, {
      taskQueue: ctx.taskQueue,
      workflowId: `assist-${kind.replace('_', '-')}-${access.number}-${crypto.randomUUID()}`,
      args: [request],
      workflowExecutionTimeout: ASSIST_TIMEOUT,
    });
    return { text: result.text, method: result.method, provider: result.provider };
  } catch (error) {
    if (error instanceof WorkflowFailedError) {
      ctx.logger.warn({ err: error, ticketId, kind }, 'the assistant failed');
      throw new TRPCError({ code: 'TIMEOUT', message: 'The assistant did not answer in time. Try again in a moment.' });
    }
    throw error;
  }
}
