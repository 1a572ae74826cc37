/**
 * What a ticket runs under: its department, the SLA policy that matches it (most specific wins,
 * built-in defaults when none does), the business calendar, and the lifecycle settings.
 */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { businessCalendars, departments, settings, slaPolicies, tickets, users, type Priority } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { parseBusinessCalendar } from '../../workflows/sla/calendar-schema';
import { builtInPolicy, FALLBACK_CALENDAR, matchPolicy } from '../../workflows/sla/policy';
import { lifecycleSettingsSchema } from '../../workflows/sla/policy-schema';
import type { LifecycleSettings, SlaPolicySnapshot } from '../../workflows/types';

/** Settings rows (table `settings`) this module owns. */
export const LIFECYCLE_SETTINGS_KEY = 'lifecycle';
/** Bumped by every SLA policy, calendar or lifecycle settings edit; tickets remember the version they applied. */
export const SLA_CONFIG_VERSION_KEY = 'sla.configVersion';
/** Name of the calendar built-in policies use, when it exists (seeded by db/seed-sla.ts). */
export const DEFAULT_CALENDAR_NAME = 'Office hours';

export type TicketContext = {
  department: { id: string; slug: string } | null;
  policy: SlaPolicySnapshot;
  configVersion: number;
  settings: LifecycleSettings;
  /** Whether this worker delivers live events to rooms (so the workflow schedules them only then). */
  liveEvents: boolean;
};

export type ContextInput = {
  /** Either the department's slug (from triage) or its id (from a person). */
  departmentSlug?: string | null;
  departmentId?: string | null;
  priority: Priority;
  category: string | null;
  requesterId: string;
};


export async function readLifecycleSettings(db: Db | Tx): Promise<{ settings: LifecycleSettings; configVersion: number }> {
  const rows = await db.select({ key: settings.key, value: settings.value }).from(settings).where(inArray(settings.key, [LIFECYCLE_SETTINGS_KEY, SLA_CONFIG_VERSION_KEY]));
  const byKey = new Map(rows.map((r) => [r.key, r.value]));
  const parsed = lifecycleSettingsSchema.safeParse(byKey.get(LIFECYCLE_SETTINGS_KEY) ?? {});
  const version = Number(byKey.get(SLA_CONFIG_VERSION_KEY) ?? 0);
  // A hand-edited settings row that no longer validates must not stop tickets: defaults apply.
  return { settings: parsed.success ? parsed.data : lifecycleSettingsSchema.parse({}), configVersion: Number.isFinite(version) ? version : 0 };
}

/** Bumps the SLA configuration version (inside the caller's transaction when given one) and returns it. */
export async function bumpSlaConfigVersion(db: Pick<Db, 'execute'>): Promise<number> {
  const result = await db.execute<{ value: unknown }>(sql`
    insert into ${settings} (key, value) values (${SLA_CONFIG_VERSION_KEY}, '1'::jsonb)
    on conflict (key) do update set value = to_jsonb(coalesce((${settings.value} #>> '{}')::int, 0) + 1), updated_at = now()
    returning value`);
  const rows = (result as unknown as { rows: { value: unknown }[] }).rows;
  return Number(rows[0]?.value ?? 1);
}

export function slaActivities(db: Db, options: { liveEvents: boolean }) {
  return {
    async resolveTicketContext(input: ContextInput): Promise<TicketContext> {
      let department: { id: string; slug: string } | null = null;
      if (input.departmentId) {
        [department = null] = await db.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.id, input.departmentId));
      } else if (input.departmentSlug) {
        [department = null] = await db.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.slug, input.departmentSlug));
      }
      const [requester] = await db.select({ groups: users.groups }).from(users).where(eq(users.id, input.requesterId));
      const policies = await db
        .select({ policy: slaPolicies, calendar: businessCalendars })
        .from(slaPolicies)
        .innerJoin(businessCalendars, eq(businessCalendars.id, slaPolicies.calendarId))
        .where(eq(slaPolicies.active, true));
      const match = matchPolicy(
        policies.map((p) => ({ ...p.policy, name: p.policy.name, row: p })),
        { priority: input.priority, departmentId: department?.id ?? null, category: input.category, requesterGroups: requester?.groups ?? [] },
      );
      const { settings: lifecycle, configVersion } = await readLifecycleSettings(db);

      let policy: SlaPolicySnapshot;
      if (match) {
        const { policy: p, calendar: c } = match.row;
        policy = {
          policyId: p.id,
          name: p.name,
          version: p.version,
          targets: { firstResponseMs: p.firstResponseSeconds * 1000, nextResponseMs: p.nextResponseSeconds * 1000, resolutionMs: p.resolutionSeconds * 1000 },
          thresholds: [...p.thresholds].sort((a, b) => a - b),
          pausedStatuses: p.pausedStatuses,
          calendarName: c.name,
          calendar: parseBusinessCalendar({ timezone: c.timezone, alwaysOpen: c.alwaysOpen || undefined, weeklyHours: c.weeklyHours, holidays: c.holidays }),
          escalation: p.escalation,
        };
      } else {
        const [office] = await db.select().from(businessCalendars).where(eq(sql`lower(${businessCalendars.name})`, DEFAULT_CALENDAR_NAME.toLowerCase()));
        policy = office
          ? builtInPolicy(input.priority, parseBusinessCalendar({ timezone: office.timezone, alwaysOpen: office.alwaysOpen || undefined, weeklyHours: office.weeklyHours, holidays: office.holidays }), office.name)
          : builtInPolicy(input.priority, FALLBACK_CALENDAR);
      }
      return { department, policy, configVersion, settings: lifecycle, liveEvents: options.liveEvents };
    },

    /** Open tickets whose workflow has not yet applied SLA configuration `version` (one page). */
    async staleSlaTickets({ version, limit }: { version: number; limit: number }): Promise<{ number: number }[]> {
      return db
        .select({ number: tickets.number })
        .from(tickets)
        .where(and(lt(tickets.slaConfigVersion, version), inArray(tickets.status, [...OPEN_STATUSES]), eq(tickets.heldForReview, false)))
        .orderBy(tickets.number)
        .limit(limit);
    },
  };
}
