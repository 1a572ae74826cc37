/**
 * Ticket workflows on Temporal's time-skipping server with real activities on PGlite: one
 * database (demo organisation + default SLA configuration) and one worker per test file, real
 * workflow ids (`ticket-<number>`, so parent/child signals work). Tests give each ticket its own
 * requester group and SLA policy when they need exact clocks, so tickets never steer each other.
 */
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { and, asc, eq, sql } from 'drizzle-orm';
import { expect } from 'vitest';
import type { Database } from '../../db/client';
import {
  aiSuggestions,
  businessCalendars,
  departments,
  notifications,
  settings,
  slaPolicies,
  ticketEvents,
  ticketIntake,
  tickets,
  users,
  type NewSlaPolicyRow,
  type Priority,
  type Role,
} from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { seedSla } from '../../db/seed-sla';
import type { AiProvider } from '../../worker/ai/provider';
import { createActivities, type Activities } from '../../worker/activities';
import { bumpSlaConfigVersion, LIFECYCLE_SETTINGS_KEY } from '../../db/settings';
import { installTemporalRuntime, workflowBundle } from '../../worker/worker';
import type { LifecycleView } from '../../workflows/lifecycle/view';
import { awaitPersistedUpdate, slaConfigChangedSignal, stateQuery, TICKET_WORKFLOW_TYPE, ticketWorkflowId } from '../../workflows/messages';
import type { BusinessCalendar } from '../../workflows/sla';
import type { ticketWorkflow } from '../../workflows/ticket/workflow';
import type { Actor, LifecycleSettings } from '../../workflows/types';
import { freshPglite } from '../../dev-support/databases';
import { sentenceEmbedder } from '../../lib/sentence-embedder';
import { defaultSentenceModelDir } from '../../lib/sentence-model';
import { scriptedProvider } from './scripted-provider';
import { startTimeSkipping } from './time-skipping';

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

export type HarnessOptions = {
  /** An AI provider for every ticket of this file (default: scriptedProvider over the shipped offline provider). */
  ai?: AiProvider;
  /** An external model (the OpenAI-compatible provider over the recorded-response server): second opinions, drafts; none: offline. */
  model?: AiProvider;
  /** Wraps the real activities, e.g. to hold one back after it has written (races with Updates). */
  wrapActivities?: (activities: Activities) => Activities;
  /** The worker embeds tickets with the sentence model (near-duplicates, misuse reports); none: it embeds none. */
  embeddings?: boolean;
};

export type TicketHandle = WorkflowHandle<typeof ticketWorkflow>;

export async function startLifecycleHarness(options: HarnessOptions = {}) {
  // Activity failures are part of these tests (AI fallbacks); keep the SDK's log to errors.
  installTemporalRuntime(process.env.DESKFLOW_TEST_TEMPORAL_LOG === 'warn' ? 'WARN' : 'ERROR');
  const env: TestWorkflowEnvironment = await startTimeSkipping();
  const database: Database = await freshPglite();
  await seedDemo(database.db, 'irrelevant-password');
  await seedSla(database.db);
  const { db } = database;
  const taskQueue = `lifecycle-${crypto.randomUUID()}`;
  const ai = options.ai ?? scriptedProvider();
  const worker = await Worker.create({
    connection: env.nativeConnection,
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities: (options.wrapActivities ?? ((a) => a))(
      createActivities({
        db,
        ai,
        model: options.model,
        temporal: env.client,
        embedder: options.embeddings ? () => sentenceEmbedder(process.env.SENTENCE_MODEL_DIR ?? defaultSentenceModelDir()) : undefined,
      }),
    ),
    shutdownGraceTime: '1 second',
    shutdownForceTime: '5 seconds',
  });
  const running = worker.run();
  const started: TicketHandle[] = [];

  async function user(email: string) {
    const [row] = await db.select().from(users).where(eq(users.email, email));
    if (!row) throw new Error(`no user ${email}`);
    return row;
  }
  const actorOf = (u: { id: string; role: Role; departmentId: string | null }): Actor => ({ id: u.id, role: u.role, departmentId: u.departmentId });

  async function department(slug: string) {
    const [row] = await db.select().from(departments).where(eq(departments.slug, slug));
    if (!row) throw new Error(`no department ${slug}`);
    return row;
  }

  const state = (handle: TicketHandle) => handle.query(stateQuery);
  /** Polls until the assertion holds (activities run in real time after skipped timers fire). */
  const eventually = <T>(fn: () => Promise<T> | T, timeout = 15_000) => expect.poll(fn, { timeout, interval: 50 });

  async function waitFor(handle: TicketHandle, predicate: (s: LifecycleView) => boolean, what = 'the expected state', timeout = 15_000): Promise<LifecycleView> {
    let last: LifecycleView | undefined;
    await expect
      .poll(
        async () => {
          last = await state(handle);
          return predicate(last);
        },
        { timeout, interval: 50, message: `waiting for ${what}` },
      )
      .toBe(true);
    return last!;
  }

  const harness = {
    env,
    db,
    database,
    ai,
    taskQueue,
    user,
    actorOf,
    department,
    actor: async (email: string) => actorOf(await user(email)),
    state,
    waitFor,
    eventually,
    /** The server's clock (skipped time included). */
    now: () => env.currentTimeMs(),
    advance: (ms: number) => env.sleep(ms),
    async advanceTo(instant: number) {
      const now = await env.currentTimeMs();
      if (instant < now) throw new Error(`cannot go back in time to ${new Date(instant).toISOString()} (now ${new Date(now).toISOString()})`);
      if (instant > now) await env.sleep(instant - now);
    },

    async createUser(input: { name: string; role?: Role; department?: string; groups?: string[]; skills?: string[]; away?: boolean }) {
      const dept = input.department ? await department(input.department) : null;
      const email = `${input.name.toLowerCase().replace(/\W+/g, '.')}.${crypto.randomUUID().slice(0, 6)}@example.test`;
      const [row] = await db
        .insert(users)
        .values({ email, name: input.name, role: input.role ?? 'requester', departmentId: dept?.id ?? null, groups: input.groups ?? [], skills: input.skills ?? [], away: input.away ?? false })
        .returning();
      return row!;
    },

    async createDepartment(name: string) {
      const [row] = await db
        .insert(departments)
        .values({ slug: `${name.toLowerCase()}-${crypto.randomUUID().slice(0, 6)}`, name })
        .returning();
      return row!;
    },

    async createCalendar(calendar: BusinessCalendar, name = `calendar ${crypto.randomUUID().slice(0, 8)}`) {
      const [row] = await db
        .insert(businessCalendars)
        .values({ name, timezone: calendar.timezone, alwaysOpen: calendar.alwaysOpen ?? false, weeklyHours: calendar.weeklyHours, holidays: calendar.holidays })
        .returning();
      return row!;
    },

    /** A policy matching one requester group (so only the test's own tickets use it). Targets in minutes. */
    async createPolicy(
      input: { group: string; calendarId: string; firstResponse: number; nextResponse?: number; resolution: number } & Partial<
        Omit<NewSlaPolicyRow, 'firstResponseSeconds' | 'nextResponseSeconds' | 'resolutionSeconds'>
      >,
    ) {
      const { group, firstResponse, nextResponse, resolution, ...rest } = input;
      const [row] = await db
        .insert(slaPolicies)
        .values({
          name: `policy ${group}`,
          requesterGroup: group,
          firstResponseSeconds: Math.round(firstResponse * 60),
          nextResponseSeconds: Math.round((nextResponse ?? firstResponse) * 60),
          resolutionSeconds: Math.round(resolution * 60),
          escalation: [],
          ...rest,
        })
        .returning();
      return row!;
    },

    async setLifecycleSettings(values: Partial<LifecycleSettings>) {
      const [current] = await db.select().from(settings).where(eq(settings.key, LIFECYCLE_SETTINGS_KEY));
      await db
        .insert(settings)
        .values({ key: LIFECYCLE_SETTINGS_KEY, value: { ...(current?.value as object), ...values } })
        .onConflictDoUpdate({ target: settings.key, set: { value: { ...(current?.value as object), ...values } } });
    },

    /** Edits a policy the way the admin API does: version + 1, configuration version + 1, tell open tickets. */
    async editPolicy(id: string, values: Partial<NewSlaPolicyRow>, handles: TicketHandle[]) {
      await db
        .update(slaPolicies)
        .set({ ...values, version: sql`${slaPolicies.version} + 1` })
        .where(eq(slaPolicies.id, id));
      const version = await bumpSlaConfigVersion(db);
      for (const handle of handles) await handle.signal(slaConfigChangedSignal, { version });
      return version;
    },

    /** Starts a ticket's workflow as the create API does and waits until its intake is done. */
    async openTicket(input: { requester: { id: string }; title: string; description: string; urgency?: Priority }) {
      const ticket = await harness.startTicket(input);
      const view = await waitFor(ticket.handle, (s) => s.status !== 'new' || s.needsTriage || s.review !== null, 'the intake to finish');
      return { ...ticket, view };
    },

    /** Starts a ticket's workflow as the create API does (Update-With-Start returns once the row exists). */
    async startTicket(input: { requester: { id: string }; title: string; description: string; urgency?: Priority }) {
      const [intake] = await db.insert(ticketIntake).values({ requesterId: input.requester.id, idempotencyKey: crypto.randomUUID() }).returning();
      const handle = await env.client.workflow.start<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
        workflowId: ticketWorkflowId(intake!.number),
        taskQueue,
        args: [{ ticketId: intake!.id, number: intake!.number, title: input.title, description: input.description, urgency: input.urgency ?? 'medium', requesterId: input.requester.id }],
      });
      started.push(handle);
      await handle.executeUpdate(awaitPersistedUpdate);
      return { handle, id: intake!.id, number: intake!.number };
    },

    async row(ticketId: string) {
      const [row] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
      return row!;
    },
    events: (ticketId: string) => db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, ticketId)).orderBy(asc(ticketEvents.id)),
    async eventsOfKind(ticketId: string, kind: string) {
      return db
        .select()
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, kind)))
        .orderBy(asc(ticketEvents.id));
    },
    notifications: (ticketId: string) => db.select().from(notifications).where(eq(notifications.ticketId, ticketId)).orderBy(asc(notifications.id)),
    suggestions: (ticketId: string) => db.select().from(aiSuggestions).where(eq(aiSuggestions.ticketId, ticketId)),

    /** Runs an update and returns the failure it was rejected with (its type and message). */
    async rejection(run: () => Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
      try {
        await run();
      } catch (error) {
        if (!(error instanceof WorkflowUpdateFailedError)) throw error;
        const cause = error.cause as { type?: string; message: string } | undefined;
        return { type: cause?.type, message: cause?.message ?? error.message };
      }
      throw new Error('expected the update to be rejected');
    },

    /**
     * Ends every ticket workflow still running, so their timers do not fire while later tests skip
     * time. Each is terminated once idle: terminating one with a workflow task in flight can leave
     * the test server's time skipping locked (later sleeps then take real time).
     */
    async cleanup() {
      await Promise.all(started.splice(0).map((h) => terminateWhenIdle(h)));
    },

    async stop() {
      await Promise.all(started.map((h) => terminateWhenIdle(h)));
      worker.shutdown();
      await running;
      await database.close();
      await env.teardown();
    },
  };
  return harness;
}

export type LifecycleHarness = Awaited<ReturnType<typeof startLifecycleHarness>>;

async function terminateWhenIdle(handle: TicketHandle): Promise<void> {
  let idleChecks = 0;
  for (let i = 0; i < 200 && idleChecks < 2; i++) {
    const { status, raw } = await handle.describe().catch(() => ({ status: { name: 'UNKNOWN' }, raw: null }));
    if (status.name !== 'RUNNING') return;
    // Idle twice in a row: a finishing activity can schedule a workflow task right after one look.
    idleChecks = !raw?.pendingWorkflowTask && (raw?.pendingActivities?.length ?? 0) === 0 ? idleChecks + 1 : 0;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await handle.terminate('test finished').catch(() => undefined);
}

/** Epoch ms of an ISO instant written with its offset, e.g. '2026-11-27T16:00:00Z'. */
export const at = (isoInstant: string): number => {
  const ms = Date.parse(isoInstant);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${isoInstant}`);
  return ms;
};

/** The next instant after `from` that is the given ISO weekday (1 = Monday) at hh:mm UTC. */
export function nextWeekdayAt(from: number, isoWeekday: number, hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  const d = new Date(from);
  d.setUTCHours(h!, m!, 0, 0);
  for (let i = 0; i < 15; i++) {
    const weekday = ((d.getUTCDay() + 6) % 7) + 1;
    if (weekday === isoWeekday && d.getTime() > from) return d.getTime();
    d.setUTCDate(d.getUTCDate() + 1);
  }
  throw new Error('unreachable');
}
