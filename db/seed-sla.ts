/**
 * Default SLA configuration for a new desk: an office-hours business calendar (and a 24×7 one),
 * one policy per priority with the default business-time targets (critical 15 min / 4 h, high
 * 1 h / 8 h, medium 4 h / 24 h, low 8 h / 72 h; next response = first response), the default
 * escalation chain, escalation groups, and the lifecycle settings. Seeds only when no business
 * calendar exists yet, so an admin's edits are never overwritten.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { DEFAULT_PAUSED_STATUSES, priorities } from '../domain/vocabulary';
import { BREACH_PERCENT, DEFAULT_SLA_TARGETS, DEFAULT_THRESHOLDS } from '../workflows/sla/clock';
import { DEFAULT_ESCALATION_CHAIN } from '../domain/vocabulary';
import { DEFAULT_LIFECYCLE_SETTINGS } from '../workflows/sla/policy';
import { LIFECYCLE_SETTINGS_KEY, SLA_CONFIG_VERSION_KEY } from './settings';
import type { Db } from './client';
import { businessCalendars, DEFAULT_CALENDAR_NAME, departments, escalationGroupMembers, settings, slaPolicies, users } from './schema';

/** England and Wales bank holidays. */
const UK_BANK_HOLIDAYS = [
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28',
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27',
  '2027-12-28',
];

const WEEKDAYS = [1, 2, 3, 4, 5] as const;

/** Escalation groups of the demo organisation: who takes over at the last escalation level. */
const demoEscalationGroups: Record<string, string[]> = {
  it: ['sam.supervisor@deskflow.test', 'otto.it@deskflow.test'],
  hr: ['hana.hr@deskflow.test'],
};

const seconds = (ms: number) => Math.round(ms / 1000);

/** Seeds the default SLA configuration; returns whether it did. */
export async function seedSla(db: Db): Promise<boolean> {
  const [{ count } = { count: 0 }] = await db.select({ count: sql<number>`count(*)::int` }).from(businessCalendars);
  if (count > 0) return false;
  await db.transaction(async (tx) => {
    const [office] = await tx
      .insert(businessCalendars)
      .values({ name: DEFAULT_CALENDAR_NAME, timezone: 'Europe/London', weeklyHours: WEEKDAYS.map((day) => ({ day, start: '09:00', end: '17:30' })), holidays: UK_BANK_HOLIDAYS })
      .returning();
    await tx.insert(businessCalendars).values({ name: '24x7', timezone: 'UTC', alwaysOpen: true });
    await tx.insert(slaPolicies).values(
      priorities.map((priority) => {
        const targets = DEFAULT_SLA_TARGETS[priority];
        return {
          name: `Default ${priority}`,
          description: `Business-hours targets for ${priority} tickets.`,
          priority,
          calendarId: office!.id,
          firstResponseSeconds: seconds(targets.firstResponseMs),
          nextResponseSeconds: seconds(targets.nextResponseMs),
          resolutionSeconds: seconds(targets.resolutionMs),
          thresholds: [...DEFAULT_THRESHOLDS].filter((p) => p <= BREACH_PERCENT),
          pausedStatuses: [...DEFAULT_PAUSED_STATUSES],
          escalation: DEFAULT_ESCALATION_CHAIN.map((step) => ({ ...step, notify: [...step.notify], trigger: { ...step.trigger } })),
        };
      }),
    );

    for (const [slug, emails] of Object.entries(demoEscalationGroups)) {
      const [department] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.slug, slug));
      if (!department) continue;
      const members = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(inArray(users.email, emails), eq(users.active, true)));
      if (members.length > 0)
        await tx
          .insert(escalationGroupMembers)
          .values(members.map((m) => ({ departmentId: department.id, userId: m.id })))
          .onConflictDoNothing();
    }

    await tx
      .insert(settings)
      .values({ key: LIFECYCLE_SETTINGS_KEY, value: { ...DEFAULT_LIFECYCLE_SETTINGS } })
      .onConflictDoNothing();
    await tx.insert(settings).values({ key: SLA_CONFIG_VERSION_KEY, value: 1 }).onConflictDoNothing();
  });
  return true;
}
