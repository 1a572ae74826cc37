/**
 * The agent's queue: the tickets of their departments (the API scopes ticket.list to them), in
 * saved views, or full-text search results (ticket.search, `q` in the URL). Rows change, reorder,
 * arrive and leave live (lib/live-queue.ts). Rows can be selected for bulk changes
 * (ticket.bulkUpdate). Keys: j / k move, Enter opens, x selects, ? lists the shortcuts.
 */
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { lazy, Suspense, useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import { Button } from '../components/button';
import { inputClass, labelClass } from '../components/fields';
import { Empty, Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { priorityWords, slaWords } from '../lib/format';
import { whenIdle } from '../lib/idle';
import { useLiveQueue } from '../lib/live-queue';
import { queueListOptions, queueViews, type QueueView } from '../lib/queue-views';
import { trpc, type TicketView } from '../trpc';
import { useSearchText } from '../lib/use-search-text';

// Not needed for the first render: each its own chunk, loaded when first shown (the bulk bar's also once the page is idle).
const loadBulkBar = () => import('../components/queue-bulk-bar');
const BulkBar = lazy(() => loadBulkBar().then((m) => ({ default: m.BulkBar })));
const ShortcutSheet = lazy(() => import('../components/shortcut-sheet').then((m) => ({ default: m.ShortcutSheet })));

export const Route = createLazyRoute('/_authed/queue')({ component: Queue });

const route = getRouteApi('/_authed/queue');
const authed = getRouteApi('/_authed');

const viewWords: Record<QueueView, string> = { open: 'All open', mine: 'Mine', unassigned: 'Unassigned', at_risk: 'At risk', breached: 'Breached', waiting: 'Waiting' };

const tab =
  'rounded-md px-3 py-1.5 text-sm font-medium data-[status=active]:bg-slate-900 data-[status=active]:text-white dark:data-[status=active]:bg-slate-100 dark:data-[status=active]:text-slate-900';

const liveWords = { connecting: 'Connecting to live updates…', live: 'Live', offline: 'Live updates off: the list refreshes when you come back to the window' } as const;

function Queue() {
  const { view, q } = route.useSearch();
  const { me } = authed.useRouteContext();
  // Already requested by the route's loader (router.tsx), while this chunk loaded.
  const listing = useInfiniteQuery({ ...queueListOptions(view), enabled: !q });
  const searching = useQuery({ ...trpc.ticket.search.queryOptions({ q: q ?? '', limit: 50 }), enabled: Boolean(q) });
  const items: TicketView[] = useMemo(() => (q ? (searching.data?.items ?? []) : (listing.data?.pages.flatMap((page) => page.items) ?? [])), [q, searching.data, listing.data]);
  const current = q ? searching : listing;

  const departmentIds = useMemo(() => [...(me.departmentId ? [me.departmentId] : []), ...items.flatMap((t) => (t.department ? [t.department.id] : []))], [me.departmentId, items]);
  const live = useLiveQueue(departmentIds);

  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  // Only rows still shown stay selected (a live update may take one away).
  const visibleSelected = useMemo(() => items.filter((t) => selected.has(t.id)).map((t) => t.id), [items, selected]);
  const toggle = (id: string) =>
    setSelected((now) => {
      const next = new Set(now);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  // What the last bulk change did: kept here, since the bar goes away with the selection it changed.
  const [bulkOutcome, setBulkOutcome] = useState<string | null>(null);
  const [sheetOpen, setSheetOpen] = useState(false);
  const searchInput = useRef<HTMLInputElement>(null);
  // Ready before the first selection, without delaying the first rows.
  useEffect(() => whenIdle(() => void loadBulkBar()), []);
  const rows = useRowKeys({ count: items.length, toggle, openSheet: () => setSheetOpen(true), focusSearch: () => searchInput.current?.focus() });

  return (
    <section aria-labelledby="queue-title" className="flex flex-col gap-4">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="queue-title" className="text-2xl font-bold">
          Queue
        </h1>
        <div className="flex items-center gap-3 text-sm text-slate-600 dark:text-slate-400">
          <span role="status" data-live={live}>
            <span aria-hidden="true" className={live === 'live' ? 'text-emerald-700 dark:text-emerald-400' : 'text-slate-600 dark:text-slate-400'}>
              ●
            </span>{' '}
            {liveWords[live]}
          </span>
          <Button tone="secondary" onPress={() => setSheetOpen(true)}>
            Keyboard shortcuts <kbd aria-hidden="true">?</kbd>
          </Button>
        </div>
      </div>
      <SearchBox q={q} inputRef={searchInput} />
      {!q && (
        <nav aria-label="Views" className="flex flex-wrap gap-2">
          {queueViews.map((v) => (
            <Link key={v} to="/queue" search={{ view: v }} activeOptions={{ includeSearch: true }} className={tab}>
              {viewWords[v]}
            </Link>
          ))}
        </nav>
      )}
      {visibleSelected.length > 0 && (
        <Suspense fallback={<p className="text-sm">Loading bulk actions…</p>}>
          <BulkBar ticketIds={visibleSelected} meId={me.id} onOutcome={setBulkOutcome} onDone={(succeeded) => setSelected((now) => new Set([...now].filter((id) => !succeeded.has(id))))} />
        </Suspense>
      )}
      <p role="status" className="text-sm empty:hidden">
        {bulkOutcome}
      </p>
      {current.isPending ? (
        <Loading what={q ? 'search results' : 'the queue'} />
      ) : current.isError ? (
        <Failed error={current.error} retry={() => void current.refetch()} />
      ) : items.length === 0 ? (
        <Empty>{q ? `No ticket matches “${q}”.` : 'Nothing here right now.'}</Empty>
      ) : (
        <>
          <label className="flex items-center gap-2 self-start text-sm">
            <input
              type="checkbox"
              className="size-4 accent-indigo-700"
              checked={visibleSelected.length === items.length}
              ref={(box) => {
                if (box) box.indeterminate = visibleSelected.length > 0 && visibleSelected.length < items.length;
              }}
              onChange={(event) => setSelected(event.target.checked ? new Set(items.map((t) => t.id)) : new Set())}
            />
            Select all {items.length} shown
          </label>
          <ul
            ref={rows}
            aria-label={q ? 'Search results' : `${viewWords[view]} tickets`}
            className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800"
          >
            {items.map((ticket) => (
              <QueueRow key={ticket.id} ticket={ticket} selected={selected.has(ticket.id)} onToggle={() => toggle(ticket.id)} />
            ))}
          </ul>
          {!q && listing.hasNextPage && (
            <Button tone="secondary" onPress={() => void listing.fetchNextPage()} isPending={listing.isFetchingNextPage} className="self-center">
              Show more
            </Button>
          )}
          {q && searching.data?.hasMore && <p className="text-center text-sm text-slate-600 dark:text-slate-400">The best 50 matches are shown; add words to narrow the search.</p>}
        </>
      )}
      {sheetOpen && (
        <Suspense fallback={null}>
          <ShortcutSheet isOpen onOpenChange={setSheetOpen} />
        </Suspense>
      )}
    </section>
  );
}

/** Debounced: the URL (and so the query) changes 300 ms after the last keystroke; Enter searches at once. */
function SearchBox({ q, inputRef }: { q: string | undefined; inputRef: RefObject<HTMLInputElement | null> }) {
  const navigate = useNavigate({ from: '/queue' });
  const { text, setText, go } = useSearchText(q, (value) => void navigate({ search: (prev) => ({ ...prev, q: value }), replace: true }));
  return (
    <SearchField value={text} onChange={setText} onSubmit={go} onClear={() => go('')} className="flex max-w-xl flex-col gap-1">
      <Label className={labelClass}>Search tickets</Label>
      <Input ref={inputRef} placeholder="Words, “a phrase”, -excluded" maxLength={200} className={`${inputClass} [&::-webkit-search-cancel-button]:hidden`} />
    </SearchField>
  );
}

/**
 * j / k move focus between the list's links (Enter then opens the focused one, as links do), x
 * selects the focused row, / goes to the search box, ? opens the shortcut sheet; not while typing.
 */
function useRowKeys({ count, toggle, openSheet, focusSearch }: { count: number; toggle: (id: string) => void; openSheet: () => void; focusSearch: () => void }) {
  const list = useRef<HTMLUListElement>(null);
  const handlers = useRef({ toggle, openSheet, focusSearch });
  handlers.current = { toggle, openSheet, focusSearch };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.metaKey || event.ctrlKey || event.altKey || event.defaultPrevented) return;
      const target = event.target as HTMLElement | null;
      if (target?.closest('input:not([type="checkbox"]), textarea, select, [contenteditable="true"], [role="dialog"]')) return;
      if (event.key === '?') {
        handlers.current.openSheet();
        event.preventDefault();
        return;
      }
      if (event.key === '/') {
        handlers.current.focusSearch();
        event.preventDefault();
        return;
      }
      if (event.key === 'x') {
        const row = target?.closest<HTMLElement>('li[data-ticket-id]');
        if (row?.dataset.ticketId && list.current?.contains(row)) {
          handlers.current.toggle(row.dataset.ticketId);
          event.preventDefault();
        }
        return;
      }
      if (event.key !== 'j' && event.key !== 'k') return;
      const links = [...(list.current?.querySelectorAll<HTMLAnchorElement>('a[data-row]') ?? [])];
      if (links.length === 0) return;
      const focusedRow = target?.closest('li[data-ticket-id]');
      const current = links.findIndex((link) => link === document.activeElement || link.closest('li') === focusedRow);
      const next = event.key === 'j' ? Math.min(current + 1, links.length - 1) : Math.max(current - 1, 0);
      links[next]?.focus();
      event.preventDefault();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [count]);
  return list;
}

function QueueRow({ ticket, selected, onToggle }: { ticket: TicketView; selected: boolean; onToggle: () => void }) {
  return (
    <li data-ticket-id={ticket.id} data-selected={selected || undefined} className="flex items-stretch data-[selected]:bg-indigo-50 dark:data-[selected]:bg-indigo-950">
      <label className="flex items-center px-3">
        <input type="checkbox" className="size-4 accent-indigo-700" checked={selected} onChange={onToggle} />
        <span className="sr-only">Select #{ticket.number}</span>
      </label>
      <Link
        data-row
        to="/tickets/$ticketId"
        params={{ ticketId: ticket.id }}
        className="grid min-w-0 flex-1 grid-cols-1 gap-1 py-3 pr-4 hover:bg-slate-50 focus:bg-indigo-50 sm:grid-cols-[1fr_auto_auto] sm:items-center sm:gap-4 dark:hover:bg-slate-900 dark:focus:bg-indigo-950"
      >
        <span className="min-w-0">
          <span className="block truncate font-medium">{ticket.title}</span>
          <span className="text-sm text-slate-600 dark:text-slate-400">
            #{ticket.number} · {ticket.requester.name} · <span data-field="assignee">{ticket.assignee?.name ?? 'unassigned'}</span> ·{' '}
            <span data-field="priority">{priorityWords[ticket.priority]}</span>
          </span>
        </span>
        <span className="text-sm">
          <span data-field="sla">{slaWords[ticket.slaState]}</span>
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
