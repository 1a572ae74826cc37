/**
 * The ticket lifecycle end to end on the dev server: the API over HTTP (tRPC, real sessions),
 * the Temporal dev server, the worker with the shipped offline AI, PGlite. Transitions with
 * their errors, replies through the comment procedures, SLA administration reaching open
 * tickets, and SLA timers firing on time in real time.
 */
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { TRPCClientError } from '@trpc/client';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../lib/logger';
import type { AppRouter } from '../../api/router';
import type { Database } from '../../db/client';
import { adminAudit, ticketEvents, tickets, users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { seedSla } from '../../db/seed-sla';
import { createDeskflowWorker, installTemporalRuntime } from '../../worker/worker';
import { freshPglite } from '../../dev-support/databases';
import { serveLifecycleApi, type LifecycleApi } from '../support/lifecycle-api';
import { startDevServer } from '../../dev-support/stack';

const PASSWORD = 'correct-horse-battery';
let env: TestWorkflowEnvironment;
let database: Database;
let worker: Worker;
let running: Promise<void>;
let api: LifecycleApi;

beforeAll(async () => {
  installTemporalRuntime('ERROR');
  env = await startDevServer();
  database = await freshPglite();
  await seedDemo(database.db, PASSWORD);
  await seedSla(database.db);
  const taskQueue = `lifecycle-api-${crypto.randomUUID()}`;
  worker = await createDeskflowWorker({ connection: env.nativeConnection, namespace: 'default', taskQueue, db: database.db, temporal: env.client });
  running = worker.run();
  api = await serveLifecycleApi({ db: database.db, temporal: env.client, taskQueue, roomTokenSecret: 'x'.repeat(40), roomsUrl: 'http://127.0.0.1:1', logger: createLogger('silent') });
}, 180_000);

afterAll(async () => {
  await api?.stop();
  worker?.shutdown();
  await running;
  await database?.close();
  await env?.teardown();
});

const signIn = (email: string) => api.signIn(email, PASSWORD);
type Api = Awaited<ReturnType<typeof signIn>>['api'];

async function failure(call: Promise<unknown>) {
  const error = await call.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCClientError);
  const e = error as TRPCClientError<AppRouter>;
  return { code: e.data?.code, message: e.message, fieldErrors: (e.data?.zodError?.fieldErrors ?? {}) as Record<string, string[] | undefined> };
}

const eventually = <T>(fn: () => Promise<T>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 100 });

/** Opens a ticket and waits for its assignee; if triage was unsure, the IT supervisor triages it by hand. */
async function openAssigned(requester: Api, title: string, description: string) {
  const created = await requester.ticket.create.mutate({ title, description, urgency: 'high' });
  const row = async () => (await database.db.select().from(tickets).where(eq(tickets.id, created.id)))[0]!;
  await eventually(async () => (await row()).assigneeId !== null || (await row()).needsTriage).toBe(true);
  if ((await row()).needsTriage) {
    const sam = (await signIn('sam.supervisor@deskflow.test')).api;
    const it = (await row()).departmentId!;
    await sam.ticket.triage.mutate({ id: created.id, departmentId: it, category: 'Hardware', priority: 'high', reason: 'triaged by hand' });
    await eventually(async () => (await row()).assigneeId).not.toBeNull();
  }
  const ticket = await requester.ticket.get.query({ id: created.id });
  const [assignee] = await database.db.select().from(users).where(eq(users.id, ticket.assignee!.id));
  return { ticket, assignee: assignee!, agent: (await signIn(assignee!.email)).api };
}

describe('lifecycle procedures', () => {
  it('moves a ticket through its states; illegal moves are BAD_REQUEST naming the allowed ones; roles are FORBIDDEN', async () => {
    const rita = (await signIn('rita.requester@deskflow.test')).api;
    const { ticket, agent } = await openAssigned(rita, 'Laptop will not boot', 'Black screen after the update this morning.');
    expect(ticket.status).toBe('assigned');

    const illegal = await failure(agent.ticket.transition.mutate({ id: ticket.id, to: 'closed' }));
    expect(illegal.code).toBe('BAD_REQUEST');
    expect(illegal.message).toMatch(
      /cannot move to closed: it is assigned\. Allowed from assigned: transition → in_progress; transition → waiting_on_customer; transition → waiting_on_third_party; transition → resolved/,
    );

    expect(await failure(rita.ticket.transition.mutate({ id: ticket.id, to: 'in_progress' }))).toMatchObject({ code: 'FORBIDDEN', message: 'This needs agent rights.' });
    const hugo = (await signIn('hugo.hr@deskflow.test')).api;
    expect((await failure(hugo.ticket.transition.mutate({ id: ticket.id, to: 'in_progress' }))).code).toBe('NOT_FOUND');
    const badInput = await failure(agent.ticket.transition.mutate({ id: ticket.id, to: 'new' as never }));
    expect(badInput.code).toBe('BAD_REQUEST');
    expect(badInput.fieldErrors.to).toEqual([expect.stringContaining('must be one of in_progress')]);

    await eventually(async () => (await agent.ticket.suggestions.query({ id: ticket.id })).length).toBe(1);
    const [draft] = await agent.ticket.suggestions.query({ id: ticket.id });
    expect(draft).toMatchObject({ kind: 'first_reply', forUserId: ticket.assignee!.id, provider: 'offline', body: expect.stringContaining(`#${ticket.number}`) });
    expect((await failure(rita.ticket.suggestions.query({ id: ticket.id }))).code).toBe('FORBIDDEN');

    const started = await agent.ticket.transition.mutate({ id: ticket.id, to: 'in_progress', reason: 'on it' });
    expect(started).toMatchObject({ id: ticket.id, status: 'in_progress' });
    expect(await failure(rita.ticket.cancel.mutate({ id: ticket.id }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('cannot cancel: it is in_progress') });

    const staffView = await agent.ticket.lifecycle.query({ id: ticket.id });
    expect(staffView.live).toBe(true);
    expect(staffView.allowed).toEqual(
      expect.arrayContaining([
        { action: 'transition', to: 'resolved' },
        { action: 'escalate', to: 'in_progress' },
      ]),
    );
    expect(staffView.state && 'sla' in staffView.state && staffView.state.sla?.clocks.map((c) => c.target)).toEqual(['first_response', 'resolution']);
    const requesterView = await rita.ticket.lifecycle.query({ id: ticket.id });
    expect(requesterView.state).toEqual({ status: 'in_progress', resolvedAt: null, closedAt: null, autoCloseAt: null, mergedInto: null });
    expect(requesterView.allowed).toEqual([]);

    await agent.ticket.transition.mutate({ id: ticket.id, to: 'resolved' });
    expect((await rita.ticket.lifecycle.query({ id: ticket.id })).allowed).toEqual([
      { action: 'reopen', to: 'assigned' },
      { action: 'confirmResolution', to: 'closed' },
    ]);
    expect(await rita.ticket.confirmResolution.mutate({ id: ticket.id })).toMatchObject({ status: 'closed' });
  });

  it('a cancelled ticket is over: changing it is BAD_REQUEST, and its state is still readable', async () => {
    const raj = (await signIn('raj.requester@deskflow.test')).api;
    const { ticket } = await openAssigned(raj, 'Need a second monitor', 'For the new desk.');
    expect(await raj.ticket.cancel.mutate({ id: ticket.id, reason: 'got one from a colleague' })).toMatchObject({ status: 'cancelled' });
    await eventually(async () => (await env.client.workflow.getHandle(`ticket-${ticket.number}`).describe()).status.name).toBe('COMPLETED');
    expect(await failure(raj.ticket.reopen.mutate({ id: ticket.id }))).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('cancelled for good') });
    const view = await raj.ticket.lifecycle.query({ id: ticket.id });
    expect(view).toMatchObject({ live: true, allowed: [], state: { status: 'cancelled' } });
  });

  it('a requestId makes a retried change apply once', async () => {
    const rosa = (await signIn('rosa.requester@deskflow.test')).api;
    const { ticket, agent } = await openAssigned(rosa, 'Printer jams on every page', 'Third floor printer.');
    const first = await agent.ticket.escalate.mutate({ id: ticket.id, reason: 'blocks payroll run', requestId: 'esc-printer-0001' });
    const again = await agent.ticket.escalate.mutate({ id: ticket.id, reason: 'blocks payroll run', requestId: 'esc-printer-0001' });
    expect(again).toEqual(first);
    const [row] = await database.db.select().from(tickets).where(eq(tickets.id, ticket.id));
    expect(row!.escalationLevel).toBe(1);
    const escalated = await database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'escalated'), eq(ticketEvents.field, 'escalationLevel')));
    expect(escalated).toHaveLength(1);
  });
});

describe('replies through the comment procedures', () => {
  it('an agent public reply meets first response, an internal note does not; a requester reply starts next response', async () => {
    const rita = (await signIn('rita.requester@deskflow.test')).api;
    const { ticket, agent } = await openAssigned(rita, 'Cannot reach the intranet', 'Timeout in the browser.');
    const row = async () => (await database.db.select().from(tickets).where(eq(tickets.id, ticket.id)))[0]!;
    await agent.comment.add.mutate({ ticketId: ticket.id, body: 'Checking the proxy logs.', internal: true });
    // A later change: the workflow makes it after anything the note could have told it (changes run
    // in arrival order) and the API returns once it is written, so a counted note would show by now.
    await agent.ticket.transition.mutate({ id: ticket.id, to: 'in_progress', reason: 'on it' });
    expect((await row()).firstRespondedAt).toBeNull();
    await agent.comment.add.mutate({ ticketId: ticket.id, body: 'Could you try again now?' });
    await eventually(async () => (await row()).firstRespondedAt).not.toBeNull();
    expect((await row()).responseDueAt).toBeNull();
    await rita.comment.add.mutate({ ticketId: ticket.id, body: 'Still failing.' });
    await eventually(async () => (await row()).responseDueAt).not.toBeNull();
    const view = await agent.ticket.lifecycle.query({ id: ticket.id });
    const clocks = view.state && 'sla' in view.state ? view.state.sla!.clocks : [];
    expect(clocks.map((c) => [c.target, c.state])).toEqual([
      ['first_response', 'met'],
      ['next_response', 'on_track'],
      ['resolution', 'on_track'],
    ]);
  });
});

describe('SLA administration', () => {
  it('refuses bad calendars and policies with clear field errors, and non-admins', async () => {
    const admin = (await signIn('admin@deskflow.test')).api;
    const calendar = await failure(
      admin.admin.sla.calendar.create.mutate({
        name: 'Broken',
        timezone: 'Europe/Atlantis',
        weeklyHours: [
          { day: 1, start: '09:00', end: '17:00' },
          { day: 1, start: '12:00', end: '13:00' },
        ],
        holidays: ['2027-02-30'],
      }),
    );
    expect(calendar.code).toBe('BAD_REQUEST');
    expect(calendar.fieldErrors).toMatchObject({
      timezone: ['unknown IANA timezone "Europe/Atlantis" (expected e.g. "Europe/London")'],
      weeklyHours: ['overlapping intervals on Mon: 09:00-17:00 and 12:00-13:00'],
      holidays: ['holiday "2027-02-30" is not a date "YYYY-MM-DD"'],
    });
    const office = (await admin.admin.sla.calendar.list.query()).find((c) => c.name === 'Office hours');
    const policy = await failure(
      admin.admin.sla.policy.create.mutate({ name: 'No breach', calendarId: office!.id, firstResponseMinutes: 0, nextResponseMinutes: 30, resolutionMinutes: 60, thresholds: [50, 80] }),
    );
    expect(policy.code).toBe('BAD_REQUEST');
    expect(policy.fieldErrors).toMatchObject({ firstResponseMinutes: ['must be more than 0 minutes'], thresholds: ['must include 100 (the breach)'] });
    const duplicate = await failure(
      admin.admin.sla.policy.create.mutate({ name: 'Another high', priority: 'high', calendarId: office!.id, firstResponseMinutes: 30, nextResponseMinutes: 30, resolutionMinutes: 240 }),
    );
    expect(duplicate).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('"Default high" already matches exactly these tickets') });
    const sam = (await signIn('sam.supervisor@deskflow.test')).api;
    expect((await failure(sam.admin.sla.policy.list.query())).code).toBe('FORBIDDEN');
    expect((await failure(admin.admin.sla.calendar.delete.mutate({ id: office!.id }))).message).toMatch(/is used by .*"Default critical"/);
  });

  it('fires SLA thresholds within a second of their deadline on the dev server, and a policy edit reaches the open ticket, audited', async () => {
    const admin = (await signIn('admin@deskflow.test')).api;
    const group = `vip-${crypto.randomUUID().slice(0, 6)}`;
    const allDay = await admin.admin.sla.calendar.create.mutate({ name: `Always ${group}`, timezone: 'UTC', alwaysOpen: true, weeklyHours: [], holidays: [] });
    const policy = await admin.admin.sla.policy.create.mutate({
      name: `VIP ${group}`,
      requesterGroup: group,
      calendarId: allDay.id,
      firstResponseMinutes: 0.1, // 6 s: 80 % at 4.8 s
      nextResponseMinutes: 10,
      resolutionMinutes: 600,
      escalation: [],
    });
    expect(policy).toMatchObject({ firstResponseMinutes: 0.1, thresholds: [80, 100], propagation: 'started' });
    const [vip] = await database.db
      .update(users)
      .set({ groups: [group] })
      .where(eq(users.email, 'raj.requester@deskflow.test'))
      .returning();
    const raj = (await signIn(vip!.email)).api;
    const created = await raj.ticket.create.mutate({ title: 'CEO laptop stolen', description: 'Need a replacement today.' });
    await eventually(
      async () =>
        (
          await database.db
            .select()
            .from(ticketEvents)
            .where(and(eq(ticketEvents.ticketId, created.id), eq(ticketEvents.field, 'first_response')))
        ).length,
    ).toBe(2);
    const fired = await database.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, created.id), eq(ticketEvents.field, 'first_response')));
    for (const event of fired) {
      const value = event.newValue as { dueAt: string; firedAt: string; lateMs: number };
      expect(value.lateMs).toBeGreaterThanOrEqual(0);
      expect(value.lateMs).toBeLessThan(1000);
      // And the audit row itself was written within a second of the deadline.
      expect(event.createdAt.getTime() - Date.parse(value.dueAt)).toBeLessThan(1000);
    }
    expect(fired.map((e) => e.kind)).toEqual(['sla_warning', 'sla_breached']);

    const before = (await database.db.select().from(tickets).where(eq(tickets.id, created.id)))[0]!;
    const edited = await admin.admin.sla.policy.update.mutate({ id: policy.id, resolutionMinutes: 1200 });
    expect(edited).toMatchObject({ version: 2, resolutionMinutes: 1200, propagation: 'started' });
    await eventually(
      async () =>
        (
          await database.db
            .select()
            .from(ticketEvents)
            .where(and(eq(ticketEvents.ticketId, created.id), eq(ticketEvents.kind, 'sla_policy_changed')))
        ).length,
    ).toBe(1);
    const after = (await database.db.select().from(tickets).where(eq(tickets.id, created.id)))[0]!;
    // 600 more business minutes on a 24×7 calendar: exactly ten hours later.
    expect(after.resolutionDueAt!.getTime() - before.resolutionDueAt!.getTime()).toBe(600 * 60_000);
    expect(after.slaConfigVersion).toBeGreaterThan(before.slaConfigVersion);
    const audited = await database.db
      .select()
      .from(adminAudit)
      .where(and(eq(adminAudit.targetType, 'sla_policy'), eq(adminAudit.targetId, policy.id)));
    expect(audited.map((a) => a.action)).toEqual(['sla.policy.create', 'sla.policy.update']);
  });
});
