/**
 * The API's pushes into the rooms:
 *
 * - a user's access changed (deactivated, new role or departments): the channel re-checks the
 *   user's connections there and forwards the change to every ticket and queue room the user is
 *   connected to (see the comment at the top of realtime/server.ts). Each room then asks
 *   `GET /internal/rooms/access` and closes or downgrades what the API no longer allows;
 * - a user's unread notification count changed (api/notifications/service.ts): the channel sends
 *   it to each of the user's connections;
 * - a comment was deleted or hidden (api/comments/moderation.ts): the ticket's room drops it.
 *
 * Best effort by design: the change is already committed, the rooms re-check everyone connected
 * every minute anyway, and a client asks `notification.unreadCount` when it connects, so a push
 * that fails is logged, never an error for the caller.
 */
import { RoomPushResult, type RoomPush, type StoredMessage } from '../../realtime/protocol';
import { ticketRoomName, userRoomName } from '../../realtime/token';
import type { Logger } from '../../lib/logger';

export type RoomsAccessNotifier = {
  /** Resolves once the rooms were told (or telling them failed); never rejects. */
  userAccessChanged(userId: string): Promise<void>;
  /**
   * A stored message, live in its ticket's room (which fans it out to those allowed to see it and
   * dedupes by id; a room that missed it catches up from the API on its next message or join). Never rejects.
   */
  message(message: StoredMessage, options: { previousId: number | null; released?: boolean }): Promise<void>;
  /** A comment was deleted or hidden: the ticket's room drops it (its buffer, open screens). Never rejects. */
  messageRemoved(ticketId: string, messageId: number): Promise<void>;
  /** Sends the user's unread notification count to their connected clients; never rejects. */
  unreadChanged(userId: string, unread: number): Promise<void>;
};

export function createRoomsAccessNotifier(options: { roomsUrl: string; internalSecret: string | undefined; logger: Logger; timeoutMs?: number }): RoomsAccessNotifier {
  const { internalSecret, logger } = options;
  const base = options.roomsUrl.replace(/\/+$/, '');
  const push = async (room: string, body: RoomPush, what: string) => {
    if (!internalSecret) return; // rooms not configured for pushes
    try {
      const response = await fetch(`${base}/parties/room/${room}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
      });
      const answer = RoomPushResult.safeParse(await response.json().catch(() => null));
      if (!response.ok || !answer.success) throw new Error(`HTTP ${response.status}`);
    } catch (error) {
      logger.warn({ room, err: error instanceof Error ? error.message : String(error) }, what);
    }
  };
  return {
    message: (message, { previousId, released }) =>
      push(
        ticketRoomName(message.ticketId),
        { type: 'message', message, previousId, ...(released && { released: true }) },
        'could not deliver a message live; the room catches up on its next message or join',
      ),
    userAccessChanged: (userId) => push(userRoomName(userId), { type: 'access_changed', userId }, 'could not tell the rooms about an access change; their periodic re-check will'),
    // A room that missed it still never replays the message once its buffer is reloaded from the API (listComments leaves it out).
    messageRemoved: (ticketId, messageId) =>
      push(ticketRoomName(ticketId), { type: 'message_removed', ticketId, messageId }, 'could not tell the ticket room about a removed message; it leaves on its next reload'),
    unreadChanged: (userId, unread) => push(userRoomName(userId), { type: 'notifications', unread }, 'could not push an unread notification count; clients read it again when they reconnect'),
  };
}
