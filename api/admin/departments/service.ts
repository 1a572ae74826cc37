/** Administration of departments; every change and its audit row commit in one transaction. */
import { OPEN_STATUSES } from '../../../domain/vocabulary';
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { departments, tickets } from '../../../db/schema';
import type { AuthedContext } from '../../trpc';
import { changedFields, recordAdminAction } from '../audit/service';
import { notFound } from '../shared';
import type { CreateDepartmentInput, UpdateDepartmentInput } from './schemas';

export function listDepartments(db: Db) {
  return db
    .select({
      id: departments.id,
      slug: departments.slug,
      name: departments.name,
      createdAt: departments.createdAt,
      members: sql<number>`(select count(*)::int from users u where u.department_id = ${departments.id})`,
    })
    .from(departments)
    .orderBy(asc(departments.name));
}

export function createDepartment(ctx: AuthedContext, input: CreateDepartmentInput) {
  return ctx.db.transaction(async (tx) => {
    const [department] = await tx.insert(departments).values(input).onConflictDoNothing().returning();
    if (!department) throw new TRPCError({ code: 'CONFLICT', message: `A department with the slug "${input.slug}" exists already.` });
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'department.created', targetType: 'department', targetId: department.id, details: input });
    return department;
  });
}

export function updateDepartment(ctx: AuthedContext, input: UpdateDepartmentInput) {
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(departments).where(eq(departments.id, input.id));
    if (!before) notFound('department');
    const [after] = await tx.update(departments).set({ name: input.name }).where(eq(departments.id, input.id)).returning();
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'department.updated', targetType: 'department', targetId: input.id, details: changedFields(before, { name: input.name }) });
    return after!;
  });
}

/** Refused while the department has open tickets; its members keep their accounts without a department. */
export async function deleteDepartment(ctx: AuthedContext, id: string) {
  const [open] = await ctx.db
    .select({ n: count() })
    .from(tickets)
    .where(and(eq(tickets.departmentId, id), inArray(tickets.status, [...OPEN_STATUSES])));
  if ((open?.n ?? 0) > 0) throw new TRPCError({ code: 'CONFLICT', message: `This department has ${open!.n} open tickets; move or close them first.` });
  return ctx.db.transaction(async (tx) => {
    const [deleted] = await tx.delete(departments).where(eq(departments.id, id)).returning();
    if (!deleted) notFound('department');
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'department.deleted', targetType: 'department', targetId: id, details: { slug: deleted.slug, name: deleted.name } });
    return { ok: true as const };
  });
}
