/**
 * A room's connections: their typed state, each one's runtime (rate limit, ordered stores,
 * expiry timer), and sending frames to one or to everyone allowed to see them.
 */
import type { Connection } from 'partyserver';
import { encodeFrame, type ErrorCode, type PresenceState, type RoomUser, type ServerFrame } from './protocol';
import type { Mutex } from 'async-mutex';
import type { FloodGuard, TokenBucket } from './room-state';

/** Typed connection state: who this is (from the verified token) and how they appear. */
export type ConnState = {
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
export type Conn = Connection<ConnState>;

/**
 * Per connection: its rate limit, its stores one at a time (a sender's messages keep their
 * order), and the timer that closes it when its token expires.
 */
export type Runtime = { bucket: TokenBucket; flood: FloodGuard; closed: boolean; stores: Mutex; expiry: ReturnType<typeof setTimeout> };

/** `internalOnly`: staff connections only; `requestersOnly`: the others (each may get its own version of a frame). */
export type FanOutOptions = { internalOnly?: boolean; requestersOnly?: boolean; except?: (c: Conn) => boolean };

export class Connections {
  /** Connections from connect until the room forgets them (on close, or when it closes them). */
  readonly runtime = new Map<string, Runtime>();

  constructor(private readonly all: () => Iterable<Conn>) {}

  /** Every connection, welcomed or not. */
  each(): Iterable<Conn> {
    return this.all();
  }

  *ready(): Generator<Conn> {
    for (const c of this.all()) if (c.state?.ready) yield c;
  }

  hasReady(): boolean {
    return !this.ready().next().done;
  }

  isConnected(userId: string): boolean {
    for (const c of this.ready()) if (c.state!.userId === userId) return true;
    return false;
  }

  /** Sends one frame to every ready connection allowed to see it. Returns how many got it. */
  fanOut(frame: ServerFrame, options: FanOutOptions = {}): number {
    const text = encodeFrame(frame);
    let count = 0;
    for (const c of this.ready()) {
      const s = c.state!;
      if (options.internalOnly && !s.internal) continue;
      if (options.requestersOnly && s.internal) continue;
      if (options.except?.(c)) continue;
      if (this.send(c, text)) count++;
    }
    return count;
  }

  send(conn: Conn, frame: ServerFrame | string): boolean {
    try {
      conn.send(typeof frame === 'string' ? frame : encodeFrame(frame));
      return true;
    } catch {
      return false; // closing; its close handler cleans up
    }
  }

  sendError(conn: Conn, code: ErrorCode, message: string, extra: { clientId?: string | undefined; retryable?: boolean } = {}) {
    this.send(conn, {
      type: 'error',
      code,
      message,
      ...(extra.clientId !== undefined && { clientId: extra.clientId }),
      ...(extra.retryable !== undefined && { retryable: extra.retryable }),
    });
  }
}
