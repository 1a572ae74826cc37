/** Administration of buildings; every change and its audit row commit in one transaction. */
import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { buildings } from '../../../db/schema';
import type { AuthedContext } from '../../trpc';
import { changedFields, recordAdminAction } from '../audit/service';
import { notFound } from '../shared';
import type { CreateBuildingInput, UpdateBuildingInput } from './schemas';

export function listBuildings(db: Db) {
  return db.select().from(buildings).orderBy(asc(buildings.name));
}

export function createBuilding(ctx: AuthedContext, input: CreateBuildingInput) {
  return ctx.db.transaction(async (tx) => {
    const [building] = await tx
      .insert(buildings)
      .values({ name: input.name, address: input.address ?? null })
      .onConflictDoNothing()
      .returning();
    if (!building) throw new TRPCError({ code: 'CONFLICT', message: `A building named "${input.name}" exists already.` });
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'building.created', targetType: 'building', targetId: building.id, details: { name: building.name } });
    return building;
  });
}

export function updateBuilding(ctx: AuthedContext, input: UpdateBuildingInput) {
  const { id, ...changes } = input;
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(buildings).where(eq(buildings.id, id));
    if (!before) notFound('building');
    const [after] = await tx.update(buildings).set(changes).where(eq(buildings.id, id)).returning();
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'building.updated', targetType: 'building', targetId: id, details: changedFields(before, changes) });
    return after!;
  });
}

/** Tickets that named the building keep existing without one; deactivate instead to keep the history. */
export function deleteBuilding(ctx: AuthedContext, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [deleted] = await tx.delete(buildings).where(eq(buildings.id, id)).returning();
    if (!deleted) notFound('building');
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'building.deleted', targetType: 'building', targetId: id, details: { name: deleted.name } });
    return { ok: true as const };
  });
}
