/**
 * The conversation: comments oldest first, live from the ticket's room, and the reply box (staff may
 * write internal notes). Around it, what the room says about people: who else is here, who is
 * typing, how far the others have read ("Seen" under the last message they read) and, for staff, a
 * collision warning when another member of staff is on the ticket, stronger while both write.
 * Files can be dropped on the reply box; they are attached to the ticket at once.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Checkbox, Form, Label, TextArea, TextField, FieldError } from 'react-aria-components';
import { apiProblem } from '../lib/errors';
import { addToConversation, conversationInput, useLiveConversation, type LiveState, type RoomPerson, type Typist } from '../lib/live-conversation';
import { trpc, type CommentView } from '../trpc';
import { FileDropZone, TicketFiles, UploadList, refreshTicketFiles, useUploads } from './attachments';
import { Button, FormAlert } from './fields';
import { Empty, Failed, Loading } from './states';
import { Time } from './ticket-bits';

const liveWords: Record<LiveState, string> = { connecting: 'Connecting…', live: 'Live', offline: 'Offline: reload to see new replies' };

export function Conversation({ ticketId, staff }: { ticketId: string; staff: boolean }) {
  const comments = useQuery(trpc.comment.list.queryOptions(conversationInput(ticketId)));
  const live = useLiveConversation(ticketId);
  /** Whether the viewer has a reply (or note) in the box: the collision warning is stronger then. */
  const [drafting, setDrafting] = useState(false);
  const seen = comments.data ? seenUnder(comments.data.comments, live.reads, live.present) : new Map<number, string[]>();
  return (
    <section aria-labelledby="conversation-title" className="flex flex-col gap-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id="conversation-title" className="text-lg font-semibold">
          Conversation
        </h2>
        <span role="status" className="text-xs text-slate-600 dark:text-slate-400">
          {liveWords[live.state]}
        </span>
      </div>
      <AlsoHere present={live.present} />
      {comments.isPending ? (
        <Loading what="the conversation" />
      ) : comments.isError ? (
        <Failed error={comments.error} retry={() => void comments.refetch()} />
      ) : comments.data.comments.length === 0 ? (
        <Empty>No replies yet.</Empty>
      ) : (
        <ol aria-label="Replies" aria-live="polite" className="flex flex-col gap-3">
          {comments.data.comments.map((comment) => (
            <Comment key={comment.id} comment={comment} seenBy={seen.get(comment.id) ?? []} />
          ))}
        </ol>
      )}
      <TypingIndicator typing={live.typing} staff={staff} />
      {staff && <CollisionWarning present={live.present} typing={live.typing} drafting={drafting} />}
      <TicketFiles ticketId={ticketId} />
      <ReplyForm
        ticketId={ticketId}
        staff={staff}
        onDraft={(active, internal) => {
          setDrafting(active);
          live.composing(active, internal);
        }}
      />
    </section>
  );
}

/** Initials for an avatar: the first letters of the first and last names. */
function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter(Boolean);
  return ((words[0]?.[0] ?? '?') + (words.length > 1 ? (words.at(-1)?.[0] ?? '') : '')).toUpperCase();
}

function Avatar({ name, away }: { name: string; away: boolean }) {
  return (
    <span
      aria-hidden="true"
      className={`flex size-7 items-center justify-center rounded-full text-xs font-bold ${away ? 'bg-slate-200 text-slate-700 dark:bg-slate-700 dark:text-slate-200' : 'bg-indigo-700 text-white dark:bg-indigo-300 dark:text-slate-950'}`}
    >
      {initials(name)}
    </span>
  );
}

/** Who else has this ticket open now. Requesters see staff as "Support", never more about them than that. */
function AlsoHere({ present }: { present: RoomPerson[] }) {
  if (present.length === 0) return null;
  return (
    <div className="flex flex-wrap items-center gap-2 text-sm">
      <span id="also-here" className="text-slate-700 dark:text-slate-300">
        Also here:
      </span>
      <ul aria-labelledby="also-here" className="flex flex-wrap items-center gap-3">
        {present.map((person) => (
          <li key={person.userId} className="flex items-center gap-1.5">
            <Avatar name={person.name} away={person.state === 'away'} />
            <span>
              {person.name}
              {person.role !== 'requester' && <span className="text-slate-600 dark:text-slate-400"> (Support)</span>}
              {person.state === 'away' && <span className="text-slate-600 dark:text-slate-400"> (away)</span>}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}

function namesInWords(names: string[]): string {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/** "Ivy Iyer is typing…", announced politely (the region is always there, so a screen reader hears each change). */
function TypingIndicator({ typing, staff }: { typing: Typist[]; staff: boolean }) {
  const notes = staff ? typing.filter((t) => t.internal) : [];
  const replies = typing.filter((t) => !notes.includes(t));
  const lines = [
    replies.length > 0 && `${namesInWords(replies.map((t) => t.name))} ${replies.length > 1 ? 'are' : 'is'} typing…`,
    notes.length > 0 && `${namesInWords(notes.map((t) => t.name))} ${notes.length > 1 ? 'are' : 'is'} writing an internal note…`,
  ].filter(Boolean);
  return (
    <p aria-live="polite" className="min-h-5 text-sm text-slate-600 italic dark:text-slate-400">
      {lines.join(' ')}
    </p>
  );
}

/** For staff: someone else of the service desk is on this ticket; a stronger warning while they write, and stronger still if the viewer writes too. */
function CollisionWarning({ present, typing, drafting }: { present: RoomPerson[]; typing: Typist[]; drafting: boolean }) {
  const colleagues = present.filter((p) => p.role !== 'requester');
  const writing = colleagues.filter((c) => typing.some((t) => t.userId === c.userId));
  const names = namesInWords(colleagues.map((c) => c.name));
  const message =
    colleagues.length === 0
      ? null
      : writing.length > 0
        ? `${namesInWords(writing.map((c) => c.name))} ${writing.length > 1 ? 'are' : 'is'} writing on this ticket right now.${drafting ? ' Read their reply before you send yours, so the requester does not get two answers.' : ''}`
        : `${names} ${colleagues.length > 1 ? 'are' : 'is'} also looking at this ticket.`;
  const strong = writing.length > 0;
  return (
    <div aria-live="polite">
      {message && (
        <p
          data-collision={strong ? 'writing' : 'viewing'}
          className={`rounded-md border px-3 py-2 text-sm ${strong ? 'border-amber-500 bg-amber-50 font-medium text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-50' : 'border-slate-300 bg-slate-50 text-slate-800 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-200'}`}
        >
          <span className="font-semibold">Collision warning: </span>
          {message}
        </p>
      )}
    </div>
  );
}

/**
 * Where each other person's "Seen" goes: under the newest message they have read that someone else
 * wrote (their own messages say nothing about what they read). Names from who is here, else from
 * the conversation's authors.
 */
function seenUnder(comments: CommentView[], reads: ReadonlyMap<string, number>, present: RoomPerson[]): Map<number, string[]> {
  const under = new Map<number, string[]>();
  for (const [userId, messageId] of reads) {
    const target = comments.findLast((c) => c.id <= messageId && c.author.id !== userId);
    if (!target) continue;
    const name = present.find((p) => p.userId === userId)?.name ?? comments.find((c) => c.author.id === userId)?.author.name;
    if (!name) continue;
    under.set(target.id, [...(under.get(target.id) ?? []), name]);
  }
  return under;
}

function Comment({ comment, seenBy }: { comment: CommentView; seenBy: string[] }) {
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
      {seenBy.length > 0 && <p className="mt-1 text-right text-xs text-slate-600 dark:text-slate-400">Seen by {namesInWords(seenBy)}</p>}
    </li>
  );
}

function ReplyForm({ ticketId, staff, onDraft }: { ticketId: string; staff: boolean; onDraft: (active: boolean, internal: boolean) => void }) {
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  // Files dropped here go to the ticket at once (staff-only while writing an internal note).
  const files = useUploads(
    () => ({ ticketId, internal: staff && internal }),
    () => refreshTicketFiles(ticketId),
  );
  const edit = (text: string) => {
    setBody(text);
    onDraft(text.trim() !== '', internal);
  };
  /** The agent's own text a suggestion replaced, to restore; and whether the box holds a suggestion. */
  const [replaced, setReplaced] = useState<string | null>(null);
  const [fromSuggestion, setFromSuggestion] = useState(false);
  const add = useMutation(
    trpc.comment.add.mutationOptions({
      onSuccess: (comment) => {
        addToConversation(ticketId, comment);
        onDraft(false, internal);
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
      <TextField name="body" value={body} onChange={edit} onBlur={() => onDraft(false, internal)} onFocus={() => body.trim() && onDraft(true, internal)} isRequired className="flex flex-col gap-1">
        <Label className="text-sm font-medium">{internal ? 'Internal note (only staff will see it)' : 'Your reply'}</Label>
        <TextArea
          rows={3}
          className={`rounded-md border px-3 py-2 text-base outline-none focus:ring-2 focus:ring-indigo-500/40 dark:bg-slate-900 ${internal ? 'border-amber-500 bg-amber-50 dark:border-amber-600' : 'border-slate-300 bg-white dark:border-slate-600'}`}
        />
        <FieldError className="text-sm text-red-700 dark:text-red-300" />
      </TextField>
      <FileDropZone label="Attach files to this ticket" hint={internal ? 'Drop staff-only files here, or' : 'Drop files to attach here, or'} onFiles={files.add} />
      <UploadList uploads={files.uploads} onRemove={(upload) => files.remove(upload.key)} />
      <div className="flex flex-wrap items-center gap-4">
        <Button type="submit" isPending={add.isPending}>
          {internal ? 'Add internal note' : 'Send reply'}
        </Button>
        {staff && (
          <Checkbox
            isSelected={internal}
            onChange={(note) => {
              setInternal(note);
              if (body.trim()) onDraft(true, note);
            }}
            className="group flex items-center gap-2 text-sm"
          >
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
