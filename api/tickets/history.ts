/**
 * A ticket's audit history (every change: field, old, new, actor, time, source). Staff of the
 * ticket see all of it; requesters see a whitelist of public events, without reasons, and never anything
 * about internal notes or messages held for review.
 */
import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { TicketEventKind } from '../../domain/vocabulary';
import { ticketEvents, users } from '../../db/schema';
import { ticketAccess } from '../access';
import type { SessionUser } from '../auth/session';

// The requester's own edits are theirs to see; staff moderation (comment_hidden) is not.
const publicKinds: TicketEventKind[] = ['created', 'attachment_added', 'attachment_deleted', 'comment_added', 'comment_deleted', 'details_edited'];
const publicFields = ['status', 'priority'];

export async function ticketHistory(db: Db, user: SessionUser, input: { id: string; after?: number | undefined; limit: number }) {
  const staff = (await ticketAccess(db, user, input.id)).caps.staff;
  const conditions: (SQL | undefined)[] = [eq(ticketEvents.ticketId, input.id), input.after !== undefined ? gt(ticketEvents.id, input.after) : undefined];
  if (!staff) {
    conditions.push(or(inArray(ticketEvents.field, publicFields), inArray(ticketEvents.kind, publicKinds)));
    // Nothing about internal notes or staff-only files, whether added or removed, nor messages screening held.
    conditions.push(sql`coalesce(${ticketEvents.newValue}->>'internal', ${ticketEvents.oldValue}->>'internal', 'false') <> 'true'`);
    conditions.push(sql`coalesce(${ticketEvents.newValue}->>'held', 'false') <> 'true'`);
  }
  const rows = await db
    .select({
      id: ticketEvents.id,
      kind: ticketEvents.kind,
      field: ticketEvents.field,
      oldValue: ticketEvents.oldValue,
      newValue: ticketEvents.newValue,
      source: ticketEvents.source,
      reason: ticketEvents.reason,
      createdAt: ticketEvents.createdAt,
      actor: { id: users.id, name: users.name },
    })
    .from(ticketEvents)
    .leftJoin(users, eq(users.id, ticketEvents.actorId))
    .where(and(...conditions))
    .orderBy(asc(ticketEvents.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    events: staff ? page : page.map((event) => ({ ...event, reason: null })),
    hasMore: rows.length > input.limit,
  };
}
