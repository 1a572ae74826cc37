/**
 * The signed-in user's own channel in the rooms (`user-<id>`, realtime.notificationsToken): it
 * pushes `{ type: 'notifications', unread }` whenever notifications are written or read. The
 * count goes straight into notification.unreadCount's cache (the bell), and the lists are marked
 * stale so an open notification page shows the new one. The channel does not send the count on
 * (re)connect, so each welcome reads the count and the lists again. Loaded on demand: the first page does not carry it.
 */
import { connectRoom, type RoomClient } from '../../../realtime/client';
import { queryClient, trpc, trpcClient } from '../trpc';

export function connectNotificationChannel(): () => void {
  let client: RoomClient | null = null;
  let closed = false;
  const token = () => trpcClient.realtime.notificationsToken.mutate();
  void token()
    .then((first) => {
      if (closed) return;
      let unused: typeof first | null = first;
      client = connectRoom({
        url: first.url,
        room: first.room,
        keepFrames: false,
        token: () => {
          const answer = unused;
          unused = null;
          return answer ?? token();
        },
      });
      client.onFrame((frame) => {
        // (Re)connected: what was pushed meanwhile was missed; read the count and the lists again.
        if (frame.type === 'welcome') {
          void queryClient.invalidateQueries({ queryKey: trpc.notification.unreadCount.queryKey() });
          void queryClient.invalidateQueries({ queryKey: trpc.notification.list.pathKey() });
        } else if (frame.type === 'notifications') {
          queryClient.setQueryData(trpc.notification.unreadCount.queryKey(), { unread: frame.unread });
          void queryClient.invalidateQueries({ queryKey: trpc.notification.list.pathKey() });
        }
      });
    })
    // Without the channel the bell still refreshes when the window regains focus.
    .catch(() => undefined);
  return () => {
    closed = true;
    client?.close();
  };
}
