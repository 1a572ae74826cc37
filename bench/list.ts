/**
 * `npm run bench:list`: lists and search at scale. Loads 1,000,000 tickets (and 200,000
 * comments) into a real PostgreSQL by bulk COPY, then measures the common agent queue queries
 * and full-text search through the API (typed tRPC client over HTTP → API → Neon driver via
 * Neon's WebSocket proxy) beside the very same SQL run straight through the same driver, and
 * through the default batching client for comparison.
 * Goals: queue p99 ≤ 30 ms; API overhead ≤ 2× the raw query.
 *
 *   BENCH_TICKETS=1000000 BENCH_ITERATIONS=1000 npm run bench:list
 * BENCH_EXPLAIN=1 adds each query's plan; BENCH_PROFILE=<dir> writes a CPU profile of the API process.
 */
import type { AddressInfo } from 'node:net';
import { fork } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { Pool as NeonPool } from '@neondatabase/serverless';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { createApp } from '../api/app';
import { createDeskflowClient } from '../api/client';
import { createLogger } from '../lib/logger';
import { sessionUserColumns, toSessionUser } from '../api/auth/session';
import { listTicketsQuery, searchTicketsQuery } from '../api/tickets/service';
import type { ListTicketsInput, SearchTicketsInput } from '../api/tickets/schemas';
import { openDatabase } from '../db/client';
import { departments, users } from '../db/schema';
import { OPEN_STATUSES, UNASSIGNED_STATUSES } from '../domain/vocabulary';
import { hashPassword } from '../lib/password';
import { startPostgres, startWsproxy } from '../scripts/pg';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 1_000_000);
const COMMENTS = Math.round(TICKETS / 5);
const ITERATIONS = Number(process.env.BENCH_ITERATIONS ?? 1000);
const PASSWORD = 'bench-password-0123';

const say = (line: string) => process.stdout.write(`${line}\n`);

// Deterministic pseudo-random data (mulberry32), so runs are comparable.
let seed = 0x5eed;
function random(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const nouns = [
  'printer',
  'laptop',
  'monitor',
  'keyboard',
  'mouse',
  'vpn',
  'wifi',
  'email',
  'outlook',
  'teams',
  'password',
  'account',
  'badge',
  'door',
  'desk',
  'chair',
  'heating',
  'payslip',
  'payroll',
  'contract',
  'leave',
  'server',
  'database',
  'backup',
  'licence',
  'phone',
  'headset',
  'camera',
  'scanner',
  'projector',
  'dock',
  'battery',
  'charger',
  'browser',
  'certificate',
  'firewall',
  'share',
  'drive',
  'folder',
  'calendar',
];
const verbs = [
  'broken',
  'not working',
  'slow',
  'jammed',
  'crashes',
  'missing',
  'locked',
  'flickers',
  'disconnects',
  'fails',
  'freezes',
  'overheats',
  'needs replacing',
  'cannot connect',
  'error',
  'expired',
  'noisy',
  'stuck',
  'blank',
  'lost',
];
const fillers = [
  'since this morning',
  'after the update',
  'on floor 3',
  'in the meeting room',
  'for the whole team',
  'every hour',
  'when I log in',
  'at home',
  'in the warehouse',
  'again today',
  'since Monday',
  'intermittently',
];

function escapeCopy(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function measure(run: () => Promise<unknown>): Promise<{ p50: number; p99: number }> {
  for (let i = 0; i < Math.min(30, ITERATIONS); i++) await run();
  const times: number[] = [];
  for (let i = 0; i < ITERATIONS; i++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: percentile(times, 50), p99: percentile(times, 99) };
}

async function main() {
  say(`bench:list — ${TICKETS.toLocaleString('en')} tickets, ${COMMENTS.toLocaleString('en')} comments, ${ITERATIONS} timed calls per query`);
  say('  • starting PostgreSQL and the Neon WebSocket proxy');
  const postgres = await startPostgres({
    settings: { shared_buffers: '1GB', work_mem: '32MB', maintenance_work_mem: '1GB', max_wal_size: '8GB', checkpoint_timeout: '30min', max_parallel_maintenance_workers: '2' },
  });
  const proxy = await startWsproxy({ pgPort: postgres.port });
  const database = await openDatabase({ kind: 'postgres', url: postgres.url, wsProxy: proxy.wsProxyHost, maxConnections: 4 });
  const loader = new pg.Client({ connectionString: postgres.url });
  let stopApi: (() => Promise<void>) | undefined;
  try {
    await database.migrate();
    await loader.connect();
    const { db } = database;

    say('  • seeding departments, 60 agents and 2,000 requesters');
    const slugs = ['it', 'hr', 'facilities', 'finance', 'legal', 'security', 'sales-ops', 'procurement'];
    const depts = await db
      .insert(departments)
      .values(slugs.map((slug) => ({ slug, name: slug.toUpperCase() })))
      .returning();
    const it = depts.find((d) => d.slug === 'it')!;
    const passwordHash = await hashPassword(PASSWORD);
    const agents = await db
      .insert(users)
      .values(Array.from({ length: 60 }, (_, i) => ({ email: `agent${i}@bench.test`, name: `Agent ${i}`, role: 'agent' as const, departmentId: depts[i % depts.length]!.id, passwordHash })))
      .returning();
    const requesters = await db
      .insert(users)
      .values(Array.from({ length: 2000 }, (_, i) => ({ email: `requester${i}@bench.test`, name: `Requester ${i}`, role: 'requester' as const })))
      .returning({ id: users.id });

    // Indexes make a bulk load slow; drop the ticket and comment indexes and rebuild them after.
    const { rows: indexes } = await loader.query<{ indexname: string; indexdef: string }>(
      `select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename in ('tickets', 'comments', 'ticket_intake') and indexname not like '%_pkey'`,
    );
    for (const index of indexes) await loader.query(`drop index if exists "${index.indexname}"`);

    const started = Date.now();
    const ids: string[] = [];
    const deptWeights = [0.4, 0.15, 0.15, 0.08, 0.06, 0.06, 0.05, 0.05];
    const pickDept = () => {
      let r = random();
      for (let i = 0; i < deptWeights.length; i++) if ((r -= deptWeights[i]!) < 0) return depts[i]!;
      return depts[0]!;
    };
    const t0 = Date.now() - 2 * 365 * 24 * 3600_000;
    const agentsByDepartment = new Map(depts.map((d) => [d.id, agents.filter((a) => a.departmentId === d.id)]));
    const progress = (what: string, done: number, total: number) =>
      process.stdout.write(`\r  • loading ${what}: ${done.toLocaleString('en')} / ${total.toLocaleString('en')} (${Math.round((Date.now() - started) / 1000)} s)   `);

    // ticket_intake numbers are an identity column: COPY lets Postgres number them 1000, 1001, …
    async function* intakeRows() {
      for (let i = 0; i < TICKETS; i++) {
        const id = crypto.randomUUID();
        ids.push(id);
        yield `${id}\t${pick(requesters).id}\tbench:${i}\n`;
        if (i % 100_000 === 0) progress('ticket numbers', i, TICKETS);
      }
    }
    await pipeline(Readable.from(intakeRows()), loader.query(copyFrom('COPY ticket_intake (id, requester_id, idempotency_key) FROM STDIN')));
    progress('ticket numbers', TICKETS, TICKETS);
    say('');

    async function* ticketRows() {
      for (let i = 0; i < TICKETS; i++) {
        const dept = pickDept();
        const createdAt = new Date(t0 + (i / TICKETS) * (Date.now() - t0 - 3600_000) + random() * 60_000);
        // Recent tickets are mostly open; old ones mostly closed.
        const open = random() < (i > TICKETS * 0.97 ? 0.8 : 0.05);
        const status = open ? pick(OPEN_STATUSES) : pick(['resolved', 'closed', 'closed', 'closed', 'cancelled'] as const);
        const assigned = status !== 'new' && status !== 'triaged';
        const assignee = assigned ? pick(agentsByDepartment.get(dept.id)!).id : '\\N';
        const priority = pick(['low', 'medium', 'medium', 'high', 'critical'] as const);
        const noun = pick(nouns);
        const title = `${noun[0]!.toUpperCase()}${noun.slice(1)} ${pick(verbs)}`;
        const description = `${title} ${pick(fillers)}. The ${pick(nouns)} ${pick(verbs)} ${pick(fillers)}; ticket ${i}.`;
        const due = open ? new Date(createdAt.getTime() + (4 + random() * 72) * 3600_000).toISOString() : '\\N';
        const sla = open ? pick(['on_track', 'on_track', 'at_risk', 'breached'] as const) : 'met';
        yield (
          [
            ids[i],
            1000 + i,
            escapeCopy(title),
            escapeCopy(description),
            priority,
            priority,
            status,
            dept.id,
            assignee,
            pick(requesters).id,
            `ticket-${1000 + i}`,
            due,
            due,
            sla,
            createdAt.toISOString(),
            createdAt.toISOString(),
          ].join('\t') + '\n'
        );
        if (i % 50_000 === 0) progress('tickets', i, TICKETS);
      }
    }
    await pipeline(
      Readable.from(ticketRows()),
      loader.query(
        copyFrom(
          'COPY tickets (id, number, title, description, urgency, priority, status, department_id, assignee_id, requester_id, workflow_id, response_due_at, resolution_due_at, sla_state, created_at, updated_at) FROM STDIN',
        ),
      ),
    );
    progress('tickets', TICKETS, TICKETS);
    say('');

    async function* commentRows() {
      for (let i = 0; i < COMMENTS; i++) {
        const ticket = ids[Math.floor(random() * ids.length)]!;
        const body = `The ${pick(nouns)} is ${pick(verbs)} ${pick(fillers)}. Tried restarting the ${pick(nouns)}.`;
        yield `${ticket}\t${pick(agents).id}\t${escapeCopy(body)}\t${random() < 0.3 ? 't' : 'f'}\n`;
        if (i % 50_000 === 0) progress('comments', i, COMMENTS);
      }
    }
    await pipeline(Readable.from(commentRows()), loader.query(copyFrom('COPY comments (ticket_id, author_id, body, internal) FROM STDIN')));
    progress('comments', COMMENTS, COMMENTS);
    say('');

    for (const [n, index] of indexes.entries()) {
      process.stdout.write(`\r  • rebuilding index ${n + 1}/${indexes.length}: ${index.indexname.padEnd(40)}`);
      await loader.query(index.indexdef);
    }
    say('');
    say('  • analyze');
    await loader.query('vacuum analyze');
    // Flush the load now, so no checkpoint lands in the middle of the measurements.
    await loader.query('checkpoint');
    say(`  • loaded in ${Math.round((Date.now() - started) / 1000)} s`);
    ids.length = 0; // a million ids no longer needed: keep this process's GC out of the timings

    // The API in its own process, as production runs it: Neon driver through the proxy; Temporal
    // is not needed to read. The client (this process) must not share its event loop.
    const apiProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
      // BENCH_PROFILE=<dir> writes a CPU profile of the API process there.
      execArgv: ['--import', 'tsx', ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [])],
      env: { ...process.env, BENCH_DATABASE_URL: postgres.url, BENCH_WS_PROXY: proxy.wsProxyHost },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    stopApi = () => new Promise<void>((resolve) => (apiProcess.exitCode !== null ? resolve() : (apiProcess.once('exit', () => resolve()), apiProcess.kill('SIGTERM'))));
    const url = await new Promise<string>((resolve, reject) => {
      apiProcess.once('message', (message) => resolve(String(message)));
      apiProcess.once('exit', (code) => reject(new Error(`the API process exited (${code})`)));
    });

    // An IT agent: the queue of the biggest department.
    const agent = agents.find((a) => a.departmentId === it.id)!;
    const session = await createDeskflowClient(url).auth.signIn.mutate({ email: agent.email, password: PASSWORD });
    // Server-Timing tells the API's own time from transport and client time.
    let serverTimes: number[] = [];
    const timedFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const total = /total;dur=([\d.]+)/.exec(response.headers.get('server-timing') ?? '');
      if (total) serverTimes.push(Number(total[1]));
      return response;
    };
    // One call at a time, as an agent's queue view or a script makes them: one request per call.
    const client = createDeskflowClient(url, session.token, { batch: false, fetch: timedFetch });
    // The batching client as a page uses it, for comparison: it waits a timer tick before sending.
    const batching = createDeskflowClient(url, session.token);
    const [row] = await db.select(sessionUserColumns).from(users).where(eq(users.id, agent.id));
    const me = row && toSessionUser(row);
    const raw = new NeonPool({ connectionString: postgres.url, max: 4 });
    raw.on('error', () => undefined);

    const firstPage = await client.ticket.list.query({ departmentId: [it.id], status: [...OPEN_STATUSES], limit: 25 });
    const lists: [string, ListTicketsInput][] = [
      ['department queue, newest open', { departmentId: [it.id], status: [...OPEN_STATUSES], sort: 'created', limit: 25 }],
      ['department queue, next page', { departmentId: [it.id], status: [...OPEN_STATUSES], sort: 'created', limit: 25, cursor: firstPage.nextCursor! }],
      ['my open tickets, soonest due', { assigneeId: agent.id, status: [...OPEN_STATUSES], sort: 'due', limit: 25 }],
      ['unassigned in department, soonest due', { departmentId: [it.id], assigneeId: 'none', status: [...UNASSIGNED_STATUSES], sort: 'due', limit: 25 }],
      ['breached or at risk, soonest due', { departmentId: [it.id], slaState: ['at_risk', 'breached'], status: [...OPEN_STATUSES], sort: 'due', limit: 25 }],
    ];
    const searches: [string, SearchTicketsInput][] = [
      ['search "printer jammed"', { q: 'printer jammed', limit: 20, offset: 0 }],
      ['search "certificate expired warehouse"', { q: 'certificate expired warehouse', limit: 20, offset: 0 }],
    ];

    say('');
    const ms = (value: number) => `${value.toFixed(1).padStart(7)}ms`;
    say(
      `${'query'.padEnd(40)} ${'API p50'.padStart(9)} ${'API p99'.padStart(9)} ${'server p50'.padStart(10)} ${'SQL p50'.padStart(9)} ${'SQL p99'.padStart(9)} ${'API/SQL'.padStart(8)} ${'batched p50'.padStart(11)}`,
    );
    async function compare(name: string, viaApi: (api: typeof client) => Promise<unknown>, statement: { sql: string; params: unknown[] }) {
      serverTimes = [];
      const apiTimes = await measure(() => viaApi(client));
      const server = [...serverTimes].sort((a, b) => a - b);
      const sqlTimes = await measure(() => raw.query(statement.sql, statement.params));
      const batchedTimes = await measure(() => viaApi(batching));
      say(
        `${name.padEnd(40)} ${ms(apiTimes.p50)} ${ms(apiTimes.p99)} ${ms(percentile(server, 50)).padStart(10)} ${ms(sqlTimes.p50)} ${ms(sqlTimes.p99)} ${(apiTimes.p50 / sqlTimes.p50).toFixed(2).padStart(7)}× ${ms(batchedTimes.p50).padStart(11)}`,
      );
    }
    // A server that has run a while: every query's path compiled by the JIT before any is timed
    // (otherwise the first query measured pays for the warm-up).
    for (let i = 0; i < 200; i++) {
      for (const [, input] of lists) await Promise.all([client.ticket.list.query(input), batching.ticket.list.query(input)]);
      for (const [, input] of searches) await client.ticket.search.query(input);
    }
    for (const [name, input] of lists) await compare(name, (api) => api.ticket.list.query(input), listTicketsQuery(db, me!, input).query.toSQL());
    for (const [name, input] of searches) await compare(name, (api) => api.ticket.search.query(input), searchTicketsQuery(db, me!, input).toSQL());
    say('');
    say('Goals: queue p99 ≤ 30 ms; API p50 ≤ 2× the same SQL through the driver.');
    say('API: one request per call (batch: false); batched: the default batching client, which waits a timer tick first.');
    if (process.env.BENCH_EXPLAIN) {
      for (const [name, input] of lists) {
        const statement = listTicketsQuery(db, me!, input).query.toSQL();
        const { rows } = await raw.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.sql}`, statement.params);
        say(`\n${name}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
      for (const [name, input] of searches) {
        const statement = searchTicketsQuery(db, me!, input).toSQL();
        const { rows } = await raw.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${statement.sql}`, statement.params);
        say(`\n${name}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
    await raw.end();
  } finally {
    await stopApi?.();
    await loader.end().catch(() => undefined);
    await database.close().catch(() => undefined);
    await proxy.stop();
    await postgres.stop();
  }
}

/** The API server, run in a child process by main(); sends its URL back when listening. */
async function serveApi() {
  const database = await openDatabase({ kind: 'postgres', url: process.env.BENCH_DATABASE_URL!, wsProxy: process.env.BENCH_WS_PROXY, maxConnections: 4 });
  const app = createApp({
    db: database.db,
    temporal: new Client({ connection: Connection.lazy({ address: '127.0.0.1:1' }) }),
    taskQueue: 'bench',
    roomTokenSecret: 'bench-room-secret-0123456789abcdef0123456789',
    roomsUrl: 'http://127.0.0.1:1',
    logger: createLogger('silent'),
    ping: database.ping,
    config: { rateLimit: { capacity: 1e9, refillPerSecond: 1e9 }, anonymousRateLimit: { capacity: 1e9, refillPerSecond: 1e9 } },
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  process.send!(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  process.once('SIGTERM', () => server.close(() => void database.close().finally(() => process.exit(0))));
}

(process.argv.includes('--serve') ? serveApi() : main()).catch((error: unknown) => {
  process.stderr.write(`bench:list failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
