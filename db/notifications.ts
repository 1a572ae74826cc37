/**
 * Notification queries shared by the API (the notification center) and the worker (the live
 * unread count it pushes after writing notifications): effective preferences per kind and unread
 * counts. What a person may see is decided by the one rule, domain/access.ts capabilitiesFor, so
 * the count pushed by the worker and the count the API answers agree with the API's list.
 */
import { and, eq, inArray, isNull, lt, sql } from 'drizzle-orm';
import { capabilitiesFor, staffDepartments, type Person } from '../domain/access';
import { builtInNotificationDefaults, notificationKinds, type EmailDelivery, type NotificationKind } from '../domain/vocabulary';
import type { Db, Tx } from './client';
import { extraDepartmentIdsOf, notificationDefaults, notificationPreferences, notifications, tickets, users } from './schema';

export type NotificationChoice = { inApp: boolean; email: EmailDelivery };
/** A kind's choice as it applies to someone, and whether it comes from the default (no choice of their own). */
export type EffectivePreference = NotificationChoice & { kind: NotificationKind; isDefault: boolean };

const isKind = (kind: string): kind is NotificationKind => (notificationKinds as readonly string[]).includes(kind);

/** The organisation's default per kind: what admins set, else the built-in default. */
export async function organisationNotificationDefaults(db: Db | Tx): Promise<Record<NotificationKind, NotificationChoice & { builtIn: boolean }>> {
  const rows = await db.select({ kind: notificationDefaults.kind, inApp: notificationDefaults.inApp, email: notificationDefaults.email }).from(notificationDefaults);
  const set = new Map(rows.filter((r) => isKind(r.kind)).map((r) => [r.kind, { inApp: r.inApp, email: r.email }]));
  return Object.fromEntries(
    notificationKinds.map((kind) => {
      const chosen = set.get(kind);
      return [kind, chosen ? { ...chosen, builtIn: false } : { ...builtInNotificationDefaults[kind], builtIn: true }];
    }),
  ) as Record<NotificationKind, NotificationChoice & { builtIn: boolean }>;
}

/** Each user's effective preference for every kind (their own choice, else the organisation's default). */
export async function effectiveNotificationPreferences(db: Db | Tx, userIds: readonly string[]): Promise<Map<string, EffectivePreference[]>> {
  const defaults = await organisationNotificationDefaults(db);
  const own =
    userIds.length === 0
      ? []
      : await db
          .select({ userId: notificationPreferences.userId, kind: notificationPreferences.kind, inApp: notificationPreferences.inApp, email: notificationPreferences.email })
          .from(notificationPreferences)
          .where(inArray(notificationPreferences.userId, [...userIds]));
  const chosen = new Map(own.map((r) => [`${r.userId}/${r.kind}`, r]));
  return new Map(
    userIds.map((userId) => [
      userId,
      notificationKinds.map((kind) => {
        const mine = chosen.get(`${userId}/${kind}`);
        return mine ? { kind, inApp: mine.inApp, email: mine.email, isDefault: false } : { kind, inApp: defaults[kind].inApp, email: defaults[kind].email, isDefault: true };
      }),
    ]),
  );
}

/**
 * Unread notifications per user that they would see in their list now: kinds they show in the
 * app, about no ticket or a ticket they may still see. Unknown and deactivated users count 0.
 */
export async function unreadNotificationCounts(db: Db | Tx, userIds: readonly string[]): Promise<Map<string, number>> {
  const counts = new Map<string, number>(userIds.map((id) => [id, 0]));
  if (userIds.length === 0) return counts;
  const people = await db
    .select({ id: users.id, role: users.role, departmentId: users.departmentId, extra: extraDepartmentIdsOf(users.id) })
    .from(users)
    .where(and(inArray(users.id, [...userIds]), eq(users.active, true)));
  const persons = new Map<string, Person>(people.map((p) => [p.id, { id: p.id, role: p.role, staffDepartmentIds: staffDepartments(p.role, p.departmentId, p.extra) }]));
  if (persons.size === 0) return counts;
  const preferences = await effectiveNotificationPreferences(db, [...persons.keys()]);
  const hidden = new Map([...preferences].map(([userId, prefs]) => [userId, new Set(prefs.filter((p) => !p.inApp).map((p) => p.kind as string))]));
  // Grouped per user and ticket, so the rule runs once per ticket, however many notifications it has.
  const rows = await db
    .select({
      userId: notifications.userId,
      kind: notifications.kind,
      ticketId: notifications.ticketId,
      requesterId: tickets.requesterId,
      departmentId: tickets.departmentId,
      assigneeId: tickets.assigneeId,
      watching: sql<boolean>`exists (select 1 from ticket_watchers w where w.ticket_id = ${notifications.ticketId} and w.user_id = ${notifications.userId})`,
      unread: sql<number>`count(*)::int`,
    })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(and(inArray(notifications.userId, [...persons.keys()]), isNull(notifications.readAt)))
    .groupBy(notifications.userId, notifications.kind, notifications.ticketId, tickets.requesterId, tickets.departmentId, tickets.assigneeId);
  for (const row of rows) {
    const person = persons.get(row.userId)!;
    if (!isKind(row.kind) || hidden.get(row.userId)!.has(row.kind)) continue;
    if (row.ticketId !== null) {
      if (row.requesterId === null) continue; // the ticket is gone
      if (!capabilitiesFor(person, { requesterId: row.requesterId, departmentId: row.departmentId, assigneeId: row.assigneeId, watching: row.watching }).see) continue;
    }
    counts.set(row.userId, counts.get(row.userId)! + Number(row.unread));
  }
  return counts;
}

/** Deletes notifications read before `readBefore`, at most `limit` of them; returns how many. */
export async function deleteReadNotifications(db: Db | Tx, readBefore: Date, limit: number): Promise<number> {
  const deleted = await db
    .delete(notifications)
    .where(inArray(notifications.id, db.select({ id: notifications.id }).from(notifications).where(lt(notifications.readAt, readBefore)).limit(limit)))
    .returning({ id: notifications.id });
  return deleted.length;
}

/** Who hears about a department's escalations and low ratings: its active supervisors, else (a department without one, or none) the active admins. */
export async function supervisorsOrAdmins(db: Db | Tx, departmentId: string | null): Promise<{ id: string }[]> {
  const supervisors = departmentId
    ? await db
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.role, 'supervisor'), eq(users.active, true), eq(users.departmentId, departmentId)))
    : [];
  if (supervisors.length > 0) return supervisors;
  return db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)));
}
