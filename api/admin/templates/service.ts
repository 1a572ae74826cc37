/** Administration of ticket templates; every change and its audit row commit in one transaction. */
import { TRPCError } from '@trpc/server';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { ticketTemplates } from '../../../db/schema';
import type { AuthedContext } from '../../trpc';
import { changedFields, recordAdminAction } from '../audit/service';
import { notFound } from '../shared';
import type { CreateTemplateInput, UpdateTemplateInput } from './schemas';

export function listTemplates(db: Db) {
  return db.select().from(ticketTemplates).orderBy(asc(ticketTemplates.name));
}

export function createTemplate(ctx: AuthedContext, input: CreateTemplateInput) {
  return ctx.db.transaction(async (tx) => {
    const [template] = await tx
      .insert(ticketTemplates)
      .values({ ...input, category: input.category ?? null })
      .onConflictDoNothing()
      .returning();
    if (!template) throw new TRPCError({ code: 'CONFLICT', message: `A template named "${input.name}" exists already.` });
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'template.created', targetType: 'template', targetId: template.id, details: { name: template.name } });
    return template;
  });
}

export function updateTemplate(ctx: AuthedContext, input: UpdateTemplateInput) {
  const { id, ...changes } = input;
  return ctx.db.transaction(async (tx) => {
    const [before] = await tx.select().from(ticketTemplates).where(eq(ticketTemplates.id, id));
    if (!before) notFound('template');
    const [after] = await tx.update(ticketTemplates).set(changes).where(eq(ticketTemplates.id, id)).returning();
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'template.updated', targetType: 'template', targetId: id, details: changedFields(before, changes) });
    return after!;
  });
}

export function deleteTemplate(ctx: AuthedContext, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [deleted] = await tx.delete(ticketTemplates).where(eq(ticketTemplates.id, id)).returning();
    if (!deleted) notFound('template');
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'template.deleted', targetType: 'template', targetId: id, details: { name: deleted.name } });
    return { ok: true as const };
  });
}
