/**
 * Who is here and what they are doing: combined presence per user, typing indicators (with
 * their expiry) and read markers, each shown only to those allowed to see it (internal notes'
 * typing and markers on internal notes go to agents only).
 */
import { isStaffOnlyMessage, type PresenceState, type RoomUser } from './protocol';
import type { Conn, ConnState, Connections } from './room-connections';
import type { MessageLog } from './room-state';

export interface PresenceHost {
  readonly connections: Connections;
  readonly log: MessageLog;
  typingTtlMs(): number;
}

export class Presence {
  private readonly typing = new Map<string, { name: string; internal: boolean; timer: ReturnType<typeof setTimeout> }>();
  /**
   * Each reader's marker, and what of it requesters may learn: the newest message they can see up
   * to it (a marker on an internal note still says the reader is past the public messages before it).
   */
  private readonly reads = new Map<string, { messageId: number; publicId: number | null }>();
  private readonly announced = new Map<string, PresenceState>();

  constructor(private readonly host: PresenceHost) {}

  // --- for a welcome ---------------------------------------------------------------------------

  /** Everyone here as `me` sees them (one entry per user: online if any of their connections is). */
  present(me: ConnState): (RoomUser & { state: PresenceState })[] {
    const present = new Map<string, RoomUser & { state: PresenceState }>();
    for (const other of this.host.connections.ready()) {
      const s = other.state!;
      const seen = present.get(s.userId);
      if (!seen || (seen.state === 'away' && s.presence === 'online')) present.set(s.userId, { userId: s.userId, name: s.name, role: s.role, state: s.presence });
    }
    present.set(me.userId, { userId: me.userId, name: me.name, role: me.role, state: me.presence });
    return [...present.values()];
  }

  typingFor(me: ConnState): { userId: string; name: string }[] {
    return [...this.typing].filter(([userId, t]) => userId !== me.userId && (me.internal || !t.internal)).map(([userId, t]) => ({ userId, name: t.name }));
  }

  readsFor(me: ConnState): { userId: string; messageId: number }[] {
    return [...this.reads].flatMap(([userId, r]) => {
      const messageId = me.internal ? r.messageId : r.publicId;
      return messageId === null ? [] : [{ userId, messageId }];
    });
  }

  // --- typing, presence, read markers ----------------------------------------------------------

  startTyping(state: ConnState, internal: boolean) {
    const current = this.typing.get(state.userId);
    if (current && current.internal !== internal) this.stopTyping(state.userId);
    const previous = this.typing.get(state.userId);
    if (previous) clearTimeout(previous.timer);
    const timer = setTimeout(() => this.stopTyping(state.userId), this.host.typingTtlMs());
    this.typing.set(state.userId, { name: state.name, internal, timer });
    if (!previous)
      this.host.connections.fanOut({ type: 'typing', userId: state.userId, name: state.name, state: 'start', internal }, { internalOnly: internal, except: (c) => c.state!.userId === state.userId });
  }

  stopTyping(userId: string) {
    const current = this.typing.get(userId);
    if (!current) return;
    clearTimeout(current.timer);
    this.typing.delete(userId);
    this.host.connections.fanOut(
      { type: 'typing', userId, name: current.name, state: 'stop', internal: current.internal },
      { internalOnly: current.internal, except: (c) => c.state!.userId === userId },
    );
  }

  setPresence(conn: Conn, presence: PresenceState) {
    conn.setState((state) => ({ ...state!, presence }));
    this.announce(conn.state!);
  }

  /** Broadcasts a user's combined presence (online if any connection is) when it changed. */
  announce(user: RoomUser) {
    let now: PresenceState | 'offline' = 'offline';
    for (const c of this.host.connections.ready()) {
      const s = c.state!;
      if (s.userId !== user.userId) continue;
      if (s.presence === 'online') now = 'online';
      else if (now === 'offline') now = 'away';
    }
    const before = this.announced.get(user.userId) ?? 'offline';
    if (now === before) return;
    if (now === 'offline') this.announced.delete(user.userId);
    else this.announced.set(user.userId, now);
    this.host.connections.fanOut({ type: 'presence', user: { userId: user.userId, name: user.name, role: user.role }, state: now }, { except: (c) => c.state!.userId === user.userId });
  }

  markRead(conn: Conn, state: ConnState, messageId: number) {
    if (!this.host.log.loaded || messageId > this.host.log.lastId!) return this.host.connections.sendError(conn, 'not_found', 'no such message in this room');
    const known = this.host.log.get(messageId);
    if (!state.internal && known && isStaffOnlyMessage(known)) return this.host.connections.sendError(conn, 'not_found', 'no such message in this room');
    const previous = this.reads.get(state.userId);
    if (previous && previous.messageId >= messageId) return;
    const before = previous?.publicId ?? null;
    const newestPublic = this.host.log.newestVisibleToAll(messageId);
    const publicId = newestPublic !== null && newestPublic > (before ?? 0) ? newestPublic : before;
    this.reads.set(state.userId, { messageId, publicId });
    const except = (c: Conn) => c.id === conn.id;
    if (publicId === messageId) return void this.host.connections.fanOut({ type: 'read', userId: state.userId, messageId }, { except });
    this.host.connections.fanOut({ type: 'read', userId: state.userId, messageId }, { internalOnly: true, except });
    if (publicId !== null && publicId !== before) this.host.connections.fanOut({ type: 'read', userId: state.userId, messageId: publicId }, { requestersOnly: true, except });
  }
}
