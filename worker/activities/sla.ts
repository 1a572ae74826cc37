/**
 * What a ticket runs under: its department, the SLA policy that matches it (most specific wins,
 * built-in defaults when none does), the business calendar, and the lifecycle settings.
 */
import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { readLifecycleSettings } from '../../db/settings';
import { lifecycleSettingsOrDefaults } from '../../workflows/sla/policy-schema';
import { businessCalendars, DEFAULT_CALENDAR_NAME, departments, slaPolicies, tickets, users, type Priority } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { parseBusinessCalendar } from '../../workflows/sla/calendar-schema';
import { builtInPolicy, FALLBACK_CALENDAR, matchPolicy } from '../../workflows/sla/policy';
import type { SlaPolicySnapshot, TicketContext } from '../../workflows/types';

export type ContextInput = {
  /** Either the department's slug (from triage) or its id (from a person). */
  departmentSlug?: string | null;
  departmentId?: string | null;
  priority: Priority;
  category: string | null;
  requesterId: string;
};

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
      const { stored, configVersion } = await readLifecycleSettings(db);
      const lifecycle = lifecycleSettingsOrDefaults(stored);

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
        const [office] = await db
          .select()
          .from(businessCalendars)
          .where(eq(sql`lower(${businessCalendars.name})`, DEFAULT_CALENDAR_NAME.toLowerCase()));
        policy = office
          ? builtInPolicy(
              input.priority,
              parseBusinessCalendar({ timezone: office.timezone, alwaysOpen: office.alwaysOpen || undefined, weeklyHours: office.weeklyHours, holidays: office.holidays }),
              office.name,
            )
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
