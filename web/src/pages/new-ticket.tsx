/**
 * File a ticket: optionally from a template; category, building and urgency from the directory;
 * files dropped on the form (or chosen) are uploaded at once, staged for the ticket, and attached
 * when it is filed; the API's field errors beside their fields.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { Form } from 'react-aria-components';
import { priorities } from '../../../domain/vocabulary';
import { FileDropZone, UploadList, useUploads } from '../components/attachments';
import { Button, FormAlert, TextInput } from '../components/fields';
import { SelectInput } from '../components/select';
import { Failed, Loading } from '../components/states';
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
  // One key per form: a retried submit never files a second ticket.
  const [idempotencyKey] = useState(() => crypto.randomUUID());
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
  if (failed) return <Failed error={failed} retry={() => void Promise.all([templates.refetch(), categories.refetch(), buildings.refetch()])} />;
  if (!templates.data || !categories.data || !buildings.data) return <Loading what="the form" />;
  const problem = create.error ? apiProblem(create.error) : null;
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
          onChange={(id) => setTemplate(templates.data.find((t) => t.id === id) ?? null)}
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
        <TextInput name="title" label="Title" isRequired={!template} defaultValue={template?.title ?? undefined} description="A few words that say what is wrong or what you need." />
        <TextInput
          name="description"
          label="Description"
          multiline
          isRequired={!template}
          defaultValue={template?.description ?? undefined}
          description="What happened, since when, and what you already tried."
        />
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
