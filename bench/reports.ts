/**
 * `npm run bench:reports`: reports at scale. Seeds a real PostgreSQL with N tickets (default
 * 1,000,000) spread over 90 days, with their audit events (created, resolved, reopened, SLA
 * breaches), ratings, and the reports' aggregates (ticket_facts, report_daily, and the rollups
 * report_rollup and report_rollup_values) as the lifecycle activities and the rollup triggers would
 * have written them, all set-based SQL. Then measures report.summary through the
 * API (typed tRPC client over HTTP → API → Neon driver through wsproxy) for several scopes and
 * filters, beside the same figures computed by direct SQL over the raw tables (tickets,
 * ticket_events, ticket_ratings) in the same run, and checks that both agree.
 * Goal: every report p99 ≤ 300 ms through the API.
 *
 *   BENCH_TICKETS=1000000 BENCH_ITERATIONS=100 BENCH_RAW_ITERATIONS=5 npm run bench:reports
 *
 * The raw SQL takes seconds per call at a million tickets, so it is timed BENCH_RAW_ITERATIONS
 * times (default: as often as the API, at most 10), each report's calls with a progress line.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { Pool as NeonPool } from '@neondatabase/serverless';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { createApp } from '../api/app';
import { createDeskflowClient } from '../api/client';
import type { Report, ReportFilters } from '../db/report-schemas';
import { openDatabase } from '../db/client';
import { departments, users } from '../db/schema';
import { seedDemo } from '../db/seed';
import { seedSla } from '../db/seed-sla';
import { createLogger } from '../lib/logger';
import { startPostgres, startWsproxy } from '../scripts/pg';
import { summarize } from './support/stats';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 100);
/** Only the reports whose name contains this (all when unset). */
const ONLY = process.env.BENCH_ONLY ?? '';
const RAW_ITERATIONS = Number(process.env.BENCH_RAW_ITERATIONS ?? Math.min(ITERATIONS, 10));
const PASSWORD = 'bench-password-0123';
const DAY = 86_400_000;

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** The set-based seed: one statement per table, each timed. */
const seedSteps = (n: number): [string, string][] => [
  ['a fixed random seed', `select setseed(0.42)`],
  [
    'random attributes per ticket',
    `create unlogged table bench_gen as
     with agents as (select row_number() over (order by id) as n, id, department_id from users where role = 'agent'),
          b as (select array_agg(id order by name) as ids from buildings),
          g as (select i, random() as r1, random() as r2, random() as r3, random() as r4, random() as r5, random() as r6, random() as r7,
                       now() - random() * interval '90 days' as created_at, 1 + floor(random() * (select count(*) from agents))::int as agent_n
                from generate_series(1, ${n}) i)
     select g.*, gen_random_uuid() as id, a.id as assignee_id, a.department_id,
            (array['low','medium','medium','high','critical'])[1 + floor(g.r1 * 5)::int]::priority as priority,
            (array['Hardware','Software','Access','Network','Storage','Purchase','HR Support','Payroll','Facilities','Miscellaneous'])[1 + floor(g.r2 * 10)::int] as category,
            case when g.r3 < 0.2 then null else b.ids[1 + floor(g.r3 * array_length(b.ids, 1))::int] end as building_id,
            (g.created_at > now() - interval '3 days' and g.r4 < 0.6) or g.r4 < 0.05 as open
     from g join agents a on a.n = g.agent_n cross join b`,
  ],
  [
    'SLA figures per ticket',
    `create unlogged table bench_t as
     select *, case priority when 'critical' then 900000 when 'high' then 3600000 when 'medium' then 14400000 else 28800000 end::bigint as fr_target,
               case priority when 'critical' then 14400000 when 'high' then 28800000 when 'medium' then 86400000 else 259200000 end::bigint as res_target,
               (r5 * r5 * 6 * 3600000)::bigint as fr_ms,
               (r6 * r6 * 4 * 86400000)::bigint as res_ms,
               not open and r7 < 0.08 as reopened,
               case when r7 < 0.2 then (r7 * 10 * 86400000)::bigint else 0 end as paused_ms,
               case when r4 < 0.01 then true else false end as held,
               r2 < 0.9 as ai_triaged, r2 < 0.07 as overridden,
               case when not open and r3 < 0.4 then least(5, 1 + floor(r5 * 5.5))::int else null end as rating
     from bench_gen`,
  ],
  ['ticket numbers', `insert into ticket_intake (id, requester_id, idempotency_key) select id, (select id from users where role = 'requester' order by id limit 1), 'bench-' || i from bench_t`],
  [
    'tickets',
    `insert into tickets (id, number, title, description, urgency, priority, category, status, department_id, assignee_id, requester_id, workflow_id, building_id, sla_state,
                          first_responded_at, resolved_at, closed_at, escalation_level, held_for_review, created_at, updated_at)
     select t.id, ti.number, 'Bench ticket ' || ti.number, 'Seeded by bench:reports.', t.priority, t.priority, t.category,
            (case when t.held then 'new' when t.open then (array['assigned','in_progress','waiting_on_customer'])[1 + floor(t.r5 * 3)::int] when t.r6 < 0.3 then 'resolved' else 'closed' end)::ticket_status,
            t.department_id, t.assignee_id, ti.requester_id, 'ticket-' || ti.number, t.building_id,
            (case when t.fr_ms > t.fr_target or (not t.open and t.res_ms > t.res_target) then 'breached' when t.open then 'on_track' else 'met' end)::sla_state,
            case when t.open and t.r6 < 0.3 then null else t.created_at + (t.fr_ms * 2) * interval '1 millisecond' end,
            case when t.open then null else least(now(), t.created_at + (t.res_ms * 3 + t.paused_ms) * interval '1 millisecond') end,
            case when not t.open and t.r6 >= 0.3 then least(now(), t.created_at + (t.res_ms * 3 + t.paused_ms) * interval '1 millisecond' + interval '3 days') end,
            case when t.fr_ms > t.fr_target then 1 + floor(t.r7 * 2)::int else 0 end, t.held, t.created_at, t.created_at
     from bench_t t join ticket_intake ti on ti.id = t.id`,
  ],
  [
    'audit events',
    `insert into ticket_events (ticket_id, kind, field, new_value, source, dedupe_key, created_at)
     select t.id, 'created', null, null, 'api'::event_source, 'bench#' || t.i || '#created', t.created_at from bench_t t
     union all
     select tk.id, 'status_changed', 'status', '"resolved"'::jsonb, 'api'::event_source, 'bench#' || t.i || '#resolved', tk.resolved_at from bench_t t join tickets tk on tk.id = t.id where tk.resolved_at is not null
     union all
     select tk.id, 'status_changed', 'status', '"resolved"'::jsonb, 'api'::event_source, 'bench#' || t.i || '#resolved0', tk.created_at + (tk.resolved_at - tk.created_at) / 3 from bench_t t join tickets tk on tk.id = t.id where t.reopened
     union all
     select tk.id, 'reopened', 'status', '"in_progress"'::jsonb, 'api'::event_source, 'bench#' || t.i || '#reopened', tk.created_at + (tk.resolved_at - tk.created_at) / 2 from bench_t t join tickets tk on tk.id = t.id where t.reopened
     union all
     select t.id, 'sla_breached', null, '{"target":"first_response"}'::jsonb, 'workflow'::event_source, 'bench#' || t.i || '#frb', t.created_at + interval '1 hour' from bench_t t where t.fr_ms > t.fr_target
     union all
     select t.id, 'sla_breached', null, '{"target":"resolution"}'::jsonb, 'workflow'::event_source, 'bench#' || t.i || '#rb', t.created_at + interval '2 hours' from bench_t t where t.res_ms > t.res_target and (not t.open or t.r5 < 0.5)`,
  ],
  [
    'ratings',
    `insert into ticket_ratings (ticket_id, cycle, requester_id, score, created_at, updated_at)
     select t.id, case when t.reopened then 2 else 1 end, tk.requester_id, t.rating, tk.resolved_at, tk.resolved_at from bench_t t join tickets tk on tk.id = t.id where t.rating is not null`,
  ],
  // The rollups' triggers would fold a million rows one by one: off for the bulk insert, then the same terms summed set-based (report_rollups_rebuild, as the migration's backfill).
  ['pausing the rollup triggers', `alter table ticket_facts disable trigger ticket_facts_report_day; alter table ticket_facts disable trigger ticket_facts_report_rollup`],
  [
    'ticket facts (as the activities keep them)',
    `insert into ticket_facts (ticket_id, created_at, report_day, status, priority, category, department_id, building_id, assignee_id, sla_policy_id, first_responded_at, resolved_at, closed_at,
                               first_response_ms, first_response_target_ms, first_response_met, first_response_breached, first_response_at_risk,
                               resolution_ms, resolution_target_ms, resolution_met, resolution_breached, resolution_at_risk, paused_ms, reopen_count, escalation_level,
                               held_for_review, ai_triaged, triage_overridden, rating, rated_at)
     select tk.id, tk.created_at, (tk.created_at at time zone coalesce((select timezone from business_calendars where lower(name) = 'office hours'), 'UTC'))::date, tk.status, tk.priority, tk.category, tk.department_id, tk.building_id, tk.assignee_id, tk.sla_policy_id, tk.first_responded_at, tk.resolved_at, tk.closed_at,
            case when t.held then null else t.fr_ms end, case when t.held then null else t.fr_target end,
            case when t.held or tk.first_responded_at is null then null else t.fr_ms <= t.fr_target end,
            exists (select 1 from ticket_events e where e.ticket_id = tk.id and e.kind = 'sla_breached' and e.new_value->>'target' = 'first_response'),
            tk.first_responded_at is null and t.fr_ms > t.fr_target * 0.8,
            case when t.held then null else t.res_ms end, case when t.held then null else t.res_target end,
            case when t.held or t.open then null else t.res_ms <= t.res_target end,
            exists (select 1 from ticket_events e where e.ticket_id = tk.id and e.kind = 'sla_breached' and e.new_value->>'target' = 'resolution'),
            t.open and t.res_ms > t.res_target * 0.8,
            t.paused_ms, case when t.reopened then 1 else 0 end, tk.escalation_level, t.held, t.ai_triaged, t.ai_triaged and t.overridden, t.rating, case when t.rating is not null then tk.resolved_at end
     from bench_t t join tickets tk on tk.id = t.id`,
  ],
  [
    'daily counts (as the activities keep them)',
    `insert into report_daily (day, department_id, category, priority, building_id, assignee_id, sla_policy_id, created, resolved, reopened)
     select (e.created_at at time zone coalesce((select timezone from business_calendars where lower(name) = 'office hours'), 'UTC'))::date,
            t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id,
            count(*) filter (where e.kind = 'created'), count(*) filter (where e.kind = 'status_changed'), count(*) filter (where e.kind = 'reopened')
     from ticket_events e join tickets t on t.id = e.ticket_id where e.kind in ('created', 'status_changed', 'reopened')
     group by 1, 2, 3, 4, 5, 6, 7`,
  ],
  ['rollups (as the triggers keep them)', `select report_rollups_rebuild()`],
  ['resuming the rollup triggers', `alter table ticket_facts enable trigger ticket_facts_report_day; alter table ticket_facts enable trigger ticket_facts_report_rollup`],
  ['dropping the generator tables', `drop table bench_gen; drop table bench_t`],
  ['vacuum analyze', `vacuum analyze`],
];

/** The figures compared, from the raw tables: what a person would write without the aggregates. */
const rawSql = (tz: string, from: string, to: string, departmentId: string | null) => {
  const dept = departmentId ? `and t.department_id = '${departmentId}'` : '';
  const start = `('${from}'::date::timestamp at time zone '${tz}')`;
  const end = `(('${to}'::date + 1)::timestamp at time zone '${tz}')`;
  return `
    with cohort as (select t.* from tickets t where t.created_at >= ${start} and t.created_at < ${end} ${dept}),
    ev as (select e.kind, e.field, e.new_value from ticket_events e join tickets t on t.id = e.ticket_id where e.created_at >= ${start} and e.created_at < ${end} ${dept})
    select
      (select count(*) from cohort)::int as created,
      (select count(*) from ev where kind = 'status_changed' and field = 'status' and new_value = '"resolved"'::jsonb)::int as resolved,
      (select count(*) from ev where kind = 'reopened' and field = 'status')::int as reopened,
      (select count(distinct e.ticket_id) from ticket_events e join cohort c on c.id = e.ticket_id where e.kind = 'sla_breached' and e.new_value->>'target' = 'first_response')::int as fr_breached,
      (select count(distinct e.ticket_id) from ticket_events e join cohort c on c.id = e.ticket_id where e.kind = 'sla_breached' and e.new_value->>'target' = 'resolution')::int as res_breached,
      (select count(*) from tickets t where t.status in ('new','triaged','assigned','in_progress','waiting_on_customer','waiting_on_third_party') ${dept})::int as backlog,
      (select count(*) from cohort where held_for_review)::int as held,
      (select coalesce(round(avg(r.score)::numeric, 6), 0)::float8 from ticket_ratings r join cohort c on c.id = r.ticket_id)::float8 as satisfaction`;
};

/** The exact percentiles (percentile_disc over the period's facts rows), to state the histograms' error beside them. */
const exactPercentilesSql = (tz: string, from: string, to: string, departmentId: string | null, assigneeId: string | null, priorities: readonly string[] | null) => `
  select percentile_disc(0.5) within group (order by first_response_ms) filter (where first_responded_at is not null) as frt_p50,
         percentile_disc(0.9) within group (order by first_response_ms) filter (where first_responded_at is not null) as frt_p90,
         percentile_disc(0.5) within group (order by resolution_prior_ms + resolution_ms) filter (where resolved_at is not null) as res_p50,
         percentile_disc(0.9) within group (order by resolution_prior_ms + resolution_ms) filter (where resolved_at is not null) as res_p90
  from ticket_facts where created_at >= ('${from}'::date::timestamp at time zone '${tz}') and created_at < (('${to}'::date + 1)::timestamp at time zone '${tz}')
  ${departmentId ? `and department_id = '${departmentId}'` : ''} ${assigneeId ? `and assignee_id = '${assigneeId}'` : ''}
  ${priorities ? `and priority in (${priorities.map((p) => `'${p}'`).join(', ')})` : ''}`;

const worstPercentileError = (r: Report, exact: Record<string, string | null>) => {
  const pairs: [number | null, string | null][] = [
    [r.times.firstResponse.p50Ms, exact.frt_p50 ?? null],
    [r.times.firstResponse.p90Ms, exact.frt_p90 ?? null],
    [r.times.resolution.p50Ms, exact.res_p50 ?? null],
    [r.times.resolution.p90Ms, exact.res_p90 ?? null],
  ];
  return Math.max(0, ...pairs.map(([got, want]) => (got === null || want === null || Number(want) === 0 ? 0 : Math.abs(got - Number(want)) / Number(want))));
};

type RawFigures = { created: number; resolved: number; reopened: number; fr_breached: number; res_breached: number; backlog: number; held: number; satisfaction: number };

const fromReport = (r: Report): RawFigures => ({
  created: r.volume.created,
  resolved: r.volume.resolved,
  reopened: r.volume.reopened,
  fr_breached: r.sla.firstResponse.breached,
  res_breached: r.sla.resolution.breached,
  backlog: r.backlog.open,
  held: r.screening.held,
  satisfaction: r.satisfaction.average === null ? 0 : Math.round(r.satisfaction.average * 1e6) / 1e6,
});

async function main() {
  say(`bench:reports — ${TICKETS.toLocaleString('en')} tickets over 90 days, ${ITERATIONS} timed API calls and ${RAW_ITERATIONS} raw SQL runs per report`);
  say('  • starting PostgreSQL and the Neon WebSocket proxy');
  const postgres = await startPostgres({ settings: { shared_buffers: '1GB', work_mem: '64MB', maintenance_work_mem: '1GB', max_wal_size: '8GB', checkpoint_timeout: '30min' } });
  const proxy = await startWsproxy({ pgPort: postgres.port });
  const database = await openDatabase({ kind: 'postgres', url: postgres.url, wsProxy: proxy.wsProxyHost, maxConnections: 4 });
  const raw = new NeonPool({ connectionString: postgres.url, max: 2 });
  raw.on('error', () => undefined);
  let server: ReturnType<typeof serve> | undefined;
  try {
    await database.migrate();
    const { db } = database;
    await seedDemo(db, PASSWORD);
    await seedSla(db);
    const started = Date.now();
    for (const [label, statement] of seedSteps(TICKETS)) {
      const t = Date.now();
      process.stdout.write(`  • seeding: ${label} … `);
      await raw.query(statement);
      say(seconds(t));
    }
    say(`  • seeded in ${seconds(started)}`);
    await raw.query('checkpoint');

    const app = createApp({
      db,
      temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
      taskQueue: 'bench',
      roomTokenSecret: 'bench-room-secret-0123456789abcdef0123456789',
      roomsUrl: 'http://127.0.0.1:1',
      logger: createLogger('silent'),
      ping: database.ping,
      config: { rateLimit: { capacity: 1e9, refillPerSecond: 1e9 }, anonymousRateLimit: { capacity: 1e9, refillPerSecond: 1e9 }, signInRateLimit: { capacity: 1e9, refillPerSecond: 1e9 } },
    });
    server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server!.once('listening', () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const clientOf = async (email: string) => createDeskflowClient(url, (await createDeskflowClient(url).auth.signIn.mutate({ email, password: PASSWORD })).token, { batch: false });
    const admin = await clientOf('admin@deskflow.test');
    const supervisor = await clientOf('sam.supervisor@deskflow.test');
    const agent = await clientOf('ivy.it@deskflow.test');
    const [it] = await db.select().from(departments).where(eq(departments.slug, 'it'));
    const [ivy] = await db.select().from(users).where(eq(users.email, 'ivy.it@deskflow.test'));
    const tz = (await raw.query<{ tz: string }>(`select coalesce((select timezone from business_calendars where lower(name) = 'office hours'), 'UTC') as tz`)).rows[0]!.tz;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const last30 = { from: day(Date.now() - 29 * DAY), to: day(Date.now()) };
    const last90 = { from: day(Date.now() - 90 * DAY), to: day(Date.now()) };

    const reports: [string, typeof admin, Omit<ReportFilters, 'interval'> & { interval?: 'day' | 'week' }, string | null][] = [
      ['admin, last 30 days, daily', admin, last30, null],
      ['admin, last 90 days, weekly', admin, { ...last90, interval: 'week' }, null],
      ['admin, 30 days, IT, high+critical, Hardware', admin, { ...last30, departmentId: [it!.id], priority: ['high', 'critical'], category: ['Hardware'] }, null],
      ['admin, 30 days, high+critical (40 % of tickets)', admin, { ...last30, priority: ['high', 'critical'] }, null],
      ['admin, 30 days, Hardware', admin, { ...last30, category: ['Hardware'] }, null],
      ['supervisor (IT), last 30 days', supervisor, last30, it!.id],
      ['agent (own), last 30 days', agent, { ...last30, assigneeId: [ivy!.id] }, null],
    ];
    say('');
    say('| report | API p50 ms | API p99 ms | raw SQL p50 ms | raw SQL p99 ms | figures agree | worst percentile error |');
    say('|---|---:|---:|---:|---:|---|---:|');
    for (const [name, client, filters, rawDepartment] of reports.filter(([name]) => !ONLY || name.includes(ONLY))) {
      const call = () => client.report.summary.query(filters);
      const report = await call();
      const rawQuery = rawSql(tz, filters.from, filters.to, rawDepartment);
      const api: number[] = [];
      const direct: number[] = [];
      for (let i = 0; i < Math.max(ITERATIONS, RAW_ITERATIONS); i++) {
        let t = performance.now();
        if (i < ITERATIONS) {
          await call();
          api.push(performance.now() - t);
        }
        if (i < RAW_ITERATIONS) {
          t = performance.now();
          await raw.query(rawQuery);
          direct.push(performance.now() - t);
        }
        if ((i + 1) % 10 === 0) process.stderr.write(`  … ${name}: ${i + 1} of ${Math.max(ITERATIONS, RAW_ITERATIONS)} rounds\n`);
      }
      // The raw query has no agent or priority/category scope: compare only where it means the same.
      const comparable = !filters.assigneeId && !filters.priority && !filters.category;
      const rawFigures = (await raw.query<RawFigures>(rawQuery)).rows[0]!;
      const agree = comparable ? JSON.stringify(fromReport(report)) === JSON.stringify(rawFigures) : 'n/a (raw query has no such filter)';
      const exact = (await raw.query<Record<string, string | null>>(exactPercentilesSql(tz, filters.from, filters.to, rawDepartment, filters.assigneeId?.[0] ?? null, filters.priority ?? null)))
        .rows[0]!;
      const percentileError = filters.category ? 'exact (facts rows)' : `${(worstPercentileError(report, exact) * 100).toFixed(2)} %`;
      const a = summarize(api);
      const d = summarize(direct);
      say(
        `| ${name} | ${a.p50.toFixed(1)} | ${a.p99.toFixed(1)} | ${d.p50.toFixed(1)} | ${d.p99.toFixed(1)} | ${agree === true ? 'yes' : agree === false ? `NO: api ${JSON.stringify(fromReport(report))} raw ${JSON.stringify(rawFigures)}` : agree} | ${percentileError} |`,
      );
    }
    say('');
    say('Goal: every report p99 ≤ 300 ms through the API. Raw SQL: created/resolved/reopened, SLA breaches, backlog, held, satisfaction from tickets, ticket_events and ticket_ratings.');
  } finally {
    server?.close();
    await raw.end().catch(() => undefined);
    await database.close().catch(() => undefined);
    await proxy.stop();
    await postgres.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:reports failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
