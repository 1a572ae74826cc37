/**
 * The knowledge base's embedding activity (workflows/knowledge.ts): embeds an article version and
 * stores it only while that version is still current, so a slow run never overwrites a newer
 * article's vector. Idempotent: a version already embedded is left as it is. It also keeps the
 * word statistics full-text search reads (db/knowledge-statistics.ts), since PGlite has no autovacuum.
 */
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { refreshKnowledgeSearchStatistics } from '../../db/knowledge-statistics';
import { kbArticles } from '../../db/schema';
import { articleEmbeddingText } from '../../domain/knowledge';
import { SentenceModelMissingError, type SentenceEmbedder } from '../../lib/sentence-embedder';
import { EMBEDDER_MISSING, type ArticleEmbeddingInput, type ArticleEmbeddingOutcome } from '../../workflows/messages';

export function knowledgeActivities(db: Db, embedder: () => Promise<SentenceEmbedder>) {
  return {
    async embedArticle({ articleId, version }: ArticleEmbeddingInput): Promise<ArticleEmbeddingOutcome> {
      const [article] = await db
        .select({ title: kbArticles.title, summary: kbArticles.summary, tags: kbArticles.tags, body: kbArticles.body, version: kbArticles.version, embeddedVersion: kbArticles.embeddedVersion })
        .from(kbArticles)
        .where(eq(kbArticles.id, articleId));
      if (!article) return 'gone';
      if (article.version !== version) return 'stale';
      if (article.embeddedVersion === version) return 'already-embedded';
      let model: SentenceEmbedder;
      try {
        model = await embedder();
      } catch (error) {
        if (error instanceof SentenceModelMissingError) throw ApplicationFailure.nonRetryable(error.message, EMBEDDER_MISSING);
        throw error;
      }
      const [vector] = await model.embed([articleEmbeddingText(article)]);
      const stored = await db
        .update(kbArticles)
        // Not an edit: updated_at keeps the author's last save.
        .set({ embedding: vector, embeddedVersion: version, updatedAt: sql`${kbArticles.updatedAt}` })
        .where(and(eq(kbArticles.id, articleId), eq(kbArticles.version, version)))
        .returning({ id: kbArticles.id });
      if (stored.length === 0) return 'stale';
      await refreshKnowledgeSearchStatistics(db);
      return 'embedded';
    },
  };
}
