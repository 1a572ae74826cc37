/**
 * Reports over the maintained aggregates (ARCHITECTURE.md, "Reports"): `ticket_facts`, one row per
 * ticket kept current by the workflow's activities, and `report_daily`, the day's counts of opened,
 * resolved and reopened tickets. No request reads the audit trail or the ticket rows.
 *
 * Scope: admins see everything; supervisors the departments they work in (home and further);
 * agents their own tickets (assigned to them). A filter outside the scope is refused, not ignored.
 *
 * The period is whole days in the organisation's timezone. "Tickets of the period" are those
 * opened in it: SLA compliance, times, escalations, screening, triage, satisfaction, agents and
 * breakdowns count them as they are now. The volume series counts events on their day. The
 * backlog is the open tickets now, whatever the period.
 */
import { TRPCError } from '@trpc/server';
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { organisationTimezone } from '../../db/reports';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import type { SessionUser } from '../auth/session';
import { agingBuckets, type Report, type ReportFilters } from './schemas';

export type ReportScope = Report['scope'];

const openStatuses = sql.raw(`(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/** Who the caller may report on, as a condition on a table with the facts' dimension columns (alias `a`). */
export function reportScope(user: SessionUser, filters: Pick<ReportFilters, 'departmentId' | 'assigneeId'>, alias: string): { scope: ReportScope; condition: SQL } {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  if (user.role === 'admin') return { scope: 'all', condition: sql`true` };
  if (user.role === 'supervisor') {
    const outside = (filters.departmentId ?? []).filter((id) => !user.staffDepartmentIds.includes(id));
    if (outside.length > 0) throw new TRPCError({ code: 'FORBIDDEN', message: 'departmentId: you may report only on the departments you supervise.' });
    if (user.staffDepartmentIds.length === 0) return { scope: 'departments', condition: sql`false` };
    return {
      scope: 'departments',
      condition: sql`${col('department_id')} in (${sql.join(
        user.staffDepartmentIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    };
  }
  if (user.role === 'agent') {
    if ((filters.assigneeId ?? []).some((id) => id !== user.id)) throw new TRPCError({ code: 'FORBIDDEN', message: 'assigneeId: agents see their own figures only.' });
    return { scope: 'own', condition: sql`${col('assignee_id')} = ${user.id}::uuid` };
  }
  throw new TRPCError({ code: 'FORBIDDEN', message: 'Reports are for staff.' });
}

const uuidList = (values: string[]) =>
  sql.join(
    values.map((v) => sql`${v}::uuid`),
    sql`, `,
  );

/** The filters as conditions on a table with the facts' dimension columns (alias `a`). */
export function dimensionFilters(filters: ReportFilters, alias: string): SQL[] {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const out: SQL[] = [];
  if (filters.departmentId) out.push(sql`${col('department_id')} in (${uuidList(filters.departmentId)})`);
  if (filters.buildingId) out.push(sql`${col('building_id')} in (${uuidList(filters.buildingId)})`);
  if (filters.assigneeId) out.push(sql`${col('assignee_id')} in (${uuidList(filters.assigneeId)})`);
  if (filters.slaPolicyId) out.push(sql`${col('sla_policy_id')} in (${uuidList(filters.slaPolicyId)})`);
  if (filters.priority)
    out.push(
      sql`${col('priority')} in (${sql.join(
        filters.priority.map((p) => sql`${p}::priority`),
        sql`, `,
      )})`,
    );
  if (filters.category)
    out.push(
      sql`lower(${col('category')}) in (${sql.join(
        filters.category.map((c) => sql`${c.toLowerCase()}`),
        sql`, `,
      )})`,
    );
  return out;
}

/** The period's bounds as instants: from's midnight to the midnight after `to`, in `timezone`. */
export const periodStart = (filters: ReportFilters, timezone: string) => sql`((${filters.from}::date)::timestamp at time zone ${timezone})`;
export const periodEnd = (filters: ReportFilters, timezone: string) => sql`((${filters.to}::date + 1)::timestamp at time zone ${timezone})`;

const rows = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The conditions every facts query of the report shares: scope, filters and (unless `anyTime`) the period. */
function factsWhere(user: SessionUser, filters: ReportFilters, timezone: string, anyTime = false): { scope: ReportScope; where: SQL } {
  const { scope, condition } = reportScope(user, filters, 'f');
  const parts = [condition, ...dimensionFilters(filters, 'f')];
  if (!anyTime) parts.push(sql`f.created_at >= ${periodStart(filters, timezone)} and f.created_at < ${periodEnd(filters, timezone)}`);
  return { scope, where: sql.join(parts, sql` and `) };
}

/** Business ms the resolution took, across every cycle (reopens included). */
const resolutionMsSql = sql`(f.resolution_prior_ms + f.resolution_ms)`;

export async function buildReport(db: Db, user: SessionUser, filters: ReportFilters, now: Date = new Date()): Promise<Report> {
  const timezone = await organisationTimezone(db);
  const { scope, where } = factsWhere(user, filters, timezone);
  const backlogWhere = factsWhere(user, filters, timezone, true).where;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const daily = reportScope(user, filters, 'd');
  const dailyWhere = sql.join([daily.condition, ...dimensionFilters(filters, 'd'), sql`d.day between ${filters.from}::date and ${filters.to}::date`], sql` and `);
  const bucketStart = filters.interval === 'week' ? sql`date_trunc('week', d.day)::date` : sql`d.day`;
  const seriesStart = filters.interval === 'week' ? sql`date_trunc('week', ${filters.from}::date)::date` : sql`${filters.from}::date`;
  const step = filters.interval === 'week' ? sql`interval '7 days'` : sql`interval '1 day'`;

  const [cohort, agents, departments, buildings, escalations, backlog, volume] = await Promise.all([
    db.execute(sql`
      select
        count(*) filter (where f.first_response_target_ms is not null) as fr_total,
        count(*) filter (where f.first_response_met) as fr_met,
        count(*) filter (where f.first_response_breached) as fr_breached,
        count(*) filter (where f.first_response_target_ms is not null and f.first_response_met is null and not f.first_response_breached) as fr_open,
        count(*) filter (where f.first_response_target_ms is not null and f.first_response_met is null and not f.first_response_breached and f.first_response_at_risk) as fr_at_risk,
        count(*) filter (where f.resolution_target_ms is not null) as res_total,
        count(*) filter (where f.resolution_met) as res_met,
        count(*) filter (where f.resolution_breached) as res_breached,
        count(*) filter (where f.resolution_target_ms is not null and f.resolution_met is null and not f.resolution_breached) as res_open,
        count(*) filter (where f.resolution_target_ms is not null and f.resolution_met is null and not f.resolution_breached and f.resolution_at_risk) as res_at_risk,
        count(*) filter (where f.first_responded_at is not null and f.first_response_ms is not null) as frt_count,
        percentile_disc(0.5) within group (order by f.first_response_ms) filter (where f.first_responded_at is not null) as frt_p50,
        percentile_disc(0.9) within group (order by f.first_response_ms) filter (where f.first_responded_at is not null) as frt_p90,
        count(*) filter (where f.resolved_at is not null and f.resolution_ms is not null) as res_count,
        percentile_disc(0.5) within group (order by ${resolutionMsSql}) filter (where f.resolved_at is not null) as res_p50,
        percentile_disc(0.9) within group (order by ${resolutionMsSql}) filter (where f.resolved_at is not null) as res_p90,
        count(*) filter (where f.paused_ms > 0 or f.paused_since is not null) as paused_tickets,
        coalesce(sum(f.paused_ms + case when f.paused_since is null then 0 else greatest(0, extract(epoch from (${nowSql} - f.paused_since)) * 1000) end), 0) as paused_total,
        count(*) filter (where f.reopen_count > 0) as reopened_tickets,
        count(*) filter (where f.resolved_at is not null or f.reopen_count > 0) as ever_resolved,
        count(*) filter (where f.held_for_review) as held,
        count(*) filter (where f.ai_triaged) as ai_triaged,
        count(*) filter (where f.ai_triaged and f.triage_overridden) as overridden,
        count(f.rating) as ratings,
        avg(f.rating)::float8 as rating_avg,
        count(*) filter (where f.rating <= 2) as rating_low,
        count(*) filter (where f.rating = 1) as r1, count(*) filter (where f.rating = 2) as r2, count(*) filter (where f.rating = 3) as r3,
        count(*) filter (where f.rating = 4) as r4, count(*) filter (where f.rating = 5) as r5
      from ticket_facts f where ${where}`),
    db.execute(sql`
      select f.assignee_id, u.name, count(*) as assigned,
        count(*) filter (where f.resolved_at is not null) as resolved,
        percentile_disc(0.5) within group (order by f.first_response_ms) filter (where f.first_responded_at is not null) as frt_p50,
        percentile_disc(0.5) within group (order by ${resolutionMsSql}) filter (where f.resolved_at is not null) as res_p50,
        count(*) filter (where f.reopen_count > 0) as reopened_tickets,
        count(*) filter (where f.resolved_at is not null or f.reopen_count > 0) as ever_resolved,
        count(f.rating) as ratings, avg(f.rating)::float8 as rating_avg
      from ticket_facts f join users u on u.id = f.assignee_id
      where ${where}
      group by f.assignee_id, u.name order by u.name, f.assignee_id`),
    breakdown(db, where, 'department_id', 'departments'),
    breakdown(db, where, 'building_id', 'buildings'),
    db.execute(sql`select f.escalation_level as level, count(*) as tickets from ticket_facts f where ${where} and f.escalation_level > 0 group by f.escalation_level order by f.escalation_level`),
    db.execute(sql`
      select
        count(*) filter (where age < interval '1 day') as under_1d,
        count(*) filter (where age >= interval '1 day' and age < interval '3 days') as "1_3d",
        count(*) filter (where age >= interval '3 days' and age < interval '7 days') as "3_7d",
        count(*) filter (where age >= interval '7 days' and age < interval '30 days') as "7_30d",
        count(*) filter (where age >= interval '30 days') as over_30d
      from (select ${nowSql} - f.created_at as age from ticket_facts f where ${backlogWhere} and f.status in ${openStatuses}) open_tickets`),
    db.execute(sql`
      select to_char(s.start, 'YYYY-MM-DD') as start, coalesce(v.created, 0) as created, coalesce(v.resolved, 0) as resolved, coalesce(v.reopened, 0) as reopened
      from generate_series(${seriesStart}, ${filters.to}::date, ${step}) as s(start)
      left join (
        select ${bucketStart} as start, sum(d.created) as created, sum(d.resolved) as resolved, sum(d.reopened) as reopened
        from report_daily d where ${dailyWhere} group by 1
      ) v on v.start = s.start::date
      order by s.start`),
  ]);

  const c = rows<Record<string, unknown>>(cohort)[0] ?? {};
  const compliance = (prefix: 'fr' | 'res') => {
    const total = num(c[`${prefix}_total`]);
    const met = num(c[`${prefix}_met`]);
    const breached = num(c[`${prefix}_breached`]);
    return { total, met, breached, open: num(c[`${prefix}_open`]), atRisk: num(c[`${prefix}_at_risk`]), metRate: ratio(met, met + breached), breachedRate: ratio(breached, total) };
  };
  const pausedTickets = num(c.paused_tickets);
  const pausedTotal = num(c.paused_total);
  const series = rows<Record<string, unknown>>(volume).map((r) => ({ start: String(r.start), created: num(r.created), resolved: num(r.resolved), reopened: num(r.reopened) }));
  const b = rows<Record<string, unknown>>(backlog)[0] ?? {};
  const automatic = num(c.ai_triaged);
  const overridden = num(c.overridden);
  const ratings = num(c.ratings);

  return {
    period: { from: filters.from, to: filters.to, timezone, interval: filters.interval },
    scope,
    sla: { firstResponse: compliance('fr'), resolution: compliance('res') },
    times: {
      firstResponse: { count: num(c.frt_count), p50Ms: numOrNull(c.frt_p50), p90Ms: numOrNull(c.frt_p90) },
      resolution: { count: num(c.res_count), p50Ms: numOrNull(c.res_p50), p90Ms: numOrNull(c.res_p90) },
      paused: { tickets: pausedTickets, totalMs: Math.round(pausedTotal), averageMs: pausedTickets > 0 ? Math.round(pausedTotal / pausedTickets) : null },
    },
    backlog: { open: agingBuckets.reduce((sum, bucket) => sum + num(b[bucket]), 0), buckets: agingBuckets.map((bucket) => ({ bucket, count: num(b[bucket]) })) },
    volume: {
      series,
      created: series.reduce((sum, s) => sum + s.created, 0),
      resolved: series.reduce((sum, s) => sum + s.resolved, 0),
      reopened: series.reduce((sum, s) => sum + s.reopened, 0),
      reopenRate: ratio(num(c.reopened_tickets), num(c.ever_resolved)),
    },
    agents: rows<Record<string, unknown>>(agents).map((r) => ({
      assigneeId: String(r.assignee_id),
      name: String(r.name),
      assigned: num(r.assigned),
      resolved: num(r.resolved),
      firstResponseP50Ms: numOrNull(r.frt_p50),
      resolutionP50Ms: numOrNull(r.res_p50),
      reopenRate: ratio(num(r.reopened_tickets), num(r.ever_resolved)),
      satisfaction: numOrNull(r.rating_avg),
      ratings: num(r.ratings),
    })),
    byDepartment: departments,
    byBuilding: buildings,
    escalations: rows<Record<string, unknown>>(escalations).map((r) => ({ level: num(r.level), tickets: num(r.tickets) })),
    screening: { held: num(c.held) },
    triage: { automatic, overridden, overrideRate: ratio(overridden, automatic) },
    satisfaction: { count: ratings, average: numOrNull(c.rating_avg), low: num(c.rating_low), distribution: [num(c.r1), num(c.r2), num(c.r3), num(c.r4), num(c.r5)] },
  };
}

/** Tickets of the period per department or building (with its name; none: "(none)"). */
async function breakdown(db: Db, where: SQL, column: 'department_id' | 'building_id', table: 'departments' | 'buildings') {
  const result = await db.execute(sql`
    select f.${sql.raw(column)} as id, coalesce(n.name, '(none)') as name, count(*) as created,
      count(*) filter (where f.resolved_at is not null) as resolved,
      count(*) filter (where f.status in ${openStatuses}) as open,
      count(*) filter (where f.first_response_breached or f.resolution_breached) as breached
    from ticket_facts f left join ${sql.raw(table)} n on n.id = f.${sql.raw(column)}
    where ${where}
    group by f.${sql.raw(column)}, n.name order by count(*) desc, name`);
  return rows<Record<string, unknown>>(result).map((r) => ({
    id: r.id === null ? null : String(r.id),
    name: String(r.name),
    created: num(r.created),
    resolved: num(r.resolved),
    open: num(r.open),
    breached: num(r.breached),
  }));
}
