/**
 * One ticket: details and what to expect, the moves the API allows the viewer now (ticket.lifecycle),
 * the live conversation with a reply box (internal notes for staff, clearly marked; a suggested reply
 * for staff to edit), the ticket's summary for staff joining late, the timeline, and for staff the
 * possible duplicates (similar open tickets, merge one click away), the assign, escalate, merge and
 * link dialogs (each only while ticket.lifecycle allows its move), linked tickets and watchers (for
 * staff of this ticket, as ticket.lifecycle's capabilities say); for everyone the related
 * knowledge-base articles, and for staff "Turn into article".
 */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { OPEN_STATUSES, isIn } from '../../../domain/vocabulary';
import { AiSummary } from '../components/ai-summary';
import { Failed, Loading } from '../components/states';
import { StatusBadge, Time } from '../components/ticket-bits';
import { Conversation } from '../components/conversation';
import { LifecycleActions } from '../components/lifecycle-actions';
import { PossibleDuplicates } from '../components/possible-duplicates';
import { RatingWidget } from '../components/rating';
import { TicketDialogs } from '../components/ticket-dialogs';
import { LinkedTickets, Watchers } from '../components/ticket-relations';
import { RelatedArticles } from '../components/related-articles';
import { Timeline } from '../components/timeline';
import { priorityWords } from '../lib/format';
import { trpc, type TicketView } from '../trpc';

export const Route = createLazyRoute('/_authed/tickets/$ticketId')({ component: TicketPage });

const route = getRouteApi('/_authed/tickets/$ticketId');
const authed = getRouteApi('/_authed');

function TicketPage() {
  const { ticketId } = route.useParams();
  const { action } = route.useSearch();
  const { me } = authed.useRouteContext();
  const ticket = useQuery(trpc.ticket.get.queryOptions({ id: ticketId }));
  // The viewer's powers on this ticket (an agent may be only the requester of a ticket filed elsewhere).
  const lifecycle = useQuery(trpc.ticket.lifecycle.queryOptions({ id: ticketId }));
  const staffOfTicket = lifecycle.data?.capabilities.staff ?? false;
  if (ticket.isPending) return <Loading what="the ticket" />;
  if (ticket.isError) return <Failed error={ticket.error} retry={() => void ticket.refetch()} />;
  const staff = me.role !== 'requester';
  return (
    <article aria-labelledby="ticket-title" className="flex flex-col gap-6">
      <header className="flex flex-col gap-2">
        <p className="text-sm text-slate-600 dark:text-slate-400">Ticket #{ticket.data.number}</p>
        <h1 id="ticket-title" className="text-2xl font-bold break-words">
          {ticket.data.title}
        </h1>
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <StatusBadge status={ticket.data.status} staff={staff} />
          <Expectation ticket={ticket.data} />
        </div>
      </header>
      {action && ticket.data.requester.id === me.id && ticket.data.status === 'resolved' && (
        <p role="note" className="rounded-md border border-indigo-200 bg-indigo-50 p-3 text-sm dark:border-indigo-900 dark:bg-indigo-950">
          {action === 'confirm' ? 'If this solved it, choose “Yes, it is fixed” below.' : 'Not solved? Choose “It is not fixed: reopen” below, then tell us what is still wrong in the conversation.'}
        </p>
      )}
      <LifecycleActions ticketId={ticketId} staff={staff} />
      {staffOfTicket && <TicketDialogs ticket={ticket.data} me={me} />}
      {(ticket.data.status === 'resolved' || ticket.data.status === 'closed') && ticket.data.requester.id === me.id && <RatingWidget ticketId={ticketId} />}
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="flex flex-col gap-6 lg:col-span-2">
          <section aria-labelledby="description-title" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
            <h2 id="description-title" className="mb-2 font-semibold">
              Description
            </h2>
            <p className="whitespace-pre-wrap break-words">{ticket.data.description}</p>
          </section>
          <Conversation ticketId={ticketId} staff={staff} />
        </div>
        <aside className="flex flex-col gap-6">
          <Details ticket={ticket.data} />
          {staff && <AiSummary ticketId={ticketId} />}
          {staff && <PossibleDuplicates ticketId={ticketId} />}
          {staffOfTicket && <LinkedTickets ticketId={ticketId} />}
          {staffOfTicket && <Watchers ticketId={ticketId} me={me} />}
          <RelatedArticles ticketId={ticketId} mayDraft={staff} />
          <Timeline ticketId={ticketId} staff={staff} />
        </aside>
      </div>
    </article>
  );
}

/** The SLA in plain words: when to expect a resolution, or that it is past. */
function Expectation({ ticket }: { ticket: TicketView }) {
  if (!isIn(OPEN_STATUSES, ticket.status) || !ticket.resolutionDueAt) return null;
  if (ticket.slaState === 'paused') return <span className="text-slate-700 dark:text-slate-300">The clock is paused while we wait.</span>;
  const late = ticket.resolutionDueAt.getTime() < Date.now();
  return (
    <span className={late ? 'font-medium text-red-700 dark:text-red-300' : 'text-slate-700 dark:text-slate-300'}>
      {late ? 'Resolution was due ' : 'We aim to resolve this '}
      <Time date={ticket.resolutionDueAt} />
    </span>
  );
}

function Details({ ticket }: { ticket: TicketView }) {
  const rows: [string, string | null][] = [
    ['Requester', ticket.requester.name],
    ['Assigned to', ticket.assignee?.name ?? 'Nobody yet'],
    ['Team', ticket.department?.name ?? 'Not routed yet'],
    ['Category', ticket.category ?? ticket.requestedCategory],
    ['Building', ticket.building?.name ?? null],
    ['Priority', priorityWords[ticket.priority]],
  ];
  return (
    <section aria-labelledby="details-title" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h2 id="details-title" className="mb-2 font-semibold">
        Details
      </h2>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        {rows
          .filter((row): row is [string, string] => row[1] !== null)
          .map(([term, value]) => (
            <div key={term} className="contents">
              <dt className="text-slate-600 dark:text-slate-400">{term}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        <dt className="text-slate-600 dark:text-slate-400">Filed</dt>
        <dd>
          <Time date={ticket.createdAt} />
        </dd>
      </dl>
    </section>
  );
}
