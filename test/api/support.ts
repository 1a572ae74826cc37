/**
 * The API on real components for test/api: PGlite (migrated, demo org seeded), the API over
 * real HTTP on loopback, and — when `temporal` is on — a Temporal dev server with the worker.
 * Without Temporal, tickets are inserted the way the workflow's activity writes them, for tests
 * about access, identity, attachments and admin that do not exercise the lifecycle.
 * With `rooms` on, the rooms run in workerd (wrangler dev) against this API's internal listener
 * and the worker pushes live events into them. Mail goes through the real log mailer into a
 * captured log, and is delivered to an inbox (standing in for the mail transport) that tests
 * read links from.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { eq } from 'drizzle-orm';
import { Client, Connection } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { pino } from 'pino';
import { createApp } from '../../api/app';
import { createDeskflowClient } from '../../api/client';
import type { ApiConfig } from '../../api/config';
import { createLogMailer, type Mail, type Mailer } from '../../api/mail';
import { transformer } from '../../api/transformer';
import type { Database } from '../../db/client';
import { departments, ticketIntake, tickets, users, type Priority, type TicketStatus } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { freePort } from '../../lib/ports';
import { createInternalApp } from '../../api/internal/app';
import { createRoomsAccessNotifier } from '../../api/internal/rooms-push';
import { startRooms } from '../../realtime/dev';
import { verifyRoomToken } from '../../realtime/token';
import { createRoomsNotifier } from '../../worker/rooms-notifier';
import { assignUpdate, reclassifyUpdate, triageUpdate } from '../../workflows/messages';
import { createDeskflowWorker, installTemporalRuntime } from '../../worker/worker';
import { freshPglite } from '../../dev-support/databases';
import { startDevServer } from '../../dev-support/stack';
import { defaultSentenceModelDir } from '../../lib/sentence-model';

export const PASSWORD = 'correct-horse-battery';
export const ROOM_SECRET = 'test-room-secret-0123456789abcdef0123456789';
const INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef012345';

export type CapturedMail = { to: string; subject: string; text: string };

export type ApiHarnessOptions = {
  temporal?: boolean;
  config?: Partial<ApiConfig>;
  /** Listen here (default: a free port). */
  port?: number;
  /** A fresh, migrated database (default: PGlite; see dev-support/databases.ts for PostgreSQL). */
  database?: () => Promise<Database>;
  /** Also run the rooms (wrangler dev, workerd) against this API, with the worker pushing live events into them. */
  rooms?: boolean;
  /** The worker embeds tickets with the sentence model (similar tickets, misuse reports). */
  embeddings?: boolean;
};

export type ApiHarness = Awaited<ReturnType<typeof startApi>>;

export async function startApi(options: ApiHarnessOptions = {}) {
  const database: Database = await (options.database ?? freshPglite)();
  await seedDemo(database.db, PASSWORD);
  const db = database.db;

  const logLines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) });
  const inbox: Mail[] = [];
  const logMailer = createLogMailer(logger);
  const mailer: Mailer = {
    async send(mail) {
      await logMailer.send(mail);
      inbox.push(mail);
    },
  };

  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  let workerRun: Promise<void> | undefined;
  const taskQueue = `deskflow-api-test-${crypto.randomUUID()}`;
  const roomsPort = options.rooms ? await freePort() : null;
  const roomsUrl = roomsPort ? `http://127.0.0.1:${roomsPort}` : 'http://127.0.0.1:1';
  const notifier = roomsPort ? createRoomsNotifier({ roomsUrl, internalSecret: INTERNAL_SECRET }) : undefined;
  let temporal: Client;
  if (options.temporal) {
    installTemporalRuntime(); // before the test environment instantiates the runtime with defaults
    env = await startDevServer();
    worker = await createDeskflowWorker({
      connection: env.nativeConnection,
      namespace: env.namespace ?? 'default',
      taskQueue,
      db,
      temporal: env.client,
      notifier,
      sentenceModelDir: options.embeddings ? (process.env.SENTENCE_MODEL_DIR ?? defaultSentenceModelDir()) : undefined,
    });
    workerRun = worker.run();
    temporal = env.client;
  } else {
    // Nothing listens here: any procedure that reaches Temporal fails as "unavailable".
    temporal = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '200 ms' }) });
  }

  const port = options.port ?? (await freePort());
  const url = `http://127.0.0.1:${port}`;
  const config: Partial<ApiConfig> = {
    publicUrl: url,
    appUrl: 'http://app.deskflow.test',
    corsOrigins: ['http://app.deskflow.test'],
    rateLimit: { capacity: 100_000, refillPerSecond: 10_000 },
    anonymousRateLimit: { capacity: 100_000, refillPerSecond: 10_000 },
    signInRateLimit: { capacity: 100_000, refillPerSecond: 10_000 },
    oidc: null,
    ...options.config,
  };
  const app = createApp({ db, temporal, taskQueue, roomTokenSecret: ROOM_SECRET, roomsUrl, internalSecret: roomsPort ? INTERNAL_SECRET : undefined, logger, mailer, ping: database.ping, config });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  if ((server.address() as AddressInfo).port !== port) throw new Error('server took another port');
  // The internal endpoints on a listener of their own, as in production.
  const internalServer = roomsPort
    ? serve({
        fetch: createInternalApp({ db, internalSecret: INTERNAL_SECRET, temporal, rooms: createRoomsAccessNotifier({ roomsUrl, internalSecret: INTERNAL_SECRET, logger }) }).fetch,
        hostname: '127.0.0.1',
        port: 0,
      })
    : null;
  if (internalServer) await new Promise<void>((resolve) => internalServer.once('listening', () => resolve()));
  const internalUrl = internalServer ? `http://127.0.0.1:${(internalServer.address() as AddressInfo).port}` : null;
  const rooms = internalUrl
    ? await startRooms({
        port: roomsPort!,
        apiInternalUrl: internalUrl,
        roomTokenSecret: ROOM_SECRET,
        internalSecret: INTERNAL_SECRET,
        log: (line) => void (process.env.DESKFLOW_DEBUG_ROOMS && process.stderr.write(`[rooms] ${line}\n`)),
      })
    : null;

  const ids = new Map((await db.select({ id: users.id, email: users.email }).from(users)).map((u) => [u.email, u.id]));
  const departmentIds = new Map((await db.select({ id: departments.id, slug: departments.slug }).from(departments)).map((d) => [d.slug, d.id]));

  return {
    url,
    db,
    env,
    logger,
    logLines,
    taskQueue,
    /** Mail delivered so far (the log gets it with its links' tokens redacted). */
    mails(): CapturedMail[] {
      return [...inbox];
    },
    userId(email: string): string {
      const id = ids.get(email);
      if (!id) throw new Error(`no demo user ${email}`);
      return id;
    },
    departmentId(slug: string): string {
      const id = departmentIds.get(slug);
      if (!id) throw new Error(`no department ${slug}`);
      return id;
    },
    client: (token?: string) => createDeskflowClient(url, token),
    async signIn(email: string, password = PASSWORD) {
      const session = await resendIfClosed(() => createDeskflowClient(url).auth.signIn.mutate({ email, password }));
      return { ...session, api: createDeskflowClient(url, session.token) };
    },
    /** A ticket row as the workflow's activity writes it (API-only harness). */
    async insertTicket(fields: {
      requester: string;
      title?: string;
      description?: string;
      department?: string | null;
      assignee?: string | null;
      status?: TicketStatus;
      priority?: Priority;
      createdAt?: Date;
    }) {
      const requesterId = ids.get(fields.requester) ?? fields.requester;
      const [intake] = await db
        .insert(ticketIntake)
        .values({ requesterId, idempotencyKey: `fixture:${crypto.randomUUID()}` })
        .returning();
      const [row] = await db
        .insert(tickets)
        .values({
          id: intake!.id,
          number: intake!.number,
          title: fields.title ?? 'Printer on floor 3 is jammed',
          description: fields.description ?? 'Paper stuck in tray 2 since this morning.',
          urgency: fields.priority ?? 'medium',
          priority: fields.priority ?? 'medium',
          status: fields.status ?? 'assigned',
          departmentId: fields.department ? (departmentIds.get(fields.department) ?? null) : null,
          assigneeId: fields.assignee ? (ids.get(fields.assignee) ?? fields.assignee) : null,
          requesterId,
          workflowId: `ticket-${intake!.number}`,
          ...(fields.createdAt ? { createdAt: fields.createdAt, updatedAt: fields.createdAt } : {}),
        })
        .returning();
      return row!;
    },
    /**
     * Puts a ticket created through the API (with its workflow) in a known place, whatever triage
     * decided: waits for intake to finish, then sends the workflow the same Updates a person would
     * (triage or reclassify to the department, then assign), as an admin.
     */
    async route(ticketId: string, target: { department: string; assignee?: string }) {
      if (!env) throw new Error('route() needs the harness with temporal: true');
      const deadline = Date.now() + 20_000;
      let row: typeof tickets.$inferSelect | undefined;
      for (;;) {
        [row] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
        if (row && row.lifecycleSeq > 0 && (row.status !== 'new' || row.needsTriage)) break;
        if (Date.now() > deadline) throw new Error(`ticket ${ticketId} did not finish intake`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const handle = env.client.workflow.getHandle(row.workflowId);
      const actor = { id: ids.get('admin@deskflow.test')!, role: 'admin' as const, departmentId: null };
      const departmentId = departmentIds.get(target.department)!;
      if (row.needsTriage || row.status === 'new') await handle.executeUpdate(triageUpdate, { args: [{ departmentId, category: null, priority: row.priority, actor }] });
      else if (row.departmentId !== departmentId) await handle.executeUpdate(reclassifyUpdate, { args: [{ departmentId, actor }] });
      const assigneeId = target.assignee ? ids.get(target.assignee) : undefined;
      if (assigneeId) {
        [row] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
        if (row!.assigneeId !== assigneeId) await handle.executeUpdate(assignUpdate, { args: [{ assigneeId, actor }] });
      }
      const [routed] = await db.select().from(tickets).where(eq(tickets.id, ticketId));
      return routed!;
    },
    async setActive(email: string, active: boolean) {
      await db.update(users).set({ active }).where(eq(users.email, email));
    },
    roomsUrl,
    /** The claims of a room token the API issued (as the rooms verify it). */
    async roomClaims(grant: { token: string; room: string }) {
      const check = await verifyRoomToken(grant.token, ROOM_SECRET, grant.room);
      if (!check.ok) throw new Error(`room token refused: ${check.reason}`);
      return check.claims;
    },
    /** The internal listener (`/internal/*`), when the rooms run. */
    internalUrl,
    /** The bearer secret of /internal (rooms and worker). */
    internalSecret: INTERNAL_SECRET,
    async stop() {
      await rooms?.stop();
      if (internalServer) await new Promise((resolve) => internalServer.close(resolve));
      await new Promise((resolve) => server.close(resolve));
      if (worker) {
        worker.shutdown();
        await workerRun;
      }
      await database.close();
      if (env) await env.teardown();
    },
  };
}

export const demo = {
  admin: 'admin@deskflow.test',
  supervisor: 'sam.supervisor@deskflow.test',
  itAgent: 'ivy.it@deskflow.test',
  itAgent2: 'otto.it@deskflow.test',
  hrAgent: 'hana.hr@deskflow.test',
  requester: 'rita.requester@deskflow.test',
  requester2: 'raj.requester@deskflow.test',
  requester3: 'rosa.requester@deskflow.test',
} as const;

/** The tRPC error code of a rejected call, or 'OK'. */
export async function outcome(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    const data = (error as { data?: { code?: string } }).data;
    if (data?.code) return data.code;
    throw error;
  }
}

/** One tRPC call over plain HTTP (no batching), for tests about headers, cookies and raw responses. */
export async function rawCall(baseUrl: string, path: string, options: { type?: 'query' | 'mutation'; input?: unknown; headers?: Record<string, string> } = {}) {
  const encoded = options.input === undefined ? undefined : JSON.stringify(transformer.input.serialize(options.input));
  const type = options.type ?? 'query';
  const url = type === 'query' && encoded ? `${baseUrl}/trpc/${path}?input=${encodeURIComponent(encoded)}` : `${baseUrl}/trpc/${path}`;
  const send = () =>
    fetch(url, {
      method: type === 'query' ? 'GET' : 'POST',
      headers: { ...(type === 'mutation' ? { 'content-type': 'application/json' } : {}), ...options.headers },
      body: type === 'mutation' ? (encoded ?? '') : undefined,
    });
  const response = await resendIfClosed(send);
  const text = await response.text();
  let body: { result?: { data?: unknown }; error?: unknown } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // not JSON: left empty, the status tells
  }
  return { status: response.status, headers: response.headers, text, data: decodeOutput(body.result?.data), error: decodeOutput(body.error) as RawError | undefined };
}

type RawError = { message?: string; data?: { code?: string; zodError?: unknown; retryAfterSeconds?: number | null } };

/** A response's data or error, decoded as the typed client does (api/transformer.ts). */
export function decodeOutput(value: unknown): unknown {
  return value === undefined ? undefined : transformer.output.deserialize(value);
}

/**
 * After refusing an oversized request (413, 431) the server closes that connection; a request
 * the client had already put on it fails with "other side closed" and is simply sent again.
 */
export async function resendIfClosed<T>(send: () => Promise<T>): Promise<T> {
  try {
    return await send();
  } catch (error) {
    const codes = [error, (error as { cause?: unknown }).cause, ((error as { cause?: { cause?: unknown } }).cause as { cause?: unknown } | undefined)?.cause].map(
      (e) => (e as { code?: string } | undefined)?.code,
    );
    if (codes.includes('UND_ERR_SOCKET')) return send();
    throw error;
  }
}
