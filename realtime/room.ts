/**
 * The room: one Durable Object per ticket room, department queue and user channel. It reads
 * top-down: connecting (welcome), frames from clients, pushes from the API and the worker, then
 * closing connections. The concerns live in their own modules: the conversation
 * (room-messages.ts), presence, typing and read markers (room-presence.ts), access re-checks and
 * the user-channel registry (room-access.ts), connections and fan-out (room-connections.ts),
 * calls to the API (room-api.ts).
 */
import { Server, type Connection, type ConnectionContext, type WSMessage } from 'partyserver';
import {
  CloseCode,
  FLOOD_MAX_DROPPED,
  FLOOD_WINDOW_MS,
  MAX_FRAME_BYTES,
  RATE_BURST,
  RATE_PER_SECOND,
  decodeClientFrame,
  isAgentOnlyEvent,
  type ParsedClientFrame,
  type RoomPushResult,
  type ServerFrame,
} from './protocol';
import { readIdentity } from './edge';
import { typingTtlMs, type RoomsEnv } from './env';
import { json } from './http';
import { Access } from './room-access';
import { ApiError, InternalApi } from './room-api';
import { Connections, type Conn, type ConnState } from './room-connections';
import { Messages, type History } from './room-messages';
import { Presence } from './room-presence';
import { readPush } from './room-push';
import { Mutex } from 'async-mutex';
import { FloodGuard, RecentIds, TokenBucket } from './room-state';
import { parseRoomName, type RoomName } from './token';

/** Longest timer delay (a longer one would fire at once). */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class Room extends Server<RoomsEnv> {
  static override options = { hibernate: false };

  private room!: RoomName;
  private readonly api = new InternalApi(this.env);
  private readonly connections = new Connections(() => this.getConnections<ConnState>());
  private readonly messages: Messages = new Messages({
    api: this.api,
    connections: this.connections,
    ticketId: () => this.ticketId,
    recheck: (userId) => this.access.recheck(userId),
    posted: (userId) => this.presence.stopTyping(userId),
    reportFailure: (what, error) => this.reportFailure(what, error),
  });
  private readonly presence: Presence = new Presence({ connections: this.connections, log: this.messages.log, typingTtlMs: () => typingTtlMs(this.env) });
  private readonly access: Access = new Access({
    name: () => this.name,
    room: () => this.room,
    env: this.env,
    storage: this.ctx.storage,
    api: this.api,
    connections: this.connections,
    revoke: (conn) => this.revoke(conn),
    closeConnection: (conn, code, reason) => this.closeConnection(conn, code, reason),
    reportFailure: (what, error) => this.reportFailure(what, error),
  });
  private readonly events = new RecentIds(2000);

  override onStart() {
    const room = parseRoomName(this.name);
    if (!room) throw new Error(`not a room name: ${this.name}`);
    this.room = room;
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
    this.connections.runtime.set(conn.id, {
      bucket: new TokenBucket(RATE_PER_SECOND, RATE_BURST),
      flood: new FloodGuard(FLOOD_MAX_DROPPED, FLOOD_WINDOW_MS),
      closed: false,
      stores: new Mutex(),
      expiry,
    });
    this.access.startBackstop();
    try {
      // Registered with the user's channel before asking the API: a change the check misses is forwarded here.
      await this.access.join(claims.sub);
      const access = await this.access.check(claims.sub);
      if (!access.see) {
        this.revoke(conn);
        return;
      }
      if (!access.staff) conn.setState((state) => ({ ...state!, internal: false }));
      if (this.connections.runtime.get(conn.id)?.closed !== false) return; // closed meanwhile (expired, or a re-check revoked it)
      await this.messages.pipeline.runExclusive(async () => {
        let history: History = { messages: [], hasMore: false };
        const after = parseAfter(ctx.request.url);
        if (this.room.kind === 'ticket') {
          await this.messages.refresh();
          history = await this.messages.historyFor(conn.state!, after);
        }
        this.connections.send(conn, this.welcome(conn, history, after));
        conn.setState((state) => ({ ...state!, ready: true }));
      });
    } catch (error) {
      this.reportFailure('welcome', error);
      this.connections.sendError(conn, 'unavailable', 'the conversation could not be loaded; reconnecting', { retryable: true });
      this.closeConnection(conn, CloseCode.tryAgainLater, 'try again later');
      return;
    }
    this.presence.announce(conn.state!);
  }

  override onClose(connection: Connection) {
    const conn = connection as Conn;
    this.release(conn);
    const state = conn.state;
    if (!state) return;
    if (!this.connections.isConnected(state.userId)) this.presence.stopTyping(state.userId);
    this.presence.announce(state);
  }

  override onError(connection: Connection) {
    this.onClose(connection);
  }

  private welcome(conn: Conn, history: History, after: number | null): ServerFrame {
    const me = conn.state!;
    return {
      type: 'welcome',
      room: this.name,
      you: { userId: me.userId, name: me.name, role: me.role, internal: me.internal, connectionId: conn.id },
      history: history.messages,
      hasMore: history.hasMore,
      lastId: history.messages.at(-1)?.id ?? after ?? 0,
      present: this.presence.present(me),
      typing: this.presence.typingFor(me),
      reads: this.presence.readsFor(me),
      limits: { maxFrameBytes: MAX_FRAME_BYTES, typingTtlMs: typingTtlMs(this.env), ratePerSecond: RATE_PER_SECOND, burst: RATE_BURST },
    };
  }

  // --- inbound frames -----------------------------------------------------------------------

  override async onMessage(connection: Connection, raw: WSMessage) {
    const conn = connection as Conn;
    const rt = this.connections.runtime.get(conn.id);
    const state = conn.state;
    if (!rt || rt.closed || !state?.ready) return;
    if (!rt.bucket.take()) {
      const { warn, disconnect } = rt.flood.drop();
      if (disconnect) {
        rt.closed = true;
        this.connections.sendError(conn, 'rate_limited', 'too many frames: disconnected');
        conn.close(CloseCode.policy, 'rate limit exceeded');
        return;
      }
      // A dropped message is named, so its sender knows to send it again later.
      const dropped = decodeClientFrame(raw);
      if (dropped.ok && dropped.frame.type === 'message')
        this.connections.sendError(conn, 'rate_limited', 'not stored: too many frames; send it again shortly', { clientId: dropped.frame.clientId, retryable: true });
      else if (warn) this.connections.sendError(conn, 'rate_limited', `slow down: at most ${RATE_PER_SECOND} frames per second`);
      return;
    }
    const decoded = decodeClientFrame(raw);
    if (!decoded.ok) {
      this.connections.sendError(conn, decoded.code, decoded.message);
      return;
    }
    try {
      await this.handle(conn, state, decoded.frame);
    } catch (error) {
      this.reportFailure(`handling ${decoded.frame.type}`, error);
      const clientId = decoded.frame.type === 'message' ? decoded.frame.clientId : undefined;
      if (error instanceof ApiError && error.status === 403) {
        this.connections.sendError(conn, 'forbidden', 'you no longer have access to this', { clientId });
        this.access.recheck(state.userId);
        return;
      }
      this.connections.sendError(conn, 'internal', 'something went wrong in the room', { clientId });
    }
  }

  private async handle(conn: Conn, state: ConnState, frame: ParsedClientFrame) {
    if (frame.type === 'presence') return this.presence.setPresence(conn, frame.state);
    if (this.room.kind !== 'ticket') return this.connections.sendError(conn, 'unsupported', `${frame.type} frames are only for ticket rooms`);
    switch (frame.type) {
      case 'message':
        return this.connections.runtime.get(conn.id)?.stores.runExclusive(() => this.messages.post(conn, state, frame));
      case 'typing':
        if (frame.internal && !state.internal) return this.connections.sendError(conn, 'forbidden', 'only agents write internal notes');
        return frame.state === 'start' ? this.presence.startTyping(state, frame.internal) : this.presence.stopTyping(state.userId);
      case 'read':
        return this.presence.markRead(conn, state, frame.messageId);
      case 'sync':
        return this.messages.pipeline.runExclusive(async () => {
          const page = await this.messages.historyFor(state, frame.afterId);
          this.connections.send(conn, { type: 'history', messages: page.messages, hasMore: page.hasMore, lastId: page.messages.at(-1)?.id ?? frame.afterId });
        });
    }
  }

  // --- pushes from the API, workflow activities and other rooms -----------------------------

  override async onRequest(request: Request): Promise<Response> {
    const read = await readPush(request);
    if (read instanceof Response) return read;
    const push = read;
    if (push.type === 'access_changed') {
      if (this.room.kind === 'user' && push.userId !== undefined && push.userId !== this.room.userId)
        return json({ error: 'invalid_request', message: 'a channel forwards changes of its own user only' }, 400);
      let delivered = this.access.recheck(push.userId);
      if (this.room.kind === 'user') delivered += await this.access.forwardAccessChange(this.room.userId);
      return json({ delivered, duplicate: false } satisfies RoomPushResult);
    }
    if (push.type === 'membership') {
      const target = parseRoomName(push.room);
      if (this.room.kind !== 'user' || push.userId !== this.room.userId || !target || target.kind === 'user')
        return json({ error: 'invalid_request', message: 'memberships go to the user’s own channel, for ticket and queue rooms' }, 400);
      await this.access.membership(push.room, push.connected);
      return json({ delivered: 1, duplicate: false } satisfies RoomPushResult);
    }
    if (push.type === 'notifications') {
      if (this.room.kind !== 'user') return json({ error: 'invalid_request', message: 'notification counts go to user channels' }, 400);
      const delivered = this.connections.fanOut({ type: 'notifications', unread: push.unread });
      return json({ delivered, duplicate: false } satisfies RoomPushResult);
    }
    if (push.type === 'event') {
      const { event } = push;
      if (this.room.kind === 'ticket' && event.ticketId !== this.room.ticketId) return json({ error: 'invalid_request', message: 'event is for another ticket' }, 400);
      if (this.room.kind === 'queue' && event.departmentSlug !== this.room.departmentSlug) return json({ error: 'invalid_request', message: 'event is for another department' }, 400);
      if (!this.events.add(event.id)) return json({ delivered: 0, duplicate: true } satisfies RoomPushResult);
      const delivered = this.connections.fanOut({ type: 'event', event }, { internalOnly: isAgentOnlyEvent(event) });
      return json({ delivered, duplicate: false } satisfies RoomPushResult);
    }
    if (this.room.kind !== 'ticket') return json({ error: 'invalid_request', message: 'messages go to ticket rooms' }, 400);
    if (push.type === 'message_removed') {
      if (push.ticketId !== this.room.ticketId) return json({ error: 'invalid_request', message: 'message is for another ticket' }, 400);
      const { messageId } = push;
      // In the pipeline, after any delivery in progress: a message is never delivered after its removal.
      const delivered = await this.messages.pipeline.runExclusive(async () => {
        this.messages.log.remove(messageId);
        return this.connections.fanOut({ type: 'message_removed', messageId });
      });
      return json({ delivered, duplicate: false } satisfies RoomPushResult);
    }
    if (push.message.ticketId !== this.room.ticketId) return json({ error: 'invalid_request', message: 'message is for another ticket' }, 400);
    try {
      const duplicate = await this.messages.pipeline.runExclusive(() => this.messages.pushed(push.message, push.previousId, push.released ?? false));
      return json({ delivered: duplicate ? 0 : 1, duplicate } satisfies RoomPushResult);
    } catch (error) {
      this.reportFailure('delivering a pushed message', error);
      return json({ error: 'unavailable', message: 'could not reach the API to deliver in order; retry' }, 503);
    }
  }

  // --- closing connections -------------------------------------------------------------------

  /** Closes a connection from the room's side and forgets its runtime (once). */
  private closeConnection(conn: Conn, code: number, reason: string) {
    const rt = this.connections.runtime.get(conn.id);
    if (rt) rt.closed = true;
    this.release(conn);
    try {
      conn.close(code, reason);
    } catch {
      // already closing
    }
  }

  private revoke(conn: Conn) {
    this.connections.sendError(conn, 'forbidden', 'you no longer have access to this room');
    this.closeConnection(conn, CloseCode.accessRevoked, 'access revoked');
  }

  /** Once per connection, on close or when the room closes it: timers, membership, the backstop. */
  private release(conn: Conn) {
    const rt = this.connections.runtime.get(conn.id);
    if (!rt) return;
    clearTimeout(rt.expiry);
    this.connections.runtime.delete(conn.id);
    this.access.left(conn.state?.userId);
  }

  // --- plumbing ------------------------------------------------------------------------------

  private get ticketId(): string {
    if (this.room.kind !== 'ticket') throw new Error('not a ticket room');
    return this.room.ticketId;
  }

  private reportFailure(what: string, error: unknown) {
    console.error(`room ${this.name}: ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseAfter(url: string): number | null {
  const value = new URL(url).searchParams.get('after');
  if (value === null || !/^\d{1,15}$/.test(value)) return null;
  return Number(value);
}
