/**
 * The ticket's summary for staff joining late (ai.summary): asked for on demand, since each one
 * reads the whole conversation (with the model, when configured; else an extractive summary).
 * Staff only: it may reflect internal notes.
 */
import { useMutation } from '@tanstack/react-query';
import { trpc } from '../trpc';
import { Button } from './fields';
import { Failed } from './states';

const methodWords: Record<string, string> = { model: 'Written by the AI model', extractive: 'Taken from the ticket (offline summary)' };

export function AiSummary({ ticketId }: { ticketId: string }) {
  const summary = useMutation(trpc.ai.summary.mutationOptions());
  const ask = () => summary.mutate({ ticketId });
  return (
    <section aria-labelledby="summary-title" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 id="summary-title" className="font-semibold">
          Summary
        </h2>
        <Button tone="secondary" onPress={ask} isPending={summary.isPending} isDisabled={summary.isPending}>
          {summary.data ? 'Summarise again' : 'Summarise'}
        </Button>
      </div>
      <div aria-live="polite">
        {summary.isPending ? (
          <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
            Summarising the conversation…
          </p>
        ) : summary.isError ? (
          <Failed error={summary.error} retry={ask} />
        ) : summary.data ? (
          summary.data.text ? (
            <>
              <p className="text-sm whitespace-pre-wrap break-words">{summary.data.text}</p>
              <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">{methodWords[summary.data.method] ?? summary.data.method} · staff only</p>
            </>
          ) : (
            <p className="text-sm text-slate-600 dark:text-slate-400">There is nothing to summarise yet.</p>
          )
        ) : (
          <p className="text-sm text-slate-600 dark:text-slate-400">Joining late? Get who asked what, what was tried, the status and the open questions.</p>
        )}
      </div>
    </section>
  );
}
