/**
 * Deskflow's live rooms: a Cloudflare Worker (run locally by `wrangler dev`) with one Durable
 * Object class, `Room`, addressed as `/parties/room/<name>`:
 *   - `ticket-<ticketId>`: the ticket's conversation (messages, typing, presence, read markers)
 *     and its live events;
 *   - `queue-<departmentSlug>`: the department's live queue (agents only);
 *   - `user-<userId>`: one user's notification channel.
 *
 * Clients connect with a room token (`?token=`) the API issued; it is verified here, at the
 * edge, without a database round trip. The identity travels to the room in a header.
 * The API and workflow activities POST into rooms with the internal bearer secret.
 * Rooms never touch Postgres: they read and store messages through the API's internal endpoints.
 *
 * Access re-checks. A token says who someone is and what they could do when it was issued
 * (ten minutes at most); what they may do now is the API's call (domain/access.ts), asked
 * through `GET /internal/rooms/access`, so the rooms still need no database:
 *   - at its `exp` the room closes a connection (4001 "token expired"); the client fetches a
 *     fresh token and resumes from its last message id;
 *   - on every connect the room asks the API about the user before the welcome: a deactivated
 *     user or one the ticket moved away from is refused even with an unexpired token, and
 *     `internal` is the token's claim AND the API's current staff powers;
 *   - on an `access_changed` push the room asks again about its connected users and closes
 *     those who lost the room (4003 "access revoked", no reconnect) or whose staff powers
 *     changed (4002 "access changed": the client reconnects with a fresh token, so its welcome
 *     and history match what it may see now). The worker pushes it into a ticket's room when
 *     the ticket's department or assignee changes. For a changed user (deactivated, new role
 *     or departments) the API pushes it into the user's channel, `user-<id>`, which forwards
 *     it to every room the user is connected to: ticket and queue rooms report a user's first
 *     connection and last disconnection to that channel, which keeps the list in its Durable
 *     Object storage (so it outlives the channel being evicted from memory; a room that
 *     answers "not connected" is dropped from it);
 *   - as a backstop for changes nobody pushes (a watcher removed, a lost push), every
 *     ACCESS_RECHECK_MS (60 s) while anyone is connected.
 * A failed re-check keeps connections as they are (the API is down: nothing can be stored
 * either) and the next one tries again; a failed connect-time check refuses the connection for now.
 */
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { getServerByName, routePartykitRequest, Server, type Connection, type ConnectionContext, type Lobby, type WSMessage } from 'partyserver';
import type { z } from 'zod';
import {
  CloseCode,
  DEFAULT_TYPING_TTL_MS,
  FLOOD_MAX_DROPPED,
  FLOOD_WINDOW_MS,
  MAX_ACCESS_USERS,
  MAX_FRAME_BYTES,
  MessagesPage,
  RATE_BURST,
  RATE_PER_SECOND,
  REPLAY_PAGE,
  RoomAccessAnswer,
  RoomPush,
  RoomPushResult,
  StoreMessageResult,
  WELCOME_HISTORY,
  decodeClientFrame,
  describeIssue,
  encodeFrame,
  isAgentOnlyEvent,
  type ErrorCode,
  type ParsedClientFrame,
  type PresenceState,
  type RoomAccess,
  type RoomUser,
  type ServerFrame,
  type StoredMessage,
} from './protocol';
import { Batcher, FloodGuard, MessageLog, Mutex, RecentIds, TokenBucket } from './room-state';
import { RoomClaims, constantTimeEqual, parseRoomName, userRoomName, verifyRoomToken, type RoomName } from './token';

export interface RoomsEnv {
  Room: DurableObjectNamespace<Room>;
  /** Secret the API signs room tokens with. */
  ROOM_TOKEN_SECRET?: string;
  /** Bearer secret between the API, the workflow worker and the rooms. */
  INTERNAL_API_SECRET?: string;
  /** Base URL of the API's internal endpoints, e.g. http://127.0.0.1:3000. */
  API_INTERNAL_URL?: string;
  /** Typing indicator expiry (ms); default 6000. */
  TYPING_TTL_MS?: string;
  /** How often a room re-checks its connected users' access with the API (ms); default 60000. */
  ACCESS_RECHECK_MS?: string;
  /** Echoed by /health so a launcher knows it reached the instance it started. */
  ROOMS_INSTANCE?: string;
}

const IDENTITY_HEADER = 'x-deskflow-identity';
/** Messages a ticket room keeps in memory (replays after an older id ask the API). */
const LOG_CAPACITY = 200;
/** Messages loaded when a ticket room wakes up. */
const LOAD_SIZE = 100;
const API_TIMEOUT_MS = 5000;
const MAX_PUSH_BYTES = 64 * 1024;
const DEFAULT_ACCESS_RECHECK_MS = 60_000;
/** Longest timer delay (a longer one would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Registry keys in a user channel's storage: the rooms its user is connected to. */
const MEMBER_KEY = 'member:';

// -------------------------------------------------------------------------------------------
// Worker entry: health, auth at the edge, routing to rooms
// -------------------------------------------------------------------------------------------

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function misconfigured(env: RoomsEnv): string | null {
  for (const key of ['ROOM_TOKEN_SECRET', 'INTERNAL_API_SECRET', 'API_INTERNAL_URL'] as const) {
    if (!env[key]) return `rooms are misconfigured: ${key} is not set (pass it with --env-file or realtime/.dev.vars)`;
  }
  return null;
}

async function authorizeConnection(request: Request, lobby: Lobby<RoomsEnv>, env: RoomsEnv): Promise<Request | Response> {
  const room = parseRoomName(lobby.name);
  if (!room) return json({ error: 'not_found', message: 'no such room' }, 404);
  const problem = misconfigured(env);
  if (problem) return json({ error: 'misconfigured', message: problem }, 500);
  const url = new URL(request.url);
  const check = await verifyRoomToken(url.searchParams.get('token'), env.ROOM_TOKEN_SECRET!, lobby.name);
  if (!check.ok) {
    const reason = check.reason === 'expired' || check.reason === 'missing' ? check.reason : 'invalid';
    return json({ error: 'unauthorized', reason }, 401);
  }
  const { claims } = check;
  if (room.kind === 'queue' && !claims.internal) return json({ error: 'forbidden', message: 'queue rooms are for agents' }, 403);
  if (room.kind === 'user' && claims.sub !== room.userId) return json({ error: 'forbidden', message: 'not your channel' }, 403);
  // The token stays out of the room; connection ids are the room's choice, never the client's.
  url.searchParams.delete('token');
  url.searchParams.set('_pk', crypto.randomUUID());
  const headers = new Headers(request.headers);
  headers.set(IDENTITY_HEADER, encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(claims))));
  return new Request(url.toString(), { method: request.method, headers });
}

/**
 * Reads and drops a refused request's body (up to a bound) before answering: an unread body
 * leaves the connection unusable behind proxies such as wrangler dev's.
 */
async function discardBody(request: Request, limit = 1024 * 1024): Promise<void> {
  if (!request.body) return;
  const reader = request.body.getReader();
  let read = 0;
  try {
    while (read <= limit) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client went away; nothing to answer
  }
}

/** The body as text, or null if it is longer than `limit` bytes (the rest is read and dropped). */
async function readBounded(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Drain a little more so the connection stays usable, then give up on the rest.
      while (size <= limit + 1024 * 1024) {
        const next = await reader.read();
        if (next.done) break;
        size += next.value.byteLength;
      }
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(joined);
}

async function authorizePush(request: Request, lobby: Lobby<RoomsEnv>, env: RoomsEnv): Promise<Request | Response> {
  const refusal = ((): Response | null => {
    if (!env.INTERNAL_API_SECRET) return json({ error: 'misconfigured', message: 'rooms are misconfigured: INTERNAL_API_SECRET is not set' }, 500);
    if (!constantTimeEqual(request.headers.get('authorization') ?? '', `Bearer ${env.INTERNAL_API_SECRET}`)) {
      return json({ error: 'unauthorized', message: 'missing or wrong internal bearer secret' }, 401);
    }
    if (!parseRoomName(lobby.name)) return json({ error: 'not_found', message: 'no such room' }, 404);
    if (request.method !== 'POST') return json({ error: 'method_not_allowed', message: 'POST a room push' }, 405);
    if (Number(request.headers.get('content-length') ?? '0') > MAX_PUSH_BYTES) return json({ error: 'too_large', message: `pushes are limited to ${MAX_PUSH_BYTES} bytes` }, 413);
    return null;
  })();
  if (refusal) {
    await discardBody(request);
    return refusal;
  }
  const headers = new Headers(request.headers);
  headers.delete(IDENTITY_HEADER);
  return new Request(request, { headers });
}

export default {
  async fetch(request: Request, env: RoomsEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') return json({ status: 'ok', instance: env.ROOMS_INSTANCE ?? null, problem: misconfigured(env) });
    const response = await routePartykitRequest<RoomsEnv>(request, env, {
      onBeforeConnect: (req, lobby) => authorizeConnection(req, lobby, env),
      onBeforeRequest: (req, lobby) => authorizePush(req, lobby, env),
    });
    return response ?? json({ error: 'not_found', message: 'not found' }, 404);
  },
} satisfies ExportedHandler<RoomsEnv>;

// -------------------------------------------------------------------------------------------
// The room
// -------------------------------------------------------------------------------------------

/** Typed connection state: who this is (from the verified token) and how they appear. */
type ConnState = {
  userId: string;
  name: string;
  role: RoomUser['role'];
  /** May see internal notes and agent-only events: the token's claim and, since the last check, the API's say. */
  internal: boolean;
  /** The token's `internal` claim (a ceiling: a re-check may lower `internal`, never raise it past this). */
  granted: boolean;
  presence: PresenceState;
  /** Welcome sent: live frames may follow. */
  ready: boolean;
};
type Conn = Connection<ConnState>;

/**
 * Per connection: its rate limit, its stores one at a time (a sender's messages keep their
 * order), and the timer that closes it when its token expires.
 */
type Runtime = { bucket: TokenBucket; flood: FloodGuard; closed: boolean; stores: Mutex; expiry: ReturnType<typeof setTimeout> };
type Origin = { connId: string; messageId: number };

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** How a client should read a failed store. */
  get frameCode(): ErrorCode {
    if (this.status === 400 || this.status === 409) return 'bad_frame';
    if (this.status === 403) return 'forbidden';
    if (this.status === 404) return 'not_found';
    if (this.status === 413) return 'too_large';
    return 'unavailable';
  }
}

function readIdentity(request: Request): RoomClaims | null {
  const header = request.headers.get(IDENTITY_HEADER);
  if (!header) return null;
  try {
    const parsed = RoomClaims.safeParse(JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(header))));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function parseAfter(url: string): number | null {
  const value = new URL(url).searchParams.get('after');
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}

export class Room extends Server<RoomsEnv> {
  static override options = { hibernate: false };

  private room!: RoomName;
  private readonly log = new MessageLog(LOG_CAPACITY);
  /** Orders everything that delivers messages or welcomes a connection. */
  private readonly pipeline = new Mutex();
  private readonly runtime = new Map<string, Runtime>();
  private readonly typing = new Map<string, { name: string; internal: boolean; timer: ReturnType<typeof setTimeout> }>();
  private readonly reads = new Map<string, { messageId: number; visibleToAll: boolean }>();
  private readonly announced = new Map<string, PresenceState>();
  private readonly events = new RecentIds(2000);
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Connections per user (from connect to close): a user's first and last are reported to their channel. */
  private readonly members = new Map<string, { count: number; joined: Promise<void> }>();
  /** Each user's membership reports, in order. */
  private readonly reports = new Map<string, Promise<void>>();
  /** Connect-time access checks, one API call per round trip. */
  private readonly accessChecks = new Batcher<string, RoomAccess>((userIds) => this.accessOf(userIds), MAX_ACCESS_USERS);
  /** Users to re-check (`all`: everyone connected), and whether a re-check is running. */
  private recheckAll = false;
  private readonly recheckUsers = new Set<string>();
  private rechecking = false;
  private backstop: ReturnType<typeof setInterval> | null = null;

  override onStart() {
    const room = parseRoomName(this.name);
    if (!room) throw new Error(`not a room name: ${this.name}`);
    this.room = room;
  }

  private get typingTtlMs(): number {
    const value = Number(this.env.TYPING_TTL_MS);
    return Number.isFinite(value) && value >= 100 ? value : DEFAULT_TYPING_TTL_MS;
  }

  private get accessRecheckMs(): number {
    const value = Number(this.env.ACCESS_RECHECK_MS);
    return Number.isFinite(value) && value >= 500 ? value : DEFAULT_ACCESS_RECHECK_MS;
  }

  // --- connections ---------------------------------------------------------------------------

  override async onConnect(connection: Connection, ctx: ConnectionContext) {
    const conn = connection as Conn;
    const claims = readIdentity(ctx.request);
    if (!claims) {
      conn.close(CloseCode.internalError, 'missing identity');
      return;
    }
    conn.setState({ userId: claims.sub, name: claims.name, role: claims.role, internal: claims.internal, granted: claims.internal, presence: 'online', ready: false });
    // The edge refused expired tokens; this one is closed when it expires (setTimeout: the room lives while anyone is connected).
    const expiry = setTimeout(() => this.closeConnection(conn, CloseCode.tokenExpired, 'token expired'), Math.min(Math.max(0, claims.exp * 1000 - Date.now()), MAX_TIMER_MS));
    this.runtime.set(conn.id, { bucket: new TokenBucket(RATE_PER_SECOND, RATE_BURST), flood: new FloodGuard(FLOOD_MAX_DROPPED, FLOOD_WINDOW_MS), closed: false, stores: new Mutex(), expiry });
    this.backstop ??= setInterval(() => this.recheck(), this.accessRecheckMs);
    try {
      // Registered with the user's channel before asking the API: a change the check misses is forwarded here.
      await this.join(claims.sub);
      const access = await this.accessChecks.get(claims.sub);
      if (!access.see) {
        this.revoke(conn);
        return;
      }
      if (!access.staff) conn.setState((state) => ({ ...state!, internal: false }));
      if (this.runtime.get(conn.id)?.closed !== false) return; // closed meanwhile (expired, or a re-check revoked it)
      await this.pipeline.run(async () => {
        let history: { messages: StoredMessage[]; hasMore: boolean } = { messages: [], hasMore: false };
        const after = parseAfter(ctx.request.url);
        if (this.room.kind === 'ticket') {
          await this.refresh();
          history = await this.historyFor(conn.state!, after);
        }
        this.send(conn, this.welcome(conn, history, after));
        conn.setState((state) => ({ ...state!, ready: true }));
      });
    } catch (error) {
      this.reportFailure('welcome', error);
      this.sendError(conn, 'unavailable', 'the conversation could not be loaded; reconnecting', { retryable: true });
      this.closeConnection(conn, CloseCode.tryAgainLater, 'try again later');
      return;
    }
    this.announcePresence(conn.state!);
  }

  override onClose(connection: Connection) {
    const conn = connection as Conn;
    this.release(conn);
    const state = conn.state;
    if (!state) return;
    if (!this.isConnected(state.userId)) this.stopTyping(state.userId);
    this.announcePresence(state);
  }

  override onError(connection: Connection) {
    this.onClose(connection);
  }

  private welcome(conn: Conn, history: { messages: StoredMessage[]; hasMore: boolean }, after: number | null): ServerFrame {
    const me = conn.state!;
    const present = new Map<string, RoomUser & { state: PresenceState }>();
    for (const other of this.readyConnections()) {
      const s = other.state!;
      const seen = present.get(s.userId);
      if (!seen || (seen.state === 'away' && s.presence === 'online')) present.set(s.userId, { userId: s.userId, name: s.name, role: s.role, state: s.presence });
    }
    present.set(me.userId, { userId: me.userId, name: me.name, role: me.role, state: me.presence });
    return {
      type: 'welcome',
      room: this.name,
      you: { userId: me.userId, name: me.name, role: me.role, internal: me.internal, connectionId: conn.id },
      history: history.messages,
      hasMore: history.hasMore,
      lastId: history.messages.at(-1)?.id ?? after ?? 0,
      present: [...present.values()],
      typing: [...this.typing].filter(([userId, t]) => userId !== me.userId && (me.internal || !t.internal)).map(([userId, t]) => ({ userId, name: t.name })),
      reads: [...this.reads].filter(([, r]) => me.internal || r.visibleToAll).map(([userId, r]) => ({ userId, messageId: r.messageId })),
      limits: { maxFrameBytes: MAX_FRAME_BYTES, typingTtlMs: this.typingTtlMs, ratePerSecond: RATE_PER_SECOND, burst: RATE_BURST },
    };
  }

  // --- inbound frames -----------------------------------------------------------------------

  override async onMessage(connection: Connection, raw: WSMessage) {
    const conn = connection as Conn;
    const rt = this.runtime.get(conn.id);
    const state = conn.state;
    if (!rt || rt.closed || !state?.ready) return;
    if (!rt.bucket.take()) {
      const { warn, disconnect } = rt.flood.drop();
      if (disconnect) {
        rt.closed = true;
        this.sendError(conn, 'rate_limited', 'too many frames: disconnected');
        conn.close(CloseCode.policy, 'rate limit exceeded');
        return;
      }
      // A dropped message is named, so its sender knows to send it again later.
      const dropped = decodeClientFrame(raw);
      if (dropped.ok && dropped.frame.type === 'message') this.sendError(conn, 'rate_limited', 'not stored: too many frames; send it again shortly', { clientId: dropped.frame.clientId, retryable: true });
      else if (warn) this.sendError(conn, 'rate_limited', `slow down: at most ${RATE_PER_SECOND} frames per second`);
      return;
    }
    const decoded = decodeClientFrame(raw);
    if (!decoded.ok) {
      this.sendError(conn, decoded.code, decoded.message);
      return;
    }
    try {
      await this.handle(conn, state, decoded.frame);
    } catch (error) {
      this.reportFailure(`handling ${decoded.frame.type}`, error);
      const clientId = decoded.frame.type === 'message' ? decoded.frame.clientId : undefined;
      if (error instanceof ApiError && error.status === 403) {
        this.sendError(conn, 'forbidden', 'you no longer have access to this', { clientId });
        this.recheck(state.userId);
        return;
      }
      this.sendError(conn, 'internal', 'something went wrong in the room', { clientId });
    }
  }

  private async handle(conn: Conn, state: ConnState, frame: ParsedClientFrame) {
    if (frame.type === 'presence') return this.setPresence(conn, frame.state);
    if (this.room.kind !== 'ticket') return this.sendError(conn, 'unsupported', `${frame.type} frames are only for ticket rooms`);
    switch (frame.type) {
      case 'message':
        return this.runtime.get(conn.id)?.stores.run(() => this.postMessage(conn, state, frame));
      case 'typing':
        if (frame.internal && !state.internal) return this.sendError(conn, 'forbidden', 'only agents write internal notes');
        return frame.state === 'start' ? this.startTyping(state, frame.internal) : this.stopTyping(state.userId);
      case 'read':
        return this.markRead(conn, state, frame.messageId);
      case 'sync':
        return this.pipeline.run(async () => {
          const page = await this.historyFor(state, frame.afterId);
          this.send(conn, { type: 'history', messages: page.messages, hasMore: page.hasMore, lastId: page.messages.at(-1)?.id ?? frame.afterId });
        });
    }
  }

  /** Stored before delivered: the API stores the message, then the room acks and fans it out, in id order. */
  private async postMessage(conn: Conn, state: ConnState, frame: Extract<ParsedClientFrame, { type: 'message' }>) {
    const { clientId } = frame;
    if (frame.internal && !state.internal) return this.sendError(conn, 'forbidden', 'only agents post internal notes', { clientId });
    if (frame.ai && !state.internal) return this.sendError(conn, 'forbidden', 'only agents send AI suggestions', { clientId });
    let stored: z.infer<typeof StoreMessageResult>;
    try {
      stored = await this.api(`/internal/rooms/tickets/${this.ticketId}/messages`, StoreMessageResult, {
        method: 'POST',
        body: { authorId: state.userId, body: frame.body, internal: frame.internal, ai: frame.ai, clientId },
      });
    } catch (error) {
      const code = error instanceof ApiError ? error.frameCode : 'unavailable';
      if (code === 'unavailable') this.reportFailure('storing a message', error);
      const message = code === 'unavailable' ? 'not stored: the service is unavailable; resend with the same clientId' : `not stored: ${error instanceof Error ? error.message : 'rejected'}`;
      this.sendError(conn, code, message, { clientId, retryable: code === 'unavailable' });
      // Refused for who the author is now (deactivated, lost the ticket, lost staff powers): this connection is out of date.
      if (code === 'forbidden') this.recheck(state.userId);
      return;
    }
    const { message, previousId } = stored;
    await this.pipeline.run(async () => {
      try {
        await this.deliverStored(message, previousId, { connId: conn.id, messageId: message.id });
      } catch (error) {
        // Stored but not yet fanned out (the API failed mid-way): retry delivery shortly.
        this.reportFailure('delivering a message', error);
        this.scheduleRetry();
      }
      this.send(conn, { type: 'ack', clientId, id: message.id, createdAt: message.createdAt });
    });
    this.stopTyping(state.userId);
  }

  // --- ordered delivery --------------------------------------------------------------------

  private get ticketId(): string {
    if (this.room.kind !== 'ticket') throw new Error('not a ticket room');
    return this.room.ticketId;
  }

  /** Called inside the pipeline. Delivers a stored message, or everything missed up to it. */
  private async deliverStored(message: StoredMessage, previousId: number | null, origin?: Origin) {
    if (message.ticketId !== this.ticketId) throw new Error(`message ${message.id} belongs to another ticket`);
    if (!this.log.loaded) return; // nobody is connected yet; the next join loads from the API
    if (message.id <= this.log.lastId!) return; // a resend, or delivered by an earlier catch-up
    if (previousId !== null && previousId === this.log.lastId) this.deliver(message, origin);
    else await this.catchUp(origin);
  }

  private deliver(message: StoredMessage, origin?: Origin) {
    if (!this.log.append(message)) return;
    const isOrigin = (c: Conn) => origin !== undefined && c.id === origin.connId && message.id === origin.messageId;
    this.fanOut({ type: 'message', message }, { internalOnly: message.internal, except: isOrigin });
  }

  private async load() {
    const page = await this.fetchPage({ limit: LOAD_SIZE, internal: true });
    this.log.reset(page.messages, !page.hasMore);
  }

  /** Fetches and delivers, in order, every message after the last delivered one. */
  private async catchUp(origin?: Origin) {
    if (!this.log.loaded) return this.load();
    for (;;) {
      const page = await this.fetchPage({ after: this.log.lastId!, limit: REPLAY_PAGE, internal: true });
      for (const message of page.messages) this.deliver(message, origin);
      if (!page.hasMore || page.messages.length === 0) return;
    }
  }

  /** Before a welcome: load the room, or catch up if nobody was listening (pushes may have been missed). */
  private async refresh() {
    if (!this.log.loaded) await this.load();
    else if (!this.hasReadyConnections()) await this.catchUp();
  }

  private scheduleRetry(delayMs = 1000) {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.hasReadyConnections()) return;
      this.pipeline.run(() => this.catchUp()).catch((error: unknown) => {
        this.reportFailure('retrying delivery', error);
        this.scheduleRetry(Math.min(delayMs * 2, 30_000));
      });
    }, delayMs);
  }

  /** Called inside the pipeline: the messages after `after` (or the latest) this viewer may see. */
  private async historyFor(viewer: ConnState, after: number | null): Promise<{ messages: StoredMessage[]; hasMore: boolean }> {
    if (after === null) {
      const fromLog = this.log.latest(viewer.internal, WELCOME_HISTORY);
      if (fromLog) return { messages: fromLog, hasMore: false };
      const page = await this.fetchPage({ limit: WELCOME_HISTORY, internal: viewer.internal, viewer: viewer.userId });
      return { messages: await this.upToDelivered(page.messages), hasMore: false };
    }
    if (this.log.covers(after)) return this.log.after(after, viewer.internal, REPLAY_PAGE);
    const page = await this.fetchPage({ after, limit: REPLAY_PAGE, internal: viewer.internal, viewer: viewer.userId });
    const messages = await this.upToDelivered(page.messages);
    return { messages, hasMore: page.hasMore || messages.length < page.messages.length };
  }

  /** History must not run ahead of live delivery, or a message would arrive twice. */
  private async upToDelivered(messages: StoredMessage[]): Promise<StoredMessage[]> {
    if (messages.some((m) => m.id > this.log.lastId!)) await this.catchUp();
    return messages.filter((m) => m.id <= this.log.lastId!);
  }

  // --- typing, presence, read markers --------------------------------------------------------

  private startTyping(state: ConnState, internal: boolean) {
    const current = this.typing.get(state.userId);
    if (current && current.internal !== internal) this.stopTyping(state.userId);
    const previous = this.typing.get(state.userId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => this.stopTyping(state.userId), this.typingTtlMs);
    this.typing.set(state.userId, { name: state.name, internal, timer });
    if (!previous) this.fanOut({ type: 'typing', userId: state.userId, name: state.name, state: 'start', internal }, { internalOnly: internal, except: (c) => c.state!.userId === state.userId });
  }

  private stopTyping(userId: string) {
    const current = this.typing.get(userId);
    if (!current) return;
    clearTimeout(current.timer);
    this.typing.delete(userId);
    this.fanOut({ type: 'typing', userId, name: current.name, state: 'stop', internal: current.internal }, { internalOnly: current.internal, except: (c) => c.state!.userId === userId });
  }

  private setPresence(conn: Conn, presence: PresenceState) {
    conn.setState((state) => ({ ...state!, presence }));
    this.announcePresence(conn.state!);
  }

  /** Broadcasts a user's combined presence (online if any connection is) when it changed. */
  private announcePresence(user: RoomUser) {
    let now: PresenceState | 'offline' = 'offline';
    for (const c of this.readyConnections()) {
      const s = c.state!;
      if (s.userId !== user.userId) continue;
      if (s.presence === 'online') now = 'online';
      else if (now === 'offline') now = 'away';
    }
    const before = this.announced.get(user.userId) ?? 'offline';
    if (now === before) return;
    if (now === 'offline') this.announced.delete(user.userId);
    else this.announced.set(user.userId, now);
    this.fanOut({ type: 'presence', user: { userId: user.userId, name: user.name, role: user.role }, state: now }, { except: (c) => c.state!.userId === user.userId });
  }

  private markRead(conn: Conn, state: ConnState, messageId: number) {
    if (!this.log.loaded || messageId > this.log.lastId!) return this.sendError(conn, 'not_found', 'no such message in this room');
    const known = this.log.get(messageId);
    if (!state.internal && known?.internal) return this.sendError(conn, 'not_found', 'no such message in this room');
    const previous = this.reads.get(state.userId);
    if (previous && previous.messageId >= messageId) return;
    const visibleToAll = known !== undefined && !known.internal;
    this.reads.set(state.userId, { messageId, visibleToAll });
    this.fanOut({ type: 'read', userId: state.userId, messageId }, { internalOnly: !visibleToAll, except: (c) => c.id === conn.id });
  }

  // --- access: expiry, re-checks, the user's channel as registry ----------------------------

  /** Closes a connection from the room's side and forgets its runtime (once). */
  private closeConnection(conn: Conn, code: number, reason: string) {
    const rt = this.runtime.get(conn.id);
    if (rt) rt.closed = true;
    this.release(conn);
    try {
      conn.close(code, reason);
    } catch {
      // already closing
    }
  }

  private revoke(conn: Conn) {
    this.sendError(conn, 'forbidden', 'you no longer have access to this room');
    this.closeConnection(conn, CloseCode.accessRevoked, 'access revoked');
  }

  /** Once per connection, on close or when the room closes it: timers, membership, the backstop. */
  private release(conn: Conn) {
    const rt = this.runtime.get(conn.id);
    if (!rt) return;
    clearTimeout(rt.expiry);
    this.runtime.delete(conn.id);
    const userId = conn.state?.userId;
    const member = userId === undefined ? undefined : this.members.get(userId);
    if (userId !== undefined && member && --member.count === 0) {
      this.members.delete(userId);
      if (this.room.kind !== 'user') void this.report(userId, false);
    }
    if (this.runtime.size === 0 && this.backstop) {
      clearInterval(this.backstop);
      this.backstop = null;
    }
  }

  /** Counts a user's connection; their first one here is reported to their channel (awaited by each of their connects). */
  private join(userId: string): Promise<void> {
    const member = this.members.get(userId);
    if (member) {
      member.count++;
      return member.joined;
    }
    const joined = this.room.kind === 'user' ? Promise.resolve() : this.report(userId, true);
    this.members.set(userId, { count: 1, joined });
    return joined;
  }

  /** Tells the user's channel they joined or left this room, in order; never rejects (the backstop covers a lost report). */
  private report(userId: string, connected: boolean): Promise<void> {
    const previous = this.reports.get(userId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        await this.pushTo(userRoomName(userId), { type: 'membership', userId, room: this.name, connected });
      } catch (error) {
        this.reportFailure(`telling ${userRoomName(userId)} about ${connected ? 'a join' : 'a leave'}`, error);
      }
    });
    this.reports.set(userId, next);
    void next.then(() => {
      if (this.reports.get(userId) === next) this.reports.delete(userId);
    });
    return next;
  }

  /** A push into another room of this worker (Durable Object to Durable Object, past the edge's auth). */
  private async pushTo(room: string, body: RoomPush): Promise<RoomPushResult> {
    const stub = await getServerByName(this.env.Room, room);
    const response = await stub.fetch('https://rooms.internal/push', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
    const parsed = RoomPushResult.safeParse(await response.json().catch(() => null));
    if (!response.ok || !parsed.success) throw new Error(`HTTP ${response.status}`);
    return parsed.data;
  }

  /**
   * Asks the API again about one user's connections (or everyone's) and closes what it no
   * longer allows. Returns how many of those connections there are now.
   */
  private recheck(userId?: string): number {
    if (userId === undefined) this.recheckAll = true;
    else this.recheckUsers.add(userId);
    void this.runRechecks();
    if (userId !== undefined) return this.members.get(userId)?.count ?? 0;
    return this.runtime.size;
  }

  private async runRechecks() {
    if (this.rechecking) return;
    this.rechecking = true;
    try {
      while (this.recheckAll || this.recheckUsers.size > 0) {
        const all = this.recheckAll;
        const only = new Set(this.recheckUsers);
        this.recheckAll = false;
        this.recheckUsers.clear();
        // Connections still being welcomed too: their connect-time answer may predate the change.
        const targets = [...this.getConnections<ConnState>()].filter((c) => c.state && this.runtime.has(c.id) && (all || only.has(c.state.userId)));
        if (targets.length === 0) continue;
        let access: Map<string, RoomAccess>;
        try {
          access = await this.accessOf([...new Set(targets.map((c) => c.state!.userId))]);
        } catch (error) {
          this.reportFailure('re-checking access', error); // connections stay; the next re-check tries again
          continue;
        }
        for (const conn of targets) {
          if (!this.runtime.has(conn.id)) continue;
          const now = access.get(conn.state!.userId);
          if (!now?.see) this.revoke(conn);
          else if ((conn.state!.granted && now.staff) !== conn.state!.internal) this.closeConnection(conn, CloseCode.accessChanged, 'access changed, reconnect');
        }
      }
    } finally {
      this.rechecking = false;
    }
  }

  /** What the API says these users may do in this room now. */
  private async accessOf(userIds: string[]): Promise<Map<string, RoomAccess>> {
    const found = new Map<string, RoomAccess>();
    for (let i = 0; i < userIds.length; i += MAX_ACCESS_USERS) {
      const params = new URLSearchParams({ room: this.name, users: userIds.slice(i, i + MAX_ACCESS_USERS).join(',') });
      const answer = await this.api(`/internal/rooms/access?${params}`, RoomAccessAnswer);
      for (const entry of answer.users) found.set(entry.userId, entry);
    }
    return found;
  }

  /** In a user's channel: passes an access change on to every room the user is connected to; drops rooms they left. */
  private async forwardAccessChange(userId: string): Promise<number> {
    const rooms = [...(await this.ctx.storage.list<number>({ prefix: MEMBER_KEY })).keys()].map((key) => key.slice(MEMBER_KEY.length));
    const results = await Promise.all(
      rooms.map(async (room) => {
        try {
          const result = await this.pushTo(room, { type: 'access_changed', userId });
          if (result.delivered === 0) await this.ctx.storage.delete(`${MEMBER_KEY}${room}`);
          return 1;
        } catch (error) {
          this.reportFailure(`forwarding an access change to ${room}`, error);
          return 0;
        }
      }),
    );
    return results.reduce<number>((sum, n) => sum + n, 0);
  }

  // --- pushes from the API and workflow activities -------------------------------------------

  override async onRequest(request: Request): Promise<Response> {
    const text = await readBounded(request, MAX_PUSH_BYTES);
    if (text === null) return json({ error: 'too_large', message: `pushes are limited to ${MAX_PUSH_BYTES} bytes` }, 413);
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return json({ error: 'invalid_request', message: 'body must be JSON' }, 400);
    }
    const parsed = RoomPush.safeParse(body);
    if (!parsed.success) return json({ error: 'invalid_request', message: describeIssue(parsed.error) }, 400);
    const push = parsed.data;
    if (push.type === 'access_changed') {
      if (this.room.kind === 'user' && push.userId !== undefined && push.userId !== this.room.userId) return json({ error: 'invalid_request', message: 'a channel forwards changes of its own user only' }, 400);
      let delivered = this.recheck(push.userId);
      if (this.room.kind === 'user') delivered += await this.forwardAccessChange(this.room.userId);
      return json({ delivered, duplicate: false } satisfies RoomPushResult);
    }
    if (push.type === 'membership') {
      const target = parseRoomName(push.room);
      if (this.room.kind !== 'user' || push.userId !== this.room.userId || !target || target.kind === 'user') return json({ error: 'invalid_request', message: 'memberships go to the user’s own channel, for ticket and queue rooms' }, 400);
      if (push.connected) await this.ctx.storage.put(`${MEMBER_KEY}${push.room}`, Date.now());
      else await this.ctx.storage.delete(`${MEMBER_KEY}${push.room}`);
      return json({ delivered: 1, duplicate: false } satisfies RoomPushResult);
    }
    if (push.type === 'event') {
      const { event } = push;
      if (this.room.kind === 'ticket' && event.ticketId !== this.room.ticketId) return json({ error: 'invalid_request', message: 'event is for another ticket' }, 400);
      if (this.room.kind === 'queue' && event.departmentSlug !== this.room.departmentSlug) return json({ error: 'invalid_request', message: 'event is for another department' }, 400);
      if (!this.events.add(event.id)) return json({ delivered: 0, duplicate: true } satisfies RoomPushResult);
      const delivered = this.fanOut({ type: 'event', event }, { internalOnly: isAgentOnlyEvent(event) });
      return json({ delivered, duplicate: false } satisfies RoomPushResult);
    }
    if (this.room.kind !== 'ticket') return json({ error: 'invalid_request', message: 'messages go to ticket rooms' }, 400);
    if (push.message.ticketId !== this.room.ticketId) return json({ error: 'invalid_request', message: 'message is for another ticket' }, 400);
    try {
      const duplicate = await this.pipeline.run(async () => {
        const seen = this.log.loaded && push.message.id <= this.log.lastId!;
        await this.deliverStored(push.message, push.previousId);
        return seen;
      });
      return json({ delivered: duplicate ? 0 : 1, duplicate } satisfies RoomPushResult);
    } catch (error) {
      this.reportFailure('delivering a pushed message', error);
      return json({ error: 'unavailable', message: 'could not reach the API to deliver in order; retry' }, 503);
    }
  }

  // --- plumbing ------------------------------------------------------------------------------

  private *readyConnections(): Generator<Conn> {
    for (const c of this.getConnections<ConnState>()) if (c.state?.ready) yield c;
  }

  private hasReadyConnections(): boolean {
    return !this.readyConnections().next().done;
  }

  private isConnected(userId: string): boolean {
    for (const c of this.readyConnections()) if (c.state!.userId === userId) return true;
    return false;
  }

  /** Sends one frame to every ready connection allowed to see it. Returns how many got it. */
  private fanOut(frame: ServerFrame, options: { internalOnly?: boolean; except?: (c: Conn) => boolean } = {}): number {
    const text = encodeFrame(frame);
    let count = 0;
    for (const c of this.readyConnections()) {
      const s = c.state!;
      if (options.internalOnly && !s.internal) continue;
      if (options.except?.(c)) continue;
      if (this.send(c, text)) count++;
    }
    return count;
  }

  private send(conn: Conn, frame: ServerFrame | string): boolean {
    try {
      conn.send(typeof frame === 'string' ? frame : encodeFrame(frame));
      return true;
    } catch {
      return false; // closing; its close handler cleans up
    }
  }

  private sendError(conn: Conn, code: ErrorCode, message: string, extra: { clientId?: string | undefined; retryable?: boolean } = {}) {
    this.send(conn, {
      type: 'error',
      code,
      message,
      ...(extra.clientId !== undefined && { clientId: extra.clientId }),
      ...(extra.retryable !== undefined && { retryable: extra.retryable }),
    });
  }

  private async fetchPage(query: { after?: number; limit: number; internal: boolean; viewer?: string }): Promise<MessagesPage> {
    const params = new URLSearchParams({ limit: String(query.limit), internal: query.internal ? '1' : '0' });
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.viewer) params.set('viewer', query.viewer);
    return this.api(`/internal/rooms/tickets/${this.ticketId}/messages?${params}`, MessagesPage);
  }

  private async api<T>(path: string, schema: z.ZodType<T>, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
    const base = this.env.API_INTERNAL_URL;
    if (!base || !this.env.INTERNAL_API_SECRET) throw new ApiError(0, 'API_INTERNAL_URL or INTERNAL_API_SECRET is not set');
    let response: Response;
    try {
      response = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${this.env.INTERNAL_API_SECRET}`, 'content-type': 'application/json' },
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(0, `API unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      const detail = await response.json().then(
        (b: unknown) => (b && typeof b === 'object' && 'message' in b && typeof b.message === 'string' ? b.message : response.statusText),
        () => response.statusText,
      );
      throw new ApiError(response.status, detail);
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new ApiError(502, `unexpected API answer: ${describeIssue(parsed.error)}`);
    return parsed.data;
  }

  private reportFailure(what: string, error: unknown) {
    console.error(`room ${this.name}: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
