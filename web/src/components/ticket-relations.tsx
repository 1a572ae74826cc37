/**
 * For staff of a ticket (ticket.lifecycle's `capabilities.staff`): its links to other tickets
 * (ticket.links, both ways; unlink while the API allows it) and its watchers (watch it myself, add a
 * colleague, remove one; each change shows at once and is rolled back if the API refuses it).
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { useState } from 'react';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, trpcClient, type Me, type RouterOutputs } from '../trpc';
import { ControlledSelect, mutedClass } from './controls';
import { Button, FormAlert } from './fields';
import { afterMove } from './lifecycle-actions';
import { Empty, Failed, Loading } from './states';
import { StatusBadge } from './ticket-bits';
import { FormDialog } from './ticket-dialogs';

type TicketLink = RouterOutputs['ticket']['links'][number];
type Watcher = RouterOutputs['ticket']['watchers'][number];
type WatcherChange = { add: boolean; person: Pick<Watcher, 'id' | 'name' | 'role'>; me: boolean };

const relationWords: Record<TicketLink['relation'], string> = {
  parent: 'Parent',
  child: 'Child',
  related: 'Related',
  merged_into: 'Merged into',
  merged_from: 'Merged here',
};

const sectionClass = 'rounded-lg border border-slate-200 p-4 dark:border-slate-800';

export function LinkedTickets({ ticketId }: { ticketId: string }) {
  const links = useQuery(trpc.ticket.links.queryOptions({ id: ticketId }));
  const lifecycle = useQuery(trpc.ticket.lifecycle.queryOptions({ id: ticketId }));
  const mayUnlink = (lifecycle.data?.allowed ?? []).some((a) => a.action === 'unlink');
  const unlink = useMutation({
    mutationFn: (link: TicketLink) => trpcClient.ticket.unlink.mutate({ id: ticketId, kind: link.relation === 'parent' ? 'parent' : 'related', targetId: link.ticket.id }),
    onSuccess: (ticket) => afterMove(ticketId, ticket),
  });
  return (
    <section aria-labelledby="links-title" className={sectionClass}>
      <h2 id="links-title" className="mb-2 font-semibold">
        Linked tickets
      </h2>
      <FormAlert message={unlink.error ? apiProblem(unlink.error).message : null} />
      {links.isPending ? (
        <Loading what="the links" />
      ) : links.isError ? (
        <Failed error={links.error} retry={() => void links.refetch()} />
      ) : links.data.length === 0 ? (
        <Empty>No linked tickets.</Empty>
      ) : (
        <ul aria-label="Linked tickets" className="flex flex-col gap-3 text-sm">
          {links.data.map((link) => (
            <li key={`${link.relation}:${link.ticket.id}`} className="flex flex-col gap-1">
              <span className={mutedClass}>{relationWords[link.relation]}</span>
              <Link to="/tickets/$ticketId" params={{ ticketId: link.ticket.id }} className="font-medium break-words text-indigo-700 underline dark:text-indigo-300">
                #{link.ticket.number} {link.ticket.title}
              </Link>
              <div className="flex flex-wrap items-center gap-2">
                <StatusBadge status={link.ticket.status} staff />
                {mayUnlink && link.fromThisTicket && (link.relation === 'parent' || link.relation === 'related') && (
                  <Button
                    tone="secondary"
                    aria-label={`Unlink #${link.ticket.number}`}
                    isPending={unlink.isPending && unlink.variables?.ticket.id === link.ticket.id}
                    isDisabled={unlink.isPending}
                    onPress={() => unlink.mutate(link)}
                  >
                    Unlink
                  </Button>
                )}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** Watchers change with an optimistic update: the list changes at once, and goes back if the API refuses. */
function useWatcherChange(ticketId: string) {
  const key = trpc.ticket.watchers.queryKey({ id: ticketId });
  return useMutation({
    mutationFn: async (change: WatcherChange): Promise<{ watching: boolean; changed: boolean }> => {
      const { add, person, me } = change;
      if (me) return add ? trpcClient.ticket.watch.mutate({ id: ticketId }) : trpcClient.ticket.unwatch.mutate({ id: ticketId });
      return add ? trpcClient.ticket.addWatcher.mutate({ id: ticketId, userId: person.id }) : trpcClient.ticket.removeWatcher.mutate({ id: ticketId, userId: person.id });
    },
    onMutate: async ({ add, person }): Promise<{ before: Watcher[] | undefined }> => {
      await queryClient.cancelQueries({ queryKey: key });
      const before = queryClient.getQueryData(key);
      queryClient.setQueryData(key, (list) => {
        const others = (list ?? []).filter((w) => w.id !== person.id);
        return add ? [...others, { ...person, since: new Date() }] : others;
      });
      return { before };
    },
    onError: (_error, _change, context) => queryClient.setQueryData(key, context?.before),
    onSettled: () => Promise.all([queryClient.invalidateQueries({ queryKey: key }), queryClient.invalidateQueries({ queryKey: trpc.ticket.history.pathKey() })]),
  });
}

export function Watchers({ ticketId, me }: { ticketId: string; me: Me }) {
  const watchers = useQuery(trpc.ticket.watchers.queryOptions({ id: ticketId }));
  const change = useWatcherChange(ticketId);
  const watching = (watchers.data ?? []).some((w) => w.id === me.id);
  return (
    <section aria-labelledby="watchers-title" className={sectionClass}>
      <h2 id="watchers-title" className="mb-2 font-semibold">
        Watchers
      </h2>
      <div className="flex flex-col gap-3">
        <FormAlert message={change.error ? apiProblem(change.error).message : null} />
        {watchers.isPending ? (
          <Loading what="the watchers" />
        ) : watchers.isError ? (
          <Failed error={watchers.error} retry={() => void watchers.refetch()} />
        ) : watchers.data.length === 0 ? (
          <Empty>Nobody watches this ticket.</Empty>
        ) : (
          <ul aria-label="Watchers" className="flex flex-col gap-2 text-sm">
            {watchers.data.map((watcher) => (
              <li key={watcher.id} className="flex items-center justify-between gap-2">
                <span>
                  {watcher.name}
                  {watcher.id === me.id ? ' (you)' : ''}
                </span>
                <Button
                  tone="secondary"
                  aria-label={watcher.id === me.id ? 'Stop watching' : `Remove ${watcher.name}`}
                  isDisabled={change.isPending}
                  onPress={() => change.mutate({ add: false, person: watcher, me: watcher.id === me.id })}
                >
                  Remove
                </Button>
              </li>
            ))}
          </ul>
        )}
        <div className="flex flex-wrap gap-2">
          {!watching && (
            <Button tone="secondary" isDisabled={change.isPending || watchers.isPending} onPress={() => change.mutate({ add: true, person: { id: me.id, name: me.name, role: me.role }, me: true })}>
              Watch this ticket
            </Button>
          )}
          <FormDialog label="Add watcher…" title="Add a watcher" description="They are told about the ticket's changes as its watchers are.">
            {(close) => <AddWatcherForm ticketId={ticketId} current={(watchers.data ?? []).map((w) => w.id)} close={close} />}
          </FormDialog>
        </div>
      </div>
    </section>
  );
}

function AddWatcherForm({ ticketId, current, close }: { ticketId: string; current: string[]; close: () => void }) {
  const agents = useQuery(trpc.directory.agents.queryOptions({}));
  const change = useWatcherChange(ticketId);
  const [userId, setUserId] = useState('');
  const problem = change.error ? apiProblem(change.error) : null;
  const candidates = (agents.data ?? []).filter((agent) => !current.includes(agent.id));
  return (
    <form
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        const person = candidates.find((agent) => agent.id === userId);
        if (person) change.mutate({ add: true, person, me: false }, { onSuccess: close });
      }}
    >
      <FormAlert message={agents.isError ? apiProblem(agents.error).message : problem && !problem.fields.userId ? problem.message : null} />
      <ControlledSelect
        label="Person"
        value={userId}
        onChange={setUserId}
        options={candidates.map((agent) => ({ id: agent.id, name: agent.name }))}
        isDisabled={agents.isPending}
        description={agents.isPending ? 'Loading colleagues…' : candidates.length === 0 ? 'Everyone is watching already.' : undefined}
        error={problem?.fields.userId}
      />
      <div className="flex justify-end gap-2">
        <Button tone="secondary" onPress={close}>
          Cancel
        </Button>
        <Button type="submit" isPending={change.isPending} isDisabled={change.isPending}>
          Add watcher
        </Button>
      </div>
    </form>
  );
}
