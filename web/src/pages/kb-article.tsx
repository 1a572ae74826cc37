/**
 * One article: its Markdown rendered and sanitised (components/markdown.tsx), its files, who last
 * updated it and when, its views, and "Was this helpful?" (kb.vote, one vote per person, changeable).
 * Staff also get its status and audience, edit, publish / unpublish / archive, and the version
 * history with author and note; `?version=N` shows an older version in place.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { cardClass, mutedClass, Saved } from '../components/controls';
import { Button, FormAlert } from '../components/fields';
import { ArticleBadges, fileSize } from '../components/kb-bits';
import { Markdown } from '../components/markdown';
import { Failed, Loading } from '../components/states';
import { Time } from '../components/ticket-bits';
import { apiProblem } from '../lib/errors';
import { absoluteTime } from '../lib/format';
import { queryClient, trpc, trpcClient, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/kb/$slug')({ component: ArticlePage });

const route = getRouteApi('/_authed/kb/$slug');
const authed = getRouteApi('/_authed');

type Article = RouterOutputs['kb']['get'];
const linkClass = 'text-indigo-700 underline dark:text-indigo-300';
const buttonLinkClass =
  'inline-flex min-h-10 items-center rounded-md border border-slate-300 bg-white px-4 py-2 text-sm font-semibold text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800';

function ArticlePage() {
  const { slug } = route.useParams();
  const { version } = route.useSearch();
  const { me } = authed.useRouteContext();
  const staff = me.role !== 'requester';
  const article = useQuery(trpc.kb.get.queryOptions({ slug }));
  if (article.isPending) return <Loading what="the article" />;
  if (article.isError) return <Failed error={article.error} retry={() => void article.refetch()} />;
  const current = article.data;
  const showingOld = version !== undefined && version !== current.version;
  return (
    <article aria-labelledby="article-title" className="flex flex-col gap-6">
      <p className="text-sm">
        <Link to="/kb" search={{}} className={linkClass}>
          ← Knowledge base
        </Link>
      </p>
      {showingOld ? <OldVersion article={current} version={version} /> : <CurrentVersion article={current} staff={staff} />}
      {staff && <VersionHistory article={current} shown={showingOld ? version : current.version} />}
    </article>
  );
}

function CurrentVersion({ article, staff }: { article: Article; staff: boolean }) {
  return (
    <>
      <header className="flex flex-col gap-2">
        {article.category && <p className={`text-sm ${mutedClass}`}>{article.category.name}</p>}
        <h1 id="article-title" className="text-2xl font-bold break-words">
          {article.title}
        </h1>
        <p className={`flex flex-wrap items-center gap-x-3 gap-y-1 text-sm ${mutedClass}`}>
          {staff && <ArticleBadges status={article.status} visibility={article.visibility} />}
          <span>
            Updated <Time date={article.updatedAt} />
            {article.author ? ` by ${article.author.name}` : ''}
          </span>
          <span>
            {article.viewCount} {article.viewCount === 1 ? 'view' : 'views'}
          </span>
          {staff && <span>Version {article.version}</span>}
        </p>
      </header>
      {staff && <StaffActions article={article} />}
      <div className={cardClass}>
        <Markdown>{article.body}</Markdown>
      </div>
      {article.files.length > 0 && (
        <section aria-labelledby="files-title" className={cardClass}>
          <h2 id="files-title" className="mb-2 font-semibold">
            Files
          </h2>
          <ul className="flex flex-col gap-1 text-sm">
            {article.files.map((file) => (
              <li key={file.id}>
                <a href={file.url} className={linkClass}>
                  {file.fileName}
                </a>{' '}
                <span className={mutedClass}>({fileSize(file.size)})</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {article.status === 'published' && <Votes article={article} />}
    </>
  );
}

/** Helpful or not: the counts come back with the vote, and the person's own vote is shown as pressed. */
function Votes({ article }: { article: Article }) {
  const vote = useMutation({
    mutationFn: (helpful: boolean) => trpcClient.kb.vote.mutate({ id: article.id, helpful }),
    onSuccess: (counts) => queryClient.setQueryData(trpc.kb.get.queryKey({ slug: article.slug }), (old) => (old ? { ...old, ...counts } : old)),
  });
  return (
    <section aria-labelledby="votes-title" className={`${cardClass} flex flex-col gap-3`}>
      <h2 id="votes-title" className="font-semibold">
        Was this helpful?
      </h2>
      <div className="flex flex-wrap gap-2">
        <Button
          tone={article.myVote === 'helpful' ? 'primary' : 'secondary'}
          aria-pressed={article.myVote === 'helpful'}
          isPending={vote.isPending && vote.variables}
          onPress={() => vote.mutate(true)}
        >
          Helpful ({article.helpfulCount})
        </Button>
        <Button
          tone={article.myVote === 'not_helpful' ? 'primary' : 'secondary'}
          aria-pressed={article.myVote === 'not_helpful'}
          isPending={vote.isPending && !vote.variables}
          onPress={() => vote.mutate(false)}
        >
          Not helpful ({article.notHelpfulCount})
        </Button>
      </div>
      {article.myVote && (
        <p role="status" className={`text-sm ${mutedClass}`}>
          Thank you: you said this was {article.myVote === 'helpful' ? 'helpful' : 'not helpful'}. You can change your mind.
        </p>
      )}
      {article.myVote === 'not_helpful' && (
        <p className="text-sm">
          Still stuck?{' '}
          <Link to="/tickets/new" className={linkClass}>
            Open a ticket
          </Link>
          .
        </p>
      )}
      <FormAlert message={vote.error ? apiProblem(vote.error).message : null} />
    </section>
  );
}

type StatusMove = 'publish' | 'unpublish' | 'archive';
const moveDone: Record<StatusMove, string> = { publish: 'Published: requesters can find it now.', unpublish: 'Back to draft: hidden from search and requesters.', archive: 'Archived.' };

function StaffActions({ article }: { article: Article }) {
  const move = useMutation({
    mutationFn: (action: StatusMove) => trpcClient.kb[action].mutate({ id: article.id }),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: trpc.kb.pathKey() });
    },
  });
  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap gap-2">
        <Link to="/kb/$slug/edit" params={{ slug: article.slug }} className={buttonLinkClass}>
          Edit
        </Link>
        {article.status !== 'published' && (
          <Button isPending={move.isPending && move.variables === 'publish'} isDisabled={move.isPending} onPress={() => move.mutate('publish')}>
            Publish
          </Button>
        )}
        {article.status === 'published' && (
          <Button tone="secondary" isPending={move.isPending && move.variables === 'unpublish'} isDisabled={move.isPending} onPress={() => move.mutate('unpublish')}>
            Unpublish
          </Button>
        )}
        {article.status !== 'archived' && (
          <Button tone="secondary" isPending={move.isPending && move.variables === 'archive'} isDisabled={move.isPending} onPress={() => move.mutate('archive')}>
            Archive
          </Button>
        )}
      </div>
      <Saved message={move.isSuccess && move.variables ? moveDone[move.variables] : null} />
      <FormAlert message={move.error ? apiProblem(move.error).message : null} />
    </div>
  );
}

function OldVersion({ article, version }: { article: Article; version: number }) {
  const old = useQuery(trpc.kb.version.queryOptions({ id: article.id, version }));
  if (old.isPending) return <Loading what={`version ${version}`} />;
  if (old.isError) return <Failed error={old.error} retry={() => void old.refetch()} />;
  return (
    <>
      <p role="note" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
        You are looking at version {old.data.version} of {article.version}, saved {absoluteTime(old.data.createdAt)}
        {old.data.author ? ` by ${old.data.author.name}` : ''}
        {old.data.note ? ` (“${old.data.note}”)` : ''}.{' '}
        <Link to="/kb/$slug" params={{ slug: article.slug }} search={{}} className="font-semibold underline">
          Show the current version
        </Link>
      </p>
      <h1 id="article-title" className="text-2xl font-bold break-words">
        {old.data.title}
      </h1>
      <div className={cardClass}>
        <Markdown>{old.data.body}</Markdown>
      </div>
    </>
  );
}

function VersionHistory({ article, shown }: { article: Article; shown: number }) {
  const versions = useQuery(trpc.kb.versions.queryOptions({ id: article.id }));
  return (
    <section aria-labelledby="history-title" className={cardClass}>
      <h2 id="history-title" className="mb-2 font-semibold">
        Version history
      </h2>
      {versions.isPending ? (
        <Loading what="the history" />
      ) : versions.isError ? (
        <Failed error={versions.error} retry={() => void versions.refetch()} />
      ) : (
        <ol aria-label="Versions" className="flex flex-col gap-2 text-sm">
          {versions.data.map((v) => (
            <li key={v.version} className="flex flex-wrap items-baseline gap-x-2">
              {v.version === shown ? (
                <span className="font-semibold" aria-current="true">
                  Version {v.version}
                </span>
              ) : (
                <Link to="/kb/$slug" params={{ slug: article.slug }} search={v.version === article.version ? {} : { version: v.version }} className={linkClass}>
                  Version {v.version}
                </Link>
              )}
              <span className={mutedClass}>
                {v.author?.name ?? 'Someone'}, <Time date={v.createdAt} />
              </span>
              {v.note && <span className="break-words">— {v.note}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
