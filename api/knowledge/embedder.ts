/** The API's sentence model for knowledge base search: loaded on the first search, once; where it cannot load, search is full text only (logged once). */
import type { Logger } from '../../lib/logger';
import { sentenceEmbedder, type SentenceEmbedder } from '../../lib/sentence-embedder';

export function lazyEmbedder(modelDir: string, logger: Logger): () => Promise<SentenceEmbedder | undefined> {
  let loading: Promise<SentenceEmbedder | undefined> | undefined;
  return () =>
    (loading ??= sentenceEmbedder(modelDir).catch((error: unknown) => {
      logger.warn({ err: error }, 'the sentence model did not load: knowledge base search is full text only');
      return undefined;
    }));
}
