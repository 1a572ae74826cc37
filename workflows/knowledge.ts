/**
 * Keeps article embeddings current: the API starts one `articleEmbeddingWorkflow` per article
 * version it saves or publishes (id `kb-embed-<article>-v<version>`), whose activity embeds the
 * article's title, summary, tags and body and stores the vector only if that version is still the
 * current one. Bounded retries: a model that is not provisioned fails at once (search stays full
 * text for that article until it is saved again), a database outage is retried for a few minutes.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';
import { EMBEDDER_MISSING, type ArticleEmbeddingInput, type ArticleEmbeddingOutcome } from './messages';

const { embedArticle } = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 6, nonRetryableErrorTypes: [EMBEDDER_MISSING] },
});

export async function articleEmbeddingWorkflow(input: ArticleEmbeddingInput): Promise<ArticleEmbeddingOutcome> {
  return embedArticle(input);
}
