/**
 * A small typed client for Deskflow's rooms over partysocket (reconnecting WebSocket). It
 * validates every frame it sends and receives with the protocol module, keeps the ordered,
 * de-duplicated list of messages, reconnects with its last-seen id (so it receives exactly what
 * it missed), and resends messages that were in flight when the connection dropped (the same
 * clientId, so they are stored once). It paces what it sends to the room's announced rate, so a
 * well-behaved client is never rate-limited. Used by the tests and the benchmark; browsers too.
 */
import { PartySocket } from 'partysocket';
import {
  CloseCode,
  ClientFrame,
  decodeServerFrame,
  type ParsedClientFrame,
  type PresenceState,
  type ServerFrame,
  type ServerFrameOf,
  type StoredMessage,
} from './protocol';
import { TokenBucket } from './room-state';
import { ticketRoomName } from './token';

export type RoomClientOptions = {
  /** Rooms base URL, e.g. http://127.0.0.1:1999 (https → wss). */
  url: string;
  /** Room name: `ticket-<id>`, `queue-<slug>` or `user-<id>`. */
  room: string;
  /** A room token, or a function returning a fresh one (called on every (re)connect). */
  token: string | (() => string | Promise<string>);
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

  constructor(options: RoomClientOptions) {
    this.keepFrames = options.keepFrames ?? true;
    this.lastId = options.lastSeenId ?? 0;
    this.resumeFrom = options.lastSeenId ?? null;
    const { token } = options;
    const base = new URL(options.url);
    this.socket = new PartySocket({
      host: base.host,
      protocol: base.protocol === 'https:' ? 'wss' : 'ws',
      party: 'room',
      room: options.room,
      query: async () => ({
        token: typeof token === 'string' ? token : await token(),
        after: this.resumeFrom === null ? undefined : String(this.resumeFrom),
      }),
      WebSocket: options.WebSocket,
      minReconnectionDelay: options.minReconnectDelayMs ?? 250,
      maxReconnectionDelay: options.maxReconnectDelayMs ?? 5000,
      connectionTimeout: 10_000,
      // A room that closed us for flooding means it: do not come back on our own.
      shouldReconnectOnClose: (event) => event.code !== CloseCode.policy,
    });

    this.ready = new Promise<WelcomeFrame>((resolve, reject) => {
      const onWelcome: Listener = (frame) => {
        if (frame.type !== 'welcome') return;
        cleanup();
        resolve(frame);
      };
      let closedAt: ReturnType<typeof setTimeout> | undefined;
      const fail = (message: string) => {
        cleanup();
        const status = /\b([45]\d\d)\b/.exec(message)?.[1];
        this.socket.close();
        reject(new RoomError(status ? `http_${status}` : 'connect_failed', `could not join ${options.room}: ${message}`));
      };
      const onFail = (event: Event) => {
        if (event.type === 'error') {
          clearTimeout(closedAt);
          fail('message' in event && typeof event.message === 'string' ? event.message : 'connection error');
          return;
        }
        // The room could not load the conversation yet (API down): partysocket retries.
        if ('code' in event && event.code === CloseCode.tryAgainLater) return;
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
    this.socket.addEventListener('close', (event) => this.closes.push({ code: event.code, reason: event.reason }));
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
        this.flushTimer = setTimeout(() => {
          this.flushTimer = null;
          this.flush();
        }, Math.ceil(1000 / rate));
        return;
      }
      this.outbox.shift();
    }
  }

  /** Posts a message; resolves once the room acknowledges it as stored. */
  sendMessage(message: OutgoingMessage): Promise<Ack> {
    const frame = ClientFrame.parse({ type: 'message', clientId: message.clientId ?? crypto.randomUUID(), body: message.body, internal: message.internal ?? false, ai: message.ai ?? false });
    if (frame.type !== 'message') throw new Error('unreachable');
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
    this.socket.close();
    for (const { reject } of this.pending.values()) reject(new RoomError('closed', 'the client was closed'));
    this.pending.clear();
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
      case 'ack': {
        const pending = this.pending.get(frame.clientId);
        if (pending) {
          this.pending.delete(frame.clientId);
          const you = this.welcome?.you;
          if (you) {
            const { body, internal, ai, clientId } = pending.frame;
            this.remember({ id: frame.id, ticketId: this.welcome!.room.slice('ticket-'.length), author: { id: you.userId, name: you.name, role: you.role }, body, internal, ai, createdAt: frame.createdAt, clientId });
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
