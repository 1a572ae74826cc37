/**
 * The queue's bulk actions for the selected rows (ticket.bulkUpdate): assign, priority, status. Its
 * own chunk (React Aria's Select and the agents list), loaded when the first row is selected, not
 * with the queue's first render.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { priorities, TRANSITION_TARGET_STATUSES } from '../../../domain/vocabulary';
import { Button } from './button';
import { SelectInput } from './select';
import { apiProblem } from '../lib/errors';
import { priorityWords, statusLabel } from '../lib/format';
import { queryClient, trpc, type RouterInputs } from '../trpc';

type BulkChange = RouterInputs['ticket']['bulkUpdate']['change'];

export function BulkBar({
  ticketIds,
  meId,
  onDone,
  onOutcome: setOutcome,
}: {
  ticketIds: string[];
  meId: string;
  onDone: (succeeded: Set<string>) => void;
  onOutcome: (message: string | null) => void;
}) {
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
