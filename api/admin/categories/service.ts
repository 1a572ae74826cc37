/** Administration of ticket categories; every change and its audit row commit in one transaction. */
import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { categories } from '../../../db/schema';
import type { AuthedContext } from '../../trpc';
import { changedFields, recordAdminAction } from '../audit/service';
import { assertDepartment, notFound } from '../shared';
import type { CategoryFields, UpdateCategoryInput } from './schemas';

export function listCategories(db: Db) {
  return db.select().from(categories).orderBy(asc(categories.name));
}

export async function createCategory(ctx: AuthedContext, input: CategoryFields) {
  await assertDepartment(ctx.db, input.departmentId);
  return ctx.db.transaction(async (tx) => {
    const [category] = await tx
      .insert(categories)
      .values({ name: input.name, description: input.description ?? null, departmentId: input.departmentId ?? null })
      .onConflictDoNothing()
      .returning();
    if (!category) throw new TRPCError({ code: 'CONFLICT', message: `A category named "${input.name}" exists already.` });
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'category.created', targetType: 'category', targetId: category.id, details: { name: category.name } });
    return category;
  });
}

export function updateCategory(ctx: AuthedContext, input: UpdateCategoryInput) {
  const { id, ...changes } = input;
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(categories).where(eq(categories.id, id));
    if (!before) notFound('category');
    await assertDepartment(tx, changes.departmentId);
    const [after] = await tx.update(categories).set(changes).where(eq(categories.id, id)).returning();
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'category.updated', targetType: 'category', targetId: id, details: changedFields(before, changes) });
    return after!;
  });
}

export function deleteCategory(ctx: AuthedContext, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [deleted] = await tx.delete(categories).where(eq(categories.id, id)).returning();
    if (!deleted) notFound('category');
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'category.deleted', targetType: 'category', targetId: id, details: { name: deleted.name } });
    return { ok: true as const };
  });
}
