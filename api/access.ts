/**
 * Ticket access for the API: the per-ticket decision of domain/access.ts (capabilitiesFor),
 * and the same rule as SQL for queries over many tickets. Every read and write path asks one of
 * these; a ticket a caller may not see does not exist for them (NOT_FOUND, no detail).
 */
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client';
import { tickets } from '../db/schema';
import { capabilitiesFor, type Capabilities, type Person } from '../domain/access';
import type { SessionUser } from './auth/session';

export type { Capabilities } from '../domain/access';

export const personOf = (user: SessionUser): Person => ({ id: user.id, role: user.role, staffDepartmentIds: user.staffDepartmentIds });

const watching = (user: SessionUser) => sql`exists (select 1 from ticket_watchers w where w.ticket_id = ${tickets.id} and w.user_id = ${user.id})`;

/** Tickets on which the user has staff powers, as a condition on `tickets` (capabilitiesFor's `staff`). */
export function staffTickets(user: SessionUser): SQL {
  if (user.role === 'admin') return sql`true`;
  if (user.role === 'requester') return sql`false`;
  const assigned = eq(tickets.assigneeId, user.id);
  return user.staffDepartmentIds.length > 0 ? or(inArray(tickets.departmentId, user.staffDepartmentIds), assigned)! : assigned;
}

/** Tickets the user may see (capabilitiesFor's `see`): staff powers, or filed or watched by them. */
export function visibleTickets(user: SessionUser): SQL {
  if (user.role === 'admin') return sql`true`;
  return or(staffTickets(user), eq(tickets.requesterId, user.id), watching(user))!;
}

export type TicketAccess = {
  id: string;
  number: number;
  status: (typeof tickets.$inferSelect)['status'];
  requesterId: string;
  departmentId: string | null;
  assigneeId: string | null;
  heldForReview: boolean;
  closedAt: Date | null;
  caps: Capabilities;
};

/** What the per-ticket loaders read of a ticket: the access rule's inputs and what lifecycle checks need. */
const accessColumns = {
  id: tickets.id,
  number: tickets.number,
  status: tickets.status,
  requesterId: tickets.requesterId,
  departmentId: tickets.departmentId,
  assigneeId: tickets.assigneeId,
  heldForReview: tickets.heldForReview,
  closedAt: tickets.closedAt,
};

/**
 * The user's capabilities on one ticket; NOT_FOUND when they may not see it, worded exactly as
 * for a ticket that does not exist (no number, status or title), so ids cannot be probed.
 */
export async function ticketAccess(db: Db, user: SessionUser, id: string): Promise<TicketAccess> {
  const [row] = await db
    .select({ ...accessColumns, watching: sql<boolean>`${watching(user)}` })
    .from(tickets)
    .where(eq(tickets.id, id));
  const caps = row ? capabilitiesFor(personOf(user), row) : null;
  if (!row || !caps?.see) throw notFound(id);
  const { watching: _watching, ...ticket } = row;
  return { ...ticket, caps };
}

/** Like ticketAccess, and the caller must have staff powers on it; else NOT_FOUND if they cannot see it, FORBIDDEN if they can. */
export async function staffAccess(db: Db, user: SessionUser, id: string, what: string): Promise<TicketAccess> {
  const access = await ticketAccess(db, user, id);
  if (!access.caps.staff) throw new TRPCError({ code: 'FORBIDDEN', message: `Only staff of this ticket (its department's agents and supervisors, its assignee, admins) may ${what}.` });
  return access;
}

/** As the other side of a merge or link: staff powers required, and anything short of that reads as "does not exist". */
export async function staffTicketOrNotFound(db: Db, user: SessionUser, id: string): Promise<TicketAccess> {
  const [row] = await db
    .select(accessColumns)
    .from(tickets)
    .where(and(eq(tickets.id, id), staffTickets(user)));
  if (!row) throw notFound(id);
  return { ...row, caps: capabilitiesFor(personOf(user), row) };
}

export const notFound = (id: string) => new TRPCError({ code: 'NOT_FOUND', message: `Ticket ${id} was not found.` });
