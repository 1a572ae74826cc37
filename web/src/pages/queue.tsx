/**
 * The agent's queue: the tickets of their departments (the API scopes ticket.list to them), in
 * saved views, or full-text search results (ticket.search, `q` in the URL). Rows change, reorder,
 * arrive and leave live (lib/live-queue.ts). Rows can be selected for bulk changes
 * (ticket.bulkUpdate). Keys: j / k move, Enter opens, x selects, ? lists the shortcuts.
 */
import { useInfiniteQuery, useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useMemo, useRef, useState, type RefObject } from 'react';
import { Dialog, Heading, Input, Label, Modal, ModalOverlay, SearchField } from 'react-aria-components';
import { OPEN_STATUSES, priorities, TRANSITION_TARGET_STATUSES } from '../../../domain/vocabulary';
import { Button, inputClass, labelClass } from '../components/fields';
import { SelectInput } from '../components/select';
import { Empty, Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { apiProblem } from '../lib/errors';
import { priorityWords, slaWords, statusLabel } from '../lib/format';
import { useLiveQueue } from '../lib/live-queue';
import { queueViews, type QueueView } from '../lib/queue-views';
import { queryClient, trpc, type RouterInputs, type RouterOutputs, type TicketView } from '../trpc';

export const Route = createLazyRoute('/_authed/queue')({ component: Queue });

const route = getRouteApi('/_authed/queue');
const authed = getRouteApi('/_authed');

type ListInput = NonNullable<RouterInputs['ticket']['list']>;
type BulkChange = RouterInputs['ticket']['bulkUpdate']['change'];

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

const shortcuts: [keys: string[], what: string][] = [
  [['j'], 'Next ticket'],
  [['k'], 'Previous ticket'],
  [['Enter'], 'Open the focused ticket'],
  [['x'], 'Select or unselect the focused ticket'],
  [['/'], 'Search'],
  [['?'], 'This list of shortcuts'],
  [['Esc'], 'Close this list'],
];

const liveWords = { connecting: 'Connecting to live updates…', live: 'Live', offline: 'Live updates off: the list refreshes when you come back to the window' } as const;

function Queue() {
  const { view, q } = route.useSearch();
  const { me } = authed.useRouteContext();
  const listing = useInfiniteQuery({
    ...trpc.ticket.list.infiniteQueryOptions(viewFilters[view], { getNextPageParam: (page: RouterOutputs['ticket']['list']) => page.nextCursor ?? undefined }),
    enabled: !q,
  });
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
        <BulkBar ticketIds={visibleSelected} meId={me.id} onOutcome={setBulkOutcome} onDone={(succeeded) => setSelected((now) => new Set([...now].filter((id) => !succeeded.has(id))))} />
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
      <ShortcutSheet isOpen={sheetOpen} onOpenChange={setSheetOpen} />
    </section>
  );
}

/** Debounced: the URL (and so the query) changes 300 ms after the last keystroke; Enter searches at once. */
function SearchBox({ q, inputRef }: { q: string | undefined; inputRef: RefObject<HTMLInputElement | null> }) {
  const navigate = useNavigate({ from: '/queue' });
  const [text, setText] = useState(q ?? '');
  // What this box last put in the URL: only a change from elsewhere (a view link, back) replaces what is typed.
  const sent = useRef(q);
  useEffect(() => {
    if (q === sent.current) return;
    sent.current = q;
    setText(q ?? '');
  }, [q]);
  const go = (value: string) => {
    sent.current = value.trim() || undefined;
    void navigate({ search: (prev) => ({ ...prev, q: sent.current }), replace: true });
  };
  useEffect(() => {
    if (text.trim() === (q ?? '')) return;
    const timer = setTimeout(() => go(text), 300);
    return () => clearTimeout(timer);
  }, [text, q]);
  return (
    <SearchField value={text} onChange={setText} onSubmit={go} onClear={() => go('')} className="flex max-w-xl flex-col gap-1">
      <Label className={labelClass}>Search tickets</Label>
      <Input ref={inputRef} placeholder="Words, “a phrase”, -excluded" maxLength={200} className={`${inputClass} [&::-webkit-search-cancel-button]:hidden`} />
    </SearchField>
  );
}

function BulkBar({ ticketIds, meId, onDone, onOutcome: setOutcome }: { ticketIds: string[]; meId: string; onDone: (succeeded: Set<string>) => void; onOutcome: (message: string | null) => void }) {
  const agents = useQuery(trpc.directory.agents.queryOptions({}));
  // Remounts the pickers after each change, so each shows its placeholder again.
  const [round, setRound] = useState(0);
  const bulk = useMutation(
    trpc.ticket.bulkUpdate.mutationOptions({
      onSuccess: (result) => {
        const refused = result.results.filter((r) => !r.ok);
        setOutcome(`Changed ${result.succeeded} of ${result.results.length}.` + (refused.length ? ` Not changed: ${refused.map((r) => ('message' in r ? r.message : '')).join(' ')}` : ''));
        onDone(new Set(result.results.filter((r) => r.ok).map((r) => r.ticketId)));
      },
      onError: (error) => setOutcome(apiProblem(error).message),
      onSettled: () => {
        setRound((n) => n + 1);
        void queryClient.invalidateQueries({ queryKey: trpc.ticket.list.pathKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.ticket.search.pathKey() });
      },
    }),
  );
  const apply = (change: BulkChange) => {
    setOutcome(null);
    bulk.mutate({ ticketIds, change });
  };
  return (
    <div role="region" aria-label="Bulk actions" className="flex flex-col gap-3 rounded-lg border border-indigo-200 bg-indigo-50 p-3 dark:border-indigo-800 dark:bg-indigo-950">
      <div className="flex flex-wrap items-end gap-3" key={round}>
        <p className="self-center text-sm font-semibold">{ticketIds.length} selected</p>
        <Button onPress={() => apply({ action: 'assign', assigneeId: meId })} isPending={bulk.isPending}>
          Assign to me
        </Button>
        <div className="w-48">
          <SelectInput
            name="bulk-assignee"
            label="Assign to"
            placeholder={agents.isPending ? 'Loading…' : 'Choose someone'}
            choices={(agents.data ?? []).map((agent) => ({ id: agent.id, name: agent.away ? `${agent.name} (away)` : agent.name }))}
            onChange={(id) => id && apply({ action: 'assign', assigneeId: id })}
          />
        </div>
        <div className="w-40">
          <SelectInput
            name="bulk-priority"
            label="Set priority"
            placeholder="Choose"
            choices={priorities.map((p) => ({ id: p, name: priorityWords[p] }))}
            onChange={(id) => {
              const priority = priorities.find((p) => p === id);
              if (priority) apply({ action: 'priority', priority });
            }}
          />
        </div>
        <div className="w-52">
          <SelectInput
            name="bulk-status"
            label="Move to"
            placeholder="Choose a status"
            description="Tickets that cannot make this move are left as they are."
            choices={TRANSITION_TARGET_STATUSES.map((s) => ({ id: s, name: statusLabel(s, true) }))}
            onChange={(id) => {
              const status = TRANSITION_TARGET_STATUSES.find((s) => s === id);
              if (status) apply({ action: 'status', status });
            }}
          />
        </div>
      </div>
      <p role="status" className="text-sm">
        {bulk.isPending ? 'Changing…' : null}
      </p>
    </div>
  );
}

function ShortcutSheet({ isOpen, onOpenChange }: { isOpen: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <ModalOverlay isOpen={isOpen} onOpenChange={onOpenChange} isDismissable className="fixed inset-0 z-20 flex items-center justify-center bg-slate-950/50 p-4">
      <Modal className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-700 dark:bg-slate-900">
        <Dialog className="flex flex-col gap-4 outline-none">
          {({ close }) => (
            <>
              <Heading slot="title" className="text-lg font-semibold">
                Keyboard shortcuts
              </Heading>
              <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
                {shortcuts.map(([keys, what]) => (
                  <div key={what} className="contents">
                    <dt>
                      {keys.map((key) => (
                        <kbd key={key} className="rounded border border-slate-300 px-1.5 py-0.5 font-mono dark:border-slate-600">
                          {key}
                        </kbd>
                      ))}
                    </dt>
                    <dd>{what}</dd>
                  </div>
                ))}
              </dl>
              <Button tone="secondary" onPress={close} className="self-end">
                Close
              </Button>
            </>
          )}
        </Dialog>
      </Modal>
    </ModalOverlay>
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
