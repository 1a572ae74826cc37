/**
 * Row scopes: which tickets a user may see, as a SQL condition every ticket query includes.
 * Agents see their department's tickets and those assigned to them; requesters their own;
 * supervisors and admins everything.
 */
import { eq, or, sql, type SQL } from 'drizzle-orm';
import { tickets } from '../db/schema';
import type { SessionUser } from './auth/session';

export function visibleTickets(user: SessionUser): SQL {
  switch (user.role) {
    case 'admin':
    case 'supervisor':
      return sql`true`;
    case 'agent':
      return user.departmentId ? or(eq(tickets.departmentId, user.departmentId), eq(tickets.assigneeId, user.id))! : eq(tickets.assigneeId, user.id);
    case 'requester':
      return eq(tickets.requesterId, user.id);
  }
}

/** May this user read internal notes and agent-only events? */
export const seesInternal = (user: SessionUser) => user.role !== 'requester';
