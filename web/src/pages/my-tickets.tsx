/** The requester's tickets (or those they watch), newest first, a page at a time. */
import { useInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { Button } from '../components/button';
import { Empty, Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { trpc, type TicketView } from '../trpc';

export const Route = createLazyRoute('/_authed/tickets')({ component: MyTickets });

const route = getRouteApi('/_authed/tickets');

const tab =
  'rounded-md px-3 py-1.5 text-sm font-medium data-[status=active]:bg-slate-900 data-[status=active]:text-white dark:data-[status=active]:bg-slate-100 dark:data-[status=active]:text-slate-900';

function MyTickets() {
  const { view } = route.useSearch();
  const tickets = useInfiniteQuery(
    trpc.ticket.list.infiniteQueryOptions(view === 'mine' ? { requesterId: 'me', sort: 'updated', limit: 20 } : { watchedBy: 'me', sort: 'updated', limit: 20 }, {
      getNextPageParam: (page) => page.nextCursor ?? undefined,
    }),
  );
  const items = tickets.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <section aria-labelledby="my-tickets-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="my-tickets-title" className="text-2xl font-bold">
          {view === 'mine' ? 'My tickets' : 'Tickets I watch'}
        </h1>
        <Link to="/tickets/new" className="rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800 dark:bg-indigo-300 dark:text-slate-950">
          New ticket
        </Link>
      </div>
      <nav aria-label="Which tickets" className="flex gap-2">
        <Link to="/tickets" search={{ view: 'mine' }} activeOptions={{ includeSearch: true }} className={tab}>
          Mine
        </Link>
        <Link to="/tickets" search={{ view: 'watched' }} activeOptions={{ includeSearch: true }} className={tab}>
          Watching
        </Link>
      </nav>
      {tickets.isPending ? (
        <Loading what="your tickets" />
      ) : tickets.isError ? (
        <Failed error={tickets.error} retry={() => void tickets.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{view === 'mine' ? 'You have not filed any tickets yet. When something is broken or you need something, file a ticket and follow it here.' : 'You are not watching any tickets.'}</Empty>
      ) : (
        <>
          <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {items.map((ticket) => (
              <TicketRow key={ticket.id} ticket={ticket} />
            ))}
          </ul>
          {tickets.hasNextPage && (
            <Button tone="secondary" onPress={() => void tickets.fetchNextPage()} isPending={tickets.isFetchingNextPage} className="self-center">
              {tickets.isFetchingNextPage ? 'Loading…' : 'Show more'}
            </Button>
          )}
        </>
      )}
    </section>
  );
}

function TicketRow({ ticket }: { ticket: TicketView }) {
  return (
    <li>
      <Link to="/tickets/$ticketId" params={{ ticketId: ticket.id }} className="flex flex-col gap-1 px-4 py-3 hover:bg-slate-50 sm:flex-row sm:items-center sm:gap-4 dark:hover:bg-slate-900">
        <span className="min-w-0 flex-1">
          <span className="block truncate font-medium">{ticket.title}</span>
          <span className="text-sm text-slate-600 dark:text-slate-400">
            #{ticket.number} · updated <Time date={ticket.updatedAt} />
          </span>
        </span>
        <StatusBadge status={ticket.status} />
      </Link>
    </li>
  );
}
