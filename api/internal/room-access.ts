/**
 * What users may do in a room now, for the rooms' re-checks (`GET /internal/rooms/access`).
 * A room token says who someone is and what they could do when it was issued; the rooms ask
 * this on every connect and whenever access may have changed, so a deactivated user, a user
 * whose role or departments changed, or one a ticket moved away from loses the room (or its
 * internal notes) within seconds, not when the token expires. The rule is domain/access.ts.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { departments, tickets, users } from '../../db/schema';
import { capabilitiesFor } from '../../domain/access';
import type { RoomAccess } from '../../realtime/protocol';
import type { RoomName } from '../../realtime/token';
import { personOf } from '../access';
import { sessionUserColumns, toSessionUser, type SessionUser } from '../auth/session';

const NONE = { see: false, staff: false };

async function activeUsers(db: Db, userIds: string[], watchingTicketId: string | null) {
  const rows = await db
    .select({
      user: sessionUserColumns,
      watching: watchingTicketId ? sql<boolean>`exists (select 1 from ticket_watchers w where w.ticket_id = ${watchingTicketId} and w.user_id = ${users.id})` : sql<boolean>`false`,
    })
    .from(users)
    .where(and(inArray(users.id, userIds), eq(users.active, true)));
  return new Map<string, { user: SessionUser; watching: boolean }>(rows.map((r) => [r.user.id, { user: toSessionUser(r.user), watching: r.watching }]));
}

/** One entry per asked user, in the order asked; unknown and deactivated users may do nothing. */
export async function roomAccess(db: Db, room: RoomName, userIds: string[]): Promise<RoomAccess[]> {
  const answer = (decide: (userId: string) => { see: boolean; staff: boolean }) => userIds.map((userId) => ({ userId, ...decide(userId) }));
  if (userIds.length === 0) return [];
  switch (room.kind) {
    case 'ticket': {
      const [ticket] = await db.select({ requesterId: tickets.requesterId, departmentId: tickets.departmentId, assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, room.ticketId));
      if (!ticket) return answer(() => NONE);
      const people = await activeUsers(db, userIds, room.ticketId);
      return answer((userId) => {
        const found = people.get(userId);
        if (!found) return NONE;
        const caps = capabilitiesFor(personOf(found.user), { ...ticket, watching: found.watching });
        return { see: caps.see, staff: caps.staff };
      });
    }
    case 'queue': {
      // As realtime.queueToken: the department's staff (home or further departments) and admins.
      const [department] = await db.select({ id: departments.id }).from(departments).where(eq(departments.slug, room.departmentSlug));
      if (!department) return answer(() => NONE);
      const people = await activeUsers(db, userIds, null);
      return answer((userId) => {
        const user = people.get(userId)?.user;
        const staff = user !== undefined && (user.role === 'admin' || user.staffDepartmentIds.includes(department.id));
        return { see: staff, staff };
      });
    }
    case 'user': {
      // Staff-only events reach a channel only when the worker addressed them to its user as staff of that ticket.
      const people = await activeUsers(
        db,
        userIds.filter((id) => id === room.userId),
        null,
      );
      return answer((userId) => {
        const user = people.get(userId)?.user;
        return { see: user !== undefined, staff: user !== undefined && user.role !== 'requester' };
      });
    }
  }
}
