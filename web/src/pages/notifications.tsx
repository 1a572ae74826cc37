/**
 * The notification center: the viewer's notifications, newest first, a page at a time
 * (keyset: notification.list's cursor), all or unread only; each links to its ticket and is
 * marked read when followed; mark one or all read. New ones appear as the user's channel reports them.
 */
import { useInfiniteQuery, useMutation } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { cardClass, mutedClass } from '../components/controls';
import { Button, FormAlert } from '../components/fields';
import { Empty, Failed, Loading } from '../components/states';
import { Time } from '../components/ticket-bits';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/notifications')({ component: Notifications });

const route = getRouteApi('/_authed/notifications');

type Notification = RouterOutputs['notification']['list']['items'][number];

const tab =
  'rounded-md px-3 py-1.5 text-sm font-medium data-[status=active]:bg-slate-900 data-[status=active]:text-white dark:data-[status=active]:bg-slate-100 dark:data-[status=active]:text-slate-900';

/** After marking: the count the API answered, and the lists read again. */
async function afterMarking(result: { unread: number }) {
  queryClient.setQueryData(trpc.notification.unreadCount.queryKey(), { unread: result.unread });
  await queryClient.invalidateQueries({ queryKey: trpc.notification.list.pathKey() });
}

function Notifications() {
  const { unread } = route.useSearch();
  const list = useInfiniteQuery(trpc.notification.list.infiniteQueryOptions({ unreadOnly: unread, limit: 25 }, { getNextPageParam: (page) => page.nextCursor ?? undefined }));
  const markAll = useMutation(trpc.notification.markAllRead.mutationOptions({ onSuccess: afterMarking }));
  const items = list.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="notifications-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="notifications-title" className="text-2xl font-bold">
          Notifications
        </h1>
        <div className="flex flex-wrap gap-2">
          <Button tone="secondary" onPress={() => markAll.mutate()} isPending={markAll.isPending} isDisabled={items.every((n) => n.readAt)}>
            Mark all read
          </Button>
          <Link
            to="/notifications/preferences"
            className="inline-flex min-h-10 items-center rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Preferences
          </Link>
        </div>
      </div>
      <nav aria-label="Which notifications" className="flex gap-2">
        <Link to="/notifications" search={{ unread: false }} activeOptions={{ includeSearch: true }} className={tab}>
          All
        </Link>
        <Link to="/notifications" search={{ unread: true }} activeOptions={{ includeSearch: true }} className={tab}>
          Unread
        </Link>
      </nav>
      <FormAlert message={markAll.error ? apiProblem(markAll.error).message : null} />
      {list.isPending ? (
        <Loading what="your notifications" />
      ) : list.isError ? (
        <Failed error={list.error} retry={() => void list.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{unread ? 'Nothing unread: you are up to date.' : 'No notifications yet. Assignments, replies and mentions will show up here.'}</Empty>
      ) : (
        <>
          <ul aria-label="Notifications, newest first" className="flex flex-col gap-2">
            {items.map((notification) => (
              <NotificationItem key={notification.id} notification={notification} />
            ))}
          </ul>
          {list.hasNextPage && (
            <Button tone="secondary" onPress={() => void list.fetchNextPage()} isPending={list.isFetchingNextPage} className="self-center">
              {list.isFetchingNextPage ? 'Loading…' : 'Show older'}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

function NotificationItem({ notification }: { notification: Notification }) {
  const mark = useMutation(trpc.notification.markRead.mutationOptions({ onSuccess: afterMarking }));
  const unread = !notification.readAt;
  return (
    <li
      className={`${cardClass} flex flex-col gap-2 sm:flex-row sm:items-start sm:justify-between ${unread ? 'border-indigo-300 bg-indigo-50/60 dark:border-indigo-800 dark:bg-indigo-950/40' : ''}`}
      data-unread={unread || undefined}
    >
      <div className="min-w-0">
        <p className="flex flex-wrap items-center gap-2">
          {unread && <span className="rounded bg-indigo-700 px-1.5 py-0.5 text-xs font-semibold text-white dark:bg-indigo-300 dark:text-slate-950">Unread</span>}
          {notification.ticket ? (
            <Link
              to="/tickets/$ticketId"
              params={{ ticketId: notification.ticket.id }}
              onClick={() => {
                if (unread) mark.mutate({ ids: [notification.id] });
              }}
              className="font-semibold text-indigo-800 underline-offset-2 hover:underline dark:text-indigo-200"
            >
              {notification.title}
            </Link>
          ) : (
            <span className="font-semibold">{notification.title}</span>
          )}
        </p>
        {notification.body && <p className="text-sm break-words">{notification.body}</p>}
        <p className={`text-sm ${mutedClass}`}>
          {notification.ticket ? `#${notification.ticket.number} ${notification.ticket.title} · ` : ''}
          <Time date={notification.createdAt} />
        </p>
        {mark.error && <FormAlert message={apiProblem(mark.error).message} />}
      </div>
      {unread && (
        <Button tone="secondary" isPending={mark.isPending} onPress={() => mark.mutate({ ids: [notification.id] })} aria-label={`Mark read: ${notification.title}`} className="shrink-0">
          Mark read
        </Button>
      )}
    </li>
  );
}
