/** The ticket's history in plain words, with reasons for staff (ticket.history: requesters see status and public events only, without reasons, as the API decides). */
import { useQuery } from '@tanstack/react-query';
import { priorities, ticketStatuses, type Priority, type TicketStatus } from '../../../domain/vocabulary';
import { priorityWords, statusLabel } from '../lib/format';
import { trpc, type RouterOutputs } from '../trpc';
import { Failed, Loading } from './states';
import { Time } from './ticket-bits';

type HistoryEvent = RouterOutputs['ticket']['history']['events'][number];

const kindWords: Record<string, string> = {
  created: 'Ticket filed',
  comment_added: 'Reply added',
  attachment_added: 'File attached',
  attachment_deleted: 'File removed',
  ai_second_opinion: 'AI second opinion on triage',
  ai_fallback: 'AI step answered offline',
  escalated: 'Escalated',
  watcher_added: 'Watcher added',
  watcher_removed: 'Watcher removed',
};

/** The other ticket of a link or merge event (`{ ticketId, number }`), for its words. */
function otherNumber(value: unknown): number | null {
  return typeof value === 'object' && value !== null && 'number' in value && typeof value.number === 'number' ? value.number : null;
}

const linkWords: Record<string, string> = { linked: 'Linked to', unlinked: 'Unlinked from', merged_into: 'Merged into', merged_in: 'Merged here:' };

const isStatus = (value: unknown): value is TicketStatus => ticketStatuses.some((s) => s === value);
const isPriority = (value: unknown): value is Priority => priorities.some((p) => p === value);

function describe(event: HistoryEvent, staff: boolean): string {
  const value: unknown = event.newValue;
  if (event.field === 'status' && isStatus(value)) return statusLabel(value, staff);
  if (event.field === 'priority' && isPriority(value)) return `Priority: ${priorityWords[value]}`;
  const other = otherNumber(value);
  if (other !== null && linkWords[event.kind]) return `${linkWords[event.kind]} #${other}`;
  const words = kindWords[event.kind] ?? event.kind.replaceAll('_', ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function Timeline({ ticketId, staff }: { ticketId: string; staff: boolean }) {
  const history = useQuery(trpc.ticket.history.queryOptions({ id: ticketId, limit: 100 }));
  return (
    <section aria-labelledby="timeline-title" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h2 id="timeline-title" className="mb-2 font-semibold">
        Timeline
      </h2>
      {history.isPending ? (
        <Loading what="the timeline" />
      ) : history.isError ? (
        <Failed error={history.error} retry={() => void history.refetch()} />
      ) : (
        <ol className="flex flex-col gap-2 border-l-2 border-slate-200 pl-3 text-sm dark:border-slate-700">
          {history.data.events.map((event) => (
            <li key={event.id}>
              <span className="font-medium">{describe(event, staff)}</span>
              {/* Reasons reach staff only (ticket.history leaves them out for requesters). */}
              {event.reason && <span className="block break-words">“{event.reason}”</span>}
              <span className="block text-slate-600 dark:text-slate-400">
                {event.actor?.name ? `${event.actor.name} · ` : ''}
                <Time date={event.createdAt} />
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
