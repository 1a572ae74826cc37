/** Reference data for forms and filters: departments, buildings, categories, and (for staff) agents. */
import { and, asc, eq, ne } from 'drizzle-orm';
import { z } from 'zod';
import { buildings, categories, departments, users } from '../../db/schema';
import { agentProcedure, createTRPCRouter, protectedProcedure } from '../trpc';

export const directoryRouter = createTRPCRouter({
  departments: protectedProcedure
    .input(z.void())
    .query(({ ctx }) => ctx.db.select({ id: departments.id, slug: departments.slug, name: departments.name }).from(departments).orderBy(asc(departments.name))),
  buildings: protectedProcedure
    .input(z.void())
    .query(({ ctx }) => ctx.db.select({ id: buildings.id, name: buildings.name, address: buildings.address }).from(buildings).where(eq(buildings.active, true)).orderBy(asc(buildings.name))),
  categories: protectedProcedure
    .input(z.void())
    .query(({ ctx }) =>
      ctx.db
        .select({ id: categories.id, name: categories.name, description: categories.description, departmentId: categories.departmentId })
        .from(categories)
        .where(eq(categories.active, true))
        .orderBy(asc(categories.name)),
    ),
  /** Active staff, to assign, mention (@handle) or add as watchers. */
  agents: agentProcedure.input(z.object({ departmentId: z.uuid().optional() }).default({})).query(({ ctx, input }) =>
    ctx.db
      .select({ id: users.id, name: users.name, email: users.email, role: users.role, departmentId: users.departmentId, skills: users.skills, away: users.away })
      .from(users)
      .where(and(ne(users.role, 'requester'), eq(users.active, true), input.departmentId ? eq(users.departmentId, input.departmentId) : undefined))
      .orderBy(asc(users.name)),
  ),
});
