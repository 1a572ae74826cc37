/**
 * The bell in the header: a link to the notification center with the live unread count. The
 * count comes from notification.unreadCount and is kept current by the user's channel
 * (lib/notification-channel.ts: the room client with partysocket and the frame schemas), and read
 * again when the window regains focus. The channel is not needed to show the page: it is loaded and
 * opened once the first count has arrived and the browser is idle, after the page's first paint.
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useEffect } from 'react';
import { whenIdle } from '../lib/idle';
import { trpc } from '../trpc';

export function NotificationBell() {
  const count = useQuery({ ...trpc.notification.unreadCount.queryOptions(), refetchOnWindowFocus: true, staleTime: 60_000 });
  const firstAnswer = !count.isPending;
  useEffect(() => {
    if (!firstAnswer) return;
    let disconnect: (() => void) | null = null;
    let cancelled = false;
    const cancelIdle = whenIdle(() => {
      void import('../lib/notification-channel').then(({ connectNotificationChannel }) => {
        if (!cancelled) disconnect = connectNotificationChannel();
      });
    });
    return () => {
      cancelled = true;
      cancelIdle();
      disconnect?.();
    };
  }, [firstAnswer]);
  const unread = count.data?.unread ?? 0;
  const label = unread === 0 ? 'Notifications, none unread' : `Notifications, ${unread} unread`;
  return (
    <Link
      to="/notifications"
      search={{ unread: false }}
      aria-label={label}
      title={label}
      className="relative inline-flex size-10 items-center justify-center rounded-md hover:bg-slate-100 data-[status=active]:bg-indigo-50 dark:hover:bg-slate-800 dark:data-[status=active]:bg-indigo-950"
    >
      <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round">
        <path d="M6 8a6 6 0 1 1 12 0c0 7 3 9 3 9H3s3-2 3-9" />
        <path d="M10.3 21a1.94 1.94 0 0 0 3.4 0" />
      </svg>
      {unread > 0 && (
        <span data-testid="unread-count" aria-hidden="true" className="absolute -top-0.5 -right-0.5 min-w-5 rounded-full bg-red-700 px-1 text-center text-xs leading-5 font-bold text-white">
          {unread > 99 ? '99+' : unread}
        </span>
      )}
    </Link>
  );
}
