/**
 * Reports over the maintained aggregates (ARCHITECTURE.md, "Reports"), here in db/ because the
 * API (report.summary, exports) and the worker (scheduled report mail) both compute them: `report_rollup` (the counts
 * of the tickets opened per day and filter combination) and `report_rollup_values` (their
 * duration histograms and escalation levels per day, department and assignee), both kept from
 * `ticket_facts` (one row per ticket, kept current by the workflow's activities) by a trigger;
 * `report_daily`, the day's counts of opened, resolved and reopened tickets; and, for the backlog,
 * the open tickets' facts rows through a partial index. The histograms are kept a second time per
 * priority (`report_rollup_values_by_priority`) for reports filtered by priority. A request sums at
 * most (days × combinations) small rows; only percentiles under a category, building or SLA policy
 * filter read the period's facts rows. No request reads the audit trail or the ticket rows.
 *
 * Scope: admins see everything; supervisors the departments they work in (home and further);
 * agents their own tickets (assigned to them). A filter outside the scope is refused, not ignored.
 *
 * The period is whole days in the organisation's timezone. "Tickets of the period" are those
 * opened in it: SLA compliance, times, escalations, screening, triage, satisfaction, agents and
 * breakdowns count them as they are now. The volume series counts events on their day. The
 * backlog is the open tickets now, whatever the period.
 */
import { sql, type SQL } from 'drizzle-orm';
import { OPEN_STATUSES } from '../domain/vocabulary';
import type { Db } from './client';
import { agingBuckets, type Report, type ReportFilters } from './report-schemas';
import { organisationTimezone } from './reports';
import { deflectionFigures } from './report-deflections';
import { dimensionFilters, reportScope, uuidList, type ReportScope, type ReportViewer } from './report-scope';

const openStatuses = sql.raw(`(${OPEN_STATUSES.map((s) => `'${s}'`).join(', ')})`);

/** The period's bounds as instants: from's midnight to the midnight after `to`, in `timezone`. */
export const periodStart = (filters: ReportFilters, timezone: string) => sql`((${filters.from}::date)::timestamp at time zone ${timezone})`;
export const periodEnd = (filters: ReportFilters, timezone: string) => sql`((${filters.to}::date + 1)::timestamp at time zone ${timezone})`;

const rows = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;
const num = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
const numOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));
const ratio = (part: number, whole: number): number | null => (whole > 0 ? part / whole : null);

/** The conditions every facts query of the report shares: scope, filters and (unless `anyTime`) the period. */
function factsWhere(user: ReportViewer, filters: ReportFilters, timezone: string, anyTime = false): { scope: ReportScope; where: SQL } {
  const { scope, condition } = reportScope(user, filters, 'f');
  const parts = [condition, ...dimensionFilters(filters, 'f')];
  if (!anyTime) parts.push(sql`f.created_at >= ${periodStart(filters, timezone)} and f.created_at < ${periodEnd(filters, timezone)}`);
  return { scope, where: sql.join(parts, sql` and `) };
}

/** Business ms the resolution took, across every cycle (reopens included). */
const resolutionMsSql = sql`(f.resolution_prior_ms + f.resolution_ms)`;

/** Filters the distributions (kept per department, assignee and, in a second table, priority) cannot answer. */
const finerThanDistributions = (filters: ReportFilters) => Boolean(filters.category || filters.buildingId || filters.slaPolicyId);

/**
 * The percentile `p` of one measure's distribution, as percentile_disc picks it (the first bucket
 * whose cumulative count reaches p × n), reported as the mean of that bucket's values: within the
 * bucket's width (9.1 %) of the exact figure, exact when the bucket holds equal values.
 */
const histogramPercentile = (p: number) => sql`round((array_agg(h.s::numeric / h.n order by h.bucket) filter (where h.cum >= h.total * ${p}))[1])`;

type Distributions = {
  overall: { frtP50: number | null; frtP90: number | null; resP50: number | null; resP90: number | null };
  agents: Map<string, { frtP50: number | null; resP50: number | null }>;
  escalations: { level: number; tickets: number }[];
};

/**
 * Percentiles and escalation levels from the maintained distributions (scope, department, assignee
 * and priority filters): `report_rollup_values`, or under a priority filter the same kept per
 * priority (`report_rollup_values_by_priority`).
 */
async function distributionsFromRollups(db: Db, user: ReportViewer, filters: ReportFilters): Promise<Distributions> {
  const scoped = reportScope(user, filters, 'v');
  const conditions = [scoped.condition, sql`v.day between ${filters.from}::date and ${filters.to}::date`];
  if (filters.departmentId) conditions.push(sql`v.department_id in (${uuidList(filters.departmentId)})`);
  if (filters.assigneeId) conditions.push(sql`v.assignee_id in (${uuidList(filters.assigneeId)})`);
  if (filters.priority)
    conditions.push(
      sql`v.priority in (${sql.join(
        filters.priority.map((p) => sql`${p}::priority`),
        sql`, `,
      )})`,
    );
  const distributionTable = filters.priority ? sql`report_rollup_values_by_priority` : sql`report_rollup_values`;
  const where = sql.join(conditions, sql` and `);
  const [overall, agents, escalations] = await Promise.all([
    db.execute(sql`
      with b as (select v.measure, v.bucket, sum(v.count) as n, sum(v.sum) as s from ${distributionTable} v where ${where} and v.measure in (1, 2) group by v.measure, v.bucket having sum(v.count) > 0),
           h as (select b.*, sum(b.n) over (partition by b.measure order by b.bucket) as cum, sum(b.n) over (partition by b.measure) as total from b)
      select h.measure, ${histogramPercentile(0.5)} as p50, ${histogramPercentile(0.9)} as p90 from h group by h.measure`),
    db.execute(sql`
      with b as (select v.assignee_id, v.measure, v.bucket, sum(v.count) as n, sum(v.sum) as s from ${distributionTable} v
                 where ${where} and v.measure in (1, 2) and v.assignee_id is not null group by v.assignee_id, v.measure, v.bucket having sum(v.count) > 0),
           h as (select b.*, sum(b.n) over (partition by b.assignee_id, b.measure order by b.bucket) as cum, sum(b.n) over (partition by b.assignee_id, b.measure) as total from b)
      select h.assignee_id, h.measure, ${histogramPercentile(0.5)} as p50 from h group by h.assignee_id, h.measure`),
    db.execute(sql`select v.bucket as level, sum(v.count) as tickets from ${distributionTable} v where ${where} and v.measure = 3 group by v.bucket having sum(v.count) > 0 order by v.bucket`),
  ]);
  const byMeasure = new Map(rows<Record<string, unknown>>(overall).map((r) => [num(r.measure), r]));
  const agentFigures = new Map<string, { frtP50: number | null; resP50: number | null }>();
  for (const r of rows<Record<string, unknown>>(agents)) {
    const id = String(r.assignee_id);
    const entry = agentFigures.get(id) ?? { frtP50: null, resP50: null };
    if (num(r.measure) === 1) entry.frtP50 = numOrNull(r.p50);
    else entry.resP50 = numOrNull(r.p50);
    agentFigures.set(id, entry);
  }
  return {
    overall: { frtP50: numOrNull(byMeasure.get(1)?.p50), frtP90: numOrNull(byMeasure.get(1)?.p90), resP50: numOrNull(byMeasure.get(2)?.p50), resP90: numOrNull(byMeasure.get(2)?.p90) },
    agents: agentFigures,
    escalations: rows<Record<string, unknown>>(escalations).map((r) => ({ level: num(r.level), tickets: num(r.tickets) })),
  };
}

/**
 * The same, exactly, from the period's facts rows: for filters finer than the distributions' keys
 * (category, building, SLA policy), read through the index of the filter that narrows
 * most. Two statements at once: the percentiles (one pass, the totals and per assignee by grouping
 * sets; one sort per measure gives both its percentiles) and the escalation levels (a count).
 */
async function distributionsFromFacts(db: Db, where: SQL): Promise<Distributions> {
  const [percentiles, escalations] = await Promise.all([
    db.execute(sql`
      select grouping(f.assignee_id) as g, f.assignee_id,
        percentile_disc(array[0.5, 0.9]) within group (order by f.first_response_ms) filter (where f.first_responded_at is not null) as frt,
        percentile_disc(array[0.5, 0.9]) within group (order by ${resolutionMsSql}) filter (where f.resolved_at is not null) as res
      from ticket_facts f where ${where}
      group by grouping sets ((), (f.assignee_id))`),
    db.execute(sql`select f.escalation_level as level, count(*) as tickets from ticket_facts f where ${where} and f.escalation_level > 0 group by f.escalation_level order by f.escalation_level`),
  ]);
  const grouped = rows<{ g: unknown; assignee_id: unknown; frt: unknown[] | null; res: unknown[] | null }>(percentiles);
  const at = (values: unknown[] | null, i: number) => numOrNull(values?.[i]);
  // grouping() is 1 for the totals (assignee left out of the set), 0 per assignee.
  const o = grouped.find((r) => num(r.g) === 1);
  return {
    overall: { frtP50: at(o?.frt ?? null, 0), frtP90: at(o?.frt ?? null, 1), resP50: at(o?.res ?? null, 0), resP90: at(o?.res ?? null, 1) },
    agents: new Map(grouped.filter((r) => num(r.g) === 0 && r.assignee_id !== null).map((r) => [String(r.assignee_id), { frtP50: at(r.frt, 0), resP50: at(r.res, 0) }])),
    escalations: rows<Record<string, unknown>>(escalations).map((r) => ({ level: num(r.level), tickets: num(r.tickets) })),
  };
}

/** The counted figures of `report_rollup`, summed over the period's days and the filters' combinations. */
const rollupSums = sql`
  sum(r.tickets) as tickets, sum(r.resolved) as resolved, sum(r.open) as open, sum(r.any_breached) as any_breached,
  sum(r.fr_total) as fr_total, sum(r.fr_met) as fr_met, sum(r.fr_breached) as fr_breached, sum(r.fr_open) as fr_open, sum(r.fr_at_risk) as fr_at_risk,
  sum(r.res_total) as res_total, sum(r.res_met) as res_met, sum(r.res_breached) as res_breached, sum(r.res_open) as res_open, sum(r.res_at_risk) as res_at_risk,
  sum(r.frt_count) as frt_count, sum(r.res_count) as res_count,
  sum(r.paused_tickets) as paused_tickets, sum(r.paused_ms) as paused_ms, sum(r.paused_now) as paused_now, sum(r.paused_since_ms) as paused_since_ms,
  sum(r.reopened_tickets) as reopened_tickets, sum(r.ever_resolved) as ever_resolved, sum(r.held) as held, sum(r.ai_triaged) as ai_triaged, sum(r.overridden) as overridden,
  sum(r.ratings) as ratings, sum(r.rating_sum) as rating_sum,
  sum(r.rating_1) as r1, sum(r.rating_2) as r2, sum(r.rating_3) as r3, sum(r.rating_4) as r4, sum(r.rating_5) as r5`;

/** grouping(assignee, department, building): a bit set per column aggregated away. */
const TOTALS = 7;
const GROUPED_BY_ASSIGNEE = 3;
const GROUPED_BY_DEPARTMENT = 5;
const GROUPED_BY_BUILDING = 6;

export async function buildReport(db: Db, user: ReportViewer, filters: ReportFilters, now: Date = new Date()): Promise<Report> {
  const timezone = await organisationTimezone(db);
  const { scope, where } = factsWhere(user, filters, timezone);
  const backlogWhere = factsWhere(user, filters, timezone, true).where;
  const nowSql = sql`${now.toISOString()}::timestamptz`;
  const rolled = reportScope(user, filters, 'r');
  const rollupWhere = sql.join([rolled.condition, ...dimensionFilters(filters, 'r'), sql`r.day between ${filters.from}::date and ${filters.to}::date`], sql` and `);
  const daily = reportScope(user, filters, 'd');
  const dailyWhere = sql.join([daily.condition, ...dimensionFilters(filters, 'd'), sql`d.day between ${filters.from}::date and ${filters.to}::date`], sql` and `);
  const bucketStart = filters.interval === 'week' ? sql`date_trunc('week', d.day)::date` : sql`d.day`;
  const seriesStart = filters.interval === 'week' ? sql`date_trunc('week', ${filters.from}::date)::date` : sql`${filters.from}::date`;
  const step = filters.interval === 'week' ? sql`interval '7 days'` : sql`interval '1 day'`;

  const [sums, distributions, backlog, volume, deflections] = await Promise.all([
    // One pass over the period's rollup rows: the totals, per assignee, per department and per building (grouping sets; grouping() tells which).
    db.execute(sql`
      with s as (
        select grouping(r.assignee_id, r.department_id, r.building_id) as g, r.assignee_id, r.department_id, r.building_id, ${rollupSums}
        from report_rollup r where ${rollupWhere}
        group by grouping sets ((), (r.assignee_id), (r.department_id), (r.building_id)))
      select s.*, u.name as agent_name, coalesce(case s.g when ${GROUPED_BY_DEPARTMENT} then dn.name when ${GROUPED_BY_BUILDING} then bn.name end, '(none)') as name
      from s
        left join users u on s.g = ${GROUPED_BY_ASSIGNEE} and u.id = s.assignee_id
        left join departments dn on s.g = ${GROUPED_BY_DEPARTMENT} and dn.id = s.department_id
        left join buildings bn on s.g = ${GROUPED_BY_BUILDING} and bn.id = s.building_id
      where s.g = ${TOTALS} or (s.tickets > 0 and (s.g <> ${GROUPED_BY_ASSIGNEE} or u.id is not null))
      order by s.g, u.name, s.assignee_id, s.tickets desc, name`),
    finerThanDistributions(filters) ? distributionsFromFacts(db, where) : distributionsFromRollups(db, user, filters),
    // The backlog: open tickets now, through the partial index over open facts rows only.
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
    deflectionFigures(db, user, filters, { start: periodStart(filters, timezone), end: periodEnd(filters, timezone) }),
  ]);

  const grouped = rows<Record<string, unknown>>(sums);
  const groupOf = (g: number) => grouped.filter((r) => num(r.g) === g);
  const c = groupOf(TOTALS)[0] ?? {};
  const breakdown = (g: number, column: 'department_id' | 'building_id') =>
    groupOf(g).map((r) => ({
      id: r[column] === null ? null : String(r[column]),
      name: String(r.name),
      created: num(r.tickets),
      resolved: num(r.resolved),
      open: num(r.open),
      breached: num(r.any_breached),
    }));
  const compliance = (prefix: 'fr' | 'res') => {
    const total = num(c[`${prefix}_total`]);
    const met = num(c[`${prefix}_met`]);
    const breached = num(c[`${prefix}_breached`]);
    return { total, met, breached, open: num(c[`${prefix}_open`]), atRisk: num(c[`${prefix}_at_risk`]), metRate: ratio(met, met + breached), breachedRate: ratio(breached, total) };
  };
  const pausedTickets = num(c.paused_tickets);
  // Pauses running now count up to `now`: their count × now − the sum of their starts.
  const pausedTotal = num(c.paused_ms) + Math.max(0, num(c.paused_now) * now.getTime() - num(c.paused_since_ms));
  const series = rows<Record<string, unknown>>(volume).map((r) => ({ start: String(r.start), created: num(r.created), resolved: num(r.resolved), reopened: num(r.reopened) }));
  const b = rows<Record<string, unknown>>(backlog)[0] ?? {};
  const automatic = num(c.ai_triaged);
  const overridden = num(c.overridden);
  const ratings = num(c.ratings);
  const average = (sum: unknown, count: unknown) => (num(count) > 0 ? num(sum) / num(count) : null);

  return {
    period: { from: filters.from, to: filters.to, timezone, interval: filters.interval },
    scope,
    sla: { firstResponse: compliance('fr'), resolution: compliance('res') },
    times: {
      firstResponse: { count: num(c.frt_count), p50Ms: distributions.overall.frtP50, p90Ms: distributions.overall.frtP90 },
      resolution: { count: num(c.res_count), p50Ms: distributions.overall.resP50, p90Ms: distributions.overall.resP90 },
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
    agents: groupOf(GROUPED_BY_ASSIGNEE).map((r) => ({
      assigneeId: String(r.assignee_id),
      name: String(r.agent_name),
      assigned: num(r.tickets),
      resolved: num(r.resolved),
      firstResponseP50Ms: distributions.agents.get(String(r.assignee_id))?.frtP50 ?? null,
      resolutionP50Ms: distributions.agents.get(String(r.assignee_id))?.resP50 ?? null,
      reopenRate: ratio(num(r.reopened_tickets), num(r.ever_resolved)),
      satisfaction: average(r.rating_sum, r.ratings),
      ratings: num(r.ratings),
    })),
    byDepartment: breakdown(GROUPED_BY_DEPARTMENT, 'department_id'),
    byBuilding: breakdown(GROUPED_BY_BUILDING, 'building_id'),
    escalations: distributions.escalations,
    screening: { held: num(c.held) },
    triage: { automatic, overridden, overrideRate: ratio(overridden, automatic) },
    satisfaction: { count: ratings, average: average(c.rating_sum, c.ratings), low: num(c.r1) + num(c.r2), distribution: [num(c.r1), num(c.r2), num(c.r3), num(c.r4), num(c.r5)] },
    deflections,
  };
}
