/**
 * Admin management of SLA policies, business calendars, escalation groups and lifecycle
 * settings. Every edit is validated (clear field errors), audited in admin_audit, and bumps the
 * SLA configuration version in the same transaction; afterwards the sla-reconcile workflow tells
 * every open ticket to re-resolve its policy, so edits apply to open tickets from then on (the
 * periodic schedule catches anything a failed start missed).
 */
import { TRPCError } from '@trpc/server';
import { and, asc, eq, inArray, isNull, ne, sql, type SQL } from 'drizzle-orm';
import { z, ZodRealError } from 'zod';
import type { Db, Tx } from '../../db/client';
import { adminAudit, businessCalendars, departments, escalationGroupMembers, slaPolicies, users, type BusinessCalendarRow, type SlaPolicyRow } from '../../db/schema';
import { bumpSlaConfigVersion, LIFECYCLE_SETTINGS_KEY, readLifecycleSettings, writeSettingValues } from '../../db/settings';
import { DEFAULT_PAUSED_STATUSES, PAUSABLE_STATUSES, priorities } from '../../domain/vocabulary';
import { SLA_RECONCILE_WORKFLOW_TYPE } from '../../workflows/messages';
import { businessCalendarSchema } from '../../workflows/sla/calendar-schema';
import { BREACH_PERCENT } from '../../workflows/sla/clock';
import { DEFAULT_ESCALATION_CHAIN } from '../../domain/vocabulary';
import { matchPolicy } from '../../workflows/sla/policy';
import { escalationChainSchema, lifecycleSettingsOrDefaults, lifecycleSettingsSchema, lifecycleSettingsUpdateSchema } from '../../workflows/sla/policy-schema';
import type { LifecycleSettings } from '../../workflows/types';
import type { AuthedContext } from '../trpc';

// ---------------------------------------------------------------------------------------------
// Schemas

const name = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const optionalText = z.string().trim().min(1, 'must not be blank').max(100, 'must be at most 100 characters').nullable();

export const ZCalendarInput = z.object({ name }).and(businessCalendarSchema);
export const ZCalendarUpdate = z.object({
  id: z.uuid(),
  name: name.optional(),
  timezone: z.string().optional(),
  alwaysOpen: z.boolean().optional(),
  weeklyHours: z.array(z.unknown()).optional(),
  holidays: z.array(z.unknown()).optional(),
});

/** Minutes of business time, in whole seconds (0.5 = 30 s). */
const minutes = z
  .number()
  .positive('must be more than 0 minutes')
  .max(366 * 24 * 60, 'must be at most a year')
  .refine((m) => Number.isInteger(Math.round(m * 60 * 1e6) / 1e6), 'must be a whole number of seconds');

const thresholds = z
  .array(z.number().int('must be whole percentages').min(1, 'must be at least 1 %').max(1000, 'must be at most 1000 %'))
  .min(1)
  .max(10, 'at most 10 thresholds')
  .refine((t) => t.includes(BREACH_PERCENT), `must include ${BREACH_PERCENT} (the breach)`)
  .refine((t) => new Set(t).size === t.length, 'must not repeat a percentage');

const policyFields = {
  name,
  description: z.string().trim().max(500, 'must be at most 500 characters').nullable().optional(),
  active: z.boolean().optional(),
  priority: z.enum(priorities).nullable().optional(),
  departmentId: z.uuid().nullable().optional(),
  category: optionalText.optional(),
  requesterGroup: optionalText.optional(),
  calendarId: z.uuid(),
  firstResponseMinutes: minutes,
  nextResponseMinutes: minutes,
  resolutionMinutes: minutes,
  thresholds: thresholds.optional(),
  pausedStatuses: z.array(z.enum(PAUSABLE_STATUSES)).max(PAUSABLE_STATUSES.length).optional(),
  escalation: escalationChainSchema.optional(),
};
export const ZPolicyInput = z.object(policyFields);
export const ZPolicyUpdate = z.object({ id: z.uuid(), ...z.object(policyFields).partial().shape });
export const ZMatchPreview = z.object({
  priority: z.enum(priorities),
  departmentId: z.uuid().nullable().default(null),
  category: optionalText.default(null),
  requesterGroups: z.array(z.string().trim().min(1).max(100)).max(20).default([]),
});
export const ZSettingsUpdate = lifecycleSettingsUpdateSchema;
export const ZEscalationGroup = z.object({ departmentId: z.uuid(), userIds: z.array(z.uuid()).max(100) });

// ---------------------------------------------------------------------------------------------
// Helpers

/**
 * A field error the console shows beside its field (the errorFormatter's zodError). ZodRealError,
 * not ZodError: zod 4's ZodError is no Error, so TRPCError would wrap it as an unknown cause and the
 * client would get the message without the field.
 */
const invalid = (path: (string | number)[], message: string) =>
  new TRPCError({ code: 'BAD_REQUEST', message: `${path.join('.')}: ${message}`, cause: new ZodRealError([{ code: 'custom', path, message, input: undefined }]) });

const seconds = (m: number) => Math.round(m * 60);

async function audit(tx: Tx, ctx: AuthedContext, action: string, targetType: string, targetId: string | null, details: Record<string, unknown>) {
  await tx.insert(adminAudit).values({ actorId: ctx.user.id, action, targetType, targetId, details });
}

/** After a committed edit: tell open tickets now (the periodic sla-reconcile schedule is the safety net). */
async function propagate(ctx: AuthedContext, version: number): Promise<'started' | 'deferred'> {
  try {
    await ctx.temporal.workflow.start(SLA_RECONCILE_WORKFLOW_TYPE, { workflowId: `sla-reconcile-v${version}`, taskQueue: ctx.taskQueue, args: [], workflowIdConflictPolicy: 'USE_EXISTING' });
    return 'started';
  } catch (error) {
    ctx.logger.warn({ err: error, version }, 'could not start sla-reconcile now; the periodic schedule will apply the change');
    return 'deferred';
  }
}

function calendarView(row: BusinessCalendarRow) {
  return { id: row.id, name: row.name, timezone: row.timezone, alwaysOpen: row.alwaysOpen, weeklyHours: row.weeklyHours, holidays: row.holidays, version: row.version, updatedAt: row.updatedAt };
}

function policyView(row: SlaPolicyRow) {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    active: row.active,
    priority: row.priority,
    departmentId: row.departmentId,
    category: row.category,
    requesterGroup: row.requesterGroup,
    calendarId: row.calendarId,
    firstResponseMinutes: row.firstResponseSeconds / 60,
    nextResponseMinutes: row.nextResponseSeconds / 60,
    resolutionMinutes: row.resolutionSeconds / 60,
    thresholds: row.thresholds,
    pausedStatuses: row.pausedStatuses,
    escalation: row.escalation,
    version: row.version,
    updatedAt: row.updatedAt,
  };
}
export type PolicyView = ReturnType<typeof policyView>;

const describeMatch = (p: { priority: string | null; departmentId: string | null; category: string | null; requesterGroup: string | null }) =>
  [`priority ${p.priority ?? 'any'}`, `department ${p.departmentId ?? 'any'}`, `category ${p.category ?? 'any'}`, `requester group ${p.requesterGroup ?? 'any'}`].join(', ');

const nullEq = <T>(column: Parameters<typeof eq>[0], value: T | null): SQL => (value === null ? isNull(column) : eq(column, value as never));

/** Checks what the schema cannot: the calendar and department exist, and no other policy has the same match. */
async function checkPolicy(
  tx: Tx,
  input: { name: string; calendarId: string; departmentId: string | null; priority: string | null; category: string | null; requesterGroup: string | null },
  selfId: string | null,
) {
  const [calendar] = await tx.select({ id: businessCalendars.id }).from(businessCalendars).where(eq(businessCalendars.id, input.calendarId));
  if (!calendar) throw invalid(['calendarId'], 'no business calendar with this id');
  if (input.departmentId) {
    const [department] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, input.departmentId));
    if (!department) throw invalid(['departmentId'], 'no department with this id');
  }
  const others = selfId ? ne(slaPolicies.id, selfId) : undefined;
  const [sameName] = await tx
    .select({ id: slaPolicies.id })
    .from(slaPolicies)
    .where(and(eq(sql`lower(${slaPolicies.name})`, input.name.toLowerCase()), others));
  if (sameName) throw new TRPCError({ code: 'CONFLICT', message: `A policy named "${input.name}" already exists.` });
  const [sameMatch] = await tx
    .select({ name: slaPolicies.name })
    .from(slaPolicies)
    .where(
      and(
        nullEq(slaPolicies.priority, input.priority),
        nullEq(slaPolicies.departmentId, input.departmentId),
        nullEq(slaPolicies.category, input.category),
        nullEq(slaPolicies.requesterGroup, input.requesterGroup),
        others,
      ),
    );
  if (sameMatch)
    throw new TRPCError({ code: 'CONFLICT', message: `Policy "${sameMatch.name}" already matches exactly these tickets (${describeMatch(input)}); edit it instead, or make this one more specific.` });
}

// ---------------------------------------------------------------------------------------------
// Calendars

export async function listCalendars(db: Db) {
  return (await db.select().from(businessCalendars).orderBy(asc(businessCalendars.name))).map(calendarView);
}

export async function createCalendar(ctx: AuthedContext, input: z.infer<typeof ZCalendarInput>) {
  const { row, version } = await ctx.db.transaction(async (tx) => {
    const [exists] = await tx
      .select({ id: businessCalendars.id })
      .from(businessCalendars)
      .where(eq(sql`lower(${businessCalendars.name})`, input.name.toLowerCase()));
    if (exists) throw new TRPCError({ code: 'CONFLICT', message: `A calendar named "${input.name}" already exists.` });
    const [row] = await tx
      .insert(businessCalendars)
      .values({ name: input.name, timezone: input.timezone, alwaysOpen: input.alwaysOpen ?? false, weeklyHours: input.weeklyHours, holidays: input.holidays })
      .returning();
    await audit(tx, ctx, 'sla.calendar.create', 'business_calendar', row!.id, { calendar: calendarView(row!) });
    return { row: row!, version: await bumpSlaConfigVersion(tx) };
  });
  return { ...calendarView(row), propagation: await propagate(ctx, version) };
}

export async function updateCalendar(ctx: AuthedContext, input: z.infer<typeof ZCalendarUpdate>) {
  const { row, version } = await ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(businessCalendars).where(eq(businessCalendars.id, input.id)).for('update');
    if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: `Calendar ${input.id} was not found.` });
    const merged = {
      name: input.name ?? current.name,
      timezone: input.timezone ?? current.timezone,
      alwaysOpen: input.alwaysOpen ?? current.alwaysOpen,
      weeklyHours: input.weeklyHours ?? current.weeklyHours,
      holidays: input.holidays ?? current.holidays,
    };
    const parsed = ZCalendarInput.safeParse(merged);
    if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', message: `Invalid business calendar: ${z.prettifyError(parsed.error)}`, cause: parsed.error });
    if (parsed.data.name.toLowerCase() !== current.name.toLowerCase()) {
      const [taken] = await tx
        .select({ id: businessCalendars.id })
        .from(businessCalendars)
        .where(eq(sql`lower(${businessCalendars.name})`, parsed.data.name.toLowerCase()));
      if (taken) throw new TRPCError({ code: 'CONFLICT', message: `A calendar named "${parsed.data.name}" already exists.` });
    }
    const [row] = await tx
      .update(businessCalendars)
      .set({ ...parsed.data, alwaysOpen: parsed.data.alwaysOpen ?? false, version: sql`${businessCalendars.version} + 1` })
      .where(eq(businessCalendars.id, input.id))
      .returning();
    // Policies on this calendar changed too: their tickets re-resolve.
    await tx
      .update(slaPolicies)
      .set({ version: sql`${slaPolicies.version} + 1` })
      .where(eq(slaPolicies.calendarId, input.id));
    await audit(tx, ctx, 'sla.calendar.update', 'business_calendar', input.id, { before: calendarView(current), after: calendarView(row!) });
    return { row: row!, version: await bumpSlaConfigVersion(tx) };
  });
  return { ...calendarView(row), propagation: await propagate(ctx, version) };
}

export async function deleteCalendar(ctx: AuthedContext, id: string) {
  const version = await ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(businessCalendars).where(eq(businessCalendars.id, id)).for('update');
    if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: `Calendar ${id} was not found.` });
    const users = await tx.select({ name: slaPolicies.name }).from(slaPolicies).where(eq(slaPolicies.calendarId, id));
    if (users.length > 0)
      throw new TRPCError({ code: 'CONFLICT', message: `Calendar "${current.name}" is used by ${users.map((p) => `"${p.name}"`).join(', ')}; move those policies to another calendar first.` });
    await tx.delete(businessCalendars).where(eq(businessCalendars.id, id));
    await audit(tx, ctx, 'sla.calendar.delete', 'business_calendar', id, { calendar: calendarView(current) });
    return bumpSlaConfigVersion(tx);
  });
  return { ok: true as const, propagation: await propagate(ctx, version) };
}

// ---------------------------------------------------------------------------------------------
// Policies

export async function listPolicies(db: Db) {
  return (await db.select().from(slaPolicies).orderBy(asc(slaPolicies.name))).map(policyView);
}

export async function createPolicy(ctx: AuthedContext, input: z.infer<typeof ZPolicyInput>) {
  const values = {
    name: input.name,
    description: input.description ?? null,
    active: input.active ?? true,
    priority: input.priority ?? null,
    departmentId: input.departmentId ?? null,
    category: input.category ?? null,
    requesterGroup: input.requesterGroup ?? null,
    calendarId: input.calendarId,
    firstResponseSeconds: seconds(input.firstResponseMinutes),
    nextResponseSeconds: seconds(input.nextResponseMinutes),
    resolutionSeconds: seconds(input.resolutionMinutes),
    thresholds: input.thresholds ?? [80, BREACH_PERCENT],
    pausedStatuses: input.pausedStatuses ?? [...DEFAULT_PAUSED_STATUSES],
    escalation: input.escalation ?? DEFAULT_ESCALATION_CHAIN.map((s) => ({ ...s, notify: [...s.notify], trigger: { ...s.trigger } })),
  };
  const { row, version } = await ctx.db.transaction(async (tx) => {
    await checkPolicy(tx, values, null);
    const [row] = await tx.insert(slaPolicies).values(values).returning();
    await audit(tx, ctx, 'sla.policy.create', 'sla_policy', row!.id, { policy: policyView(row!) });
    return { row: row!, version: await bumpSlaConfigVersion(tx) };
  });
  return { ...policyView(row), propagation: await propagate(ctx, version) };
}

export async function updatePolicy(ctx: AuthedContext, input: z.infer<typeof ZPolicyUpdate>) {
  const { row, version } = await ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(slaPolicies).where(eq(slaPolicies.id, input.id)).for('update');
    if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: `SLA policy ${input.id} was not found.` });
    const changes = {
      ...(input.name !== undefined && { name: input.name }),
      ...(input.description !== undefined && { description: input.description }),
      ...(input.active !== undefined && { active: input.active }),
      ...(input.priority !== undefined && { priority: input.priority }),
      ...(input.departmentId !== undefined && { departmentId: input.departmentId }),
      ...(input.category !== undefined && { category: input.category }),
      ...(input.requesterGroup !== undefined && { requesterGroup: input.requesterGroup }),
      ...(input.calendarId !== undefined && { calendarId: input.calendarId }),
      ...(input.firstResponseMinutes !== undefined && { firstResponseSeconds: seconds(input.firstResponseMinutes) }),
      ...(input.nextResponseMinutes !== undefined && { nextResponseSeconds: seconds(input.nextResponseMinutes) }),
      ...(input.resolutionMinutes !== undefined && { resolutionSeconds: seconds(input.resolutionMinutes) }),
      ...(input.thresholds !== undefined && { thresholds: input.thresholds }),
      ...(input.pausedStatuses !== undefined && { pausedStatuses: input.pausedStatuses }),
      ...(input.escalation !== undefined && { escalation: input.escalation }),
    };
    const merged = { ...current, ...changes };
    await checkPolicy(tx, merged, current.id);
    const [row] = await tx
      .update(slaPolicies)
      .set({ ...changes, version: sql`${slaPolicies.version} + 1` })
      .where(eq(slaPolicies.id, input.id))
      .returning();
    await audit(tx, ctx, 'sla.policy.update', 'sla_policy', input.id, { before: policyView(current), after: policyView(row!) });
    return { row: row!, version: await bumpSlaConfigVersion(tx) };
  });
  return { ...policyView(row), propagation: await propagate(ctx, version) };
}

export async function deletePolicy(ctx: AuthedContext, id: string) {
  const version = await ctx.db.transaction(async (tx) => {
    const [current] = await tx.select().from(slaPolicies).where(eq(slaPolicies.id, id)).for('update');
    if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: `SLA policy ${id} was not found.` });
    await tx.delete(slaPolicies).where(eq(slaPolicies.id, id));
    await audit(tx, ctx, 'sla.policy.delete', 'sla_policy', id, { policy: policyView(current) });
    return bumpSlaConfigVersion(tx);
  });
  return { ok: true as const, propagation: await propagate(ctx, version) };
}

/** Which active policy a ticket with these attributes would run under (most specific wins). */
export async function previewMatch(db: Db, input: z.infer<typeof ZMatchPreview>) {
  const policies = await db.select().from(slaPolicies).where(eq(slaPolicies.active, true));
  const match = matchPolicy(policies, input);
  return match ? policyView(match) : null;
}

// ---------------------------------------------------------------------------------------------
// Lifecycle settings and escalation groups

export async function getLifecycleSettings(db: Db): Promise<LifecycleSettings & { configVersion: number }> {
  const { stored, configVersion } = await readLifecycleSettings(db);
  return { ...lifecycleSettingsOrDefaults(stored), configVersion };
}

export async function updateLifecycleSettings(ctx: AuthedContext, input: z.infer<typeof ZSettingsUpdate>) {
  const version = await ctx.db.transaction(async (tx) => {
    const current = lifecycleSettingsOrDefaults((await readLifecycleSettings(tx)).stored);
    const next = lifecycleSettingsSchema.parse({ ...current, ...input });
    await writeSettingValues(tx, { [LIFECYCLE_SETTINGS_KEY]: next }, ctx.user.id);
    await audit(tx, ctx, 'sla.settings.update', 'settings', LIFECYCLE_SETTINGS_KEY, { before: current, after: next });
    return bumpSlaConfigVersion(tx);
  });
  return { ...(await getLifecycleSettings(ctx.db)), propagation: await propagate(ctx, version) };
}

export async function getEscalationGroup(db: Db, departmentId: string) {
  return db
    .select({ id: users.id, name: users.name, email: users.email, role: users.role })
    .from(escalationGroupMembers)
    .innerJoin(users, eq(users.id, escalationGroupMembers.userId))
    .where(eq(escalationGroupMembers.departmentId, departmentId))
    .orderBy(asc(users.name));
}

export async function setEscalationGroup(ctx: AuthedContext, input: z.infer<typeof ZEscalationGroup>) {
  const userIds = [...new Set(input.userIds)];
  await ctx.db.transaction(async (tx) => {
    const [department] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, input.departmentId));
    if (!department) throw invalid(['departmentId'], 'no department with this id');
    if (userIds.length > 0) {
      const found = await tx.select({ id: users.id, role: users.role, active: users.active, name: users.name }).from(users).where(inArray(users.id, userIds));
      const missing = userIds.filter((id) => !found.some((u) => u.id === id));
      if (missing.length > 0) throw invalid(['userIds'], `no such users: ${missing.join(', ')}`);
      const unfit = found.filter((u) => u.role === 'requester' || !u.active);
      if (unfit.length > 0) throw invalid(['userIds'], `only active agents, supervisors and admins can take escalations: ${unfit.map((u) => u.name).join(', ')}`);
    }
    const before = (await tx.select({ userId: escalationGroupMembers.userId }).from(escalationGroupMembers).where(eq(escalationGroupMembers.departmentId, input.departmentId))).map((m) => m.userId);
    await tx.delete(escalationGroupMembers).where(eq(escalationGroupMembers.departmentId, input.departmentId));
    if (userIds.length > 0) await tx.insert(escalationGroupMembers).values(userIds.map((userId) => ({ departmentId: input.departmentId, userId })));
    await audit(tx, ctx, 'sla.escalation_group.set', 'department', input.departmentId, { before, after: userIds });
  });
  return getEscalationGroup(ctx.db, input.departmentId);
}
