/**
 * The notification center: a user's own notifications, newest first, only of kinds they show in
 * the app and only about tickets they may still see (api/access.ts); marking them read; the
 * unread count, pushed live into the user's channel (`user-<id>`) whenever it may have changed;
 * preferences per kind and the organisation's defaults. Rows are written by the worker's
 * activities (lifecycle notifications) and by the API (messages, mentions).
 */
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { effectiveNotificationPreferences, organisationNotificationDefaults, unreadNotificationCounts, type EffectivePreference, type NotificationChoice } from '../../db/notifications';
import { notificationDefaults, notificationPreferences, notifications, tickets } from '../../db/schema';
import { notificationKinds, type NotificationKind } from '../../domain/vocabulary';
import { visibleTickets } from '../access';
import { changedFields, recordAdminAction } from '../admin/audit/service';
import type { SessionUser } from '../auth/session';
import type { RoomsAccessNotifier } from '../internal/rooms-push';
import type { AuthedContext } from '../trpc';
import type { ListNotificationsInput, NotificationView, SetOrganisationDefaultsInput, SetPreferencesInput } from './schemas';

/** A list item's body is cut here: the notification center shows a line or two, the ticket the rest. */
export const NOTIFICATION_BODY_CHARS = 280;

/** What notifyUnreadChanged needs: a tRPC context has both. */
export type UnreadPushDeps = { db: Db; services: { rooms: Pick<RoomsAccessNotifier, 'unreadChanged'> } };

/**
 * Pushes each user's unread count, as `notification.unreadCount` answers it now, into their
 * channel (`{ type: 'notifications', unread }`). Call it after inserting notifications (e.g. a
 * message or a mention) or changing what counts (read, preferences). Best effort: resolves when
 * done, never rejects; a client reads the count again when it reconnects.
 */
export async function notifyUnreadChanged(deps: UnreadPushDeps, userIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return;
  let counts: Map<string, number>;
  try {
    counts = await unreadNotificationCounts(deps.db, ids);
  } catch {
    return; // the change itself is committed; the count is read again on reconnect
  }
  await Promise.all([...counts].map(([userId, unread]) => deps.services.rooms.unreadChanged(userId, unread)));
}

async function shownKinds(db: Db, userId: string): Promise<NotificationKind[]> {
  const preferences = (await effectiveNotificationPreferences(db, [userId])).get(userId)!;
  return preferences.filter((p) => p.inApp).map((p) => p.kind);
}

/** The caller's notifications they would see: kinds shown in the app, no ticket or a ticket they may see now. */
const listedBy = (user: SessionUser, kinds: NotificationKind[]) =>
  and(eq(notifications.userId, user.id), inArray(notifications.kind, kinds.length > 0 ? kinds : ['-']), or(isNull(notifications.ticketId), visibleTickets(user)));

const shortBody = (body: string) => (body.length <= NOTIFICATION_BODY_CHARS ? body : `${body.slice(0, NOTIFICATION_BODY_CHARS - 1).trimEnd()}…`);

/** The stored deep link when it is an app path, else the ticket's page. */
function linkOf(data: Record<string, unknown>, ticket: { number: number } | null): string | null {
  const stored = data.link;
  if (typeof stored === 'string' && stored.startsWith('/') && !stored.startsWith('//')) return stored;
  return ticket ? `/tickets/${ticket.number}` : null;
}

export async function listNotifications(ctx: AuthedContext, input: ListNotificationsInput): Promise<{ items: NotificationView[]; nextCursor: number | null }> {
  const kinds = await shownKinds(ctx.db, ctx.user.id);
  const rows = await ctx.db
    .select({
      id: notifications.id,
      kind: notifications.kind,
      title: notifications.title,
      body: notifications.body,
      data: notifications.data,
      createdAt: notifications.createdAt,
      readAt: notifications.readAt,
      ticketId: tickets.id,
      ticketNumber: tickets.number,
      ticketTitle: tickets.title,
    })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(listedBy(ctx.user, kinds), input.unreadOnly ? isNull(notifications.readAt) : undefined, input.cursor !== undefined ? lt(notifications.id, input.cursor) : undefined))
    .orderBy(desc(notifications.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  return {
    items: page.map((row) => {
      const ticket = row.ticketId !== null && row.ticketNumber !== null ? { id: row.ticketId, number: row.ticketNumber, title: row.ticketTitle ?? '' } : null;
      return {
        id: row.id,
        kind: row.kind as NotificationKind,
        title: row.title,
        body: shortBody(row.body),
        ticket,
        link: linkOf(row.data, ticket),
        createdAt: row.createdAt,
        readAt: row.readAt,
      };
    }),
    nextCursor: rows.length > input.limit ? page.at(-1)!.id : null,
  };
}

export async function unreadCount(ctx: AuthedContext): Promise<{ unread: number }> {
  return { unread: (await unreadNotificationCounts(ctx.db, [ctx.user.id])).get(ctx.user.id) ?? 0 };
}

/**
 * Marks the caller's own notifications read. Ids that are not theirs, not listed for them, or
 * do not exist are ignored alike (nothing tells them apart), so ids cannot be probed.
 */
export async function markRead(ctx: AuthedContext, ids: number[]): Promise<{ marked: number; unread: number }> {
  const kinds = await shownKinds(ctx.db, ctx.user.id);
  const mine = ctx.db
    .select({ id: notifications.id })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(listedBy(ctx.user, kinds), inArray(notifications.id, ids)));
  const marked = await ctx.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, ctx.user.id), isNull(notifications.readAt), inArray(notifications.id, mine)))
    .returning({ id: notifications.id });
  return { marked: marked.length, unread: await afterRead(ctx, marked.length) };
}

/** Marks every unread notification of the caller read. */
export async function markAllRead(ctx: AuthedContext): Promise<{ marked: number; unread: number }> {
  const marked = await ctx.db
    .update(notifications)
    .set({ readAt: sql`now()` })
    .where(and(eq(notifications.userId, ctx.user.id), isNull(notifications.readAt)))
    .returning({ id: notifications.id });
  return { marked: marked.length, unread: await afterRead(ctx, marked.length) };
}

/** The count now; pushed to the caller's other clients when it changed. */
async function afterRead(ctx: AuthedContext, marked: number): Promise<number> {
  const { unread } = await unreadCount(ctx);
  if (marked > 0) await ctx.services.rooms.unreadChanged(ctx.user.id, unread);
  return unread;
}

// -------------------------------------------------------------------------------------------------
// Preferences.

export async function getPreferences(db: Db, userId: string): Promise<{ preferences: EffectivePreference[] }> {
  return { preferences: (await effectiveNotificationPreferences(db, [userId])).get(userId)! };
}

/** Applies the caller's choices (a kind named with useDefault goes back to the organisation's default). */
export async function setPreferences(ctx: AuthedContext, input: SetPreferencesInput): Promise<{ preferences: EffectivePreference[] }> {
  const result = await ctx.db.transaction(async (tx) => {
    const current = new Map((await effectiveNotificationPreferences(tx, [ctx.user.id])).get(ctx.user.id)!.map((p) => [p.kind, p]));
    for (const change of input.preferences) {
      if (change.useDefault) {
        await tx.delete(notificationPreferences).where(and(eq(notificationPreferences.userId, ctx.user.id), eq(notificationPreferences.kind, change.kind)));
        continue;
      }
      const was = current.get(change.kind)!;
      const next: NotificationChoice = { inApp: change.inApp ?? was.inApp, email: change.email ?? was.email };
      await tx
        .insert(notificationPreferences)
        .values({ userId: ctx.user.id, kind: change.kind, ...next })
        .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { ...next, updatedAt: new Date() } });
    }
    return (await effectiveNotificationPreferences(tx, [ctx.user.id])).get(ctx.user.id)!;
  });
  // Showing or hiding a kind in the app changes what counts.
  await notifyUnreadChanged(ctx, [ctx.user.id]);
  return { preferences: result };
}

export async function getOrganisationDefaults(db: Db) {
  const defaults = await organisationNotificationDefaults(db);
  return { defaults: notificationKinds.map((kind) => ({ kind, ...defaults[kind] })) };
}

/** Sets the organisation's defaults for the named kinds and audits the change, in one transaction. */
export async function setOrganisationDefaults(ctx: AuthedContext, input: SetOrganisationDefaultsInput) {
  return ctx.db.transaction(async (tx) => {
    const before = await organisationNotificationDefaults(tx);
    for (const { kind, inApp, email } of input.defaults) {
      await tx
        .insert(notificationDefaults)
        .values({ kind, inApp, email, updatedById: ctx.user.id })
        .onConflictDoUpdate({ target: notificationDefaults.kind, set: { inApp, email, updatedById: ctx.user.id, updatedAt: new Date() } });
    }
    const after = await organisationNotificationDefaults(tx);
    const strip = (d: typeof before) => Object.fromEntries(notificationKinds.map((kind) => [kind, { inApp: d[kind].inApp, email: d[kind].email }]));
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'notification_defaults.updated', targetType: 'settings', details: changedFields(strip(before), strip(after)) });
    return { defaults: notificationKinds.map((kind) => ({ kind, ...after[kind] })) };
  });
}
