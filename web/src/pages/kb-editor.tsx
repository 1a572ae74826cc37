/**
 * The article editor for staff: title, category, who can read it, the Markdown body beside its
 * rendered preview, files and images (kb.uploadFile, multipart: the returned Markdown goes in at the
 * cursor) and the note the version history shows. A save names the version it started from
 * (kb.update expectedVersion): when someone saved a newer one meanwhile, the API refuses
 * (CONFLICT) and the editor says so, keeping what was typed until the person loads the newer one.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useDeferredValue, useRef, useState } from 'react';
import { FieldError, FileTrigger, Label, Text, TextArea, TextField } from 'react-aria-components';
import type { ArticleVisibility } from '../../../domain/vocabulary';
import { ControlledSelect, ControlledText, cardClass, mutedClass, Saved } from '../components/controls';
import { Button, errorClass, fieldClass, FormAlert, hintClass, inputClass, labelClass } from '../components/fields';
import { ArticleBadges, isConflict, visibilityWords } from '../components/kb-bits';
import { Markdown } from '../components/markdown';
import { Failed, Loading } from '../components/states';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, trpcClient, type RouterOutputs } from '../trpc';

export const NewRoute = createLazyRoute('/_authed/kb/new')({ component: NewArticle });
export const EditRoute = createLazyRoute('/_authed/kb/$slug/edit')({ component: EditArticle });

const editRoute = getRouteApi('/_authed/kb/$slug/edit');

type Article = RouterOutputs['kb']['get'];
const NO_CATEGORY = 'none';
const linkClass = 'text-indigo-700 underline dark:text-indigo-300';

function NewArticle() {
  return (
    <section aria-labelledby="editor-title" className="flex flex-col gap-6">
      <p className="text-sm">
        <Link to="/kb" search={{}} className={linkClass}>
          ← Knowledge base
        </Link>
      </p>
      <h1 id="editor-title" className="text-2xl font-bold">
        New article
      </h1>
      <Editor article={null} onReload={() => undefined} />
    </section>
  );
}

function EditArticle() {
  const { slug } = editRoute.useParams();
  const article = useQuery(trpc.kb.get.queryOptions({ slug }));
  // The editor keeps what it loaded (and the version it started from) until the person asks for the latest.
  const [round, setRound] = useState(0);
  if (article.isPending) return <Loading what="the article" />;
  if (article.isError) return <Failed error={article.error} retry={() => void article.refetch()} />;
  return (
    <section aria-labelledby="editor-title" className="flex flex-col gap-6">
      <p className="text-sm">
        <Link to="/kb/$slug" params={{ slug }} search={{}} className={linkClass}>
          ← Back to the article
        </Link>
      </p>
      <div className="flex flex-wrap items-center gap-3">
        <h1 id="editor-title" className="text-2xl font-bold break-words">
          Edit “{article.data.title}”
        </h1>
        <ArticleBadges status={article.data.status} visibility={article.data.visibility} />
      </div>
      <Editor
        key={round}
        article={article.data}
        onReload={async () => {
          await article.refetch();
          setRound((n) => n + 1);
        }}
      />
    </section>
  );
}

function Editor({ article, onReload }: { article: Article | null; onReload: () => void | Promise<void> }) {
  const navigate = useNavigate();
  const categories = useQuery(trpc.kb.categories.queryOptions());
  const [baseVersion] = useState(article?.version ?? 0);
  const [title, setTitle] = useState(article?.title ?? '');
  const [categoryId, setCategoryId] = useState(article?.category?.id ?? NO_CATEGORY);
  const [visibility, setVisibility] = useState<ArticleVisibility>(article?.visibility ?? 'everyone');
  const [body, setBody] = useState(article?.body ?? '');
  const [note, setNote] = useState('');
  const preview = useDeferredValue(body);
  const bodyRef = useRef<HTMLTextAreaElement>(null);

  const save = useMutation({
    mutationFn: () => {
      const fields = { title, body, categoryId: categoryId === NO_CATEGORY ? null : categoryId, visibility };
      return article ? trpcClient.kb.update.mutate({ id: article.id, ...fields, note, expectedVersion: baseVersion }) : trpcClient.kb.create.mutate({ ...fields, note: note.trim() || undefined });
    },
    onSuccess: async (saved) => {
      await queryClient.invalidateQueries({ queryKey: trpc.kb.pathKey() });
      await navigate({ to: '/kb/$slug', params: { slug: saved.slug }, search: {} });
    },
  });
  const conflict = isConflict(save.error);
  const problem = save.error && !conflict ? apiProblem(save.error) : null;

  const upload = useMutation({
    mutationFn: (file: File) => {
      const form = new FormData();
      form.append('file', file);
      form.append('articleId', article!.id);
      return trpcClient.kb.uploadFile.mutate(form);
    },
    onSuccess: (file) => {
      // In at the cursor (or at the end), on its own line.
      const at = bodyRef.current?.selectionStart ?? body.length;
      setBody((now) => `${now.slice(0, at)}${at > 0 && now[at - 1] !== '\n' ? '\n' : ''}${file.markdown}\n${now.slice(at)}`);
      void queryClient.invalidateQueries({ queryKey: trpc.kb.get.pathKey() });
    },
  });

  const categoryOptions = [{ id: NO_CATEGORY, name: 'No category' }, ...(categories.data ?? []).map((c) => ({ id: c.id, name: c.name }))];
  return (
    <form
      aria-labelledby="editor-title"
      className="flex flex-col gap-4"
      onSubmit={(event) => {
        event.preventDefault();
        if (!save.isPending) save.mutate();
      }}
    >
      {article && (
        <p className={`text-sm ${mutedClass}`}>
          Editing version {baseVersion}. Saving makes version {baseVersion + 1}; it stays {article.status === 'published' ? 'published' : 'a draft'}.
        </p>
      )}
      <ControlledText label="Title" value={title} onChange={setTitle} isRequired error={problem?.fields.title} />
      <div className="grid gap-4 sm:grid-cols-2">
        <ControlledSelect label="Category" value={categoryId} onChange={setCategoryId} options={categoryOptions} error={problem?.fields.categoryId} />
        <ControlledSelect
          label="Who can read it"
          value={visibility}
          onChange={(id) => setVisibility(id as ArticleVisibility)}
          options={[
            { id: 'everyone', name: `${visibilityWords.everyone} (once published)` },
            { id: 'staff', name: visibilityWords.staff },
          ]}
          error={problem?.fields.visibility}
        />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <TextField value={body} onChange={setBody} isRequired isInvalid={Boolean(problem?.fields.body)} validationBehavior="aria" className={fieldClass}>
          <Label className={labelClass}>Body (Markdown)</Label>
          <TextArea ref={bodyRef} rows={18} className={`${inputClass} font-mono text-sm`} />
          <Text slot="description" className={hintClass}>
            ## for a heading, 1. for steps, **bold**, [a link](https://…). Files and images go in at the cursor.
          </Text>
          <FieldError className={errorClass}>{problem?.fields.body}</FieldError>
        </TextField>
        <section aria-labelledby="preview-title" className={`${cardClass} flex flex-col gap-2`}>
          <h2 id="preview-title" className={`text-sm font-medium ${mutedClass}`}>
            Preview
          </h2>
          {preview.trim() ? <Markdown>{preview}</Markdown> : <p className={`text-sm ${mutedClass}`}>Nothing to preview yet.</p>}
        </section>
      </div>
      {article ? (
        <div className="flex flex-wrap items-center gap-3">
          <FileTrigger onSelect={(files) => files?.[0] && upload.mutate(files[0])}>
            <Button tone="secondary" isPending={upload.isPending}>
              Add a file or image
            </Button>
          </FileTrigger>
          <Saved message={upload.isSuccess ? `Added ${upload.data.fileName}: its link is in the body.` : null} />
          <FormAlert message={upload.error ? apiProblem(upload.error).message : null} />
        </div>
      ) : (
        <p className={`text-sm ${mutedClass}`}>Files and images can be added once the draft is saved.</p>
      )}
      <ControlledText
        label={article ? 'What changed' : 'Note (optional)'}
        description="Shown in the version history."
        value={note}
        onChange={setNote}
        isRequired={Boolean(article)}
        error={problem?.fields.note}
      />
      {conflict && (
        <div role="alert" className="flex flex-col items-start gap-2 rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
          <p className="font-semibold">Someone saved a newer version of this article while you were editing.</p>
          <p>Your changes were not saved and are still here. Copy what you need, then load the latest version and apply your changes to it.</p>
          <Button tone="secondary" onPress={() => void onReload()}>
            Load the latest version (discards your changes)
          </Button>
        </div>
      )}
      <FormAlert message={problem ? problem.message : null} />
      <div className="flex flex-wrap gap-2">
        <Button type="submit" isPending={save.isPending}>
          {article ? 'Save' : 'Save draft'}
        </Button>
      </div>
    </form>
  );
}
