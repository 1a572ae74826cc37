/**
 * Ticket deflection (issue 14 §3): while a requester drafts a new ticket, the published articles
 * they may read that best match the draft (`kb.suggest`); "this solved it" records a deflection
 * (`kb.deflect`, table kb_deflections) and files no ticket. The report counts them by period
 * (db/report-deflections.ts).
 */
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { kbArticles, kbDeflections } from '../../db/schema';
import { plainExcerpt } from '../../domain/knowledge';
import type { SessionUser } from '../auth/session';
import { ANSWER_SCORE_THRESHOLD, searchKnowledge } from './search';
import { audienceOf, readable, type KnowledgeDeps } from './service';

/** A form has room for a few suggestions; more would bury the one that answers. */
export const MAX_SUGGESTIONS = 3;
/**
 * Below this combined score an article is offered only by one of the two searches (words or
 * meaning) or far down both: not worth interrupting someone who is filing a ticket. The answer
 * bot's threshold (calibrated by npm run eval:kb) serves the same purpose. Without the sentence
 * model search is full text only and every score is above it: the best few by words are shown.
 */
export const SUGGESTION_SCORE_THRESHOLD = ANSWER_SCORE_THRESHOLD;
/** Fewer characters than this say too little to search on: no suggestions yet. */
export const MIN_SUGGESTION_QUERY_CHARS = 8;
const EXCERPT_CHARS = 200;

export type ArticleSuggestion = { articleId: string; slug: string; title: string; excerpt: string; score: number };

/** The draft as one search query: its title, then its description (search reads the first 500 characters). */
export const draftQuery = (draft: { title: string; description: string }) => [draft.title.trim(), draft.description.trim()].filter(Boolean).join('\n');

export async function suggestArticles(deps: KnowledgeDeps, user: SessionUser, draft: { title: string; description: string }): Promise<{ articles: ArticleSuggestion[] }> {
  const query = draftQuery(draft);
  if (query.replace(/\s+/g, ' ').length < MIN_SUGGESTION_QUERY_CHARS) return { articles: [] };
  const embedder = await deps.services.knowledgeEmbedder();
  const hits = await searchKnowledge({ db: deps.db, embedder }, query, { audience: audienceOf(user), limit: MAX_SUGGESTIONS, mode: 'combined' });
  return {
    articles: hits
      .filter((hit) => hit.score >= SUGGESTION_SCORE_THRESHOLD)
      .map((hit) => ({ articleId: hit.articleId, slug: hit.slug, title: hit.title, excerpt: plainExcerpt(hit.summary, EXCERPT_CHARS), score: Math.round(hit.score * 1000) / 1000 })),
  };
}

export type Deflection = { id: string; articleId: string; slug: string; articleTitle: string; title: string; createdAt: Date };

/**
 * "This solved it": records that the caller's draft needed no ticket thanks to this article. Only
 * an article the caller may read and that is published. One per draft (`draftKey`, the form's
 * key): a retried click returns the deflection already recorded.
 */
export async function recordDeflection(db: Db, user: SessionUser, input: { articleId: string; title: string; draftKey?: string | undefined }): Promise<Deflection> {
  const [article] = await db
    .select({ id: kbArticles.id, slug: kbArticles.slug, title: kbArticles.title, status: kbArticles.status })
    .from(kbArticles)
    .where(and(eq(kbArticles.id, input.articleId), readable(user)));
  if (!article) throw new TRPCError({ code: 'NOT_FOUND', message: `Article ${input.articleId} was not found.` });
  if (article.status !== 'published') throw new TRPCError({ code: 'BAD_REQUEST', message: 'Only a published article can answer a request.' });
  const [inserted] = await db
    .insert(kbDeflections)
    .values({ userId: user.id, articleId: article.id, title: input.title, draftKey: input.draftKey ?? null })
    .onConflictDoNothing()
    .returning();
  const row =
    inserted ??
    (
      await db
        .select()
        .from(kbDeflections)
        .where(and(eq(kbDeflections.userId, user.id), eq(kbDeflections.draftKey, input.draftKey!)))
    )[0];
  if (!row) throw new Error('the deflection was neither recorded nor found');
  const [shown] = row.articleId === article.id ? [article] : await db.select({ slug: kbArticles.slug, title: kbArticles.title }).from(kbArticles).where(eq(kbArticles.id, row.articleId));
  return { id: row.id, articleId: row.articleId, slug: shown?.slug ?? article.slug, articleTitle: shown?.title ?? article.title, title: row.title, createdAt: row.createdAt };
}
