/**
 * SLA policies as data: the built-in defaults and how a ticket finds its policy (most specific
 * match wins). Pure and zod-free, for the workflow sandbox; the schemas the admin API and the
 * worker validate with are in policy-schema.ts.
 */
import { DEFAULT_ESCALATION_CHAIN, DEFAULT_PAUSED_STATUSES, type Priority } from '../../domain/vocabulary';
import type { LifecycleSettings, SlaPolicySnapshot } from '../types';
import type { BusinessCalendar } from './calendar';
import { DEFAULT_SLA_TARGETS, DEFAULT_THRESHOLDS } from './clock';

/** The lifecycle settings when nothing is configured (policy-schema.ts's lifecycleSettingsSchema defaults to these). */
export const DEFAULT_LIFECYCLE_SETTINGS: LifecycleSettings = Object.freeze({
  autoCloseBusinessDays: 5,
  reopenWindowDays: 14,
  parentBlocksResolution: true,
  triageMinConfidence: 0.5,
  historyEventBudget: 2000,
});

/** Used when no calendar is configured: Monday to Friday, 09:00-17:00 UTC. */
export const FALLBACK_CALENDAR: BusinessCalendar = Object.freeze({
  timezone: 'UTC',
  weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: [],
});

/** The built-in policy for a priority when no policy in the database matches. */
export function builtInPolicy(priority: Priority, calendar: BusinessCalendar = FALLBACK_CALENDAR, calendarName = 'Built-in office hours (UTC)'): SlaPolicySnapshot {
  const targets = DEFAULT_SLA_TARGETS[priority];
  return {
    policyId: null,
    name: `Built-in ${priority}`,
    version: 0,
    targets: { firstResponseMs: targets.firstResponseMs, nextResponseMs: targets.nextResponseMs, resolutionMs: targets.resolutionMs },
    thresholds: [...DEFAULT_THRESHOLDS],
    pausedStatuses: [...DEFAULT_PAUSED_STATUSES],
    calendarName,
    calendar,
    escalation: DEFAULT_ESCALATION_CHAIN.map((s) => ({ ...s, notify: [...s.notify], trigger: { ...s.trigger } })),
  };
}

export type PolicyMatchFields = { priority: Priority | null; departmentId: string | null; category: string | null; requesterGroup: string | null };
export type TicketMatchFields = { priority: Priority; departmentId: string | null; category: string | null; requesterGroups: readonly string[] };

/** How specific a policy is: more criteria first; on equal counts group > category > department > priority. */
export function specificity(p: PolicyMatchFields): number {
  const set = [p.requesterGroup, p.category, p.departmentId, p.priority].map((v) => v !== null);
  const count = set.filter(Boolean).length;
  const weight = set.reduce((w, isSet, i) => w + (isSet ? 8 >> i : 0), 0);
  return count * 16 + weight;
}

export function policyMatches(p: PolicyMatchFields, t: TicketMatchFields): boolean {
  return (
    (p.priority === null || p.priority === t.priority) &&
    (p.departmentId === null || p.departmentId === t.departmentId) &&
    (p.category === null || (t.category !== null && p.category.toLowerCase() === t.category.toLowerCase())) &&
    (p.requesterGroup === null || t.requesterGroups.some((g) => g.toLowerCase() === p.requesterGroup!.toLowerCase()))
  );
}

/** The most specific matching policy (ties cannot happen: the match columns are unique together); null when none matches. */
export function matchPolicy<P extends PolicyMatchFields & { name: string }>(policies: readonly P[], ticket: TicketMatchFields): P | null {
  let best: P | null = null;
  for (const p of policies) {
    if (!policyMatches(p, ticket)) continue;
    if (!best || specificity(p) > specificity(best) || (specificity(p) === specificity(best) && p.name < best.name)) best = p;
  }
  return best;
}
