/**
 * Faults, on real components: PostgreSQL through Neon's WebSocket proxy (scripts/pg.ts), a
 * Temporal dev server with a persistent database file, the standalone worker as a child process
 * (worker/main.ts), the API over HTTP.
 *  - SIGKILL of the worker mid-triage and mid-transition: another worker finishes the ticket,
 *    with no lost or doubled change. A held database lock pins the worker inside the step.
 *  - SLA timers fire within a second of their deadline across a worker restart, and a restart
 *    of the Temporal server keeps them.
 *  - Database down: the API answers SERVICE_UNAVAILABLE, activities retry with backoff, and
 *    nothing is lost when the database returns.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from '@neondatabase/serverless';
import proto from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { TRPCClientError } from '@trpc/client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import { openDatabase, type Database } from '../../db/client';
import { businessCalendars, slaPolicies, ticketEvents, tickets, users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { seedSla } from '../../db/seed-sla';
import { freePort } from '../../lib/ports';
import { startPostgres, startWsproxy, type PostgresHandle, type WsproxyHandle } from '../../scripts/pg';
import { ensureTemporalCli } from '../../scripts/tools';
import { searchAttributes } from '../../temporal.config';
import { installTemporalRuntime } from '../../worker/worker';
import { ticketWorkflowId } from '../../workflows/messages';
import { serveLifecycleApi, type LifecycleApi } from '../support/lifecycle-api';
import { prebuiltBundle, startWorkerProcess, type WorkerProcess } from '../../dev-support/worker-process';

const PASSWORD = 'correct-horse-battery';
const { PendingActivityState } = proto.temporal.api.enums.v1;

let pg: PostgresHandle;
let proxy: WsproxyHandle;
let database: Database;
let env: TestWorkflowEnvironment;
let temporalPort: number;
let temporalDir: string;
let bundle: string;
let worker: WorkerProcess | undefined;
let api: LifecycleApi;
let locks: Pool;
const taskQueue = `faults-${crypto.randomUUID()}`;

async function startTemporal() {
  const path = await ensureTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    server: {
      ...(path ? { executable: { type: 'existing-path' as const, path } } : {}),
      ip: '127.0.0.1',
      port: temporalPort,
      dbFilename: join(temporalDir, 'temporal.db'),
      searchAttributes: Object.values(searchAttributes),
    },
  });
}

const startWorker = () => startWorkerProcess({ TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, TEMPORAL_TASK_QUEUE: taskQueue, DATABASE_URL: pg.url, NEON_WS_PROXY: proxy.wsProxyHost }, bundle);
const serveApi = () => serveLifecycleApi({ db: database.db, temporal: env.client, taskQueue, roomTokenSecret: 'x'.repeat(40), roomsUrl: 'http://127.0.0.1:1', logger: createLogger('silent') });

beforeAll(async () => {
  installTemporalRuntime('ERROR');
  pg = await startPostgres();
  proxy = await startWsproxy({ pgPort: pg.port });
  database = await openDatabase({ kind: 'postgres', url: pg.url, wsProxy: proxy.wsProxyHost });
  await database.migrate();
  await seedDemo(database.db, PASSWORD);
  await seedSla(database.db);
  locks = new Pool({ connectionString: pg.url, max: 2 });
  locks.on('error', () => undefined);
  temporalPort = await freePort();
  temporalDir = mkdtempSync(join(tmpdir(), 'deskflow-temporal-'));
  env = await startTemporal();
  bundle = await prebuiltBundle();
  worker = await startWorker();
  api = await serveApi();
}, 180_000);

afterAll(async () => {
  await api?.stop();
  await worker?.stop();
  await locks?.end().catch(() => undefined);
  await database?.close().catch(() => undefined);
  await env?.teardown();
  await proxy?.stop();
  await pg?.stop();
}, 60_000);

const eventually = <T>(fn: () => Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 100 });
const row = async (id: string) => (await database.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
const statusEvents = async (id: string) =>
  (
    await database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, id), eq(ticketEvents.field, 'status')))
  ).map((e) => `${e.oldValue as string}→${e.newValue as string}`);

/** Whether an activity of this type is running on a worker right now. */
async function running(number: number, activityType: string): Promise<boolean> {
  const { raw } = await env.client.workflow.getHandle(ticketWorkflowId(number)).describe();
  return (raw.pendingActivities ?? []).some((p) => p.activityType?.name === activityType && p.state === PendingActivityState.PENDING_ACTIVITY_STATE_STARTED);
}

/** The attempts with which an activity type was started, from the workflow's history. */
async function attempts(number: number, activityType: string): Promise<number[]> {
  const history = await env.client.workflow.getHandle(ticketWorkflowId(number)).fetchHistory();
  const scheduled = new Map<string, string>();
  const result: number[] = [];
  for (const event of history.events ?? []) {
    const s = event.activityTaskScheduledEventAttributes;
    if (s) scheduled.set(String(event.eventId), s.activityType?.name ?? '');
    const started = event.activityTaskStartedEventAttributes;
    if (started && scheduled.get(String(started.scheduledEventId)) === activityType) result.push(started.attempt ?? 1);
  }
  return result;
}

/** Holds a Postgres lock in a transaction of its own until released. */
async function holdLock(sql: string, params: unknown[] = []) {
  const client = await locks.connect();
  await client.query('begin');
  await client.query(sql, params);
  return async () => {
    await client.query('rollback').catch(() => undefined);
    client.release();
  };
}

/** A requester in a group whose policy runs on a 24×7 calendar with a short first-response target (in seconds). */
async function vipRequester(firstResponseSeconds: number) {
  const group = `vip-${crypto.randomUUID().slice(0, 6)}`;
  const [calendar] = await database.db
    .insert(businessCalendars)
    .values({ name: `24x7 ${group}`, timezone: 'UTC', alwaysOpen: true })
    .returning();
  await database.db
    .insert(slaPolicies)
    .values({ name: `VIP ${group}`, requesterGroup: group, calendarId: calendar!.id, firstResponseSeconds, nextResponseSeconds: 3600, resolutionSeconds: 36_000, escalation: [] });
  const [user] = await database.db
    .update(users)
    .set({ groups: [group] })
    .where(eq(users.email, 'rosa.requester@deskflow.test'))
    .returning();
  return (await api.signIn(user!.email, PASSWORD)).api;
}

async function firstResponseEvents(ticketId: string) {
  const events = await database.db
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.field, 'first_response')));
  return events.map((e) => ({ kind: e.kind, ...(e.newValue as { dueAt: string; lateMs: number }), writtenLateMs: e.createdAt.getTime() - Date.parse((e.newValue as { dueAt: string }).dueAt) }));
}

describe('worker killed mid-step', () => {
  it('SIGKILL mid-triage: a new worker finishes the ticket, each change written once', async () => {
    const rita = (await api.signIn('rita.requester@deskflow.test', PASSWORD)).api;
    // Triage looks the category up in the categories table: holding that table pins it there.
    const release = await holdLock('lock table categories in access exclusive mode');
    let created: Awaited<ReturnType<typeof rita.ticket.create.mutate>>;
    try {
      created = await rita.ticket.create.mutate({ title: 'Laptop will not boot', description: 'Black screen after the update this morning.' });
      await eventually(() => running(created.number, 'triageTicket')).toBe(true);
      await worker!.kill();
    } finally {
      await release();
    }
    expect((await row(created.id)).status).toBe('new');
    worker = await startWorker();
    await eventually(async () => (await row(created.id)).assigneeId).not.toBeNull();
    expect(await statusEvents(created.id)).toEqual(['new→triaged', 'triaged→assigned']);
    expect(Math.max(...(await attempts(created.number, 'triageTicket')))).toBeGreaterThanOrEqual(2);
    const all = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, created.id));
    expect(new Set(all.map((e) => e.dedupeKey)).size).toBe(all.length);
    expect(all.filter((e) => e.kind === 'ai_fallback')).toEqual([]);
  });

  it('SIGKILL mid-transition: the change is applied once, and a retry with the same requestId does not repeat it', async () => {
    const raj = (await api.signIn('raj.requester@deskflow.test', PASSWORD)).api;
    const created = await raj.ticket.create.mutate({ title: 'Docking station dead', description: 'No display on either monitor.' });
    await eventually(async () => (await row(created.id)).assigneeId !== null || (await row(created.id)).needsTriage).toBe(true);
    const sam = (await api.signIn('sam.supervisor@deskflow.test', PASSWORD)).api;
    if ((await row(created.id)).needsTriage) {
      await sam.ticket.triage.mutate({ id: created.id, departmentId: (await row(created.id)).departmentId!, category: 'Hardware', priority: 'high' });
      await eventually(async () => (await row(created.id)).assigneeId).not.toBeNull();
    }
    // The change's activity locks the ticket row first: holding that row pins it there.
    const release = await holdLock('select 1 from tickets where id = $1 for update', [created.id]);
    let moving: Promise<unknown>;
    try {
      moving = sam.ticket.transition.mutate({ id: created.id, to: 'in_progress', reason: 'starting', requestId: 'start-dock-0001' }).catch((e: unknown) => e);
      await eventually(() => running(created.number, 'applyTicketChange')).toBe(true);
      await worker!.kill();
    } finally {
      await release();
    }
    worker = await startWorker();
    const answer = await moving;
    // Either the change completed within the API's deadline, or the API said it is kept and delayed.
    if (answer instanceof TRPCClientError) expect(answer.data?.code).toBe('SERVICE_UNAVAILABLE');
    else expect(answer).toMatchObject({ status: 'in_progress' });
    await eventually(async () => (await row(created.id)).status).toBe('in_progress');
    const again = await sam.ticket.transition.mutate({ id: created.id, to: 'in_progress', reason: 'starting', requestId: 'start-dock-0001' });
    expect(again.status).toBe('in_progress');
    expect(await statusEvents(created.id)).toEqual(['new→triaged', 'triaged→assigned', 'assigned→in_progress']);
    expect(Math.max(...(await attempts(created.number, 'applyTicketChange')))).toBeGreaterThanOrEqual(2);
  });
});

describe('timers', () => {
  it('fire within a second of their deadline after a rolling deploy and a crash of the worker before them', async () => {
    // 80 % at 28.8 s, breach at 36 s: the deploy and the crash below must come more than the sticky
    // timeout (10 s) before the first deadline, and a new ticket's worker is busy for a few seconds
    // (triage, then embedding it with the sentence model) while the old worker drains on shutdown.
    const rosa = await vipRequester(36);
    const created = await rosa.ticket.create.mutate({ title: 'Board meeting laptop', description: 'Presentation in an hour.' });
    await eventually(async () => (await row(created.id)).responseDueAt).not.toBeNull();
    // A deploy: the new worker starts, then the old one shuts down gracefully.
    const next = await startWorker();
    await worker!.stop();
    worker = next;
    // A crash: Temporal holds a crashed worker's workflow tasks for its sticky timeout (10 s), so
    // deadlines in the first seconds after a crash are late by up to that; these come later.
    await worker.kill();
    worker = await startWorker();
    await eventually(async () => (await firstResponseEvents(created.id)).length, 55_000).toBe(2);
    const fired = await firstResponseEvents(created.id);
    expect(fired.map((e) => e.kind)).toEqual(['sla_warning', 'sla_breached']);
    // lateMs: when the timer fired (the workflow's clock at the firing task) against the deadline.
    for (const event of fired) expect(event.lateMs).toBeLessThan(1000);
  });

  it('survive a restart of the Temporal server (persistent database file) and still fire on time', async () => {
    const rosa = await vipRequester(15); // 80 % at 12 s, breach at 15 s
    const created = await rosa.ticket.create.mutate({ title: 'Projector broken', description: 'Meeting room 3.' });
    await eventually(async () => (await row(created.id)).responseDueAt).not.toBeNull();
    await api.stop();
    await env.teardown();
    env = await startTemporal();
    api = await serveApi();
    await eventually(async () => (await firstResponseEvents(created.id)).length).toBe(2);
    const fired = await firstResponseEvents(created.id);
    expect(fired.map((e) => e.kind)).toEqual(['sla_warning', 'sla_breached']);
    for (const event of fired) expect(event.lateMs).toBeLessThan(1000);
    expect((await env.client.workflow.getHandle(ticketWorkflowId(created.number)).describe()).status.name).toBe('RUNNING');
  });
});

describe('database down', () => {
  it('the API answers SERVICE_UNAVAILABLE, activities retry with backoff, nothing is lost when it returns', async () => {
    const rosa = await vipRequester(4); // 80 % at 3.2 s, breach at 4 s: both come due during the outage
    const created = await rosa.ticket.create.mutate({ title: 'Mail server unreachable', description: 'Outlook offline for the whole team.' });
    await eventually(async () => (await row(created.id)).responseDueAt).not.toBeNull();
    const proxyPort = proxy.port;
    await proxy.stop();
    const outage = await rosa.ticket.get.query({ id: created.id }).catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(TRPCClientError);
    expect((outage as TRPCClientError<never>).data).toMatchObject({ code: 'SERVICE_UNAVAILABLE' });
    expect((outage as TRPCClientError<never>).message).toMatch(/temporarily unavailable.*nothing was lost/);
    // The SLA activity comes due and keeps failing: retried, with backoff.
    await eventually(async () => {
      const { raw } = await env.client.workflow.getHandle(ticketWorkflowId(created.number)).describe();
      return (raw.pendingActivities ?? []).some((p) => p.activityType?.name === 'applyTicketChange' && (p.attempt ?? 0) >= 3);
    }).toBe(true);
    proxy = await startWsproxy({ pgPort: pg.port, port: proxyPort });
    await eventually(async () => (await firstResponseEvents(created.id)).map((e) => e.kind)).toEqual(['sla_warning', 'sla_breached']);
    expect((await row(created.id)).slaState).toBe('breached');
    expect((await rosa.ticket.get.query({ id: created.id })).id).toBe(created.id);
    // The same worker process rode out the outage (a connection dropped mid-transaction used to kill it).
    expect(worker!.child.exitCode).toBeNull();
  });
});
