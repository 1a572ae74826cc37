/**
 * Bulk changes for agents: assign, status or priority of many tickets. Each ticket's change is
 * an Update to its own workflow (validated there, so an illegal move is refused before it
 * reaches history) and gets its own result; one refusal never stops the others.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import { tickets } from '../../db/schema';
import { priorities, ticketStatuses } from '../../domain/vocabulary';
import { assignUpdate, reclassifyUpdate, ticketWorkflowId, transitionUpdate } from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { staffTickets, visibleTickets } from '../access';
import { isUnavailable } from '../errors';
import { actorOf, workflowRefusal } from '../lifecycle/service';
import type { AuthedContext } from '../trpc';
import type { BulkUpdateInput } from './schemas';

const ZBulkItem = z.discriminatedUnion('ok', [
  z.object({ ticketId: z.uuid(), ok: z.literal(true), status: z.enum(ticketStatuses), priority: z.enum(priorities), assigneeId: z.uuid().nullable() }),
  z.object({ ticketId: z.uuid(), ok: z.literal(false), code: z.enum(['NOT_FOUND', 'BAD_REQUEST', 'FORBIDDEN', 'CONFLICT', 'SERVICE_UNAVAILABLE', 'INTERNAL_SERVER_ERROR']), message: z.string() }),
]);
export const ZBulkResult = z.object({ results: z.array(ZBulkItem), succeeded: z.number().int(), failed: z.number().int() });
type BulkItem = z.infer<typeof ZBulkItem>;

const PARALLEL = 8;

export async function bulkUpdate(ctx: AuthedContext, input: BulkUpdateInput): Promise<z.infer<typeof ZBulkResult>> {
  const ids = [...new Set(input.ticketIds)];
  const visible = await ctx.db
    .select({ id: tickets.id, number: tickets.number, staff: sql<boolean>`${staffTickets(ctx.user)}` })
    .from(tickets)
    .where(and(inArray(tickets.id, ids), visibleTickets(ctx.user)));
  const found = new Map(visible.map((t) => [t.id, t]));
  const actor = actorOf(ctx);
  const reason = input.reason ?? null;

  const results: BulkItem[] = new Array(ids.length);
  let next = 0;
  async function worker() {
    for (let i = next++; i < ids.length; i = next++) {
      const ticketId = ids[i]!;
      const ticket = found.get(ticketId);
      results[i] = !ticket
        ? { ticketId, ok: false, code: 'NOT_FOUND', message: `Ticket ${ticketId} was not found.` }
        : !ticket.staff
          ? { ticketId, ok: false, code: 'FORBIDDEN', message: `Ticket #${ticket.number}: only its department's staff, its assignee or an admin may change it.` }
          : await applyOne(ctx, ticketId, ticket.number, actor, reason, input.change);
    }
  }
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker));
  const succeeded = results.filter((r) => r.ok).length;
  return { results, succeeded, failed: results.length - succeeded };
}

async function applyOne(ctx: AuthedContext, ticketId: string, number: number, actor: Actor, reason: string | null, change: BulkUpdateInput['change']): Promise<BulkItem> {
  const handle = ctx.temporal.workflow.getHandle(ticketWorkflowId(number));
  try {
    switch (change.action) {
      case 'assign':
        await handle.executeUpdate(assignUpdate, { args: [{ assigneeId: change.assigneeId, actor, reason }] });
        break;
      case 'status':
        await handle.executeUpdate(transitionUpdate, { args: [{ to: change.status, actor, reason }] });
        break;
      case 'priority':
        await handle.executeUpdate(reclassifyUpdate, { args: [{ priority: change.priority, actor, reason }] });
        break;
    }
  } catch (error) {
    return { ticketId, ok: false, ...refusal(ctx, error) };
  }
  // The row is the workflow's projection, written by its activity before the update returned.
  const [row] = await ctx.db.select({ status: tickets.status, priority: tickets.priority, assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, ticketId));
  if (!row) return { ticketId, ok: false, code: 'NOT_FOUND', message: `Ticket ${ticketId} was not found.` };
  return { ticketId, ok: true, ...row };
}

function refusal(ctx: AuthedContext, error: unknown): { code: Exclude<BulkItem, { ok: true }>['code']; message: string } {
  if (error instanceof WorkflowNotFoundError) return { code: 'CONFLICT', message: 'This ticket is closed; its lifecycle has ended.' };
  const refused = workflowRefusal(error);
  if (refused) return refused;
  if (isUnavailable(error)) return { code: 'SERVICE_UNAVAILABLE', message: 'The workflow engine is unreachable; nothing changed on this ticket. Retry shortly.' };
  ctx.logger.error({ err: error }, 'bulk update of a ticket failed');
  return { code: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side; it has been logged.' };
}
