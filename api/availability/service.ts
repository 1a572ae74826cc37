/**
 * Agent availability, as routing reads it (worker/activities/tickets.ts pickAssignee): each agent
 * or supervisor sets their own (available; away, optionally until a time, after which they count
 * as available again with nobody acting; a cap on open assigned tickets). Supervisors see and set
 * their team's (staff of the departments they work in), admins everyone's. Every change is in the
 * admin audit (`availability.set`, target the user). Each view counts the person's open assigned
 * tickets, in every department, and of those the breached and at-risk ones (the SLA board's team workload).
 *
 * Manual assignment ignores availability on purpose: a supervisor may hand a ticket to an away
 * agent or one at their cap (they know something routing does not); only automatic routing skips them.
 */
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, ne, or, sql, type SQL } from 'drizzle-orm';
import { departmentStaff, tickets, users } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { changedFields, recordAdminAction } from '../admin/audit/service';
import type { SessionUser } from '../auth/session';
import type { AuthedContext } from '../trpc';
import type { AvailabilityChange, AvailabilityView } from './schemas';

/**
 * Open tickets assigned to the user now, all of them or those in one SLA state (tickets_assignee_idx, then the rows).
 * The user's id is spelled out as "users"."id": in a select from one table Drizzle writes a column
 * of a selected SQL expression unqualified, and a bare "id" here would be the subquery's own t.id
 * (every count was 0).
 */
const userIdOuter = sql`${users}.${sql.identifier(users.id.name)}`;
const openAssignedCount = (slaState?: 'breached' | 'at_risk') =>
  sql<number>`(select count(*) from ${tickets} t where t.assignee_id = ${userIdOuter} and t.status in (${sql.join(
    OPEN_STATUSES.map((s) => sql`${s}`),
    sql`, `,
  )})${slaState ? sql` and t.sla_state = ${slaState}` : sql``})::int`;

const columns = {
  userId: users.id,
  name: users.name,
  role: users.role,
  departmentId: users.departmentId,
  away: users.away,
  awayUntil: users.awayUntil,
  maxOpenTickets: users.maxOpenTickets,
  openAssigned: openAssignedCount(),
  breachedAssigned: openAssignedCount('breached'),
  atRiskAssigned: openAssignedCount('at_risk'),
};

type Row = {
  userId: string;
  name: string;
  role: string;
  departmentId: string | null;
  away: boolean;
  awayUntil: Date | null;
  maxOpenTickets: number | null;
  openAssigned: number;
  breachedAssigned: number;
  atRiskAssigned: number;
};

function toView(row: Row, now = Date.now()): AvailabilityView {
  const away = row.away && (row.awayUntil === null || row.awayUntil.getTime() > now);
  return {
    userId: row.userId,
    name: row.name,
    role: row.role as AvailabilityView['role'],
    departmentId: row.departmentId,
    status: away ? 'away' : 'available',
    awayUntil: away ? row.awayUntil : null,
    maxOpenTickets: row.maxOpenTickets,
    openAssigned: row.openAssigned,
    breachedAssigned: row.breachedAssigned,
    atRiskAssigned: row.atRiskAssigned,
    routable: !away && (row.maxOpenTickets === null || row.openAssigned < row.maxOpenTickets),
  };
}

/** Staff the caller may manage: admins everyone on staff; a supervisor the staff of the departments they work in. */
function teamOf(user: SessionUser): SQL {
  const staff = and(ne(users.role, 'requester'), eq(users.active, true))!;
  if (user.role === 'admin') return staff;
  if (user.staffDepartmentIds.length === 0) return and(staff, eq(users.id, user.id))!;
  const inDepartments = or(
    inArray(users.departmentId, user.staffDepartmentIds),
    sql`${users.id} in (select ${departmentStaff.userId} from ${departmentStaff} where ${inArray(departmentStaff.departmentId, user.staffDepartmentIds)})`,
  )!;
  // Admins are nobody's team member but their own.
  return and(staff, or(and(inDepartments, ne(users.role, 'admin')), eq(users.id, user.id)))!;
}

export async function myAvailability(ctx: AuthedContext): Promise<AvailabilityView> {
  const [row] = await ctx.db.select(columns).from(users).where(eq(users.id, ctx.user.id));
  return toView(row!);
}

export async function teamAvailability(ctx: AuthedContext): Promise<AvailabilityView[]> {
  const rows = await ctx.db.select(columns).from(users).where(teamOf(ctx.user)).orderBy(users.name, users.id);
  return rows.map((row) => toView(row));
}

export async function setMyAvailability(ctx: AuthedContext, change: AvailabilityChange): Promise<AvailabilityView> {
  return applyChange(ctx, ctx.user.id, change);
}

export async function setAvailability(ctx: AuthedContext, input: AvailabilityChange & { userId: string }): Promise<AvailabilityView> {
  const [target] = await ctx.db.select({ id: users.id, role: users.role }).from(users).where(eq(users.id, input.userId));
  if (!target || target.role === 'requester') throw new TRPCError({ code: 'NOT_FOUND', message: `There is no agent or supervisor ${input.userId}.` });
  const [inTeam] = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.id, input.userId), teamOf(ctx.user)));
  if (!inTeam) throw new TRPCError({ code: 'FORBIDDEN', message: 'Supervisors set the availability of staff in their own departments only (admins: everyone).' });
  const { userId, ...change } = input;
  return applyChange(ctx, userId, change);
}

async function applyChange(ctx: AuthedContext, userId: string, change: AvailabilityChange): Promise<AvailabilityView> {
  await ctx.db.transaction(async (tx) => {
    const [before] = await tx.select({ away: users.away, awayUntil: users.awayUntil, maxOpenTickets: users.maxOpenTickets }).from(users).where(eq(users.id, userId)).for('update');
    if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no user ${userId}.` });
    const after = {
      away: change.status === 'away',
      awayUntil: change.status === 'away' ? (change.awayUntil ?? null) : null,
      ...(change.maxOpenTickets !== undefined ? { maxOpenTickets: change.maxOpenTickets } : {}),
    };
    const diff = changedFields(before, after);
    if (Object.keys(diff).length === 0) return;
    await tx.update(users).set(after).where(eq(users.id, userId));
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'availability.set', targetType: 'user', targetId: userId, details: diff });
  });
  const [row] = await ctx.db.select(columns).from(users).where(eq(users.id, userId));
  return toView(row!);
}
