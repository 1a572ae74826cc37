/**
 * Real components for the rooms' tests and the chat benchmark: PGlite (in memory, migrated),
 * the API (api/app.ts) and, on a listener of its own as in production, its internal endpoints
 * (api/internal/app.ts), both on @hono/node-server, and the rooms worker under `wrangler dev`
 * (workerd) on a free loopback port. Nothing is mocked. `faults` makes the internal endpoints answer with an
 * error status, to test what users see when the API is down. Tickets are inserted the way the
 * workflow's activity does, without workflows: the API's Temporal client talks to Temporal's test
 * server (or `temporal`, given), which answers the public-reply signals of stored messages with
 * "no such workflow", as for a closed ticket.
 */
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { serve } from '@hono/node-server';
import type { Client } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Hono } from 'hono';
import WebSocket from 'ws';
import { createApp } from '../api/app';
import { createDeskflowClient } from '../api/client';
import { createInternalApp } from '../api/internal/app';
import { departments, ticketIntake, tickets, users, type Role } from '../db/schema';
import { createLogger } from '../lib/logger';
import { hashPassword } from '../lib/password';
import { connectRoom, connectTicketRoom, type RoomClient, type RoomClientOptions } from '../realtime/client';
import { freePort } from '../lib/ports';
import { startRooms } from '../realtime/dev';
import { ROOM_TOKEN_TTL_SECONDS, signRoomToken, ticketRoomName } from '../realtime/token';
import { ensureTestServer } from '../scripts/tools';
import { createRoomsNotifier } from '../worker/rooms-notifier';
import { freshPglite } from './databases';

export type HarnessUser = { id: string; name: string; role: Role; email: string };

export type RoomsHarnessOptions = {
  typingTtlMs?: number;
  /** The rooms' periodic access re-check (ms); default the rooms' own (60 s). */
  accessRecheckMs?: number;
  /** Print wrangler's output (default: only when DESKFLOW_DEBUG_ROOMS is set). */
  verbose?: boolean;
  /** The API's Temporal client (default: a Temporal test server of the harness's own, without workflows). */
  temporal?: Client;
};

const secret = () => randomBytes(32).toString('hex');
export const HARNESS_PASSWORD = 'rooms-harness-password';

export async function startRoomsHarness(options: RoomsHarnessOptions = {}) {
  const ownTemporal = options.temporal ? null : await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: await ensureTestServer() } } });
  const temporal = options.temporal ?? ownTemporal!.client;
  const database = await freshPglite();
  const { db } = database;

  const [it] = await db.insert(departments).values({ slug: 'it', name: 'IT' }).returning();
  const passwordHash = await hashPassword(HARNESS_PASSWORD);
  /** Staff get a home department (IT unless named). */
  const createUser = async (name: string, role: Role, departmentId: string | null = role === 'requester' ? null : it!.id): Promise<HarnessUser> => {
    const email = `${name.toLowerCase().replace(/\W+/g, '.')}.${randomBytes(3).toString('hex')}@example.test`;
    const [row] = await db.insert(users).values({ email, name, role, departmentId, passwordHash }).returning();
    return { id: row!.id, name, role, email };
  };
  const people = {
    requester: await createUser('Rita Requester', 'requester'),
    otherRequester: await createUser('Otto Outsider', 'requester'),
    agent: await createUser('Ada Agent', 'agent'),
    agent2: await createUser('Bo Agent', 'agent'),
  };
  const createTicket = async (requester: HarnessUser = people.requester, departmentId: string = it!.id): Promise<string> => {
    const [intake] = await db.insert(ticketIntake).values({ requesterId: requester.id, idempotencyKey: crypto.randomUUID() }).returning();
    await db.insert(tickets).values({
      id: intake!.id,
      number: intake!.number,
      title: 'Printer on fire',
      description: 'It is on fire.',
      urgency: 'high',
      priority: 'high',
      requesterId: requester.id,
      departmentId,
      workflowId: `ticket-${intake!.number}`,
    });
    return intake!.id;
  };

  const internalSecret = secret();
  const roomTokenSecret = secret();
  /** Fault injection: when set, the internal endpoints answer with this status instead. */
  const faults: { status: number | null; onlyMethod?: 'GET' | 'POST' } = { status: null };
  const roomsPort = await freePort();
  const api = createApp({
    db,
    temporal,
    taskQueue: 'deskflow-rooms-harness',
    roomTokenSecret,
    roomsUrl: `http://127.0.0.1:${roomsPort}`,
    internalSecret,
    logger: createLogger('silent'),
    ping: database.ping,
  });
  /** How long the API took to answer each internal request from the rooms (ms), by method. */
  const apiTimings: { GET: number[]; POST: number[] } = { GET: [], POST: [] };
  const internal = new Hono();
  internal.use('/internal/*', async (c, next) => {
    if (faults.status !== null && (!faults.onlyMethod || faults.onlyMethod === c.req.method)) return c.json({ error: 'unavailable', message: 'injected fault' }, faults.status as 503);
    const started = performance.now();
    await next();
    const timings = c.req.method === 'POST' ? apiTimings.POST : apiTimings.GET;
    if (timings.length < 100_000) timings.push(performance.now() - started);
  });
  internal.route('/', createInternalApp({ db, internalSecret, temporal }));
  const listen = async (fetch: (request: Request) => Response | Promise<Response>) => {
    const server = serve({ fetch, hostname: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
  };
  const { server, url: apiUrl } = await listen(api.fetch);
  const { server: internalServer, url: internalUrl } = await listen(internal.fetch);
  const closeServers = async () => {
    await Promise.all([server, internalServer].map((s) => new Promise((resolve) => s.close(resolve))));
    await ownTemporal?.teardown();
  };

  const output: string[] = [];
  const verbose = options.verbose ?? Boolean(process.env.DESKFLOW_DEBUG_ROOMS);
  let rooms: Awaited<ReturnType<typeof startRooms>>;
  try {
    rooms = await startRooms({
      port: roomsPort,
      apiInternalUrl: internalUrl,
      roomTokenSecret,
      internalSecret,
      typingTtlMs: options.typingTtlMs,
      accessRecheckMs: options.accessRecheckMs,
      log: (line) => {
        output.push(line);
        if (output.length > 500) output.shift();
        if (verbose) process.stderr.write(`[rooms] ${line}\n`);
      },
    });
  } catch (error) {
    await closeServers();
    await database.close();
    throw error;
  }

  const clients = new Set<RoomClient>();

  const token = (user: HarnessUser, room: string, extra: { internal?: boolean; ttlSeconds?: number; secret?: string } = {}) =>
    signRoomToken(
      {
        sub: user.id,
        name: user.name,
        role: user.role,
        room,
        internal: extra.internal ?? user.role !== 'requester',
        exp: Math.floor(Date.now() / 1000) + (extra.ttlSeconds ?? ROOM_TOKEN_TTL_SECONDS),
      },
      extra.secret ?? roomTokenSecret,
    );

  type JoinOptions = Partial<Omit<RoomClientOptions, 'url' | 'room'>>;
  const track = (client: RoomClient) => {
    clients.add(client);
    return client;
  };

  return {
    db,
    database,
    apiUrl,
    /** The internal listener the rooms call (`/internal/*`). */
    internalUrl,
    roomsUrl: rooms.url,
    internalSecret,
    roomTokenSecret,
    faults,
    apiTimings,
    people,
    department: it!,
    createUser,
    createTicket,
    token,
    /** Wrangler's recent output, for failure messages. */
    output,
    /** Signs in through the API's tRPC endpoint; returns the typed client. */
    async signIn(user: HarnessUser) {
      const { token } = await createDeskflowClient(apiUrl).auth.signIn.mutate({ email: user.email, password: HARNESS_PASSWORD });
      return createDeskflowClient(apiUrl, token);
    },
    /** Joins a ticket room as a user (token signed for that room) and waits for the welcome. */
    async join(user: HarnessUser, ticketId: string, join: JoinOptions = {}) {
      const client = track(connectTicketRoom({ url: rooms.url, ticketId, token: await token(user, ticketRoomName(ticketId)), WebSocket, ...join }));
      await client.ready;
      return client;
    },
    /** Connects without waiting (to observe failures). `tokenValue`: a token or a provider of fresh ones. */
    connect(room: string, tokenValue: RoomClientOptions['token'], join: JoinOptions = {}) {
      return track(connectRoom({ url: rooms.url, room, token: tokenValue, WebSocket, ...join }));
    },
    notifier: createRoomsNotifier({ roomsUrl: rooms.url, internalSecret }),
    /** A raw WebSocket upgrade: resolves with the HTTP status the rooms answered (101 when it opened). */
    rawUpgrade(path: string): Promise<{ status: number; body: string; socket?: WebSocket }> {
      return new Promise((resolve, reject) => {
        const ws = new WebSocket(`${rooms.url.replace(/^http/, 'ws')}${path}`);
        ws.once('open', () => resolve({ status: 101, body: '', socket: ws }));
        ws.once('unexpected-response', (_req, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        ws.once('error', (error) => reject(error));
      });
    },
    /** Closes every client the harness opened; returns frames any of them could not validate. */
    closeClients(): string[] {
      const invalid = [...clients].flatMap((client) => client.invalidFrames);
      for (const client of clients) client.close();
      clients.clear();
      return invalid;
    },
    async stop() {
      for (const client of clients) client.close();
      clients.clear();
      await rooms.stop();
      await closeServers();
      await database.close();
    },
  };
}

export type RoomsHarness = Awaited<ReturnType<typeof startRoomsHarness>>;
