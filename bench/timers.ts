/**
 * bench:timers — holds N open tickets with live SLA timers on one Temporal dev server and one
 * worker, and reports the worker's memory (RSS) and how late the SLA thresholds fired, beside a
 * baseline from the same run: the same number of bare timer workflows (sleep to the same two
 * deadlines, nothing else) on the same server.
 *
 * Real components: PostgreSQL through Neon's WebSocket proxy (scripts/pg.ts), the Temporal dev
 * server, the standalone worker process (worker/main.ts) running the real ticket workflow with the
 * shipped offline AI. Every ticket runs its full intake (screening, triage, routing, SLA) and then
 * waits on its first-response timers (80 % warning, 100 % breach) on a 24×7 calendar; the target
 * is chosen so the timers come due after all tickets exist, spread over the creation time. Each
 * ticket gets a twin bare timer workflow started at the same moment with the same two deadlines,
 * on its own task queue (a worker in this process), so both see the same server load.
 *
 *   npm run bench:timers -- [--tickets 10000] [--concurrency 48] [--target-minutes auto] [--json file]
 *
 * Lateness is measured twice per threshold: when the timer fired (the workflow's clock at the
 * firing task, against the deadline) and when the audit row was written (Postgres now()).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { openDatabase } from '../db/client';
import { businessCalendars, slaPolicies, ticketEvents, ticketIntake, tickets, users } from '../db/schema';
import { seedDemo } from '../db/seed';
import { seedSla } from '../db/seed-sla';
import { startPostgres, startWsproxy } from '../scripts/pg';
import { ensureTemporalCli } from '../scripts/tools';
import { searchAttributes } from '../temporal.config';
import { installTemporalRuntime } from '../worker/worker';
import { TICKET_WORKFLOW_TYPE, ticketWorkflowId } from '../workflows/messages';
import type { ticketWorkflow } from '../workflows/ticket';
import { prebuiltBundle, startWorkerProcess } from '../test/support/worker-process';
import { pool, summarize, table } from './support/stats';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '48' },
    /** First-response target; "auto": long enough that the 80 % timers come due after the last ticket is created. */
    'target-minutes': { type: 'string', default: 'auto' },
    json: { type: 'string' },
  },
});
const total = Number(values.tickets);
const concurrency = Number(values.concurrency);
const say = (line: string) => process.stderr.write(`${line}\n`);
const MB = 1024 * 1024;

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
  return kb * 1024;
}

installTemporalRuntime('ERROR');
say(`bench:timers — ${total} tickets, concurrency ${concurrency}`);
const pg = await startPostgres({ settings: { max_connections: '200', synchronous_commit: 'off' } });
const proxy = await startWsproxy({ pgPort: pg.port });
const database = await openDatabase({ kind: 'postgres', url: pg.url, wsProxy: proxy.wsProxyHost, maxConnections: 20 });
await database.migrate();
const db = database.db;
await seedDemo(db, 'bench-password');
await seedSla(db);

// Measured creation rate decides the target (auto): the 80 % timers of the first ticket come due after the last ticket is created.
// About 6 tickets/s on a busy 2-core machine: the 80 % deadlines of the first tickets come after the last is created.
const estimatedCreateSeconds = total / 6;
const targetMinutes = values['target-minutes'] === 'auto' ? Math.max(2, Math.ceil((estimatedCreateSeconds * 1.15) / 0.8 / 60)) : Number(values['target-minutes']);
const group = `bench-${Date.now().toString(36)}`;
const [calendar] = await db.insert(businessCalendars).values({ name: `24x7 ${group}`, timezone: 'UTC', alwaysOpen: true }).returning();
await db.insert(slaPolicies).values({
  name: `Bench ${group}`,
  requesterGroup: group,
  calendarId: calendar!.id,
  firstResponseSeconds: targetMinutes * 60,
  nextResponseSeconds: 24 * 3600,
  resolutionSeconds: 30 * 24 * 3600,
  thresholds: [80, 100],
  escalation: [],
});
const [requester] = await db.update(users).set({ groups: [group] }).where(eq(users.email, 'rita.requester@deskflow.test')).returning();
say(`first-response target ${targetMinutes} min on a 24×7 calendar: thresholds at ${(targetMinutes * 0.8).toFixed(1)} and ${targetMinutes} min after each ticket`);

const temporalCli = await ensureTemporalCli();
const env = await TestWorkflowEnvironment.createLocal({
  server: { ...(temporalCli ? { executable: { type: 'existing-path' as const, path: temporalCli } } : {}), ip: '127.0.0.1', searchAttributes: Object.values(searchAttributes), extraArgs: ['--log-level', 'error'] },
});
const taskQueue = `bench-timers-${group}`;
const worker = await startWorkerProcess({ TEMPORAL_ADDRESS: env.address, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: pg.url, NEON_WS_PROXY: proxy.wsProxyHost }, await prebuiltBundle());
const workerPid = worker.child.pid!;
await new Promise((resolve) => setTimeout(resolve, 2000));
const idleRss = rssOf(workerPid);
let peakRss = idleRss;
const sampler = setInterval(() => {
  try {
    peakRss = Math.max(peakRss, rssOf(workerPid));
  } catch {
    // the worker is gone
  }
}, 500);
say(`worker pid ${workerPid}, idle RSS ${(idleRss / MB).toFixed(0)} MiB`);

// The baseline's worker (bare timer workflows), in this process.
const baselineQueue = `bench-timers-baseline-${group}`;
const baselineWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: baselineQueue, workflowsPath: fileURLToPath(new URL('./timer-baseline-workflow.ts', import.meta.url)) });
const baselineRun = baselineWorker.run();
const baselineIds: string[] = [];

// 1. Create the tickets as the API does (intake row, then the workflow), at a fixed concurrency,
//    each with its twin bare timer workflow.
const targetMs = targetMinutes * 60_000;
const intakes: { id: string; number: number }[] = [];
for (let i = 0; i < total; i += 1000) {
  const batch = Array.from({ length: Math.min(1000, total - i) }, () => ({ requesterId: requester!.id, idempotencyKey: crypto.randomUUID() }));
  intakes.push(...(await db.insert(ticketIntake).values(batch).returning({ id: ticketIntake.id, number: ticketIntake.number })));
}
const startedAt = new Map<string, number>();
const createStart = Date.now();
let lastReport = Date.now();
await pool(total, concurrency, async (i) => {
  const intake = intakes[i]!;
  const now = Date.now();
  startedAt.set(intake.id, now);
  await env.client.workflow.start<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
    workflowId: ticketWorkflowId(intake.number),
    taskQueue,
    args: [{ ticketId: intake.id, number: intake.number, title: `Laptop ${i} will not charge`, description: 'The charger light stays off; tried another socket.', urgency: 'medium', requesterId: requester!.id }],
  });
  await env.client.workflow.start('timerBaseline', { taskQueue: baselineQueue, workflowId: `${baselineQueue}-${i}`, args: [{ warnAt: now + 0.8 * targetMs, dueAt: now + targetMs }] });
  baselineIds.push(`${baselineQueue}-${i}`);
  if (Date.now() - lastReport > 5000) {
    lastReport = Date.now();
    const [{ assigned = 0 } = {}] = await db.select({ assigned: sql<number>`count(*)::int` }).from(tickets).where(eq(tickets.status, 'assigned'));
    say(`  started ${i + 1}/${total} workflows in ${((Date.now() - createStart) / 1000).toFixed(0)} s; ${assigned} assigned; worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  }
});
say(`started ${total} workflows in ${((Date.now() - createStart) / 1000).toFixed(1)} s`);

// 2. Wait until every ticket is routed (its clocks run).
for (;;) {
  const [{ routed = 0 } = {}] = await db.select({ routed: sql<number>`count(*)::int` }).from(tickets).where(sql`${tickets.responseDueAt} is not null or ${tickets.needsTriage}`);
  if (routed >= total) break;
  say(`  routed ${routed}/${total}; worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  await new Promise((resolve) => setTimeout(resolve, 5000));
}
const createSeconds = (Date.now() - createStart) / 1000;
say(`all ${total} tickets routed ${createSeconds.toFixed(1)} s after the first was created`);
const assignedEvents = await db
  .select({ ticketId: ticketEvents.ticketId, at: ticketEvents.createdAt })
  .from(ticketEvents)
  .where(and(eq(ticketEvents.kind, 'assigned'), eq(ticketEvents.field, 'status')));
const createToAssigned = summarize(assignedEvents.filter((e) => startedAt.has(e.ticketId)).map((e) => e.at.getTime() - startedAt.get(e.ticketId)!));
const openRss = rssOf(workerPid);

// 3. Wait for both thresholds of every ticket.
const expected = 2 * total;
const firstDue = createStart + targetMinutes * 0.8 * 60_000;
if (firstDue < Date.now()) say(`warning: creation ran past the first 80 % deadline; lateness includes creation load (use --target-minutes)`);
for (;;) {
  const [{ fired = 0 } = {}] = await db.select({ fired: sql<number>`count(*)::int` }).from(ticketEvents).where(eq(ticketEvents.field, 'first_response'));
  if (fired >= expected) break;
  const wait = Math.max(0, firstDue - Date.now());
  say(`  ${fired}/${expected} thresholds fired${wait > 0 ? `; first due in ${(wait / 1000).toFixed(0)} s` : ''}; worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
}
const fired = await db
  .select({ ticketId: ticketEvents.ticketId, newValue: ticketEvents.newValue, createdAt: ticketEvents.createdAt })
  .from(ticketEvents)
  .where(and(eq(ticketEvents.field, 'first_response'), inArray(ticketEvents.kind, ['sla_warning', 'sla_breached'])));
const lateFired = summarize(fired.map((e) => (e.newValue as { lateMs: number }).lateMs));
const lateWritten = summarize(fired.map((e) => e.createdAt.getTime() - Date.parse((e.newValue as { dueAt: string }).dueAt)));
const endRss = rssOf(workerPid);
clearInterval(sampler);
// Each threshold of each ticket exactly once.
const duplicates = fired.length - new Set(fired.map((e) => `${e.ticketId}/${(e.newValue as { percent: number }).percent}`)).size;
await worker.stop();

// 4. The twins' lateness (their worker ran beside the tickets'); they are done by now, so results come at once.
const baselineLate: number[] = [];
await pool(baselineIds.length, 32, async (i) => {
  baselineLate.push(...((await env.client.workflow.getHandle(baselineIds[i]!).result()) as number[]));
});
baselineWorker.shutdown();
await baselineRun;
const baseline = summarize(baselineLate);

await env.teardown();
await database.close();
await proxy.stop();
await pg.stop();

const fmt = (v: number) => `${v.toFixed(0)} ms`;
process.stdout.write(
  `\n${table([
    ['run', 'timers', 'fired p50', 'fired p99', 'fired max', 'written p50', 'written p99'],
    ['ticket workflows (SLA 80 % + 100 %)', String(lateFired.count), fmt(lateFired.p50), fmt(lateFired.p99), fmt(lateFired.max), fmt(lateWritten.p50), fmt(lateWritten.p99)],
    ['bare timer workflows (baseline)', String(baseline.count), fmt(baseline.p50), fmt(baseline.p99), fmt(baseline.max), '-', '-'],
  ])}\n\n${table([
    ['worker RSS', 'MiB'],
    ['idle, before tickets', (idleRss / MB).toFixed(0)],
    [`${total} open tickets, timers pending`, (openRss / MB).toFixed(0)],
    ['after every threshold fired', (endRss / MB).toFixed(0)],
    ['peak', (peakRss / MB).toFixed(0)],
  ])}\n\ncreate → assigned (workflow start → assignment written): p50 ${fmt(createToAssigned.p50)}, p99 ${fmt(createToAssigned.p99)} over ${createToAssigned.count} tickets; creation took ${createSeconds.toFixed(0)} s (${(total / createSeconds).toFixed(1)} tickets/s)\nduplicate threshold events: ${duplicates}\n`,
);
if (values.json) {
  writeFileSync(values.json, JSON.stringify({ total, targetMinutes, lateFired, lateWritten, baseline, rss: { idle: idleRss, open: openRss, end: endRss, peak: peakRss }, createToAssigned, createSeconds, duplicates }, null, 2));
}
