/**
 * Knowledge-base passages for the assistant: a suggested reply reads the articles that match the
 * ticket (api/knowledge/search.ts searchKnowledge, staff audience: the suggestion goes to the
 * ticket's staff, who read staff articles too).
 */
import { and, desc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { comments, kbArticles } from '../../db/schema';
import { plainExcerpt } from '../../domain/knowledge';
import type { SentenceEmbedder } from '../../lib/sentence-embedder';
import type { KnowledgePassage } from '../../workflows/types';
import { searchKnowledge, ANSWER_SCORE_THRESHOLD } from '../knowledge/search';

/** How many passages a suggested reply reads at most (prompt size). */
export const MAX_KNOWLEDGE_PASSAGES = 5;
/** Characters of an article a passage carries: the steps, not the whole article. */
export const KNOWLEDGE_EXCERPT_CHARS = 600;
/** The latest public messages that join the title in the query: where the conversation is now. */
const LATEST_MESSAGES = 2;

/**
 * The query for a ticket: its title, its latest public messages (newest first: what is asked now)
 * and its description. Internal notes stay out: the reply answers the requester.
 */
export async function ticketKnowledgeQuery(db: Db, ticket: { id: string; title: string; description: string }): Promise<string> {
  const latest = await db
    .select({ body: comments.body })
    .from(comments)
    .where(
      and(
        eq(comments.ticketId, ticket.id),
        eq(comments.internal, false),
        isNull(comments.deletedAt),
        isNull(comments.hiddenAt),
        or(isNull(comments.reviewState), eq(comments.reviewState, 'released')),
      ),
    )
    .orderBy(desc(comments.id))
    .limit(LATEST_MESSAGES);
  return [ticket.title, ...latest.map((m) => m.body), ticket.description]
    .map((part) => part.trim())
    .filter(Boolean)
    .join('\n');
}

/**
 * The knowledge-base passages that may answer this ticket, best first, at most
 * MAX_KNOWLEDGE_PASSAGES, each `{ slug, title, excerpt }` (the start of the article as plain text).
 * Only published articles, and only matches above the score where an article is found by both
 * words and meaning (full text alone without the sentence model).
 */
export async function knowledgePassagesForTicket(db: Db, ticket: { id: string; title: string; description: string }, embedder?: SentenceEmbedder): Promise<KnowledgePassage[]> {
  const query = await ticketKnowledgeQuery(db, ticket);
  const hits = (await searchKnowledge({ db, embedder }, query, { audience: 'staff', limit: MAX_KNOWLEDGE_PASSAGES, mode: 'combined' })).filter((hit) => hit.score >= ANSWER_SCORE_THRESHOLD);
  if (hits.length === 0) return [];
  const bodies = new Map(
    (
      await db
        .select({ id: kbArticles.id, body: kbArticles.body })
        .from(kbArticles)
        .where(
          inArray(
            kbArticles.id,
            hits.map((hit) => hit.articleId),
          ),
        )
    ).map((row) => [row.id, row.body]),
  );
  return hits.map((hit) => ({ slug: hit.slug, title: hit.title, excerpt: plainExcerpt(bodies.get(hit.articleId) ?? hit.summary, KNOWLEDGE_EXCERPT_CHARS) }));
}
