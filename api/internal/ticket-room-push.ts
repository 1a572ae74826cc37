/**
 * The API delivering a stored message live: one push into the ticket's room (`ticket-<id>`) on
 * the rooms worker, with the internal bearer secret. The room fans it out to the connections
 * allowed to see it (internal notes and held messages to staff only) and dedupes by message id,
 * so a message the room already delivered is not delivered twice.
 *
 * Best effort by design, like rooms-push.ts: the message is committed before this runs, and a
 * room that missed a push catches up from the API on its next message or join. A failure is
 * logged, never an error for the author.
 */
import { RoomPushResult, type RoomPush, type StoredMessage } from '../../realtime/protocol';
import { ticketRoomName } from '../../realtime/token';
import type { Logger } from '../../lib/logger';

export type TicketRoomPusher = {
  /** Resolves once the room was told (or telling it failed); never rejects. */
  message(message: StoredMessage, options: { previousId: number | null; released?: boolean }): Promise<void>;
};

export function createTicketRoomPusher(options: { roomsUrl: string; internalSecret: string | undefined; logger: Logger; timeoutMs?: number }): TicketRoomPusher {
  const { internalSecret, logger } = options;
  const base = options.roomsUrl.replace(/\/+$/, '');
  return {
    async message(message, { previousId, released }) {
      if (!internalSecret) return; // rooms not configured for pushes: they load the message on their next catch-up
      const room = ticketRoomName(message.ticketId);
      const push: RoomPush = { type: 'message', message, previousId, ...(released && { released: true }) };
      try {
        const response = await fetch(`${base}/parties/room/${room}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
          body: JSON.stringify(push),
          signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
        });
        const answer = RoomPushResult.safeParse(await response.json().catch(() => null));
        if (!response.ok || !answer.success) throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        logger.warn({ room, messageId: message.id, err: error instanceof Error ? error.message : String(error) }, 'could not deliver a message live; the room catches up on its next message or join');
      }
    },
  };
}
