/**
 * The demo organisation's starter knowledge base (db/demo/knowledge-base): its categories and
 * published articles at version 1, embedded at once when an embedder is given (npm start passes
 * one; without it the articles wait for their embedding and search is full text only).
 */
import { eq, inArray } from 'drizzle-orm';
import { articleEmbeddingText, slugFromTitle, summaryFromMarkdown } from '../domain/knowledge';
import type { SentenceEmbedder } from '../lib/sentence-embedder';
import { refreshKnowledgeSearchStatistics } from './knowledge-statistics';
import type { Db } from './client';
import { starterArticles, type StarterArticle } from './demo/knowledge-base';
import { departments, kbArticles, kbArticleVersions, kbCategories, users } from './schema';

export type KnowledgeSeedOptions = { embedder?: SentenceEmbedder | undefined; articles?: StarterArticle[]; authorEmail?: string };

/** Inserts the starter articles that are not there yet (by slug); returns how many it added. */
export async function seedKnowledgeBase(db: Db, options: KnowledgeSeedOptions = {}): Promise<number> {
  const articles = options.articles ?? starterArticles;
  const depts = await db.select({ id: departments.id, slug: departments.slug }).from(departments);
  const departmentIds = new Map(depts.map((d) => [d.slug, d.id]));
  const [author] = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, options.authorEmail ?? 'admin@deskflow.test'));

  const categoryNames = [...new Map(articles.map((a) => [a.category, a.department])).entries()];
  await db
    .insert(kbCategories)
    .values(categoryNames.map(([name, department]) => ({ name, slug: slugFromTitle(name), departmentId: departmentIds.get(department) ?? null })))
    .onConflictDoNothing();
  const categories = await db.select({ id: kbCategories.id, slug: kbCategories.slug }).from(kbCategories);
  const categoryIds = new Map(categories.map((c) => [c.slug, c.id]));

  const existing = new Set(
    (
      await db
        .select({ slug: kbArticles.slug })
        .from(kbArticles)
        .where(
          inArray(
            kbArticles.slug,
            articles.map((a) => a.slug),
          ),
        )
    ).map((a) => a.slug),
  );
  const fresh = articles.filter((a) => !existing.has(a.slug));
  if (fresh.length === 0) return 0;
  const rows = fresh.map((article) => ({ ...article, summary: summaryFromMarkdown(article.body) }));
  const vectors = options.embedder ? await options.embedder.embed(rows.map((row) => articleEmbeddingText(row))) : null;
  const now = new Date();
  await db.transaction(async (tx) => {
    const inserted = await tx
      .insert(kbArticles)
      .values(
        rows.map((row, i) => ({
          slug: row.slug,
          title: row.title,
          summary: row.summary,
          body: row.body,
          tags: row.tags,
          categoryId: categoryIds.get(slugFromTitle(row.category)) ?? null,
          departmentId: departmentIds.get(row.department) ?? null,
          visibility: row.visibility,
          status: 'published' as const,
          version: 1,
          authorId: author?.id ?? null,
          publishedAt: now,
          embedding: vectors?.[i] ?? null,
          embeddedVersion: vectors ? 1 : null,
        })),
      )
      .returning({ id: kbArticles.id, slug: kbArticles.slug });
    const ids = new Map(inserted.map((r) => [r.slug, r.id]));
    await tx
      .insert(kbArticleVersions)
      .values(rows.map((row) => ({ articleId: ids.get(row.slug)!, version: 1, title: row.title, summary: row.summary, body: row.body, authorId: author?.id ?? null, note: 'Starter knowledge base' })));
  });
  await refreshKnowledgeSearchStatistics(db);
  return fresh.length;
}
