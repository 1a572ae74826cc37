/**
 * Related articles on a ticket page (kb.related: the knowledge base searched with the ticket's
 * title and description), for whoever sees the ticket: requesters get published articles for
 * everyone only. Agents may also turn the ticket's answer into a draft article (kb.draftFromTicket:
 * its description and staff's public replies, never internal notes), which opens in the editor.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { Link, useNavigate } from '@tanstack/react-router';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, trpcClient } from '../trpc';
import { Button, FormAlert } from './fields';

export function RelatedArticles({ ticketId, mayDraft }: { ticketId: string; mayDraft: boolean }) {
  const related = useQuery(trpc.kb.related.queryOptions({ ticketId }));
  const navigate = useNavigate();
  const draft = useMutation({
    mutationFn: () => trpcClient.kb.draftFromTicket.mutate({ ticketId }),
    onSuccess: async (article) => {
      await queryClient.invalidateQueries({ queryKey: trpc.kb.pathKey() });
      await navigate({ to: '/kb/$slug/edit', params: { slug: article.slug } });
    },
  });
  return (
    <section aria-labelledby="related-title" className="rounded-lg border border-slate-200 p-4 dark:border-slate-800">
      <h2 id="related-title" className="mb-2 font-semibold">
        Related articles
      </h2>
      {related.isPending ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">Looking for articles…</p>
      ) : related.isError ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">{apiProblem(related.error).message}</p>
      ) : related.data.length === 0 ? (
        <p className="text-sm text-slate-600 dark:text-slate-400">No article matches this ticket yet.</p>
      ) : (
        <ul className="flex flex-col gap-2 text-sm">
          {related.data.map((hit) => (
            <li key={hit.articleId}>
              <Link to="/kb/$slug" params={{ slug: hit.slug }} search={{}} className="font-medium break-words text-indigo-700 underline dark:text-indigo-300">
                {hit.title}
              </Link>
            </li>
          ))}
        </ul>
      )}
      {mayDraft && (
        <div className="mt-3 flex flex-col gap-2">
          <Button tone="secondary" isPending={draft.isPending} isDisabled={draft.isPending} onPress={() => draft.mutate()}>
            Turn into article
          </Button>
          <FormAlert message={draft.error ? apiProblem(draft.error).message : null} />
        </div>
      )}
    </section>
  );
}
