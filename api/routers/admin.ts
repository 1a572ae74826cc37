/**
 * Administration: users (invite, roles, departments, skills, deactivate), departments,
 * buildings, categories, templates, settings, and the admin audit trail. Every change is
 * audited with who made it and what changed. (SLA policies and calendars: routers/sla.ts.)
 */
import { TRPCError } from '@trpc/server';
import { and, asc, count, desc, eq, ilike, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { adminAudit, buildings, categories, departments, departmentStaff, oidcAccounts, tickets, ticketTemplates, users } from '../../db/schema';
import { OPEN_STATUSES, priorities, roles } from '../../domain/vocabulary';
import { changedFields, recordAdminAction } from '../admin/audit';
import { getSettings, updateSettings, ZSettings } from '../admin/settings';
import { createAccount, userColumns, ZName } from '../admin/users';
import { revokeAllApiTokens } from '../auth/api-tokens';
import { issueInvitation } from '../auth/email-tokens';
import { ZEmail } from '../auth/passwords-policy';
import { invalidateUserSessions } from '../auth/session';
import { adminProcedure, createTRPCRouter, type AuthedContext } from '../trpc';
import { slaRouter } from './sla';

const ZId = z.object({ id: z.uuid('must be an id (UUID)') });
const ZTags = z.array(z.string().trim().min(1).max(60, 'each must be at most 60 characters')).max(50, 'at most 50');
const ZSlug = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters, digits and dashes, e.g. "it" or "facilities"');

function notFound(what: string): never {
  throw new TRPCError({ code: 'NOT_FOUND', message: `No such ${what}.` });
}

async function assertDepartment(ctx: AuthedContext, departmentId: string | null | undefined, field = 'departmentId') {
  if (!departmentId) return;
  const [found] = await ctx.db.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId));
  if (!found) throw new TRPCError({ code: 'BAD_REQUEST', message: `${field}: there is no such department.` });
}

/** Mails the invitation and returns its link, for the admin to hand over when mail does not arrive. */
async function sendInvitation(ctx: AuthedContext, user: { id: string; email: string; name: string }) {
  const invitation = await issueInvitation(ctx.db, user.id, ctx.services.config.appUrl);
  await ctx.services.mailer.send({
    to: user.email,
    subject: 'You are invited to Deskflow',
    text: `Hello ${user.name},\n\n${ctx.user.name} invited you to Deskflow. Choose your password here (valid for 7 days):\n${invitation.link}\n`,
  });
  return invitation;
}

const usersRouter = createTRPCRouter({
  list: adminProcedure
    .input(
      z
        .object({
          q: z.string().trim().max(120).optional(),
          role: z.enum(roles).optional(),
          departmentId: z.uuid().optional(),
          active: z.boolean().optional(),
          limit: z.number().int().min(1).max(200).default(50),
          offset: z.number().int().min(0).max(100_000).default(0),
        })
        .default({ limit: 50, offset: 0 }),
    )
    .query(async ({ ctx, input }) => {
      const pattern = input.q ? `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
      const where = and(
        pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
        input.role ? eq(users.role, input.role) : undefined,
        input.departmentId ? eq(users.departmentId, input.departmentId) : undefined,
        input.active === undefined ? undefined : eq(users.active, input.active),
      );
      const [items, [total]] = await Promise.all([
        ctx.db.select(userColumns).from(users).where(where).orderBy(asc(users.name), asc(users.id)).limit(input.limit).offset(input.offset),
        ctx.db.select({ n: count() }).from(users).where(where),
      ]);
      return { items, total: total?.n ?? 0 };
    }),

  /** Creates the account and emails a link to choose a password; the admin gets the link too. */
  invite: adminProcedure
    .input(
      z.object({
        email: ZEmail,
        name: ZName,
        role: z.enum(roles).default('requester'),
        departmentId: z.uuid().nullable().optional(),
        skills: ZTags.optional(),
        groups: ZTags.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      await assertDepartment(ctx, input.departmentId);
      const user = await createAccount(ctx.db, input, { actorId: ctx.user.id });
      if (!user) throw new TRPCError({ code: 'CONFLICT', message: `There is already an account for ${input.email}.` });
      return { ...user, invitation: await sendInvitation(ctx, user) };
    }),

  /**
   * A new invitation link (mailed, and returned to the admin); the earlier one stops working.
   * Only until the person can sign in: for anyone else it would let an admin set their password.
   */
  resendInvitation: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const [user] = await ctx.db.select(userColumns).from(users).where(eq(users.id, input.id));
    if (!user) notFound('user');
    if (!user.active) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This account is deactivated; reactivate it first.' });
    if (user.hasPassword) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This person has already chosen a password; they can reset it from the sign-in page.' });
    const [sso] = await ctx.db.select({ userId: oidcAccounts.userId }).from(oidcAccounts).where(eq(oidcAccounts.userId, user.id)).limit(1);
    if (sso) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This person signs in with single sign-on; there is no invitation to accept.' });
    const invitation = await sendInvitation(ctx, user);
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'user.invitation_resent', targetType: 'user', targetId: user.id });
    return { ok: true as const, invitation };
  }),

  update: adminProcedure
    .input(
      z.object({
        id: z.uuid(),
        name: ZName.optional(),
        role: z.enum(roles).optional(),
        departmentId: z.uuid().nullable().optional(),
        /** Further departments they work in as staff (agents and supervisors); replaces the list. */
        extraDepartmentIds: z.array(z.uuid()).max(20).optional(),
        skills: ZTags.optional(),
        groups: ZTags.optional(),
        away: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { id, extraDepartmentIds, ...changes } = input;
      const [before] = await ctx.db.select(userColumns).from(users).where(eq(users.id, id));
      if (!before) notFound('user');
      if (id === ctx.user.id && changes.role && changes.role !== 'admin') throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot take away your own admin role; ask another admin.' });
      await assertDepartment(ctx, changes.departmentId);
      const extra = extraDepartmentIds && [...new Set(extraDepartmentIds)].sort();
      for (const departmentId of extra ?? []) await assertDepartment(ctx, departmentId, 'extraDepartmentIds');
      const diff = changedFields({ ...before, extraDepartmentIds: [...before.extraDepartmentIds].sort() }, { ...changes, extraDepartmentIds: extra });
      if (Object.keys(diff).length === 0) return before;
      const after = await ctx.db.transaction(async (tx) => {
        if (extra) {
          await tx.delete(departmentStaff).where(eq(departmentStaff.userId, id));
          if (extra.length > 0) await tx.insert(departmentStaff).values(extra.map((departmentId) => ({ userId: id, departmentId })));
        }
        if (Object.keys(changes).length > 0) await tx.update(users).set(changes).where(eq(users.id, id));
        const [row] = await tx.select(userColumns).from(users).where(eq(users.id, id));
        return row;
      });
      // Role and department are part of who a session is: take effect on the next call.
      ctx.services.principals.forgetUser(id);
      // ...and of what their open room connections may see: the rooms re-check them now.
      if ('role' in diff || 'departmentId' in diff || 'extraDepartmentIds' in diff) await ctx.services.rooms.userAccessChanged(id);
      await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'user.updated', targetType: 'user', targetId: id, details: diff });
      return after!;
    }),

  /** Signs the user out everywhere and revokes their API tokens; their tickets stay. */
  deactivate: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    if (input.id === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot deactivate your own account.' });
    const [user] = await ctx.db.update(users).set({ active: false }).where(eq(users.id, input.id)).returning(userColumns);
    if (!user) notFound('user');
    const sessionsEnded = await invalidateUserSessions(ctx.db, user.id);
    ctx.services.principals.forgetUser(user.id);
    await ctx.services.rooms.userAccessChanged(user.id); // closes their open room connections
    const tokensRevoked = await revokeAllApiTokens(ctx.db, user.id);
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'user.deactivated', targetType: 'user', targetId: user.id, details: { sessionsEnded, tokensRevoked } });
    return user;
  }),

  reactivate: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const [user] = await ctx.db.update(users).set({ active: true }).where(eq(users.id, input.id)).returning(userColumns);
    if (!user) notFound('user');
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'user.reactivated', targetType: 'user', targetId: user.id });
    return user;
  }),
});

const departmentsRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) =>
    ctx.db
      .select({ id: departments.id, slug: departments.slug, name: departments.name, createdAt: departments.createdAt, members: sql<number>`(select count(*)::int from users u where u.department_id = ${departments.id})` })
      .from(departments)
      .orderBy(asc(departments.name)),
  ),
  create: adminProcedure.input(z.object({ slug: ZSlug, name: ZName })).mutation(async ({ ctx, input }) => {
    const [department] = await ctx.db.insert(departments).values(input).onConflictDoNothing().returning();
    if (!department) throw new TRPCError({ code: 'CONFLICT', message: `A department with the slug "${input.slug}" exists already.` });
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'department.created', targetType: 'department', targetId: department.id, details: input });
    return department;
  }),
  /** The slug is permanent: it names the department in Temporal search attributes and rooms. */
  update: adminProcedure.input(z.object({ id: z.uuid(), name: ZName })).mutation(async ({ ctx, input }) => {
    const [before] = await ctx.db.select().from(departments).where(eq(departments.id, input.id));
    if (!before) notFound('department');
    const [after] = await ctx.db.update(departments).set({ name: input.name }).where(eq(departments.id, input.id)).returning();
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'department.updated', targetType: 'department', targetId: input.id, details: changedFields(before, { name: input.name }) });
    return after!;
  }),
  /** Refused while the department has open tickets; its members keep their accounts without a department. */
  delete: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const [open] = await ctx.db
      .select({ n: count() })
      .from(tickets)
      .where(and(eq(tickets.departmentId, input.id), inArray(tickets.status, [...OPEN_STATUSES])));
    if ((open?.n ?? 0) > 0) throw new TRPCError({ code: 'CONFLICT', message: `This department has ${open!.n} open tickets; move or close them first.` });
    const [deleted] = await ctx.db.delete(departments).where(eq(departments.id, input.id)).returning();
    if (!deleted) notFound('department');
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'department.deleted', targetType: 'department', targetId: input.id, details: { slug: deleted.slug, name: deleted.name } });
    return { ok: true as const };
  }),
});

const buildingsRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => ctx.db.select().from(buildings).orderBy(asc(buildings.name))),
  create: adminProcedure.input(z.object({ name: ZName, address: z.string().trim().max(300).nullable().optional() })).mutation(async ({ ctx, input }) => {
    const [building] = await ctx.db.insert(buildings).values({ name: input.name, address: input.address ?? null }).onConflictDoNothing().returning();
    if (!building) throw new TRPCError({ code: 'CONFLICT', message: `A building named "${input.name}" exists already.` });
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'building.created', targetType: 'building', targetId: building.id, details: { name: building.name } });
    return building;
  }),
  update: adminProcedure
    .input(z.object({ id: z.uuid(), name: ZName.optional(), address: z.string().trim().max(300).nullable().optional(), active: z.boolean().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { id, ...changes } = input;
      const [before] = await ctx.db.select().from(buildings).where(eq(buildings.id, id));
      if (!before) notFound('building');
      const [after] = await ctx.db.update(buildings).set(changes).where(eq(buildings.id, id)).returning();
      await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'building.updated', targetType: 'building', targetId: id, details: changedFields(before, changes) });
      return after!;
    }),
  /** Tickets that named the building keep existing without one; deactivate instead to keep the history. */
  delete: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const [deleted] = await ctx.db.delete(buildings).where(eq(buildings.id, input.id)).returning();
    if (!deleted) notFound('building');
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'building.deleted', targetType: 'building', targetId: input.id, details: { name: deleted.name } });
    return { ok: true as const };
  }),
});

const ZCategoryFields = z.object({ name: ZName, description: z.string().trim().max(500).nullable().optional(), departmentId: z.uuid().nullable().optional() });

const categoriesRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => ctx.db.select().from(categories).orderBy(asc(categories.name))),
  create: adminProcedure.input(ZCategoryFields).mutation(async ({ ctx, input }) => {
    await assertDepartment(ctx, input.departmentId);
    const [category] = await ctx.db
      .insert(categories)
      .values({ name: input.name, description: input.description ?? null, departmentId: input.departmentId ?? null })
      .onConflictDoNothing()
      .returning();
    if (!category) throw new TRPCError({ code: 'CONFLICT', message: `A category named "${input.name}" exists already.` });
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'category.created', targetType: 'category', targetId: category.id, details: { name: category.name } });
    return category;
  }),
  update: adminProcedure.input(ZCategoryFields.partial().extend({ id: z.uuid(), active: z.boolean().optional() })).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const [before] = await ctx.db.select().from(categories).where(eq(categories.id, id));
    if (!before) notFound('category');
    await assertDepartment(ctx, changes.departmentId);
    const [after] = await ctx.db.update(categories).set(changes).where(eq(categories.id, id)).returning();
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'category.updated', targetType: 'category', targetId: id, details: changedFields(before, changes) });
    return after!;
  }),
  delete: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const [deleted] = await ctx.db.delete(categories).where(eq(categories.id, input.id)).returning();
    if (!deleted) notFound('category');
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'category.deleted', targetType: 'category', targetId: input.id, details: { name: deleted.name } });
    return { ok: true as const };
  }),
});

const ZTemplateFields = z.object({
  name: ZName,
  title: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters'),
  description: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters'),
  urgency: z.enum(priorities),
  category: z.string().trim().min(1).max(80).nullable().optional(),
});

const templatesRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => ctx.db.select().from(ticketTemplates).orderBy(asc(ticketTemplates.name))),
  create: adminProcedure.input(ZTemplateFields.extend({ urgency: ZTemplateFields.shape.urgency.default('medium') })).mutation(async ({ ctx, input }) => {
    const [template] = await ctx.db
      .insert(ticketTemplates)
      .values({ ...input, category: input.category ?? null })
      .onConflictDoNothing()
      .returning();
    if (!template) throw new TRPCError({ code: 'CONFLICT', message: `A template named "${input.name}" exists already.` });
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'template.created', targetType: 'template', targetId: template.id, details: { name: template.name } });
    return template;
  }),
  update: adminProcedure.input(ZTemplateFields.partial().extend({ id: z.uuid(), active: z.boolean().optional() })).mutation(async ({ ctx, input }) => {
    const { id, ...changes } = input;
    const [before] = await ctx.db.select().from(ticketTemplates).where(eq(ticketTemplates.id, id));
    if (!before) notFound('template');
    const [after] = await ctx.db.update(ticketTemplates).set(changes).where(eq(ticketTemplates.id, id)).returning();
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'template.updated', targetType: 'template', targetId: id, details: changedFields(before, changes) });
    return after!;
  }),
  delete: adminProcedure.input(ZId).mutation(async ({ ctx, input }) => {
    const [deleted] = await ctx.db.delete(ticketTemplates).where(eq(ticketTemplates.id, input.id)).returning();
    if (!deleted) notFound('template');
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'template.deleted', targetType: 'template', targetId: input.id, details: { name: deleted.name } });
    return { ok: true as const };
  }),
});

const settingsRouter = createTRPCRouter({
  get: adminProcedure.input(z.void()).query(({ ctx }) => getSettings(ctx.db)),
  update: adminProcedure.input(ZSettings.partial()).mutation(async ({ ctx, input }) => {
    const before = await getSettings(ctx.db);
    const after = await updateSettings(ctx.db, input, ctx.user.id);
    await recordAdminAction(ctx.db, { actorId: ctx.user.id, action: 'settings.updated', targetType: 'settings', details: changedFields(before, input) });
    return after;
  }),
});

export const adminRouter = createTRPCRouter({
  users: usersRouter,
  departments: departmentsRouter,
  buildings: buildingsRouter,
  categories: categoriesRouter,
  templates: templatesRouter,
  settings: settingsRouter,
  /** SLA calendars, policies, escalation groups and lifecycle settings (auto-close, reopen window). */
  sla: slaRouter,
  /** The admin audit trail, newest first. */
  audit: adminProcedure
    .input(
      z
        .object({
          targetType: z.enum(['user', 'department', 'building', 'category', 'template', 'settings', 'api_token', 'session', 'business_calendar', 'sla_policy']).optional(),
          targetId: z.string().max(64).optional(),
          before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
          limit: z.number().int().min(1).max(200).default(50),
        })
        .default({ limit: 50 }),
    )
    .query(({ ctx, input }) => {
      const conditions: (SQL | undefined)[] = [
        input.targetType ? eq(adminAudit.targetType, input.targetType) : undefined,
        input.targetId ? eq(adminAudit.targetId, input.targetId) : undefined,
        input.before ? lt(adminAudit.id, input.before) : undefined,
      ];
      return ctx.db
        .select({ id: adminAudit.id, action: adminAudit.action, targetType: adminAudit.targetType, targetId: adminAudit.targetId, details: adminAudit.details, createdAt: adminAudit.createdAt, actor: { id: users.id, name: users.name } })
        .from(adminAudit)
        .leftJoin(users, eq(users.id, adminAudit.actorId))
        .where(and(...conditions))
        .orderBy(desc(adminAudit.id))
        .limit(input.limit);
    }),
});
