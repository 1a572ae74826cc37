/**
 * The supervisor's SLA board: open tickets breached and at risk now, counted by department and by
 * assignee, and listed soonest due first; the open escalated tickets, highest level first; and the
 * team's workload (availability.team: each member's availability and open assigned tickets, of
 * which breached and at risk, counted by the API across all their tickets). Live like the queue
 * (lib/live-queue.ts): an SLA warning or breach, a status, assignment or priority change moves a
 * ticket onto or off the board without a reload, and reads the workload again; everything is also
 * read again every minute, since a deadline passing is not an event until the workflow's timer
 * fires, and an escalation that changes nothing else pushes no event of its own.
 */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { useMemo } from 'react';
import { OPEN_STATUSES } from '../../../domain/vocabulary';
import { cardClass, mutedClass, tableClass, tdClass, thClass } from '../components/controls';
import { Empty, Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { priorityWords, slaWords } from '../lib/format';
import { useLiveQueue } from '../lib/live-queue';
import { trpc, type RouterOutputs, type TicketView } from '../trpc';

export const Route = createLazyRoute('/_authed/sla-board')({ component: SlaBoard });

const authed = getRouteApi('/_authed');

/** The API's page size limit; beyond it the board says it shows the first 100. */
const LIMIT = 100;
const REFRESH_MS = 60_000;
const boardInput = (slaState: 'breached' | 'at_risk') => ({ status: [...OPEN_STATUSES], slaState: [slaState], sort: 'due' as const, limit: LIMIT });
const escalationsInput = { status: [...OPEN_STATUSES], escalated: true, sort: 'due' as const, limit: LIMIT };

function SlaBoard() {
  const { me } = authed.useRouteContext();
  const breached = useQuery({ ...trpc.ticket.list.queryOptions(boardInput('breached')), refetchInterval: REFRESH_MS });
  const atRisk = useQuery({ ...trpc.ticket.list.queryOptions(boardInput('at_risk')), refetchInterval: REFRESH_MS });
  const escalations = useQuery({ ...trpc.ticket.list.queryOptions(escalationsInput), refetchInterval: REFRESH_MS });
  const team = useQuery({ ...trpc.availability.team.queryOptions(), refetchInterval: REFRESH_MS });
  const all = useMemo(() => [...(breached.data?.items ?? []), ...(atRisk.data?.items ?? [])], [breached.data, atRisk.data]);
  const departmentIds = useMemo(
    () => [...(me.departmentId ? [me.departmentId] : []), ...[...all, ...(escalations.data?.items ?? [])].flatMap((t) => (t.department ? [t.department.id] : []))],
    [me.departmentId, all, escalations.data],
  );
  // An event changes workloads too (an assignment, a breach, a resolved ticket): read the team again with the lists.
  const live = useLiveQueue(departmentIds, [trpc.availability.team.queryKey()]);

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
      <Escalations query={escalations} />
      <TeamWorkload query={team} />
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

/** Highest level first, then soonest due (undated last), then oldest number. */
function byLevelThenDue(a: TicketView, b: TicketView): number {
  const due = (t: TicketView) => t.resolutionDueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return (b.escalationLevel ?? 0) - (a.escalationLevel ?? 0) || due(a) - due(b) || a.number - b.number;
}

type TicketPageQuery = { isPending: boolean; isError: boolean; error: unknown; data?: { items: TicketView[]; nextCursor: string | null } | undefined; refetch: () => Promise<unknown> };

function Escalations({ query }: { query: TicketPageQuery }) {
  const tickets = useMemo(() => [...(query.data?.items ?? [])].sort(byLevelThenDue), [query.data]);
  const more = (query.data?.nextCursor ?? null) !== null;
  return (
    <section aria-labelledby="board-escalations" className="flex flex-col gap-2">
      <h2 id="board-escalations" className="text-lg font-semibold">
        Escalations
        {query.data ? ` (${tickets.length}${more ? '+' : ''})` : ''}
      </h2>
      {query.isPending ? (
        <Loading what="the escalations" />
      ) : query.isError || !query.data ? (
        <Failed error={query.error} retry={() => void query.refetch()} />
      ) : tickets.length === 0 ? (
        <Empty>No open ticket is escalated.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">Open escalated tickets, highest level first, then soonest due</caption>
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Ticket
                </th>
                <th scope="col" className={thClass}>
                  Level
                </th>
                <th scope="col" className={thClass}>
                  Department
                </th>
                <th scope="col" className={thClass}>
                  Assignee
                </th>
                <th scope="col" className={thClass}>
                  SLA
                </th>
                <th scope="col" className={thClass}>
                  Due
                </th>
              </tr>
            </thead>
            <tbody>
              {tickets.map((ticket) => (
                <tr key={ticket.id}>
                  <th scope="row" className={`${tdClass} font-normal`}>
                    <Link
                      to="/tickets/$ticketId"
                      params={{ ticketId: ticket.id }}
                      className="font-medium text-indigo-700 underline-offset-2 hover:underline focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-indigo-600 dark:text-indigo-300"
                    >
                      #{ticket.number} {ticket.title}
                    </Link>
                    <span className={`block text-xs ${mutedClass}`}>
                      {priorityWords[ticket.priority]} · <StatusBadge status={ticket.status} staff />
                    </span>
                  </th>
                  <td className={`${tdClass} whitespace-nowrap font-semibold`}>Level {ticket.escalationLevel ?? 0}</td>
                  <td className={tdClass}>{ticket.department?.name ?? 'No department'}</td>
                  <td className={tdClass}>{ticket.assignee?.name ?? 'Unassigned'}</td>
                  <td className={`${tdClass} whitespace-nowrap`}>{slaWords[ticket.slaState]}</td>
                  <td className={`${tdClass} whitespace-nowrap`}>{ticket.resolutionDueAt ? <Time date={ticket.resolutionDueAt} /> : 'No due date'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {more && <p className={`text-sm ${mutedClass}`}>The {LIMIT} soonest due escalated tickets are shown.</p>}
    </section>
  );
}

type Member = RouterOutputs['availability']['team'][number];
type TeamQuery = { isPending: boolean; isError: boolean; error: unknown; data?: Member[] | undefined; refetch: () => Promise<unknown> };

function Availability({ member }: { member: Member }) {
  if (member.status === 'away') {
    return (
      <>
        <span className="font-medium text-amber-800 dark:text-amber-300">Away</span>
        {member.awayUntil ? (
          <>
            {' until '}
            <Time date={member.awayUntil} />
          </>
        ) : (
          ' until set back'
        )}
      </>
    );
  }
  return (
    <>
      <span className="font-medium text-emerald-800 dark:text-emerald-300">Available</span>
      {!member.routable && <span className={`block text-xs ${mutedClass}`}>at their cap: routing skips them</span>}
    </>
  );
}

function TeamWorkload({ query }: { query: TeamQuery }) {
  return (
    <section aria-labelledby="board-team" className="flex flex-col gap-2">
      <h2 id="board-team" className="text-lg font-semibold">
        Team workload
      </h2>
      {query.isPending ? (
        <Loading what="your team’s workload" />
      ) : query.isError || !query.data ? (
        <Failed error={query.error} retry={() => void query.refetch()} />
      ) : query.data.length === 0 ? (
        <Empty>Nobody works in your departments.</Empty>
      ) : (
        // Focusable, so that a narrow screen's keyboard user can scroll it sideways (the table has no links).
        <div role="group" aria-labelledby="board-team" tabIndex={0} className={`${cardClass} overflow-x-auto focus-visible:outline-2 focus-visible:outline-indigo-600`}>
          <table className={tableClass}>
            <caption className="sr-only">Each team member’s availability and open assigned tickets, of which breached and at risk</caption>
            <thead>
              <tr>
                <th scope="col" className={thClass}>
                  Name
                </th>
                <th scope="col" className={thClass}>
                  Availability
                </th>
                <th scope="col" className={`${thClass} text-right`}>
                  Open assigned
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
              {query.data.map((member) => (
                <tr key={member.userId}>
                  <th scope="row" className={`${tdClass} font-normal`}>
                    {member.name} <span className={`text-xs ${mutedClass}`}>({member.role})</span>
                  </th>
                  <td className={tdClass}>
                    <Availability member={member} />
                  </td>
                  <td className={`${tdClass} text-right tabular-nums`}>
                    {member.openAssigned}
                    {member.maxOpenTickets !== null && <span className={`text-xs ${mutedClass}`}> of {member.maxOpenTickets}</span>}
                  </td>
                  <td className={`${tdClass} text-right tabular-nums`}>{member.breachedAssigned}</td>
                  <td className={`${tdClass} text-right tabular-nums`}>{member.atRiskAssigned}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
