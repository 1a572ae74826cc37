/**
 * A small typed client for Deskflow's rooms over partysocket (reconnecting WebSocket). It
 * validates every frame it sends and receives with the protocol module, keeps the ordered,
 * de-duplicated list of messages, reconnects with its last-seen id (so it receives exactly what
 * it missed), and resends messages that were in flight when the connection dropped (the same
 * clientId, so they are stored once). It paces what it sends to the room's announced rate, so a
 * well-behaved client is never rate-limited. Used by the tests and the benchmark; browsers too.
 *
 * Rooms close a connection when its token expires (4001) or the user's access changed (4002):
 * with a token provider the client then reconnects with a fresh token and resumes from its
 * last-seen id, so nothing is lost. After 4003 (access revoked) or 1008 (flooding) it stops.
 */
import { PartySocket } from 'partysocket';
// frames.ts, not protocol.ts: zod/mini only, so a browser that joins a room loads no full zod.
import { CloseCode, ClientFrame, decodeServerFrame, type ParsedClientFrame, type PresenceState, type ServerFrame, type ServerFrameOf, type StoredMessage } from './frames';
import { TokenBucket } from './room-state';
import { ticketRoomName } from './room-names';

export type RoomClientOptions = {
  /** Rooms base URL, e.g. http://127.0.0.1:1999 (https → wss). */
  url: string;
  /** Room name: `ticket-<id>`, `queue-<slug>` or `user-<id>`. */
  room: string;
  /**
   * A room token, or a provider of fresh ones, called on every (re)connect: it may return the
   * token or an object with it (what `realtime.token` answers; its `url` is not used, the
   * client stays on `url`). A provider that throws is retried with backoff, except a RoomError
   * with `retryable: false`, which stops the client. Without a provider the client cannot
   * outlive its token: it stops when the room closes the connection at the token's expiry.
   */
  token: string | TokenProvider;
  /** Last message id already seen (e.g. from local storage): the room sends only what follows. */
  lastSeenId?: number;
  /** WebSocket constructor; required on Node 20 (`import WebSocket from 'ws'`). */
  WebSocket?: unknown;
  /** Reconnection backoff (ms). Defaults: 250 → 5000. */
  minReconnectDelayMs?: number;
  maxReconnectDelayMs?: number;
  /** Keep every received frame in `frames` (tests). Default true. */
  keepFrames?: boolean;
};

export type TokenProvider = () => string | { token: string } | Promise<string | { token: string }>;
export type WelcomeFrame = ServerFrameOf<'welcome'>;
export type Ack = { clientId: string; id: number; createdAt: string };
export type OutgoingMessage = { body: string; internal?: boolean; ai?: boolean; clientId?: string };

/** A room refused a frame (`code` from the protocol's ErrorCode), or the connection failed. */
export class RoomError extends Error {
  override name = 'RoomError';
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
  }
}

type Listener = (frame: ServerFrame) => void;

/** Closes before the first welcome that are not a failure to join: partysocket tries again. */
const RETRIED_BEFORE_WELCOME: ReadonlySet<number> = new Set([CloseCode.tryAgainLater, CloseCode.tokenExpired, CloseCode.accessChanged]);

/** Close codes after which the client does not reconnect on its own, as RoomError codes. */
const FINAL_CLOSES: ReadonlyMap<number, string> = new Map([
  [CloseCode.policy, 'rate_limited'],
  [CloseCode.accessRevoked, 'access_revoked'],
]);
type Pending = { frame: Extract<ParsedClientFrame, { type: 'message' }>; resolve: (ack: Ack) => void; reject: (error: Error) => void };

export class RoomClient {
  readonly socket: PartySocket;
  /** The first welcome; rejects if the first connection fails (bad token: HTTP 401/403). */
  readonly ready: Promise<WelcomeFrame>;
  /** The latest welcome. */
  welcome: WelcomeFrame | null = null;
  /** Every message seen, by id order, without duplicates. */
  readonly messages: StoredMessage[] = [];
  /** Every frame received, in order (unless keepFrames is false). */
  readonly frames: ServerFrame[] = [];
  /** Frames that failed validation (should stay empty). */
  readonly invalidFrames: string[] = [];
  /** Close events seen, newest last. */
  readonly closes: { code: number; reason: string }[] = [];
  /** Newest message id seen; sent as `after` when reconnecting. */
  lastId: number;
  /** Number of welcomes received (1 + reconnects). */
  connections = 0;
  /** Why the client stopped for good (closed, token expired, access revoked), or null while it lives. */
  stopped: RoomError | null = null;

  private readonly seen = new Set<number>();
  private readonly listeners = new Set<Listener>();
  private readonly pending = new Map<string, Pending>();
  private readonly keepFrames: boolean;
  private presence: PresenceState = 'online';
  private resumeFrom: number | null;
  /** The room's rate limit, from the welcome (a little under it, for clock differences). */
  private bucket: TokenBucket | null = null;
  /** Frames that must get through (messages, syncs), waiting for a token. */
  private outbox: ParsedClientFrame[] = [];
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly token: string | TokenProvider;

  constructor(options: RoomClientOptions) {
    this.keepFrames = options.keepFrames ?? true;
    this.lastId = options.lastSeenId ?? 0;
    this.resumeFrom = options.lastSeenId ?? null;
    this.token = options.token;
    const base = new URL(options.url);
    this.socket = new PartySocket({
      host: base.host,
      protocol: base.protocol === 'https:' ? 'wss' : 'ws',
      party: 'room',
      room: options.room,
      query: async () => ({
        token: await this.nextToken(),
        after: this.resumeFrom === null ? undefined : String(this.resumeFrom),
      }),
      WebSocket: options.WebSocket,
      minReconnectionDelay: options.minReconnectDelayMs ?? 250,
      maxReconnectionDelay: options.maxReconnectDelayMs ?? 5000,
      connectionTimeout: 10_000,
      // A room that closed us for flooding, or because we may no longer be there, means it.
      shouldReconnectOnClose: (event) => this.finalClose(event.code) === null,
    });

    this.ready = new Promise<WelcomeFrame>((resolve, reject) => {
      const onWelcome: Listener = (frame) => {
        if (frame.type !== 'welcome') return;
        cleanup();
        resolve(frame);
      };
      let closedAt: ReturnType<typeof setTimeout> | undefined;
      const fail = (message: string, code?: string) => {
        cleanup();
        const status = /\b([45]\d\d)\b/.exec(message)?.[1];
        this.socket.close();
        reject(new RoomError(code ?? (status ? `http_${status}` : 'connect_failed'), `could not join ${options.room}: ${message}`));
      };
      const onFail = (event: Event) => {
        if (event.type === 'error') {
          clearTimeout(closedAt);
          fail('message' in event && typeof event.message === 'string' ? event.message : 'connection error');
          return;
        }
        const code = 'code' in event && typeof event.code === 'number' ? event.code : null;
        const final = code === null ? null : this.finalClose(code);
        if (final) return fail('reason' in event && typeof event.reason === 'string' && event.reason ? event.reason : 'closed by the room', final);
        // The room could not load the conversation yet (API down), or wants a fresh token: partysocket retries.
        if (code !== null && RETRIED_BEFORE_WELCOME.has(code)) return;
        // partysocket reports a failed upgrade as a close followed by the error that says why.
        closedAt ??= setTimeout(() => fail('connection closed before the welcome'), 0);
      };
      const cleanup = () => {
        clearTimeout(closedAt);
        this.listeners.delete(onWelcome);
        this.socket.removeEventListener('error', onFail);
        this.socket.removeEventListener('close', onFail);
      };
      this.listeners.add(onWelcome);
      this.socket.addEventListener('error', onFail);
      this.socket.addEventListener('close', onFail);
    });
    this.ready.catch(() => undefined); // the caller awaits it; never an unhandled rejection

    this.socket.addEventListener('message', (event: MessageEvent) => this.receive(event.data));
    this.socket.addEventListener('close', (event) => {
      this.closes.push({ code: event.code, reason: event.reason });
      // Not coming back: what was waiting for an ack will never get one.
      if (!this.socket.shouldReconnect) this.stop(new RoomError(this.finalClose(event.code) ?? 'closed', `the room closed the connection${event.reason ? `: ${event.reason}` : ''}`));
    });
  }

  /** The RoomError code of a close the client does not come back from, or null. */
  private finalClose(code: number): string | null {
    if (code === CloseCode.tokenExpired && typeof this.token === 'string') return 'token_expired';
    return FINAL_CLOSES.get(code) ?? null;
  }

  private async nextToken(): Promise<string> {
    if (typeof this.token === 'string') return this.token;
    try {
      const answer = await this.token();
      return typeof answer === 'string' ? answer : answer.token;
    } catch (error) {
      // The provider knows the user may not come back (e.g. the API refused a new token): stop here.
      if (error instanceof RoomError && !error.retryable) setTimeout(() => this.stop(error), 0);
      throw error;
    }
  }

  private failPending(error: RoomError) {
    for (const { reject } of this.pending.values()) reject(error);
    this.pending.clear();
  }

  private stop(error: RoomError) {
    const first = this.stopped === null;
    this.stopped ??= error;
    this.failPending(error);
    if (first) this.socket.close(); // no-op when already closed; its close event comes back here, harmlessly
  }

  // --- sending -------------------------------------------------------------------------------

  /**
   * Sends a validated frame now if connected and within the room's rate; returns false if it
   * was not sent (fine for typing, presence and read markers, which are superseded anyway).
   */
  send(frame: ClientFrame): boolean {
    return this.transmit(ClientFrame.parse(frame));
  }

  private transmit(frame: ParsedClientFrame): boolean {
    if (this.socket.readyState !== PartySocket.OPEN) return false;
    if (this.bucket && !this.bucket.take()) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  /** Queues a frame that must reach the room, and sends what the rate allows. */
  private deliver(frame: ParsedClientFrame) {
    this.outbox.push(frame);
    this.flush();
  }

  private flush() {
    if (this.flushTimer) return;
    while (this.outbox.length > 0) {
      if (this.socket.readyState !== PartySocket.OPEN) return; // the next welcome flushes
      if (!this.transmit(this.outbox[0]!)) {
        const rate = this.welcome?.limits.ratePerSecond ?? 10;
        this.flushTimer = setTimeout(
          () => {
            this.flushTimer = null;
            this.flush();
          },
          Math.ceil(1000 / rate),
        );
        return;
      }
      this.outbox.shift();
    }
  }

  /** Posts a message; resolves once the room acknowledges it as stored. */
  sendMessage(message: OutgoingMessage): Promise<Ack> {
    const frame = ClientFrame.parse({ type: 'message', clientId: message.clientId ?? crypto.randomUUID(), body: message.body, internal: message.internal ?? false, ai: message.ai ?? false });
    if (frame.type !== 'message') throw new Error('unreachable');
    if (this.stopped) return Promise.reject(this.stopped);
    return new Promise<Ack>((resolve, reject) => {
      this.pending.set(frame.clientId, { frame, resolve, reject });
      this.deliver(frame); // if not connected, sent after the next welcome
    });
  }

  typing(state: 'start' | 'stop', internal = false): boolean {
    return this.send({ type: 'typing', state, internal });
  }

  /** Online or away; kept across reconnects. Returns whether the client is connected now. */
  setPresence(state: PresenceState): boolean {
    this.presence = state;
    this.deliver(ClientFrame.parse({ type: 'presence', state }));
    return this.socket.readyState === PartySocket.OPEN;
  }

  markRead(messageId: number): boolean {
    return this.send({ type: 'read', messageId });
  }

  /** Drops the connection and reconnects (the room replays what was missed). */
  reconnect() {
    this.socket.reconnect();
  }

  close() {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.outbox = [];
    this.stop(new RoomError('closed', 'the client was closed'));
  }

  // --- receiving -----------------------------------------------------------------------------

  /** Calls `listener` for every valid frame; returns an unsubscribe function. */
  onFrame(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The next frame of a type (optionally matching), received after this call. */
  next<T extends ServerFrame['type']>(type: T, match: (frame: ServerFrameOf<T>) => boolean = () => true, timeoutMs = 5000): Promise<ServerFrameOf<T>> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error(`no ${type} frame within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener: Listener = (frame) => {
        if (frame.type !== type || !match(frame as ServerFrameOf<T>)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve(frame as ServerFrameOf<T>);
      };
      this.listeners.add(listener);
    });
  }

  /** Received frames of one type (requires keepFrames). */
  framesOf<T extends ServerFrame['type']>(type: T): ServerFrameOf<T>[] {
    return this.frames.filter((f): f is ServerFrameOf<T> => f.type === type);
  }

  private receive(data: unknown) {
    if (typeof data !== 'string') {
      this.invalidFrames.push('(binary)');
      return;
    }
    const decoded = decodeServerFrame(data);
    if (!decoded.ok) {
      this.invalidFrames.push(data.slice(0, 200));
      return;
    }
    const frame = decoded.frame;
    if (this.keepFrames) this.frames.push(frame);
    switch (frame.type) {
      case 'welcome': {
        this.welcome = frame;
        this.connections++;
        // A new connection has a new, full bucket on the room's side: mirror it, a little under.
        this.bucket = new TokenBucket(frame.limits.ratePerSecond * 0.9, Math.max(1, frame.limits.burst - 2));
        frame.history.forEach((m) => this.remember(m));
        this.lastId = Math.max(this.lastId, frame.lastId);
        this.resumeFrom = this.lastId;
        const outbox: ParsedClientFrame[] = [];
        if (frame.hasMore) outbox.push({ type: 'sync', afterId: this.lastId });
        if (this.presence !== 'online') outbox.push({ type: 'presence', state: this.presence });
        // Everything not yet acknowledged goes again (same clientId: stored once).
        for (const { frame: pending } of this.pending.values()) outbox.push(pending);
        this.outbox = outbox;
        if (this.flushTimer) clearTimeout(this.flushTimer);
        this.flushTimer = null;
        this.flush();
        break;
      }
      case 'history':
        frame.messages.forEach((m) => this.remember(m));
        this.lastId = Math.max(this.lastId, frame.lastId);
        this.resumeFrom = this.lastId;
        if (frame.hasMore) this.deliver({ type: 'sync', afterId: this.lastId });
        break;
      case 'message':
        this.remember(frame.message);
        break;
      case 'message_removed': {
        // Deleted by its author or hidden by staff: off the list (its id stays seen, so it never comes back).
        const index = this.messages.findIndex((m) => m.id === frame.messageId);
        if (index >= 0) this.messages.splice(index, 1);
        this.seen.add(frame.messageId);
        break;
      }
      case 'ack': {
        const pending = this.pending.get(frame.clientId);
        if (pending) {
          this.pending.delete(frame.clientId);
          const you = this.welcome?.you;
          if (you) {
            const { body, internal, ai, clientId } = pending.frame;
            this.remember({
              id: frame.id,
              ticketId: this.welcome!.room.slice('ticket-'.length),
              author: { id: you.userId, name: you.name, role: you.role },
              body,
              internal,
              ai,
              createdAt: frame.createdAt,
              clientId,
            });
          }
          pending.resolve({ clientId: frame.clientId, id: frame.id, createdAt: frame.createdAt });
        }
        this.lastId = Math.max(this.lastId, frame.id);
        this.resumeFrom = this.lastId;
        break;
      }
      case 'error':
        if (frame.clientId) {
          const pending = this.pending.get(frame.clientId);
          if (pending) {
            this.pending.delete(frame.clientId);
            pending.reject(new RoomError(frame.code, frame.message, frame.retryable ?? false));
          }
        }
        break;
      default:
        break;
    }
    for (const listener of [...this.listeners]) listener(frame);
  }

  private remember(message: StoredMessage) {
    if (this.seen.has(message.id)) return;
    this.seen.add(message.id);
    // Rooms deliver in id order; insert in place anyway so the list is always sorted.
    let index = this.messages.length;
    while (index > 0 && this.messages[index - 1]!.id > message.id) index--;
    this.messages.splice(index, 0, message);
    if (message.id > this.lastId) {
      this.lastId = message.id;
      this.resumeFrom = this.lastId;
    }
  }
}

/** Joins any room. */
export function connectRoom(options: RoomClientOptions): RoomClient {
  return new RoomClient(options);
}

/** Joins a ticket's room (`ticket-<ticketId>`). */
export function connectTicketRoom(options: Omit<RoomClientOptions, 'room'> & { ticketId: string }): RoomClient {
  const { ticketId, ...rest } = options;
  return new RoomClient({ ...rest, room: ticketRoomName(ticketId) });
}
