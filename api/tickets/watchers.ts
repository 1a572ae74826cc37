/** Watchers: people who follow a ticket (and, for requesters, may see it because of that). */
import { TRPCError } from '@trpc/server';
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { ticketWatchers, users } from '../../db/schema';
import type { SessionUser } from '../auth/session';
import { recordTicketEvent } from './events';
import { staffAccess, ticketAccess } from '../access';

export async function listWatchers(db: Db, user: SessionUser, ticketId: string) {
  await ticketAccess(db, user, ticketId);
  return db
    .select({ id: users.id, name: users.name, role: users.role, since: ticketWatchers.createdAt })
    .from(ticketWatchers)
    .innerJoin(users, eq(users.id, ticketWatchers.userId))
    .where(eq(ticketWatchers.ticketId, ticketId))
    .orderBy(asc(ticketWatchers.createdAt));
}

/** Anyone who sees a ticket may follow it themselves; adding someone else takes staff powers on it. */
export async function addWatcher(db: Db, actor: SessionUser, ticketId: string, userId: string) {
  if (userId === actor.id) await ticketAccess(db, actor, ticketId);
  else await staffAccess(db, actor, ticketId, 'add watchers');
  const [target] = await db.select({ id: users.id, active: users.active }).from(users).where(eq(users.id, userId));
  if (!target?.active) throw new TRPCError({ code: 'BAD_REQUEST', message: 'userId: there is no such active user.' });
  const [added] = await db.insert(ticketWatchers).values({ ticketId, userId }).onConflictDoNothing().returning({ at: ticketWatchers.createdAt });
  if (added) await recordTicketEvent(db, { ticketId, kind: 'watcher_added', newValue: { userId }, actorId: actor.id, dedupeKey: `watcher:${ticketId}:${userId}:added:${added.at.getTime()}` });
  return { watching: true as const, changed: Boolean(added) };
}

export async function removeWatcher(db: Db, actor: SessionUser, ticketId: string, userId: string) {
  if (userId === actor.id) await ticketAccess(db, actor, ticketId);
  else await staffAccess(db, actor, ticketId, 'remove watchers');
  const [removed] = await db
    .delete(ticketWatchers)
    .where(and(eq(ticketWatchers.ticketId, ticketId), eq(ticketWatchers.userId, userId)))
    .returning({ at: ticketWatchers.createdAt });
  if (removed) await recordTicketEvent(db, { ticketId, kind: 'watcher_removed', oldValue: { userId }, actorId: actor.id, dedupeKey: `watcher:${ticketId}:${userId}:removed:${Date.now()}` });
  return { watching: false as const, changed: Boolean(removed) };
}
