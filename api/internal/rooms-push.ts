/**
 * The API telling the rooms that a user's access changed (deactivated, new role or departments):
 * one push into the user's channel, `user-<id>`, which re-checks the user's connections there
 * and forwards the change to every ticket and queue room the user is connected to (see the
 * comment at the top of realtime/server.ts). Each room then asks `GET /internal/rooms/access`
 * and closes or downgrades what the API no longer allows.
 *
 * Best effort by design: the change is already committed, and the rooms re-check everyone
 * connected every minute anyway, so a push that fails is logged, never an error for the admin.
 */
import { RoomPushResult, type RoomPush } from '../../realtime/protocol';
import { userRoomName } from '../../realtime/token';
import type { Logger } from '../../lib/logger';

export type RoomsAccessNotifier = {
  /** Resolves once the rooms were told (or telling them failed); never rejects. */
  userAccessChanged(userId: string): Promise<void>;
};

export function createRoomsAccessNotifier(options: { roomsUrl: string; internalSecret: string | undefined; logger: Logger; timeoutMs?: number }): RoomsAccessNotifier {
  const { internalSecret, logger } = options;
  const base = options.roomsUrl.replace(/\/+$/, '');
  return {
    async userAccessChanged(userId) {
      if (!internalSecret) return; // rooms not configured for pushes: the periodic re-check is all there is
      const room = userRoomName(userId);
      try {
        const response = await fetch(`${base}/parties/room/${room}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${internalSecret}`, 'content-type': 'application/json' },
          body: JSON.stringify({ type: 'access_changed', userId } satisfies RoomPush),
          signal: AbortSignal.timeout(options.timeoutMs ?? 2000),
        });
        const answer = RoomPushResult.safeParse(await response.json().catch(() => null));
        if (!response.ok || !answer.success) throw new Error(`HTTP ${response.status}`);
      } catch (error) {
        logger.warn({ room, err: error instanceof Error ? error.message : String(error) }, 'could not tell the rooms about an access change; their periodic re-check will');
      }
    },
  };
}
