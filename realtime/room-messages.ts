/**
 * A ticket room's conversation: stored before delivered. The API stores a message, then the
 * room acks it and fans it out in id order; a gap (a push that arrived early, a failed
 * delivery) is filled from the API before anything after it is delivered. History for a
 * welcome or a sync never runs ahead of live delivery.
 */
import { REPLAY_PAGE, WELCOME_HISTORY, forRequesters, isStaffOnlyMessage, type ParsedClientFrame, type StoredMessage } from './protocol';
import { ApiError, type InternalApi, type PageQuery } from './room-api';
import type { Conn, ConnState, Connections } from './room-connections';
import { Mutex } from 'async-mutex';
import { MessageLog } from './room-state';

/** Messages a ticket room keeps in memory (replays after an older id ask the API). */
const LOG_CAPACITY = 200;
/** Messages loaded when a ticket room wakes up. */
const LOAD_SIZE = 100;

type Origin = { connId: string; messageId: number };
export type History = { messages: StoredMessage[]; hasMore: boolean };

export interface MessagesHost {
  readonly api: InternalApi;
  readonly connections: Connections;
  /** Throws outside a ticket room. */
  ticketId(): string;
  /** The API refused a user's message for who they are now: their connections are out of date. */
  recheck(userId: string): void;
  /** A user's message went out: they stopped typing. */
  posted(userId: string): void;
  reportFailure(what: string, error: unknown): void;
}

export class Messages {
  readonly log = new MessageLog(LOG_CAPACITY);
  /** Orders everything that delivers messages or welcomes a connection. */
  readonly pipeline = new Mutex();
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly host: MessagesHost) {}

  /** Stored before delivered: the API stores the message, then the room acks and fans it out, in id order. */
  async post(conn: Conn, state: ConnState, frame: Extract<ParsedClientFrame, { type: 'message' }>) {
    const { connections } = this.host;
    const { clientId } = frame;
    if (frame.internal && !state.internal) return connections.sendError(conn, 'forbidden', 'only agents post internal notes', { clientId });
    if (frame.ai && !state.internal) return connections.sendError(conn, 'forbidden', 'only agents send AI suggestions', { clientId });
    let stored: Awaited<ReturnType<InternalApi['storeMessage']>>;
    try {
      stored = await this.host.api.storeMessage(this.host.ticketId(), { authorId: state.userId, body: frame.body, internal: frame.internal, ai: frame.ai, clientId });
    } catch (error) {
      const code = error instanceof ApiError ? error.frameCode : 'unavailable';
      if (code === 'unavailable') this.host.reportFailure('storing a message', error);
      const message = code === 'unavailable' ? 'not stored: the service is unavailable; resend with the same clientId' : `not stored: ${error instanceof Error ? error.message : 'rejected'}`;
      connections.sendError(conn, code, message, { clientId, retryable: code === 'unavailable' });
      // Refused for who the author is now (deactivated, lost the ticket, lost staff powers): this connection is out of date.
      if (code === 'forbidden') this.host.recheck(state.userId);
      return;
    }
    const { message, previousId } = stored;
    await this.pipeline.runExclusive(async () => {
      try {
        await this.deliverStored(message, previousId, { connId: conn.id, messageId: message.id });
      } catch (error) {
        // Stored but not yet fanned out (the API failed mid-way): retry delivery shortly.
        this.host.reportFailure('delivering a message', error);
        this.scheduleRetry();
      }
      connections.send(conn, { type: 'ack', clientId, id: message.id, createdAt: message.createdAt });
    });
    this.host.posted(state.userId);
  }

  /** Called inside the pipeline, for a message pushed into the room: whether it was delivered already. */
  async pushed(message: StoredMessage, previousId: number | null, released = false): Promise<boolean> {
    const seen = this.log.loaded && message.id <= this.log.lastId!;
    if (released && seen) {
      // Staff got it while it was held; the others get it now, once (the log serves it to later joiners).
      this.log.replace(message);
      this.host.connections.fanOut({ type: 'message', message: forRequesters(message) }, { requestersOnly: true });
      return false;
    }
    await this.deliverStored(message, previousId);
    return seen;
  }

  /** Called inside the pipeline. Delivers a stored message, or everything missed up to it. */
  private async deliverStored(message: StoredMessage, previousId: number | null, origin?: Origin) {
    if (message.ticketId !== this.host.ticketId()) throw new Error(`message ${message.id} belongs to another ticket`);
    if (!this.log.loaded) return; // nobody is connected yet; the next join loads from the API
    if (message.id <= this.log.lastId!) return; // a resend, or delivered by an earlier catch-up
    if (previousId !== null && previousId === this.log.lastId) this.deliver(message, origin);
    else await this.catchUp(origin);
  }

  private deliver(message: StoredMessage, origin?: Origin) {
    if (!this.log.append(message)) return;
    const isOrigin = (c: Conn) => origin !== undefined && c.id === origin.connId && message.id === origin.messageId;
    const { connections } = this.host;
    // Internal notes and held messages reach staff only; requesters' copy leaves out the `ai` flag.
    connections.fanOut({ type: 'message', message }, { internalOnly: true, except: isOrigin });
    if (!isStaffOnlyMessage(message)) connections.fanOut({ type: 'message', message: forRequesters(message) }, { requestersOnly: true, except: isOrigin });
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
  async refresh() {
    if (!this.log.loaded) await this.load();
    else if (!this.host.connections.hasReady()) await this.catchUp();
  }

  private scheduleRetry(delayMs = 1000) {
    if (this.retryTimer) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.host.connections.hasReady()) return;
      this.pipeline
        .runExclusive(() => this.catchUp())
        .catch((error: unknown) => {
          this.host.reportFailure('retrying delivery', error);
          this.scheduleRetry(Math.min(delayMs * 2, 30_000));
        });
    }, delayMs);
  }

  /** Called inside the pipeline: the messages after `after` (or the latest) this viewer may see. */
  async historyFor(viewer: ConnState, after: number | null): Promise<History> {
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

  private async fetchPage(query: PageQuery) {
    return this.host.api.messagesPage(this.host.ticketId(), query);
  }
}
