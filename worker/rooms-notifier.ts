/**
 * Pushes live events from workflow activities into the rooms: the ticket's room, its
 * department's queue room (`queue-<slug>`) and the notification channel of each user in
 * `notify`; and a user's unread notification count into their channel. Every event carries an idempotency id, so a retried activity delivers it once.
 * Any failed push throws: the calling Temporal activity retries it.
 */
import { PublishableEvent, RoomPushResult, type RoomPush, type StoredMessage } from '../realtime/protocol';
import { queueRoomName, ticketRoomName, userRoomName } from '../realtime/token';

export type RoomsNotifierOptions = {
  /** Base URL of the rooms worker, e.g. http://127.0.0.1:1999. */
  roomsUrl: string;
  internalSecret: string;
  /** Per push. Default 5 s. */
  timeoutMs?: number;
};

export type PublishResult = { rooms: { room: string; delivered: number; duplicate: boolean }[] };

export class RoomsPushError extends Error {
  override name = 'RoomsPushError';
}

export function createRoomsNotifier(options: RoomsNotifierOptions) {
  const base = options.roomsUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 5000;

  async function push(room: string, body: RoomPush): Promise<{ room: string; delivered: number; duplicate: boolean }> {
    let response: Response;
    try {
      response = await fetch(`${base}/parties/room/${room}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new RoomsPushError(`${room}: rooms unreachable at ${base} (${error instanceof Error ? error.message : String(error)})`);
    }
    const text = await response.text();
    if (!response.ok) throw new RoomsPushError(`${room}: HTTP ${response.status} ${text.slice(0, 200)}`);
    let json: unknown = null;
    try {
      json = JSON.parse(text);
    } catch {
      // reported below
    }
    const parsed = RoomPushResult.safeParse(json);
    if (!parsed.success) throw new RoomsPushError(`${room}: unexpected answer ${text.slice(0, 200)}`);
    return { room, ...parsed.data };
  }

  async function pushAll(rooms: string[], body: RoomPush): Promise<PublishResult> {
    const settled = await Promise.allSettled(rooms.map((room) => push(room, body)));
    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [s.reason instanceof Error ? s.reason.message : String(s.reason)] : []));
    if (failures.length > 0) throw new RoomsPushError(`live event not delivered to ${failures.length} of ${rooms.length} rooms: ${failures.join('; ')}`);
    return { rooms: settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : [])) };
  }

  return {
    /** Delivers a status, assignment, priority or SLA event to the ticket, queue and user rooms. */
    async publish(input: PublishableEvent): Promise<PublishResult> {
      const { notify, ...event } = PublishableEvent.parse(input);
      const rooms = [ticketRoomName(event.ticketId)];
      if (event.departmentSlug) rooms.push(queueRoomName(event.departmentSlug));
      for (const userId of new Set(notify)) rooms.push(userRoomName(userId));
      return pushAll(rooms, { type: 'event', event });
    },

    /**
     * Delivers a message stored outside a room (e.g. by the tRPC comment procedure) to its
     * ticket's room. `previousId` is storeComment's, so the room can fill any gap in order.
     */
    async publishMessage(message: StoredMessage, previousId: number | null): Promise<PublishResult> {
      return pushAll([ticketRoomName(message.ticketId)], { type: 'message', message, previousId });
    },

    /**
     * Who may be in a ticket's room may have changed (its department or assignee did): the room
     * asks the API again about everyone connected and closes or downgrades what it no longer allows.
     */
    async accessChanged(ticketId: string): Promise<PublishResult> {
      return pushAll([ticketRoomName(ticketId)], { type: 'access_changed' });
    },

    /** A user's unread notification count changed (notifications were written for them): their channel tells their clients. */
    async unreadChanged(userId: string, unread: number): Promise<PublishResult> {
      return pushAll([userRoomName(userId)], { type: 'notifications', unread });
    },
  };
}

export type RoomsNotifier = ReturnType<typeof createRoomsNotifier>;
