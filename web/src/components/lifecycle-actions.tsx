/** The moves the API allows the viewer now (ticket.lifecycle `allowed`), as buttons; nothing it would refuse. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { TRANSITION_TARGET_STATUSES } from '../../../domain/vocabulary';
import { apiProblem } from '../lib/errors';
import { statusLabel } from '../lib/format';
import { queryClient, trpc, trpcClient, type TicketView } from '../trpc';
import { Button, FormAlert } from './fields';

/** Moves that need nothing but a click; the others (assign, escalate, merge…) get dialogs of their own. */
type Target = (typeof TRANSITION_TARGET_STATUSES)[number];
type SimpleMove = { action: 'transition'; to: Target } | { action: 'claim' | 'reopen' | 'cancel' | 'confirmResolution' };
const oneClick = ['claim', 'reopen', 'cancel', 'confirmResolution'] as const;

function simpleMove(allowed: { action: string; to: string }): SimpleMove | null {
  if (allowed.action === 'transition') {
    const to = TRANSITION_TARGET_STATUSES.find((status) => status === allowed.to);
    return to ? { action: 'transition', to } : null;
  }
  const action = oneClick.find((a) => a === allowed.action);
  return action ? { action } : null;
}

const moveKey = (move: SimpleMove) => (move.action === 'transition' ? `transition:${move.to}` : move.action);

function label(move: SimpleMove, staff: boolean): string {
  switch (move.action) {
    case 'transition':
      return `Mark as ${statusLabel(move.to, true).toLowerCase()}`;
    case 'claim':
      return 'Take this ticket';
    case 'reopen':
      return staff ? 'Reopen' : 'It is not fixed: reopen';
    case 'cancel':
      return 'Cancel ticket';
    case 'confirmResolution':
      return staff ? 'Confirm resolution' : 'Yes, it is fixed';
  }
}

/** What a persisted move changes on screen: the ticket, its allowed moves, timelines and lists (every move's onSuccess). */
export async function afterMove(ticketId: string, ticket: TicketView): Promise<void> {
  queryClient.setQueryData(trpc.ticket.get.queryKey({ id: ticketId }), ticket);
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.ticket.lifecycle.queryKey({ id: ticketId }) }),
    queryClient.invalidateQueries({ queryKey: trpc.ticket.history.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.ticket.list.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.ticket.similar.pathKey() }),
    // A merge or link changes both tickets' links, and a merge moves the duplicate's watchers.
    queryClient.invalidateQueries({ queryKey: trpc.ticket.links.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.ticket.watchers.pathKey() }),
  ]);
}

/** Merging the ticket on screen into a primary (ticket.merge): the one mutation the duplicates panel and the merge dialog share. */
export function useMergeTicket(ticketId: string) {
  return useMutation({
    mutationFn: (merge: { primaryId: string; reason?: string }) => trpcClient.ticket.merge.mutate({ id: ticketId, ...merge }),
    onSuccess: (ticket) => afterMove(ticketId, ticket),
  });
}

export function LifecycleActions({ ticketId, staff }: { ticketId: string; staff: boolean }) {
  const lifecycle = useQuery(trpc.ticket.lifecycle.queryOptions({ id: ticketId }));
  const move = useMutation({
    mutationFn: (m: SimpleMove) => (m.action === 'transition' ? trpcClient.ticket.transition.mutate({ id: ticketId, to: m.to }) : trpcClient.ticket[m.action].mutate({ id: ticketId })),
    onSuccess: (ticket) => afterMove(ticketId, ticket),
  });
  const moves = (lifecycle.data?.allowed ?? []).map(simpleMove).filter((m): m is SimpleMove => m !== null);
  if (moves.length === 0 && !move.error) return null;
  return (
    <section aria-label="Actions" className="flex flex-col gap-2">
      <FormAlert message={move.error ? apiProblem(move.error).message : null} />
      <div className="flex flex-wrap gap-2">
        {moves.map((m, index) => (
          <Button
            key={moveKey(m)}
            tone={index === 0 ? 'primary' : 'secondary'}
            isPending={move.isPending && move.variables !== undefined && moveKey(move.variables) === moveKey(m)}
            isDisabled={move.isPending}
            onPress={() => move.mutate(m)}
          >
            {label(m, staff)}
          </Button>
        ))}
      </div>
    </section>
  );
}
