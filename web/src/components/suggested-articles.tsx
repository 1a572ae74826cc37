/**
 * Ticket deflection on the new-ticket form: while the requester types, the published articles
 * that match the draft (kb.suggest, asked once the typing pauses), each openable in place (its
 * text through kb.get, which counts the view), with "This solved it" (kb.deflect: the deflection
 * is recorded and no ticket is filed). Everything is reachable by keyboard: the titles are
 * disclosure buttons, the panels follow them.
 */
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { Link } from '@tanstack/react-router';
import { lazy, Suspense, useId, useState } from 'react';
import { Button as AriaButton } from 'react-aria-components';
import { apiProblem } from '../lib/errors';
import { useDebounced } from '../lib/use-debounced';
import { trpc, type RouterOutputs } from '../trpc';
import { Button, FormAlert } from './fields';

export type Deflection = RouterOutputs['kb']['deflect'];
type Suggestion = RouterOutputs['kb']['suggest']['articles'][number];

/** The API searches on the first 500 characters; this much leaves room for trimming. */
const DESCRIPTION_CHARS = 2000;
/** As the API (api/knowledge/deflection.ts MIN_SUGGESTION_QUERY_CHARS): shorter drafts get no suggestions. */
const MIN_CHARS = 8;
const TYPING_PAUSE_MS = 400;

const sameDraft = (a: { title: string; description: string }, b: { title: string; description: string }) => a.title === b.title && a.description === b.description;

export function SuggestedArticles({ title, description, draftKey, onSolved }: { title: string; description: string; draftKey: string; onSolved: (deflection: Deflection) => void }) {
  const draft = useDebounced({ title: title.trim().slice(0, 200), description: description.trim().slice(0, DESCRIPTION_CHARS) }, TYPING_PAUSE_MS, sameDraft);
  const enough = `${draft.title} ${draft.description}`.trim().length >= MIN_CHARS;
  const suggestions = useQuery({ ...trpc.kb.suggest.queryOptions(draft), enabled: enough, placeholderData: keepPreviousData, staleTime: 60_000 });
  const deflect = useMutation(trpc.kb.deflect.mutationOptions({ onSuccess: onSolved }));

  if (!enough) return null;
  if (suggestions.isPending)
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        Looking for articles that may answer this…
      </p>
    );
  if (suggestions.isError)
    return (
      <div role="status" className="flex flex-wrap items-center gap-2 text-sm text-slate-700 dark:text-slate-300">
        <span>Suggested articles are unavailable right now ({apiProblem(suggestions.error).message}). You can still file the ticket.</span>
        <Button tone="secondary" onPress={() => void suggestions.refetch()}>
          Try again
        </Button>
      </div>
    );
  const articles = suggestions.data.articles;
  if (articles.length === 0)
    return (
      <p role="status" className="text-sm text-slate-600 dark:text-slate-400">
        No article matches this yet; file the ticket and we will help.
      </p>
    );
  return (
    <section aria-labelledby="suggestions-title" className="flex flex-col gap-3 rounded-lg border border-indigo-200 bg-indigo-50/50 p-4 dark:border-indigo-800 dark:bg-indigo-950/40">
      <h2 id="suggestions-title" className="font-semibold">
        These articles may solve it
      </h2>
      <p role="status" className="sr-only">
        {articles.length === 1 ? 'One article may answer this.' : `${articles.length} articles may answer this.`}
      </p>
      <FormAlert message={deflect.error ? apiProblem(deflect.error).message : null} />
      <ul className="flex flex-col gap-3">
        {articles.map((article) => (
          <SuggestedArticle
            key={article.articleId}
            article={article}
            pending={deflect.isPending && deflect.variables.articleId === article.articleId}
            busy={deflect.isPending}
            solved={() => deflect.mutate({ articleId: article.articleId, title: title.trim().slice(0, 200), draftKey })}
          />
        ))}
      </ul>
    </section>
  );
}

function SuggestedArticle({ article, pending, busy, solved }: { article: Suggestion; pending: boolean; busy: boolean; solved: () => void }) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  return (
    <li className="flex flex-col gap-2 rounded-md border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-900">
      <AriaButton
        aria-expanded={open}
        aria-controls={panelId}
        onPress={() => setOpen((was) => !was)}
        className="self-start text-left font-medium text-indigo-700 underline outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-300"
      >
        <span aria-hidden="true">{open ? '▾' : '▸'}</span> {article.title}
      </AriaButton>
      {article.excerpt && <p className="text-sm text-slate-700 dark:text-slate-300">{article.excerpt}</p>}
      {open && (
        <div id={panelId} role="region" aria-label={article.title} className="max-h-96 overflow-y-auto rounded border border-slate-200 p-3 text-sm dark:border-slate-700" tabIndex={0}>
          <ArticleText slug={article.slug} />
        </div>
      )}
      {/* Named with its article: a list of "This solved it" buttons must say which one is which. */}
      <Button tone="secondary" className="self-start" aria-label={`This solved it: ${article.title}`} isPending={pending} isDisabled={busy && !pending} onPress={solved}>
        {pending ? 'Recording…' : 'This solved it'}
      </Button>
    </li>
  );
}

/** The article rendered as on its page; the Markdown renderer loads only when someone opens one. */
const Markdown = lazy(() => import('./markdown').then((m) => ({ default: m.Markdown })));

function ArticleText({ slug }: { slug: string }) {
  const article = useQuery(trpc.kb.get.queryOptions({ slug }));
  if (article.isPending)
    return (
      <p role="status" className="text-slate-600 dark:text-slate-400">
        Loading the article…
      </p>
    );
  if (article.isError)
    return (
      <p role="alert" className="text-red-800 dark:text-red-200">
        {apiProblem(article.error).message}
      </p>
    );
  return (
    <Suspense fallback={<div className="break-words whitespace-pre-wrap">{article.data.body}</div>}>
      <Markdown>{article.data.body}</Markdown>
      <Link to="/kb/$slug" params={{ slug }} target="_blank" className="mt-2 inline-block text-indigo-700 underline dark:text-indigo-300">
        Open the article in a new tab
      </Link>
    </Suspense>
  );
}
