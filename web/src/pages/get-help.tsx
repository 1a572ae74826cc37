/**
 * Get help: the self-serve answer bot (assistant.ask). The answer streams into the page as it
 * arrives (announced once complete: the answer is aria-busy while it streams, inside a polite
 * log), with its sources as links, helpful / not helpful buttons, and "Talk to a person", which
 * opens a ticket with the conversation (assistant.handover) and links to it.
 */
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Input, Label, TextField } from 'react-aria-components';
import { Button, FormAlert, hintClass, inputClass, labelClass } from '../components/fields';
import { Markdown } from '../components/markdown';
import { apiProblem } from '../lib/errors';
import { trpcClient, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/help')({ component: GetHelpPage });

type AssistantEvent = RouterOutputs['assistant']['ask'] extends AsyncIterable<infer E> ? E : never;
type Done = Extract<AssistantEvent, { type: 'done' }>;
type Exchange = { key: number; question: string; text: string; state: 'streaming' | 'done' | 'failed'; done?: Done; error?: string; rating?: boolean };

/** The turns the bot may read: the API takes at most 20, ending with the new question. */
const MAX_EARLIER_EXCHANGES = 9;
/** Where a cited article opens (the knowledge base's reading page). */
const articleHref = (slug: string) => `/kb/${slug}`;

function GetHelpPage() {
  const [exchanges, setExchanges] = useState<Exchange[]>([]);
  const [question, setQuestion] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);
  const nextKey = useRef(0);
  useEffect(() => () => abort.current?.abort(), []);

  const update = (key: number, change: (exchange: Exchange) => Exchange) => setExchanges((all) => all.map((e) => (e.key === key ? change(e) : e)));
  const streaming = exchanges.some((e) => e.state === 'streaming');

  const ask = async (event: FormEvent) => {
    event.preventDefault();
    const text = question.trim();
    if (streaming) return;
    if (text.length < 2) {
      setProblem('Type your question first.');
      return;
    }
    setProblem(null);
    const earlier = exchanges
      .filter((e) => e.state === 'done')
      .slice(-MAX_EARLIER_EXCHANGES)
      .flatMap((e) => [
        { role: 'user' as const, text: e.question },
        { role: 'assistant' as const, text: e.text.slice(0, 8_000) },
      ]);
    const key = nextKey.current++;
    setExchanges((all) => [...all, { key, question: text, text: '', state: 'streaming' }]);
    setQuestion('');
    const controller = new AbortController();
    abort.current = controller;
    try {
      const stream = await trpcClient.assistant.ask.mutate({ turns: [...earlier, { role: 'user', text }] }, { signal: controller.signal });
      for await (const part of stream) {
        if (part.type === 'text') update(key, (e) => ({ ...e, text: e.text + part.text }));
        else if (part.type === 'restart') update(key, (e) => ({ ...e, text: '' }));
        else update(key, (e) => ({ ...e, text: part.text, done: part, state: 'done' }));
      }
      update(key, (e) => (e.state === 'streaming' ? { ...e, state: 'failed', error: 'The answer stopped before it was complete. Please ask again.' } : e));
    } catch (error) {
      if (controller.signal.aborted) return;
      update(key, (e) => ({ ...e, state: 'failed', error: apiProblem(error).message }));
    }
  };

  const rate = useMutation({
    mutationFn: (input: { key: number; answerId: string; helpful: boolean }) => trpcClient.assistant.rate.mutate({ answerId: input.answerId, helpful: input.helpful }),
    onSuccess: (result, input) => update(input.key, (e) => ({ ...e, rating: result.helpful })),
  });

  const answered = exchanges.flatMap((e) => (e.done ? [e.done.answerId] : []));
  const handover = useMutation({ mutationFn: () => trpcClient.assistant.handover.mutate({ answerIds: answered.slice(-20) }) });

  return (
    <div className="flex flex-col gap-4">
      <div>
        <h1 className="text-2xl font-bold">Get help</h1>
        <p className={hintClass}>Ask in your own words. Answers come from the knowledge base only, with links to the articles they use; if it has no answer, a person will help.</p>
      </div>

      <div role="log" aria-live="polite" aria-label="Conversation" className="flex flex-col gap-4">
        {exchanges.length === 0 ? (
          <p className="rounded-lg border border-dashed border-slate-300 px-4 py-8 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">
            No questions yet. Try “I forgot my password” or “the printer does not print my job”.
          </p>
        ) : (
          exchanges.map((exchange) => (
            <section key={exchange.key} aria-label={`Asked: ${exchange.question}`} className="flex flex-col gap-2">
              <p className="self-end rounded-lg bg-indigo-50 px-3 py-2 text-slate-900 dark:bg-indigo-950 dark:text-slate-100">
                <span className="sr-only">You asked: </span>
                {exchange.question}
              </p>
              <div aria-busy={exchange.state === 'streaming'} className="flex flex-col gap-2 rounded-lg border border-slate-200 bg-white px-3 py-2 dark:border-slate-700 dark:bg-slate-900">
                <div className="text-slate-900 dark:text-slate-100">
                  <span className="sr-only">Answer: </span>
                  {/* The answers quote the articles' Markdown: rendered and sanitised like the articles themselves, as it streams. */}
                  {exchange.text ? <Markdown>{exchange.text}</Markdown> : exchange.state === 'streaming' ? <p>Looking in the knowledge base…</p> : null}
                </div>
                {exchange.state === 'failed' && <FormAlert message={exchange.error ?? 'Something went wrong.'} />}
                {exchange.done && exchange.done.citations.length > 0 && (
                  <div>
                    <h2 className="text-sm font-semibold">Sources</h2>
                    <ul className="list-disc pl-5 text-sm">
                      {exchange.done.citations.map((citation) => (
                        <li key={citation.articleId}>
                          <a href={articleHref(citation.slug)} className="text-indigo-700 underline dark:text-indigo-300">
                            {citation.title}
                          </a>
                        </li>
                      ))}
                    </ul>
                  </div>
                )}
                {exchange.done && exchange.done.outcome !== 'refused' && (
                  <div className="flex flex-wrap items-center gap-2" role="group" aria-label="Rate this answer">
                    <span className="text-sm">Was this helpful?</span>
                    {([true, false] as const).map((helpful) => (
                      <Button
                        key={String(helpful)}
                        tone="secondary"
                        aria-pressed={exchange.rating === helpful}
                        isPending={rate.isPending && rate.variables.key === exchange.key && rate.variables.helpful === helpful}
                        onPress={() => rate.mutate({ key: exchange.key, answerId: exchange.done!.answerId, helpful })}
                      >
                        {helpful ? 'Helpful' : 'Not helpful'}
                      </Button>
                    ))}
                    {exchange.rating !== undefined && (
                      <span role="status" className="text-sm">
                        Thanks for rating this answer.
                      </span>
                    )}
                  </div>
                )}
              </div>
            </section>
          ))
        )}
      </div>
      {rate.isError && <FormAlert message={apiProblem(rate.error).message} />}

      <form onSubmit={(event) => void ask(event)} className="flex flex-col gap-2 sm:flex-row sm:items-end">
        <TextField value={question} onChange={setQuestion} className="flex flex-1 flex-col gap-1">
          <Label className={labelClass}>Your question</Label>
          <Input maxLength={1000} autoComplete="off" className={inputClass} />
        </TextField>
        <Button type="submit" isPending={streaming}>
          Ask
        </Button>
      </form>
      <FormAlert message={problem} />

      <div className="flex flex-col gap-2 border-t border-slate-200 pt-4 dark:border-slate-800">
        {handover.data ? (
          <p role="status">
            We opened{' '}
            <Link to="/tickets/$ticketId" params={{ ticketId: handover.data.ticketId }} className="font-semibold text-indigo-700 underline dark:text-indigo-300">
              ticket #{handover.data.number}
            </Link>{' '}
            with this conversation; the service desk will answer you there.
          </p>
        ) : (
          <>
            <p className={hintClass}>{answered.length > 0 ? 'Still stuck? A person can take it from here, with this conversation.' : 'Ask a question first; then a person can take it from here.'}</p>
            <Button tone="secondary" className="self-start" isDisabled={answered.length === 0 || streaming} isPending={handover.isPending} onPress={() => handover.mutate()}>
              Talk to a person
            </Button>
            {handover.isError && <FormAlert message={apiProblem(handover.error).message} />}
          </>
        )}
      </div>
    </div>
  );
}
