/**
 * Row scopes: which tickets a user may see, as a SQL condition every ticket query includes.
 * Agents see their department's tickets and those assigned to them; requesters their own;
 * supervisors and admins everything. Anyone also sees the tickets they raised or watch.
 */
import { eq, or, sql, type SQL } from 'drizzle-orm';
import { tickets } from '../db/schema';
import type { SessionUser } from './auth/session';

const watching = (user: SessionUser) => sql`exists (select 1 from ticket_watchers w where w.ticket_id = ${tickets.id} and w.user_id = ${user.id})`;

export function visibleTickets(user: SessionUser): SQL {
  switch (user.role) {
    case 'admin':
    case 'supervisor':
      return sql`true`;
    case 'agent':
      return user.departmentId
        ? or(eq(tickets.departmentId, user.departmentId), eq(tickets.assigneeId, user.id), eq(tickets.requesterId, user.id), watching(user))!
        : or(eq(tickets.assigneeId, user.id), eq(tickets.requesterId, user.id), watching(user))!;
    case 'requester':
      return or(eq(tickets.requesterId, user.id), watching(user))!;
  }
}

/** May this user read internal notes and agent-only events? */
export const seesInternal = (user: SessionUser) => user.role !== 'requester';

/** Staff work tickets (comment internally, bulk-update, see full history); requesters raise them. */
export const isStaff = (user: SessionUser) => user.role !== 'requester';
