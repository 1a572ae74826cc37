/**
 * Links between tickets: merging a duplicate into a primary (its comments and watchers move),
 * parent/child and related links. Each write is idempotent (unique link keys, keyed audit
 * events), so a retried activity changes nothing twice.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { comments, ticketEvents, ticketLinks, tickets, ticketWatchers, type TicketLinkKind } from '../../db/schema';
import { isIn, OPEN_STATUSES, UNSETTLED_STATUSES } from '../../domain/vocabulary';
import { ticketWorkflowId } from '../../workflows/messages';

export type LinkResult = { ok: true; targetNumber: number; targetOpen: boolean } | { ok: false; problem: string };

async function lockTickets(tx: Tx, ids: string[]) {
  // Same order for everyone: two merges of the same pair never deadlock.
  return tx
    .select({ id: tickets.id, number: tickets.number, status: tickets.status, requesterId: tickets.requesterId })
    .from(tickets)
    .where(inArray(tickets.id, ids))
    .orderBy(tickets.id)
    .for('update');
}

/** Whether `ancestorId` is `ticketId` or one of its parents (so linking would make a cycle). */
async function isAncestorOrSelf(tx: Tx, ticketId: string, ancestorId: string): Promise<boolean> {
  const result = await tx.execute<{ found: boolean }>(sql`
    with recursive up(id, depth) as (
      select ${ticketId}::uuid, 0
      union all
      select l.target_ticket_id, up.depth + 1 from ${ticketLinks} l join up on l.ticket_id = up.id
      where l.kind = 'child_of' and up.depth < 100
    )
    select exists(select 1 from up where id = ${ancestorId}::uuid) as found`);
  return Boolean((result as unknown as { rows: { found: boolean }[] }).rows[0]?.found);
}

export function linkActivities(db: Db) {
  return {
    /**
     * Moves the duplicate's comments and watchers to the primary (the duplicate's requester
     * becomes a watcher there) and records the link; audited on the primary. The duplicate's
     * own status change is the workflow's next write.
     */
    async mergeTickets(input: { duplicateId: string; primaryId: string; actorId: string; reason: string | null }): Promise<LinkResult & { movedComments?: number }> {
      if (input.duplicateId === input.primaryId) return { ok: false, problem: 'a ticket cannot be merged into itself' };
      return db.transaction(async (tx) => {
        const rows = await lockTickets(tx, [input.duplicateId, input.primaryId]);
        const duplicate = rows.find((r) => r.id === input.duplicateId);
        const primary = rows.find((r) => r.id === input.primaryId);
        if (!duplicate) return { ok: false, problem: 'the ticket to merge does not exist' };
        if (!primary) return { ok: false, problem: 'the primary ticket does not exist' };
        const [already] = await tx
          .select({ target: ticketLinks.targetTicketId })
          .from(ticketLinks)
          .where(and(eq(ticketLinks.ticketId, duplicate.id), eq(ticketLinks.kind, 'duplicate_of')));
        if (already && already.target !== primary.id) return { ok: false, problem: 'this ticket is already merged into another ticket' };
        if (!already) {
          if (!isIn(UNSETTLED_STATUSES, primary.status)) return { ok: false, problem: `the primary ticket #${primary.number} is ${primary.status}; merge into an open ticket` };
          const [primaryMerged] = await tx
            .select({ id: ticketLinks.id })
            .from(ticketLinks)
            .where(and(eq(ticketLinks.ticketId, primary.id), eq(ticketLinks.kind, 'duplicate_of')));
          if (primaryMerged) return { ok: false, problem: `ticket #${primary.number} is itself merged into another ticket; merge into that one` };
        }
        const moved = await tx.update(comments).set({ ticketId: primary.id }).where(eq(comments.ticketId, duplicate.id)).returning({ id: comments.id });
        const watchers = await tx.select({ userId: ticketWatchers.userId }).from(ticketWatchers).where(eq(ticketWatchers.ticketId, duplicate.id));
        const newWatchers = [...new Set([...watchers.map((w) => w.userId), duplicate.requesterId])].filter((id) => id !== primary.requesterId);
        if (newWatchers.length > 0)
          await tx
            .insert(ticketWatchers)
            .values(newWatchers.map((userId) => ({ ticketId: primary.id, userId })))
            .onConflictDoNothing();
        await tx.delete(ticketWatchers).where(eq(ticketWatchers.ticketId, duplicate.id));
        await tx.insert(ticketLinks).values({ ticketId: duplicate.id, targetTicketId: primary.id, kind: 'duplicate_of', createdById: input.actorId }).onConflictDoNothing();
        await tx
          .insert(ticketEvents)
          .values({
            ticketId: primary.id,
            kind: 'merged_in',
            field: null,
            newValue: { ticketId: duplicate.id, number: duplicate.number, movedComments: moved.length, movedWatchers: newWatchers.length },
            actorId: input.actorId,
            source: 'api',
            reason: input.reason,
            dedupeKey: `${ticketWorkflowId(duplicate.number)}#merged-into/${primary.id}`,
          })
          .onConflictDoNothing();
        return { ok: true, targetNumber: primary.number, targetOpen: isIn(OPEN_STATUSES, primary.status), movedComments: moved.length };
      });
    },

    /** Links `ticketId` to `targetTicketId` (child_of: the target is the parent). */
    async linkTickets(input: { ticketId: string; targetTicketId: string; kind: Exclude<TicketLinkKind, 'duplicate_of'>; actorId: string }): Promise<LinkResult> {
      if (input.ticketId === input.targetTicketId) return { ok: false, problem: 'a ticket cannot be linked to itself' };
      return db.transaction(async (tx) => {
        const rows = await lockTickets(tx, [input.ticketId, input.targetTicketId]);
        const target = rows.find((r) => r.id === input.targetTicketId);
        if (!target) return { ok: false, problem: 'the ticket to link to does not exist' };
        if (input.kind === 'child_of') {
          const [parent] = await tx
            .select({ target: ticketLinks.targetTicketId })
            .from(ticketLinks)
            .where(and(eq(ticketLinks.ticketId, input.ticketId), eq(ticketLinks.kind, 'child_of')));
          if (parent && parent.target !== target.id) return { ok: false, problem: 'this ticket already has a parent; unlink it first' };
          if (await isAncestorOrSelf(tx, target.id, input.ticketId)) return { ok: false, problem: `ticket #${target.number} is a child of this ticket; links cannot form a loop` };
          if (target.status === 'cancelled' || target.status === 'rejected') return { ok: false, problem: `ticket #${target.number} is ${target.status}` };
        }
        await tx.insert(ticketLinks).values({ ticketId: input.ticketId, targetTicketId: target.id, kind: input.kind, createdById: input.actorId }).onConflictDoNothing();
        return { ok: true, targetNumber: target.number, targetOpen: isIn(OPEN_STATUSES, target.status) };
      });
    },

    async unlinkTickets(input: { ticketId: string; targetTicketId: string; kind: Exclude<TicketLinkKind, 'duplicate_of'> }): Promise<LinkResult> {
      const [target] = await db.select({ number: tickets.number, status: tickets.status }).from(tickets).where(eq(tickets.id, input.targetTicketId));
      if (!target) return { ok: false, problem: 'the linked ticket does not exist' };
      await db.delete(ticketLinks).where(and(eq(ticketLinks.ticketId, input.ticketId), eq(ticketLinks.targetTicketId, input.targetTicketId), eq(ticketLinks.kind, input.kind)));
      return { ok: true, targetNumber: target.number, targetOpen: isIn(OPEN_STATUSES, target.status) };
    },
  };
}
