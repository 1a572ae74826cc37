/**
 * The knowledge base for everyone signed in: a search (kb.search, full text and meaning combined)
 * or the newest articles by page (kb.list), filtered by category; staff also filter by status and
 * see drafts, archived and staff-only articles, each badged. The API decides who reads what:
 * requesters only ever receive published articles for everyone.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { Input, Label, SearchField } from 'react-aria-components';
import { articleStatuses, type ArticleStatus } from '../../../domain/vocabulary';
import { ControlledSelect, cardClass, mutedClass } from '../components/controls';
import { Button, inputClass, labelClass } from '../components/fields';
import { ArticleBadges, articleStatusWords } from '../components/kb-bits';
import { Empty, Failed, Loading } from '../components/states';
import { Time } from '../components/ticket-bits';
import { trpc } from '../trpc';
import { useSearchText } from '../lib/use-search-text';

export const Route = createLazyRoute('/_authed/kb')({ component: KnowledgeBase });

const route = getRouteApi('/_authed/kb');
const authed = getRouteApi('/_authed');

const PAGE = 20;
const ALL = 'all';
const linkClass = 'font-semibold break-words text-indigo-700 underline dark:text-indigo-300';

function KnowledgeBase() {
  const { q, category, status } = route.useSearch();
  const { me } = authed.useRouteContext();
  const staff = me.role !== 'requester';
  const navigate = useNavigate({ from: '/kb' });
  const categories = useQuery(trpc.kb.categories.queryOptions());
  const categoryOptions = [{ id: ALL, name: 'All categories' }, ...(categories.data ?? []).map((c) => ({ id: c.id, name: `${c.name} (${c.articles})` }))];
  return (
    <section aria-labelledby="kb-title" className="flex flex-col gap-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 id="kb-title" className="text-2xl font-bold">
          Knowledge base
        </h1>
        {staff && (
          <Link to="/kb/new" className="rounded-md bg-indigo-700 px-4 py-2 text-sm font-semibold text-white hover:bg-indigo-800 dark:bg-indigo-300 dark:text-slate-950 dark:hover:bg-indigo-200">
            New article
          </Link>
        )}
      </div>
      <div className="flex flex-wrap items-end gap-4">
        <SearchBox q={q} />
        {!q && (
          <ControlledSelect
            label="Category"
            value={category ?? ALL}
            options={categoryOptions}
            onChange={(id) => void navigate({ search: (prev) => ({ ...prev, category: id === ALL ? undefined : id }), replace: true })}
            className="min-w-56"
          />
        )}
        {!q && staff && (
          <ControlledSelect
            label="Status"
            value={status ?? ALL}
            options={[{ id: ALL, name: 'Any status' }, ...articleStatuses.map((s) => ({ id: s, name: articleStatusWords[s] }))]}
            onChange={(id) => void navigate({ search: (prev) => ({ ...prev, status: id === ALL ? undefined : (id as ArticleStatus) }), replace: true })}
            className="min-w-40"
          />
        )}
      </div>
      {q ? (
        <SearchResults q={q} />
      ) : (
        <ArticleList categoryId={category} status={staff ? status : undefined} staff={staff} categoryNames={new Map((categories.data ?? []).map((c) => [c.id, c.name]))} />
      )}
    </section>
  );
}

/** Types into the URL's `q` after a short pause (or on Enter), like the queue's search. */
function SearchBox({ q }: { q: string | undefined }) {
  const navigate = useNavigate({ from: '/kb' });
  const { text, setText, go } = useSearchText(q, (value) => void navigate({ search: (prev) => ({ ...prev, q: value }), replace: true }));
  return (
    <SearchField value={text} onChange={setText} onSubmit={go} onClear={() => go('')} className="flex min-w-64 flex-1 flex-col gap-1">
      <Label className={labelClass}>Search articles</Label>
      <Input placeholder="Describe your problem in your own words" maxLength={500} className={`${inputClass} [&::-webkit-search-cancel-button]:hidden`} />
    </SearchField>
  );
}

function SearchResults({ q }: { q: string }) {
  // No previous results kept while the next arrive: the line above the list names the words it answers.
  const results = useQuery(trpc.kb.search.queryOptions({ q, limit: 20, mode: 'combined' }));
  if (results.isPending) return <Loading what="matching articles" />;
  if (results.isError) return <Failed error={results.error} retry={() => void results.refetch()} />;
  if (results.data.length === 0)
    return (
      <Empty>
        No published article matches “{q}”. Try other words, or{' '}
        <Link to="/tickets/new" className="text-indigo-700 underline dark:text-indigo-300">
          open a ticket
        </Link>
        .
      </Empty>
    );
  return (
    <>
      <p role="status" className={`text-sm ${mutedClass}`}>
        {results.data.length === 1 ? '1 article' : `${results.data.length} articles`} for “{q}”, best match first.
      </p>
      <ul aria-label="Search results" className="flex flex-col gap-3">
        {results.data.map((hit) => (
          <li key={hit.articleId} className={cardClass}>
            <Link to="/kb/$slug" params={{ slug: hit.slug }} search={{}} className={linkClass}>
              {hit.title}
            </Link>
            {hit.summary && <p className="mt-1 text-sm">{hit.summary}</p>}
          </li>
        ))}
      </ul>
    </>
  );
}

function ArticleList({ categoryId, status, staff, categoryNames }: { categoryId: string | undefined; status: ArticleStatus | undefined; staff: boolean; categoryNames: Map<string, string> }) {
  const [offset, setOffset] = useState(0);
  // A new filter starts at the first page.
  useEffect(() => setOffset(0), [categoryId, status]);
  const list = useQuery({ ...trpc.kb.list.queryOptions({ categoryId, status, offset, limit: PAGE }), placeholderData: keepPreviousData });
  if (list.isPending) return <Loading what="articles" />;
  if (list.isError) return <Failed error={list.error} retry={() => void list.refetch()} />;
  if (list.data.items.length === 0) return <Empty>No articles here yet.</Empty>;
  const { items, total, nextOffset } = list.data;
  return (
    <>
      <ul aria-label="Articles" className="flex flex-col gap-3">
        {items.map((article) => (
          <li key={article.id} className={`${cardClass} flex flex-col gap-1`}>
            <div className="flex flex-wrap items-center gap-2">
              <Link to="/kb/$slug" params={{ slug: article.slug }} search={{}} className={linkClass}>
                {article.title}
              </Link>
              {staff && <ArticleBadges status={article.status} visibility={article.visibility} />}
            </div>
            {article.summary && <p className="text-sm">{article.summary}</p>}
            <p className={`text-xs ${mutedClass}`}>
              {article.categoryId && categoryNames.get(article.categoryId) ? `${categoryNames.get(article.categoryId)} · ` : ''}
              Updated <Time date={article.updatedAt} /> · {article.viewCount} {article.viewCount === 1 ? 'view' : 'views'} · {article.helpfulCount} found it helpful
            </p>
          </li>
        ))}
      </ul>
      {(offset > 0 || nextOffset !== null) && (
        <nav aria-label="Pages" className="flex items-center justify-between gap-3">
          <Button tone="secondary" isDisabled={offset === 0} onPress={() => setOffset(Math.max(0, offset - PAGE))}>
            Newer
          </Button>
          <span className={`text-sm ${mutedClass}`}>
            {offset + 1}–{offset + items.length} of {total}
          </span>
          <Button tone="secondary" isDisabled={nextOffset === null} onPress={() => nextOffset !== null && setOffset(nextOffset)}>
            Older
          </Button>
        </nav>
      )}
    </>
  );
}
