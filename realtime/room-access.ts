/**
 * What a room's connected users may do now (see "Access re-checks" at the top of server.ts):
 * the connect-time check, re-checks after an `access_changed` push, after a refused store and
 * on the ACCESS_RECHECK_MS backstop, and the user's channel (`user-<id>`) as the registry of
 * the rooms a user is connected to, so a change of the user reaches every one of them.
 */
import { getServerByName } from 'partyserver';
import { CloseCode, MAX_ACCESS_USERS, RoomPushResult, type RoomAccess, type RoomPush } from './protocol';
import { API_TIMEOUT_MS, accessRecheckMs, type RoomsEnv } from './env';
import type { InternalApi } from './room-api';
import type { Conn, Connections } from './room-connections';
import { Batcher } from './room-state';
import { userRoomName, type RoomName } from './token';

/** Registry keys in a user channel's storage: the rooms its user is connected to. */
const MEMBER_KEY = 'member:';

export interface AccessHost {
  name(): string;
  room(): RoomName;
  readonly env: RoomsEnv;
  readonly storage: DurableObjectStorage;
  readonly api: InternalApi;
  readonly connections: Connections;
  /** Tells a connection it lost the room and closes it (no reconnect). */
  revoke(conn: Conn): void;
  closeConnection(conn: Conn, code: number, reason: string): void;
  reportFailure(what: string, error: unknown): void;
}

export class Access {
  /** Connections per user (from connect to close): a user's first and last are reported to their channel. */
  private readonly members = new Map<string, { count: number; joined: Promise<void> }>();
  /** Each user's membership reports, in order. */
  private readonly reports = new Map<string, Promise<void>>();
  /** Connect-time access checks, one API call per round trip. */
  private readonly checks = new Batcher<string, RoomAccess>((userIds) => this.accessOf(userIds), MAX_ACCESS_USERS);
  /** Users to re-check (`all`: everyone connected), and whether a re-check is running. */
  private recheckAll = false;
  private readonly recheckUsers = new Set<string>();
  private rechecking = false;
  private backstop: ReturnType<typeof setInterval> | null = null;

  constructor(private readonly host: AccessHost) {}

  /** The connect-time check: what the API says this user may do here now. */
  check(userId: string): Promise<RoomAccess> {
    return this.checks.get(userId);
  }

  /** While anyone is connected, everyone is re-checked every ACCESS_RECHECK_MS. */
  startBackstop() {
    this.backstop ??= setInterval(() => this.recheck(), accessRecheckMs(this.host.env));
  }

  /** Counts a user's connection; their first one here is reported to their channel (awaited by each of their connects). */
  join(userId: string): Promise<void> {
    const member = this.members.get(userId);
    if (member) {
      member.count++;
      return member.joined;
    }
    const joined = this.host.room().kind === 'user' ? Promise.resolve() : this.report(userId, true);
    this.members.set(userId, { count: 1, joined });
    return joined;
  }

  /** A connection was released: a user's last one here is reported to their channel; the backstop stops when nobody is left. */
  left(userId: string | undefined) {
    const member = userId === undefined ? undefined : this.members.get(userId);
    if (userId !== undefined && member && --member.count === 0) {
      this.members.delete(userId);
      if (this.host.room().kind !== 'user') void this.report(userId, false);
    }
    if (this.host.connections.runtime.size === 0 && this.backstop) {
      clearInterval(this.backstop);
      this.backstop = null;
    }
  }

  /** In a user's channel: records that the user joined or left another room. */
  async membership(room: string, connected: boolean) {
    if (connected) await this.host.storage.put(`${MEMBER_KEY}${room}`, Date.now());
    else await this.host.storage.delete(`${MEMBER_KEY}${room}`);
  }

  /** Tells the user's channel they joined or left this room, in order; never rejects (the backstop covers a lost report). */
  private report(userId: string, connected: boolean): Promise<void> {
    const previous = this.reports.get(userId) ?? Promise.resolve();
    const next = previous.then(async () => {
      try {
        await this.pushTo(userRoomName(userId), { type: 'membership', userId, room: this.host.name(), connected });
      } catch (error) {
        this.host.reportFailure(`telling ${userRoomName(userId)} about ${connected ? 'a join' : 'a leave'}`, error);
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
    const stub = await getServerByName(this.host.env.Room, room);
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
  recheck(userId?: string): number {
    if (userId === undefined) this.recheckAll = true;
    else this.recheckUsers.add(userId);
    void this.runRechecks();
    if (userId !== undefined) return this.members.get(userId)?.count ?? 0;
    return this.host.connections.runtime.size;
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
        const targets = [...this.host.connections.each()].filter((c) => c.state && this.host.connections.runtime.has(c.id) && (all || only.has(c.state.userId)));
        if (targets.length === 0) continue;
        let access: Map<string, RoomAccess>;
        try {
          access = await this.accessOf([...new Set(targets.map((c) => c.state!.userId))]);
        } catch (error) {
          this.host.reportFailure('re-checking access', error); // connections stay; the next re-check tries again
          continue;
        }
        for (const conn of targets) {
          if (!this.host.connections.runtime.has(conn.id)) continue;
          const now = access.get(conn.state!.userId);
          if (!now?.see) this.host.revoke(conn);
          else if ((conn.state!.granted && now.staff) !== conn.state!.internal) this.host.closeConnection(conn, CloseCode.accessChanged, 'access changed, reconnect');
        }
      }
    } finally {
      this.rechecking = false;
    }
  }

  /** What the API says these users may do in this room now. */
  private accessOf(userIds: string[]): Promise<Map<string, RoomAccess>> {
    return this.host.api.accessOf(this.host.name(), userIds);
  }

  /** In a user's channel: passes an access change on to every room the user is connected to; drops rooms they left. */
  async forwardAccessChange(userId: string): Promise<number> {
    const rooms = [...(await this.host.storage.list<number>({ prefix: MEMBER_KEY })).keys()].map((key) => key.slice(MEMBER_KEY.length));
    const results = await Promise.all(
      rooms.map(async (room) => {
        try {
          const result = await this.pushTo(room, { type: 'access_changed', userId });
          if (result.delivered === 0) await this.host.storage.delete(`${MEMBER_KEY}${room}`);
          return 1;
        } catch (error) {
          this.host.reportFailure(`forwarding an access change to ${room}`, error);
          return 0;
        }
      }),
    );
    return results.reduce<number>((sum, n) => sum + n, 0);
  }
}
