/**
 * The reports' maintained aggregates, shared by the worker (which folds every lifecycle change
 * into them), the API (building, ratings) and the seeds: the organisation's timezone and the
 * daily counters' upsert.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { DEFAULT_CALENDAR_NAME } from './schema';

/** The organisation's timezone: the default business calendar's ('Office hours'), else UTC. */
export const organisationTimezoneSql: SQL = sql`coalesce((select timezone from business_calendars where lower(name) = ${DEFAULT_CALENDAR_NAME.toLowerCase()} limit 1), 'UTC')`;

export async function organisationTimezone(db: Db | Tx): Promise<string> {
  const result = await db.execute<{ tz: string }>(sql`select ${organisationTimezoneSql} as tz`);
  return (result as unknown as { rows: { tz: string }[] }).rows[0]?.tz ?? 'UTC';
}

export type DailyDimensions = {
  departmentId: string | null;
  category: string | null;
  priority: string;
  buildingId: string | null;
  assigneeId: string | null;
  slaPolicyId: string | null;
};

export type DailyCounts = { created?: number; resolved?: number; reopened?: number };

/**
 * Adds to the day's counters for these dimensions (the day of `at` in the organisation's
 * timezone). One upsert: concurrent writers add up exactly (the row lock of ON CONFLICT).
 */
export async function addDailyCounts(db: Db | Tx, at: Date, dims: DailyDimensions, counts: DailyCounts): Promise<void> {
  const created = counts.created ?? 0;
  const resolved = counts.resolved ?? 0;
  const reopened = counts.reopened ?? 0;
  if (created === 0 && resolved === 0 && reopened === 0) return;
  await db.execute(sql`
    insert into report_daily (day, department_id, category, priority, building_id, assignee_id, sla_policy_id, created, resolved, reopened)
    values ((${at.toISOString()}::timestamptz at time zone ${organisationTimezoneSql})::date, ${dims.departmentId}, ${dims.category}, ${dims.priority}::priority,
            ${dims.buildingId}, ${dims.assigneeId}, ${dims.slaPolicyId}, ${created}, ${resolved}, ${reopened})
    on conflict on constraint report_daily_key do update set
      created = report_daily.created + excluded.created,
      resolved = report_daily.resolved + excluded.resolved,
      reopened = report_daily.reopened + excluded.reopened`);
}
