/**
 * The agent's queue: the tickets of their departments (the API scopes ticket.list to them), in
 * saved views; j / k move between rows, Enter opens one.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { useEffect, useRef } from 'react';
import { OPEN_STATUSES } from '../../../domain/vocabulary';
import { Button } from '../components/fields';
import { Empty, Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { priorityWords, slaWords } from '../lib/format';
import { queueViews, type QueueView } from '../lib/queue-views';
import { trpc, type RouterInputs, type RouterOutputs, type TicketView } from '../trpc';

export const Route = createLazyRoute('/_authed/queue')({ component: Queue });

const route = getRouteApi('/_authed/queue');

type ListInput = NonNullable<RouterInputs['ticket']['list']>;

const viewWords: Record<QueueView, string> = { open: 'All open', mine: 'Mine', unassigned: 'Unassigned', at_risk: 'At risk', breached: 'Breached', waiting: 'Waiting' };

const open = [...OPEN_STATUSES];
const viewFilters: Record<QueueView, Omit<ListInput, 'cursor'>> = {
  open: { status: open, sort: 'due', limit: 50 },
  mine: { status: open, assigneeId: 'me', sort: 'due', limit: 50 },
  unassigned: { status: ['new', 'triaged'], sort: 'due', limit: 50 },
  at_risk: { status: open, slaState: ['at_risk'], sort: 'due', limit: 50 },
  breached: { status: open, slaState: ['breached'], sort: 'due', limit: 50 },
  waiting: { status: ['waiting_on_customer', 'waiting_on_third_party'], sort: 'updated', limit: 50 },
};

const tab =
  'rounded-md px-3 py-1.5 text-sm font-medium data-[status=active]:bg-slate-900 data-[status=active]:text-white dark:data-[status=active]:bg-slate-100 dark:data-[status=active]:text-slate-900';

function Queue() {
  const { view } = route.useSearch();
  const tickets = useInfiniteQuery(trpc.ticket.list.infiniteQueryOptions(viewFilters[view], { getNextPageParam: (page: RouterOutputs['ticket']['list']) => page.nextCursor ?? undefined }));
  const items = tickets.data?.pages.flatMap((page) => page.items) ?? [];
  const rows = useRowKeys(items.length);
  return (
    <section aria-labelledby="queue-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="queue-title" className="text-2xl font-bold">
          Queue
        </h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          <kbd>j</kbd> / <kbd>k</kbd> to move, <kbd>Enter</kbd> to open
        </p>
      </div>
      <nav aria-label="Views" className="flex flex-wrap gap-2">
        {queueViews.map((v) => (
          <Link key={v} to="/queue" search={{ view: v }} activeOptions={{ includeSearch: true }} className={tab}>
            {viewWords[v]}
          </Link>
        ))}
      </nav>
      {tickets.isPending ? (
        <Loading what="the queue" />
      ) : tickets.isError ? (
        <Failed error={tickets.error} retry={() => void tickets.refetch()} />
      ) : items.length === 0 ? (
        <Empty>Nothing here right now.</Empty>
      ) : (
        <>
          <ul ref={rows} className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
            {items.map((ticket) => (
              <QueueRow key={ticket.id} ticket={ticket} />
            ))}
          </ul>
          {tickets.hasNextPage && (
            <Button tone="secondary" onPress={() => void tickets.fetchNextPage()} isPending={tickets.isFetchingNextPage} className="self-center">
              Show more
            </Button>
          )}
        </>
      )}
    </section>
  );
}

/** j / k move focus between the list's links (Enter then opens the focused one, as links do); not while typing. */
function useRowKeys(count: number) {
  const list = useRef<HTMLUListElement>(null);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'j' && event.key !== 'k') return;
      if (event.metaKey || event.ctrlKey || event.altKey) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
      const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>('a[data-row]') ?? [])];
      if (links.length === 0) return;
      const current = links.findIndex((link) => link === document.activeElement);
      const next = event.key === 'j' ? Math.min(current + 1, links.length - 1) : Math.max(current - 1, 0);
      links[next]?.focus();
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [count]);
  return list;
}

function QueueRow({ ticket }: { ticket: TicketView }) {
  return (
    <li>
      <Link
        data-row
        to="/tickets/$ticketId"
        params={{ ticketId: ticket.id }}
        className="grid grid-cols-1 gap-1 px-4 py-3 hover:bg-slate-50 focus:bg-indigo-50 sm:grid-cols-[1fr_auto_auto] sm:items-center sm:gap-4 dark:hover:bg-slate-900 dark:focus:bg-indigo-950"
      >
        <span className="min-w-0">
          <span className="block truncate font-medium">{ticket.title}</span>
          <span className="text-sm text-slate-600 dark:text-slate-400">
            #{ticket.number} · {ticket.requester.name} · {ticket.assignee?.name ?? 'unassigned'} · {priorityWords[ticket.priority]}
          </span>
        </span>
        <span className="text-sm">
          {slaWords[ticket.slaState]}
          {ticket.resolutionDueAt && (
            <>
              {' · due '}
              <Time date={ticket.resolutionDueAt} />
            </>
          )}
        </span>
        <StatusBadge status={ticket.status} staff />
      </Link>
    </li>
  );
}
