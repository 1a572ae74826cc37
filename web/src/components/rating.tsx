/**
 * The requester's rating of a resolved ticket (CSAT): 1 to 5 and a comment, once per resolution,
 * changeable for 7 days (report.rating says whether they may). A radio group: arrow keys choose.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Label, Radio, RadioGroup, TextArea, TextField } from 'react-aria-components';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, trpcClient } from '../trpc';
import { Button, FormAlert, inputClass, labelClass } from './fields';

const scoreWords = ['', 'Very poor', 'Poor', 'OK', 'Good', 'Excellent'];

export function RatingWidget({ ticketId }: { ticketId: string }) {
  const state = useQuery(trpc.report.rating.queryOptions({ ticketId }));
  const [score, setScore] = useState<string>('');
  const [comment, setComment] = useState<string | null>(null);
  const rate = useMutation({
    mutationFn: (value: number) => trpcClient.report.rate.mutate({ ticketId, score: value, comment: comment ?? state.data?.rating?.comment ?? null }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.report.rating.queryKey({ ticketId }) }),
  });
  if (!state.data || (!state.data.canRate && !state.data.rating)) return null;
  const current = state.data.rating;
  const chosen = score || (current ? String(current.score) : '');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (chosen) rate.mutate(Number(chosen));
  };
  return (
    <section aria-labelledby="rating-title" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h2 id="rating-title" className="mb-2 font-semibold">
        How did we do?
      </h2>
      {!state.data.canRate ? (
        <p className="text-sm">
          You rated this {current!.score} out of 5{current!.comment ? `: “${current!.comment}”` : '.'}
        </p>
      ) : (
        <form onSubmit={submit} className="flex flex-col gap-3">
          <RadioGroup value={chosen} onChange={setScore} orientation="horizontal" isRequired className="flex flex-col gap-2">
            <Label className={labelClass}>Your rating, 1 (very poor) to 5 (excellent)</Label>
            <div className="flex flex-wrap gap-2">
              {[1, 2, 3, 4, 5].map((n) => (
                <Radio
                  key={n}
                  value={String(n)}
                  aria-label={`${n}: ${scoreWords[n]}`}
                  className="flex min-h-10 min-w-10 cursor-pointer items-center justify-center rounded-md border border-slate-300 px-3 text-sm font-semibold data-[focus-visible]:outline data-[focus-visible]:outline-2 data-[focus-visible]:outline-indigo-600 data-[selected]:bg-indigo-700 data-[selected]:text-white dark:border-slate-600"
                >
                  {n}
                </Radio>
              ))}
            </div>
          </RadioGroup>
          <TextField value={comment ?? current?.comment ?? ''} onChange={setComment} className="flex flex-col gap-1">
            <Label className={labelClass}>Comment (optional)</Label>
            <TextArea rows={3} maxLength={2000} className={inputClass} />
          </TextField>
          <FormAlert message={rate.isError ? apiProblem(rate.error).message : null} />
          {rate.isSuccess && (
            <p role="status" className="text-sm text-emerald-800 dark:text-emerald-300">
              Thank you for your rating.
            </p>
          )}
          <Button type="submit" isPending={rate.isPending} isDisabled={!chosen} className="self-start">
            {current ? 'Change rating' : 'Send rating'}
          </Button>
          {current && <p className="text-sm text-slate-600 dark:text-slate-400">You can change it until {current.changeableUntil.toLocaleDateString()}.</p>}
        </form>
      )}
    </section>
  );
}
