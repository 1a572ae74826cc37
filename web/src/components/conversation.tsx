/** The conversation: comments oldest first, live from the ticket's room, and the reply box (staff may write internal notes). */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Checkbox, Form, Label, TextArea, TextField, FieldError } from 'react-aria-components';
import { apiProblem } from '../lib/errors';
import { addToConversation, conversationInput, useLiveConversation, type LiveState } from '../lib/live-conversation';
import { trpc, type CommentView } from '../trpc';
import { Button, FormAlert } from './fields';
import { Empty, Failed, Loading } from './states';
import { Time } from './ticket-bits';

const liveWords: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', offline: 'Offline: reload to see new replies' };

export function Conversation({ ticketId, staff }: { ticketId: string; staff: boolean }) {
  const comments = useQuery(trpc.comment.list.queryOptions(conversationInput(ticketId)));
  const live = useLiveConversation(ticketId);
  return (
    <section aria-labelledby="conversation-title" className="flex flex-col gap-3">
      <div className="flex items-center justify-between">
        <h2 id="conversation-title" className="text-lg font-semibold">
          Conversation
        </h2>
        <span role="status" className="text-xs text-slate-600 dark:text-slate-400">
          {liveWords[live]}
        </span>
      </div>
      {comments.isPending ? (
        <Loading what="the conversation" />
      ) : comments.isError ? (
        <Failed error={comments.error} retry={() => void comments.refetch()} />
      ) : comments.data.comments.length === 0 ? (
        <Empty>No replies yet.</Empty>
      ) : (
        <ol aria-label="Replies" aria-live="polite" className="flex flex-col gap-3">
          {comments.data.comments.map((comment) => (
            <Comment key={comment.id} comment={comment} />
          ))}
        </ol>
      )}
      <ReplyForm ticketId={ticketId} staff={staff} />
    </section>
  );
}

function Comment({ comment }: { comment: CommentView }) {
  const tone = comment.internal
    ? 'border-amber-400 bg-amber-50 dark:border-amber-600 dark:bg-amber-950'
    : comment.author.role === 'requester'
      ? 'border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900'
      : 'border-indigo-200 bg-indigo-50 dark:border-indigo-900 dark:bg-indigo-950';
  return (
    <li className={`rounded-lg border p-3 ${tone}`} data-internal={comment.internal || undefined}>
      <p className="mb-1 flex flex-wrap items-center gap-2 text-sm">
        <span className="font-semibold">{comment.author.name}</span>
        {comment.author.role !== 'requester' && <span className="text-slate-600 dark:text-slate-400">Support</span>}
        {comment.internal && <span className="rounded bg-amber-200 px-1.5 py-0.5 text-xs font-bold text-amber-950 uppercase dark:bg-amber-700 dark:text-amber-50">Internal note: staff only</span>}
        {comment.ai && <span className="rounded bg-violet-200 px-1.5 py-0.5 text-xs font-semibold text-violet-950 dark:bg-violet-800 dark:text-violet-50">AI draft</span>}
        <span className="text-slate-600 dark:text-slate-400">
          <Time date={comment.createdAt} />
        </span>
      </p>
      <p className="whitespace-pre-wrap break-words">{comment.body}</p>
    </li>
  );
}

function ReplyForm({ ticketId, staff }: { ticketId: string; staff: boolean }) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  /** The agent's own text a suggestion replaced, to restore; and whether the box holds a suggestion. */
  const [replaced, setReplaced] = useState<string | null>(null);
  const [fromSuggestion, setFromSuggestion] = useState(false);
  const add = useMutation(
    trpc.comment.add.mutationOptions({
      onSuccess: (comment) => {
        addToConversation(ticketId, comment);
        setBody('');
        setInternal(false);
        setReplaced(null);
        setFromSuggestion(false);
        suggest.reset();
      },
    }),
  );
  // A suggestion only fills the box: the agent edits it and sends it (or not).
  const suggest = useMutation(
    trpc.ai.suggestReply.mutationOptions({
      onSuccess: (suggestion) => {
        if (!suggestion.text) return;
        setReplaced(body.trim() ? body : null);
        setBody(suggestion.text);
        setInternal(false);
        setFromSuggestion(true);
      },
    }),
  );
  const problem = add.error ? apiProblem(add.error) : null;
  return (
    <Form
      validationBehavior="aria"
      className="flex flex-col gap-2"
      validationErrors={problem?.fields.body ? { body: problem.fields.body } : undefined}
      onSubmit={(event) => {
        event.preventDefault();
        if (add.isPending) return;
        add.mutate({ ticketId, body, internal, ai: staff && fromSuggestion && !internal, clientId: crypto.randomUUID() });
      }}
    >
      <FormAlert message={problem && !problem.fields.body ? problem.message : null} />
      <TextField name="body" value={body} onChange={setBody} isRequired className="flex flex-col gap-1">
        <Label className="text-sm font-medium">{internal ? 'Internal note (only staff will see it)' : 'Your reply'}</Label>
        <TextArea
          rows={3}
          className={`rounded-md border px-3 py-2 text-base outline-none focus:ring-2 focus:ring-indigo-500/40 dark:bg-slate-900 ${internal ? 'border-amber-500 bg-amber-50 dark:border-amber-600' : 'border-slate-300 bg-white dark:border-slate-600'}`}
        />
        <FieldError className="text-sm text-red-700 dark:text-red-300" />
      </TextField>
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" isPending={add.isPending}>
          {internal ? 'Add internal note' : 'Send reply'}
        </Button>
        {staff && (
          <Checkbox isSelected={internal} onChange={setInternal} className="group flex items-center gap-2 text-sm">
            <span aria-hidden="true" className="flex size-5 items-center justify-center rounded border border-slate-400 group-data-[selected]:border-amber-600 group-data-[selected]:bg-amber-500">
              {internal ? '✓' : ''}
            </span>
            Internal note
          </Checkbox>
        )}
        {staff && (
          <Button tone="secondary" onPress={() => suggest.mutate({ ticketId })} isPending={suggest.isPending} isDisabled={suggest.isPending}>
            {suggest.isPending ? 'Suggesting…' : 'Suggest reply'}
          </Button>
        )}
      </div>
      {staff && (
        <div aria-live="polite" className="text-sm">
          {suggest.isPending ? (
            <p role="status" className="text-slate-600 dark:text-slate-400">
              Reading the conversation for a suggested reply…
            </p>
          ) : suggest.isError ? (
            <p role="alert" className="text-red-700 dark:text-red-300">
              No suggestion: {apiProblem(suggest.error).message}
            </p>
          ) : suggest.data && !suggest.data.text ? (
            <p className="text-slate-600 dark:text-slate-400">No suggestion for this ticket.</p>
          ) : fromSuggestion && suggest.data ? (
            <p className="flex flex-wrap items-center gap-2 text-slate-600 dark:text-slate-400">
              <span>{suggest.data.method === 'model' ? 'Suggested by the AI model' : 'Suggested from the reply template'}: edit it, then send it yourself. It is not sent until you do.</span>
              {replaced !== null && (
                <Button
                  tone="secondary"
                  onPress={() => {
                    setBody(replaced);
                    setReplaced(null);
                    setFromSuggestion(false);
                  }}
                >
                  Restore my text
                </Button>
              )}
            </p>
          ) : null}
        </div>
      )}
    </Form>
  );
}
