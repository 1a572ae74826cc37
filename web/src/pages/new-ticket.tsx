/**
 * File a ticket: optionally from a template; category, building and urgency from the directory;
 * files dropped on the form (or chosen) are uploaded at once, staged for the ticket, and attached
 * when it is filed; the API's field errors beside their fields. While the requester types, matching
 * articles are offered (components/suggested-articles.tsx); "This solved it" ends here, with no ticket filed.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useRef, useState } from 'react';
import { Form } from 'react-aria-components';
import { priorities } from '../../../domain/vocabulary';
import { FileDropZone, UploadList, useUploads } from '../components/attachments';
import { Button, FormAlert, TextInput } from '../components/fields';
import { SelectInput } from '../components/select';
import { Failed, Loading } from '../components/states';
import { SuggestedArticles, type Deflection } from '../components/suggested-articles';
import { apiProblem } from '../lib/errors';
import { priorityWords } from '../lib/format';
import { queryClient, trpc, trpcClient, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/tickets/new')({ component: NewTicket });

type Template = RouterOutputs['ticket']['templates'][number];

const urgencyChoices = priorities.map((id) => ({ id, name: priorityWords[id] }));

function NewTicket() {
  const templates = useQuery(trpc.ticket.templates.queryOptions());
  const categories = useQuery(trpc.directory.categories.queryOptions());
  const buildings = useQuery(trpc.directory.buildings.queryOptions());
  const [template, setTemplate] = useState<Template | null>(null);
  // One key per form: a retried submit never files a second ticket (nor a second deflection).
  const [idempotencyKey] = useState(() => crypto.randomUUID());
  // What is typed so far, for the suggested articles (the fields themselves stay uncontrolled).
  const [draft, setDraft] = useState({ title: '', description: '' });
  const [solved, setSolved] = useState<Deflection | null>(null);
  const navigate = useNavigate();
  // Uploaded without a ticket (staged for a day); ticket.create attaches them.
  const files = useUploads(() => ({}));
  const create = useMutation(
    trpc.ticket.create.mutationOptions({
      onSuccess: async (ticket) => {
        await queryClient.invalidateQueries({ queryKey: trpc.ticket.list.pathKey() });
        await navigate({ to: '/tickets/$ticketId', params: { ticketId: ticket.id } });
      },
    }),
  );
  const failed = templates.error ?? categories.error ?? buildings.error;
  if (solved) return <Solved deflection={solved} />;
  if (failed) return <Failed error={failed} retry={() => void Promise.all([templates.refetch(), categories.refetch(), buildings.refetch()])} />;
  if (!templates.data || !categories.data || !buildings.data) return <Loading what="the form" />;
  const problem = create.error ? apiProblem(create.error) : null;
  // The API's answer concerns what was sent: once the requester edits, it no longer stands (nor holds the next submit).
  const edited = () => {
    if (create.isError) create.reset();
  };
  const optional = (value: FormDataEntryValue | null) => (typeof value === 'string' && value.trim() !== '' ? value : undefined);
  return (
    <section aria-labelledby="new-ticket-title" className="mx-auto flex max-w-2xl flex-col gap-4">
      <h1 id="new-ticket-title" className="text-2xl font-bold">
        New ticket
      </h1>
      {templates.data.length > 0 && (
        <SelectInput
          name="template"
          label="Start from a template (optional)"
          placeholder="No template"
          choices={templates.data}
          onChange={(id) => {
            const chosen = templates.data.find((t) => t.id === id) ?? null;
            setTemplate(chosen);
            setDraft({ title: chosen?.title ?? '', description: chosen?.description ?? '' });
          }}
        />
      )}
      <Form
        key={template?.id ?? 'blank'}
        className="flex flex-col gap-4"
        // The API validates (its errors show beside their fields, until edited); native checks would keep a field with a server error invalid and block the next submit.
        validationBehavior="aria"
        validationErrors={problem?.fields}
        onSubmit={(event) => {
          event.preventDefault();
          // Not while a file is still on its way: it would be left out of the ticket.
          if (create.isPending || files.uploads.some((u) => u.state === 'uploading')) return;
          const data = new FormData(event.currentTarget);
          create.mutate({
            title: optional(data.get('title')),
            description: optional(data.get('description')),
            category: optional(data.get('category')),
            buildingId: optional(data.get('buildingId')),
            urgency: priorities.find((p) => p === data.get('urgency')),
            templateId: template?.id,
            attachmentIds: files.uploads.flatMap((u) => (u.state === 'done' ? [u.file.id] : [])),
            idempotencyKey,
          });
        }}
      >
        <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
        <TextInput
          name="title"
          label="Title"
          isRequired={!template}
          defaultValue={template?.title ?? undefined}
          description="A few words that say what is wrong or what you need."
          onChange={(title) => {
            edited();
            setDraft((d) => ({ ...d, title }));
          }}
        />
        <TextInput
          name="description"
          label="Description"
          multiline
          isRequired={!template}
          defaultValue={template?.description ?? undefined}
          description="What happened, since when, and what you already tried."
          onChange={(description) => {
            edited();
            setDraft((d) => ({ ...d, description }));
          }}
        />
        <SuggestedArticles title={draft.title} description={draft.description} draftKey={idempotencyKey} onSolved={setSolved} />
        <div className="grid gap-4 sm:grid-cols-3">
          <SelectInput name="category" label="Category" placeholder="Not sure" choices={categories.data.map((c) => ({ id: c.name, name: c.name }))} defaultValue={template?.category} />
          <SelectInput name="buildingId" label="Building" placeholder="Not on site" choices={buildings.data} />
          <SelectInput name="urgency" label="Urgency" placeholder="Medium" choices={urgencyChoices} defaultValue={template?.urgency} />
        </div>
        <div className="flex flex-col gap-2">
          <span className="text-sm font-medium">Attachments (optional)</span>
          <FileDropZone label="Attach files to the new ticket" hint="Screenshots or documents: drop them here, or" onFiles={files.add} />
          <UploadList
            uploads={files.uploads}
            onRemove={(upload) => {
              files.remove(upload.key);
              // A staged file nobody will attach: gone now rather than in a day.
              if (upload.state === 'done') void trpcClient.attachment.delete.mutate({ id: upload.file.id }).catch(() => undefined);
            }}
          />
        </div>
        <Button type="submit" isPending={create.isPending || files.uploads.some((u) => u.state === 'uploading')} className="self-start">
          {create.isPending ? 'Filing…' : 'File ticket'}
        </Button>
      </Form>
    </section>
  );
}

/** In place of the form once an article solved it: nothing was filed, and the way back if it was not solved after all. */
function Solved({ deflection }: { deflection: Deflection }) {
  const heading = useRef<HTMLHeadingElement>(null);
  // The form is gone: keyboard and screen reader users land on what replaced it.
  useEffect(() => heading.current?.focus(), []);
  return (
    <section aria-labelledby="solved-title" className="mx-auto flex max-w-2xl flex-col gap-4">
      <h1 id="solved-title" ref={heading} tabIndex={-1} className="text-2xl font-bold outline-none">
        Glad that solved it
      </h1>
      <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
        “{deflection.articleTitle}” answered your question, so no ticket was filed.
      </p>
      <p className="text-sm">
        Still stuck after all?{' '}
        <a href="/tickets/new" className="text-indigo-700 underline dark:text-indigo-300">
          File a ticket
        </a>{' '}
        or go back to{' '}
        <Link to="/tickets" className="text-indigo-700 underline dark:text-indigo-300">
          your tickets
        </Link>
        .
      </p>
    </section>
  );
}
