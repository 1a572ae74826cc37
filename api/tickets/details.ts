/**
 * The requester edits their ticket's title and description while nobody works on it yet (status
 * `new` or `triaged`). Only the requester: staff change what a ticket is about by reclassifying
 * it (department, category, priority), never by rewriting the requester's words. Every edit is
 * audited (`details_edited`, old and new values); a material edit makes the ticket's workflow
 * triage it again (workflows/ticket/retriage.ts). The search index (a generated tsvector)
 * follows the row by itself.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, eq, inArray } from 'drizzle-orm';
import { tickets } from '../../db/schema';
import { detailsEditedSignal, ticketWorkflowId } from '../../workflows/messages';
import { ticketAccess } from '../access';
import type { AuthedContext } from '../trpc';
import { recordTicketEvent } from './events';
import type { TicketView, UpdateDetailsInput } from './schemas';
import { getTicket } from './service';

/** The statuses in which the requester may still edit: before anybody is assigned. */
export const EDITABLE_STATUSES = ['new', 'triaged'] as const;

/** Case, punctuation and runs of whitespace folded away: what is left is what the text says. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/**
 * Whether an edit changes what the ticket says: its normalised title or description differs.
 * Fixing capitals, punctuation or spacing is not material (no re-triage); any changed, added or
 * removed word is.
 */
export function isMaterialEdit(before: { title: string; description: string }, after: { title: string; description: string }): boolean {
  return normaliseText(before.title) !== normaliseText(after.title) || normaliseText(before.description) !== normaliseText(after.description);
}

export async function updateTicketDetails(ctx: AuthedContext, input: UpdateDetailsInput): Promise<TicketView & { retriage: boolean }> {
  const access = await ticketAccess(ctx.db, ctx.user, input.id);
  if (access.requesterId !== ctx.user.id) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the requester of a ticket can edit its title and description.' });
  const result = await ctx.db.transaction(async (tx) => {
    // The status is checked in the same statement as the write: the workflow may assign the ticket meanwhile.
    const [current] = await tx.select({ title: tickets.title, description: tickets.description, status: tickets.status }).from(tickets).where(eq(tickets.id, input.id)).for('update');
    if (!current || !(EDITABLE_STATUSES as readonly string[]).includes(current.status)) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `Ticket #${access.number} is ${current?.status ?? 'gone'}: the title and description can be edited only while it is new or triaged (before an agent takes it). Add a comment instead.`,
      });
    }
    const next = { title: input.title ?? current.title, description: input.description ?? current.description };
    if (next.title === current.title && next.description === current.description) return { changed: false, material: false, next };
    await tx
      .update(tickets)
      .set(next)
      .where(and(eq(tickets.id, input.id), inArray(tickets.status, [...EDITABLE_STATUSES])));
    const material = isMaterialEdit(current, next);
    const editId = crypto.randomUUID();
    await recordTicketEvent(tx, {
      ticketId: input.id,
      kind: 'details_edited',
      oldValue: { title: current.title, description: current.description },
      newValue: { title: next.title, description: next.description, material },
      actorId: ctx.user.id,
      dedupeKey: `details:${editId}`,
    });
    return { changed: true, material, next };
  });
  if (result.material) await signalDetailsEdited(ctx, access.number, result.next);
  const view = await getTicket(ctx.db, ctx.user, input.id);
  return { ...view, retriage: result.material };
}

/** Tells the workflow to triage the new text; a ticket whose workflow has finished has nothing to route. */
async function signalDetailsEdited(ctx: AuthedContext, ticketNumber: number, text: { title: string; description: string }) {
  try {
    await ctx.temporal.workflow.getHandle(ticketWorkflowId(ticketNumber)).signal(detailsEditedSignal, { ...text, actorId: ctx.user.id });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    throw error;
  }
}
