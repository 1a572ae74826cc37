/**
 * The supervisor's SLA board: open tickets breached and at risk now, counted by department and by
 * assignee, and listed soonest due first. Live like the queue (lib/live-queue.ts): an SLA warning
 * or breach moves a ticket onto the board without a reload; the lists are also read again every
 * minute, since a deadline passing is not an event until the workflow's timer fires.
 */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { OPEN_STATUSES } from '../../../domain/vocabulary';
import { cardClass, mutedClass, tableClass, tdClass, thClass } from '../components/controls';
import { Empty, Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { priorityWords } from '../lib/format';
import { useLiveQueue } from '../lib/live-queue';
import { trpc, type TicketView } from '../trpc';

export const Route = createLazyRoute('/_authed/sla-board')({ component: SlaBoard });

const authed = getRouteApi('/_authed');

/** The API's page size limit; beyond it the board says it shows the first 100. */
const LIMIT = 100;
const boardInput = (slaState: 'breached' | 'at_risk') => ({ status: [...OPEN_STATUSES], slaState: [slaState], sort: 'due' as const, limit: LIMIT });

function SlaBoard() {
  const { me } = authed.useRouteContext();
  const breached = useQuery({ ...trpc.ticket.list.queryOptions(boardInput('breached')), refetchInterval: 60_000 });
  const atRisk = useQuery({ ...trpc.ticket.list.queryOptions(boardInput('at_risk')), refetchInterval: 60_000 });
  const all = useMemo(() => [...(breached.data?.items ?? []), ...(atRisk.data?.items ?? [])], [breached.data, atRisk.data]);
  const live = useLiveQueue(useMemo(() => [...(me.departmentId ? [me.departmentId] : []), ...all.flatMap((t) => (t.department ? [t.department.id] : []))], [me.departmentId, all]));

  return (
    <section aria-labelledby="board-title" className="flex flex-col gap-6">
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h1 id="board-title" className="text-2xl font-bold">
          SLA board
        </h1>
        <p role="status" data-live={live} className={`text-sm ${mutedClass}`}>
          {live === 'live' ? 'Live' : live === 'connecting' ? 'Connecting to live updates…' : 'Refreshed every minute'}
        </p>
      </div>
      {breached.isPending || atRisk.isPending ? (
        <Loading what="the SLA board" />
      ) : breached.isError || atRisk.isError ? (
        <Failed
          error={breached.error ?? atRisk.error}
          retry={() => {
            void breached.refetch();
            void atRisk.refetch();
          }}
        />
      ) : all.length === 0 ? (
        <Empty>No open ticket is at risk or breached right now.</Empty>
      ) : (
        <>
          <div className="grid gap-4 md:grid-cols-2">
            <Counts title="By department" rows={countBy(all, (t) => t.department?.name ?? 'No department')} />
            <Counts title="By assignee" rows={countBy(all, (t) => t.assignee?.name ?? 'Unassigned')} />
          </div>
          <TicketList title="Breached" tickets={breached.data.items} more={breached.data.nextCursor !== null} />
          <TicketList title="At risk" tickets={atRisk.data.items} more={atRisk.data.nextCursor !== null} />
        </>
      )}
    </section>
  );
}

type Count = { name: string; breached: number; atRisk: number };

function countBy(tickets: TicketView[], keyOf: (ticket: TicketView) => string): Count[] {
  const counts = new Map<string, Count>();
  for (const ticket of tickets) {
    const name = keyOf(ticket);
    const count = counts.get(name) ?? { name, breached: 0, atRisk: 0 };
    if (ticket.slaState === 'breached') count.breached++;
    else count.atRisk++;
    counts.set(name, count);
  }
  return [...counts.values()].sort((a, b) => b.breached - a.breached || b.atRisk - a.atRisk || a.name.localeCompare(b.name));
}

function Counts({ title, rows }: { title: string; rows: Count[] }) {
  return (
    <div className={cardClass}>
      <table className={tableClass}>
        <caption className="pb-2 text-left font-semibold">{title}</caption>
        <thead>
          <tr>
            <th scope="col" className={thClass}>
              Name
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              Breached
            </th>
            <th scope="col" className={`${thClass} text-right`}>
              At risk
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.name}>
              <th scope="row" className={`${tdClass} font-normal`}>
                {row.name}
              </th>
              <td className={`${tdClass} text-right tabular-nums`}>{row.breached}</td>
              <td className={`${tdClass} text-right tabular-nums`}>{row.atRisk}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function TicketList({ title, tickets, more }: { title: string; tickets: TicketView[]; more: boolean }) {
  const id = `board-${title.toLowerCase().replace(/\W+/g, '-')}`;
  return (
    <section aria-labelledby={id} className="flex flex-col gap-2">
      <h2 id={id} className="text-lg font-semibold">
        {title} ({tickets.length}
        {more ? '+' : ''})
      </h2>
      {tickets.length === 0 ? (
        <p className={mutedClass}>None.</p>
      ) : (
        <ul className="divide-y divide-slate-200 rounded-lg border border-slate-200 dark:divide-slate-800 dark:border-slate-800">
          {tickets.map((ticket) => (
            <li key={ticket.id}>
              <Link
                to="/tickets/$ticketId"
                params={{ ticketId: ticket.id }}
                className="grid grid-cols-1 gap-1 px-4 py-2 hover:bg-slate-50 focus:bg-indigo-50 sm:grid-cols-[1fr_auto_auto] sm:items-center sm:gap-4 dark:hover:bg-slate-900 dark:focus:bg-indigo-950"
              >
                <span className="min-w-0">
                  <span className="block truncate font-medium">{ticket.title}</span>
                  <span className={`text-sm ${mutedClass}`}>
                    #{ticket.number} · {ticket.department?.name ?? 'No department'} · {ticket.assignee?.name ?? 'unassigned'} · {priorityWords[ticket.priority]}
                  </span>
                </span>
                <span className="text-sm">
                  {ticket.resolutionDueAt ? (
                    <>
                      due <Time date={ticket.resolutionDueAt} />
                    </>
                  ) : (
                    'no due date'
                  )}
                </span>
                <StatusBadge status={ticket.status} staff />
              </Link>
            </li>
          ))}
        </ul>
      )}
      {more && <p className={`text-sm ${mutedClass}`}>The {LIMIT} soonest due are shown.</p>}
    </section>
  );
}
