/**
 * bench:timers — holds N open tickets with live SLA timers on one Temporal dev server and one
 * worker, and reports the worker's memory (RSS) and how late SLA thresholds fire while it does,
 * beside a baseline from the same run: bare timer workflows (sleep to the same deadlines,
 * nothing else) on the same server.
 *
 * Real components: PostgreSQL through Neon's WebSocket proxy (scripts/pg.ts), the Temporal dev
 * server, the standalone worker process (worker/main.ts) running the real ticket workflow with the
 * shipped offline AI. Every ticket runs its full intake (screening, triage, routing, SLA clocks).
 *
 *   1. Hold: N tickets (default 10,000) on a 24×7 policy with an 8-hour first-response target:
 *      every one open, assigned, with its warning and breach timers pending in the worker.
 *   2. Probe: while they are held, probe tickets arrive at a steady rate on a short target
 *      (default 2 min: warning at 96 s, breach at 120 s), so thresholds come due one after
 *      another as they would on a real desk; each probe has a twin bare timer workflow started
 *      at the same moment with the same two deadlines (a worker in this process, its own task
 *      queue). Lateness is measured on the probes' thresholds and the twins'.
 *
 *   npm run bench:timers -- [--tickets 10000] [--concurrency 48] [--probes 600] [--probe-rate 2] [--probe-target-minutes 2] [--json file]
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
import type { ticketWorkflow } from '../workflows/ticket/workflow';
import { prebuiltBundle, startWorkerProcess } from '../dev-support/worker-process';
import { paced, pool, summarize, table } from './support/stats';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '48' },
    probes: { type: 'string', default: '600' },
    'probe-rate': { type: 'string', default: '2' },
    'probe-target-minutes': { type: 'string', default: '2' },
    json: { type: 'string' },
  },
});
const total = Number(values.tickets);
const concurrency = Number(values.concurrency);
const probes = Number(values.probes);
const probeRate = Number(values['probe-rate']);
const targetMinutes = Number(values['probe-target-minutes']);
const HOLD_TARGET_SECONDS = 8 * 3600;
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

const group = `bench-${Date.now().toString(36)}`;
const [calendar] = await db
  .insert(businessCalendars)
  .values({ name: `24x7 ${group}`, timezone: 'UTC', alwaysOpen: true })
  .returning();
/** A policy for the requester group (most specific match), and the requester put in it. */
async function groupWithTarget(name: string, email: string, firstResponseSeconds: number) {
  await db.insert(slaPolicies).values({
    name: `Bench ${name} ${group}`,
    requesterGroup: `${group}-${name}`,
    calendarId: calendar!.id,
    firstResponseSeconds,
    nextResponseSeconds: 24 * 3600,
    resolutionSeconds: 30 * 24 * 3600,
    thresholds: [80, 100],
    escalation: [],
  });
  const [user] = await db
    .update(users)
    .set({ groups: [`${group}-${name}`] })
    .where(eq(users.email, email))
    .returning();
  return user!;
}
const holder = await groupWithTarget('held', 'rita.requester@deskflow.test', HOLD_TARGET_SECONDS);
const prober = await groupWithTarget('probe', 'raj.requester@deskflow.test', targetMinutes * 60);
say(
  `held tickets: first response in 8 h (timers pending throughout); probes: ${probes} at ${probeRate}/s, thresholds ${(targetMinutes * 0.8 * 60).toFixed(0)} s and ${targetMinutes * 60} s after each`,
);

const temporalCli = await ensureTemporalCli();
const env = await TestWorkflowEnvironment.createLocal({
  server: {
    ...(temporalCli ? { executable: { type: 'existing-path' as const, path: temporalCli } } : {}),
    ip: '127.0.0.1',
    searchAttributes: Object.values(searchAttributes),
    extraArgs: ['--log-level', 'error'],
  },
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

/** Opens tickets as the API does: intake rows (id and number), then the workflows. */
async function intakeRows(count: number, requesterId: string) {
  const rows: { id: string; number: number }[] = [];
  for (let i = 0; i < count; i += 1000) {
    const batch = Array.from({ length: Math.min(1000, count - i) }, () => ({ requesterId, idempotencyKey: crypto.randomUUID() }));
    rows.push(...(await db.insert(ticketIntake).values(batch).returning({ id: ticketIntake.id, number: ticketIntake.number })));
  }
  return rows;
}
const startTicket = (intake: { id: string; number: number }, requesterId: string, i: number) =>
  env.client.workflow.start<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
    workflowId: ticketWorkflowId(intake.number),
    taskQueue,
    args: [{ ticketId: intake.id, number: intake.number, title: `Laptop ${i} will not charge`, description: 'The charger light stays off; tried another socket.', urgency: 'medium', requesterId }],
  });
const countRouted = async (ids: string[]) => {
  let routed = 0;
  for (let i = 0; i < ids.length; i += 5000) {
    const [row] = await db
      .select({ routed: sql<number>`count(*)::int` })
      .from(tickets)
      .where(and(inArray(tickets.id, ids.slice(i, i + 5000)), sql`${tickets.responseDueAt} is not null or ${tickets.needsTriage}`));
    routed += row?.routed ?? 0;
  }
  return routed;
};

// 1. Hold: the N tickets, at a fixed concurrency; then wait until every one is routed (its clocks run).
const held = await intakeRows(total, holder.id);
const startedAt = new Map<string, number>();
const createStart = Date.now();
let lastReport = Date.now();
await pool(total, concurrency, async (i) => {
  startedAt.set(held[i]!.id, Date.now());
  await startTicket(held[i]!, holder.id, i);
  if (Date.now() - lastReport > 5000) {
    lastReport = Date.now();
    say(`  started ${i + 1}/${total} workflows in ${((Date.now() - createStart) / 1000).toFixed(0)} s; worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  }
});
say(`started ${total} workflows in ${((Date.now() - createStart) / 1000).toFixed(1)} s`);
const heldIds = held.map((t) => t.id);
for (;;) {
  const routed = await countRouted(heldIds);
  if (routed >= total) break;
  say(`  routed ${routed}/${total} (${(routed / ((Date.now() - createStart) / 1000)).toFixed(1)}/s); worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
}
const createSeconds = (Date.now() - createStart) / 1000;
say(`all ${total} tickets routed ${createSeconds.toFixed(1)} s after the first was created`);
const assignedEvents = await db
  .select({ ticketId: ticketEvents.ticketId, at: ticketEvents.createdAt })
  .from(ticketEvents)
  .where(and(eq(ticketEvents.kind, 'assigned'), eq(ticketEvents.field, 'status')));
const createToAssigned = summarize(assignedEvents.filter((e) => startedAt.has(e.ticketId)).map((e) => e.at.getTime() - startedAt.get(e.ticketId)!));
const openRss = rssOf(workerPid);
/** Held tickets still open with their first-response deadline ahead. */
const countHeldOpen = async () => {
  const [row] = await db
    .select({ open: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.requesterId, holder.id), sql`${tickets.responseDueAt} > now()`));
  return row?.open ?? 0;
};
const heldOpen = await countHeldOpen();
say(`holding ${heldOpen} open tickets with first-response timers pending; worker RSS ${(openRss / MB).toFixed(0)} MiB`);

// 2. Probe: tickets on the short target at a steady rate, each with its twin bare timer workflow.
const targetMs = targetMinutes * 60_000;
const probeRows = await intakeRows(probes, prober.id);
const baselineQueue = `bench-timers-baseline-${group}`;
const baselineWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: baselineQueue, workflowsPath: fileURLToPath(new URL('./timer-baseline-workflow.ts', import.meta.url)) });
const baselineRun = baselineWorker.run();
const baselineIds: string[] = [];
await paced(
  probes,
  probeRate,
  async (i) => {
    const now = Date.now();
    await Promise.all([
      startTicket(probeRows[i]!, prober.id, i),
      env.client.workflow.start('timerBaseline', { taskQueue: baselineQueue, workflowId: `${baselineQueue}-${i}`, args: [{ warnAt: now + 0.8 * targetMs, dueAt: now + targetMs }] }),
    ]);
    baselineIds.push(`${baselineQueue}-${i}`);
  },
  (done) => {
    if (done % 100 === 0) say(`  probes started: ${done}/${probes}; worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  },
);
const probeIds = probeRows.map((t) => t.id);

// 3. Wait for both thresholds of every probe.
const expected = 2 * probes;
const firedOf = () =>
  db
    .select({ ticketId: ticketEvents.ticketId, newValue: ticketEvents.newValue, createdAt: ticketEvents.createdAt })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.field, 'first_response'), inArray(ticketEvents.kind, ['sla_warning', 'sla_breached']), inArray(ticketEvents.ticketId, probeIds)));
let fired = await firedOf();
while (fired.length < expected) {
  say(`  ${fired.length}/${expected} probe thresholds fired; worker RSS ${(rssOf(workerPid) / MB).toFixed(0)} MiB`);
  await new Promise((resolve) => setTimeout(resolve, 10_000));
  fired = await firedOf();
}
const stillHeld = await countHeldOpen();
const lateFired = summarize(fired.map((e) => (e.newValue as { lateMs: number }).lateMs));
const lateWritten = summarize(fired.map((e) => e.createdAt.getTime() - Date.parse((e.newValue as { dueAt: string }).dueAt)));
const endRss = rssOf(workerPid);
clearInterval(sampler);
// Each threshold of each ticket exactly once.
const duplicates = fired.length - new Set(fired.map((e) => `${e.ticketId}/${(e.newValue as { percent: number }).percent}`)).size;
// Held tickets whose thresholds fired (none should: their deadlines are hours away).
const [{ heldFired = 0 } = {}] = await db
  .select({ heldFired: sql<number>`count(*)::int` })
  .from(ticketEvents)
  .innerJoin(tickets, eq(tickets.id, ticketEvents.ticketId))
  .where(and(eq(ticketEvents.field, 'first_response'), eq(tickets.requesterId, holder.id)));
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
    [`probe tickets (SLA 80 % + 100 %), ${stillHeld} held open`, String(lateFired.count), fmt(lateFired.p50), fmt(lateFired.p99), fmt(lateFired.max), fmt(lateWritten.p50), fmt(lateWritten.p99)],
    ['bare timer workflows (baseline)', String(baseline.count), fmt(baseline.p50), fmt(baseline.p99), fmt(baseline.max), '-', '-'],
  ])}\n\n${table([
    ['worker RSS', 'MiB'],
    ['idle, before tickets', (idleRss / MB).toFixed(0)],
    [`${heldOpen} held open tickets, timers pending`, (openRss / MB).toFixed(0)],
    [`after the probes (${stillHeld} held + ${probes} probes)`, (endRss / MB).toFixed(0)],
    ['peak', (peakRss / MB).toFixed(0)],
  ])}\n\ncreate → assigned (workflow start → assignment written): p50 ${fmt(createToAssigned.p50)}, p99 ${fmt(createToAssigned.p99)} over ${createToAssigned.count} tickets; creation took ${createSeconds.toFixed(0)} s (${(total / createSeconds).toFixed(1)} tickets/s)\nduplicate threshold events: ${duplicates}; thresholds fired on held tickets: ${heldFired}\n`,
);
if (values.json) {
  writeFileSync(
    values.json,
    JSON.stringify(
      {
        total,
        heldOpen,
        stillHeld,
        probes,
        probeRate,
        targetMinutes,
        lateFired,
        lateWritten,
        baseline,
        rss: { idle: idleRss, open: openRss, end: endRss, peak: peakRss },
        createToAssigned,
        createSeconds,
        duplicates,
      },
      null,
      2,
    ),
  );
}
