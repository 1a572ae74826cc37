/**
 * Possible duplicates for staff of a ticket (ticket.similar): the open tickets nearest by meaning
 * that they may work, each with "Merge into #N" (the ticket on screen becomes a duplicate of that
 * one, through the same merge move as everywhere: ticket.merge).
 */
import { useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { apiProblem } from '../lib/errors';
import { trpc } from '../trpc';
import { Button, FormAlert } from './fields';
import { useMergeTicket } from './lifecycle-actions';
import { StatusBadge } from './ticket-bits';

export function PossibleDuplicates({ ticketId }: { ticketId: string }) {
  const similar = useQuery(trpc.ticket.similar.queryOptions({ id: ticketId }));
  // The same lifecycle query as the action buttons: merging is offered only while the API would allow it.
  const lifecycle = useQuery(trpc.ticket.lifecycle.queryOptions({ id: ticketId }));
  const mayMerge = (lifecycle.data?.allowed ?? []).some((a) => a.action === 'merge');
  const merge = useMergeTicket(ticketId);
  const found = similar.data?.tickets ?? [];
  if (found.length === 0 && !merge.error) return null;
  return (
    <section aria-labelledby="duplicates-title" className="rounded-lg border border-amber-300 p-4 dark:border-amber-700">
      <h2 id="duplicates-title" className="mb-2 font-semibold">
        Possible duplicates
      </h2>
      <FormAlert message={merge.error ? apiProblem(merge.error).message : null} />
      <ul className="flex flex-col gap-3">
        {found.map((other) => (
          <li key={other.id} className="flex flex-col gap-1 text-sm">
            <Link to="/tickets/$ticketId" params={{ ticketId: other.id }} className="font-medium break-words text-indigo-700 underline dark:text-indigo-300">
              #{other.number} {other.title}
            </Link>
            <div className="flex flex-wrap items-center gap-2">
              <StatusBadge status={other.status as Parameters<typeof StatusBadge>[0]['status']} staff />
              <span className="text-slate-600 dark:text-slate-400">{Math.round(other.similarity * 100)}% similar</span>
              {mayMerge && (
                <Button
                  tone="secondary"
                  isPending={merge.isPending && merge.variables?.primaryId === other.id}
                  isDisabled={merge.isPending}
                  onPress={() => merge.mutate({ primaryId: other.id, reason: 'Possible duplicate (similar open ticket)' })}
                >
                  Merge into #{other.number}
                </Button>
              )}
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
