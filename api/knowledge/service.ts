/**
 * The knowledge base's operations behind the `kb` router. Who may read what:
 *   - published 'everyone' articles: every signed-in person;
 *   - staff articles, drafts and archived articles: staff (agents, supervisors, admins);
 * and writing is staff's. An article a person may not read does not exist for them (NOT_FOUND).
 * Every save is a new version (kb_article_versions) with its author and note, and starts the
 * embedding workflow of that version (workflows/knowledge.ts) after the commit.
 */
import { createHash } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client as TemporalClient } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, asc, count, desc, eq, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { comments, tickets, kbArticleFiles, kbArticles, kbArticleVersions, kbArticleViews, kbCategories, kbVotes, users } from '../../db/schema';
import { slugFromTitle, summaryFromMarkdown } from '../../domain/knowledge';
import type { ArticleStatus, ArticleVisibility } from '../../domain/vocabulary';
import type { Logger } from '../../lib/logger';
import { ARTICLE_EMBEDDING_WORKFLOW_TYPE, articleEmbeddingWorkflowId, type ArticleEmbeddingInput } from '../../workflows/messages';
import { readCheckedUpload, safeFileName } from '../attachments/inspect';
import { staffAccess, ticketAccess } from '../access';
import type { SessionUser } from '../auth/session';
import type { ApiServices } from '../trpc';
import { searchKnowledge, type KnowledgeHit, type KnowledgeSearchMode } from './search';

export type KnowledgeDeps = { db: Db; temporal: TemporalClient; taskQueue: string; logger: Logger; services: ApiServices };

const isStaff = (user: SessionUser) => user.role !== 'requester';
export const audienceOf = (user: SessionUser): 'everyone' | 'staff' => (isStaff(user) ? 'staff' : 'everyone');

/** What the caller may read: staff everything, others published 'everyone' articles. */
export function readable(user: SessionUser): SQL | undefined {
  return isStaff(user) ? undefined : and(eq(kbArticles.status, 'published'), eq(kbArticles.visibility, 'everyone'));
}

const articleNotFound = (what: string) => new TRPCError({ code: 'NOT_FOUND', message: `Article ${what} was not found.` });

const summaryColumns = {
  id: kbArticles.id,
  slug: kbArticles.slug,
  title: kbArticles.title,
  summary: kbArticles.summary,
  categoryId: kbArticles.categoryId,
  visibility: kbArticles.visibility,
  status: kbArticles.status,
  version: kbArticles.version,
  updatedAt: kbArticles.updatedAt,
  publishedAt: kbArticles.publishedAt,
  viewCount: kbArticles.viewCount,
  helpfulCount: kbArticles.helpfulCount,
  notHelpfulCount: kbArticles.notHelpfulCount,
};

export async function searchArticles(deps: KnowledgeDeps, user: SessionUser, input: { q: string; limit?: number | undefined; mode?: KnowledgeSearchMode | undefined }): Promise<KnowledgeHit[]> {
  const embedder = input.mode === 'lexical' ? undefined : await deps.services.knowledgeEmbedder();
  return searchKnowledge({ db: deps.db, embedder }, input.q, { audience: audienceOf(user), limit: input.limit, mode: input.mode });
}

export async function listCategories(db: Db, user: SessionUser) {
  const visible = readable(user);
  const counts = db
    .select({ categoryId: kbArticles.categoryId, articles: count().as('articles') })
    .from(kbArticles)
    .where(visible)
    .groupBy(kbArticles.categoryId)
    .as('counts');
  return db
    .select({ id: kbCategories.id, name: kbCategories.name, slug: kbCategories.slug, departmentId: kbCategories.departmentId, articles: sql<number>`coalesce(${counts.articles}, 0)::int` })
    .from(kbCategories)
    .leftJoin(counts, eq(counts.categoryId, kbCategories.id))
    .orderBy(asc(kbCategories.name));
}

export async function listArticles(
  db: Db,
  user: SessionUser,
  input: { categoryId?: string | undefined; status?: ArticleStatus | undefined; visibility?: ArticleVisibility | undefined; offset: number; limit: number },
) {
  if (!isStaff(user) && input.status && input.status !== 'published') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only staff see drafts and archived articles.' });
  const where = and(
    readable(user),
    input.categoryId ? eq(kbArticles.categoryId, input.categoryId) : undefined,
    input.status ? eq(kbArticles.status, input.status) : undefined,
    input.visibility ? eq(kbArticles.visibility, input.visibility) : undefined,
  );
  const [items, [{ total } = { total: 0 }]] = await Promise.all([
    db.select(summaryColumns).from(kbArticles).where(where).orderBy(desc(kbArticles.updatedAt), asc(kbArticles.id)).offset(input.offset).limit(input.limit),
    db.select({ total: count() }).from(kbArticles).where(where),
  ]);
  return { items, total, nextOffset: input.offset + items.length < total ? input.offset + items.length : null };
}

/**
 * An article by slug, with its category, author, files and the caller's vote. Counts a view once
 * per person, article and day (UTC): reloading the page does not inflate the count.
 */
export async function getArticle(db: Db, user: SessionUser, slug: string) {
  const [row] = await db
    .select({
      ...summaryColumns,
      body: kbArticles.body,
      tags: kbArticles.tags,
      departmentId: kbArticles.departmentId,
      createdAt: kbArticles.createdAt,
      sourceTicketId: kbArticles.sourceTicketId,
      embeddedVersion: kbArticles.embeddedVersion,
      author: { id: users.id, name: users.name },
      category: { id: kbCategories.id, name: kbCategories.name, slug: kbCategories.slug },
    })
    .from(kbArticles)
    .leftJoin(users, eq(users.id, kbArticles.authorId))
    .leftJoin(kbCategories, eq(kbCategories.id, kbArticles.categoryId))
    .where(and(eq(kbArticles.slug, slug), readable(user)));
  if (!row) throw articleNotFound(`"${slug}"`);
  const counted = await db
    .insert(kbArticleViews)
    .values({ articleId: row.id, userId: user.id, day: new Date().toISOString().slice(0, 10) })
    .onConflictDoNothing()
    .returning({ articleId: kbArticleViews.articleId });
  let viewCount = row.viewCount;
  if (counted.length > 0) {
    const [updated] = await db
      .update(kbArticles)
      .set({ viewCount: sql`${kbArticles.viewCount} + 1`, updatedAt: sql`${kbArticles.updatedAt}` })
      .where(eq(kbArticles.id, row.id))
      .returning({ viewCount: kbArticles.viewCount });
    viewCount = updated?.viewCount ?? viewCount + 1;
  }
  const [[vote], files] = await Promise.all([
    db
      .select({ helpful: kbVotes.helpful })
      .from(kbVotes)
      .where(and(eq(kbVotes.articleId, row.id), eq(kbVotes.userId, user.id))),
    listFiles(db, row.id),
  ]);
  const { sourceTicketId, embeddedVersion, ...article } = row;
  return {
    ...article,
    viewCount,
    myVote: vote ? (vote.helpful ? ('helpful' as const) : ('not_helpful' as const)) : null,
    files,
    // Staff only: which ticket it came from, and whether search already knows its current version by meaning.
    ...(isStaff(user) && { sourceTicketId, embeddingCurrent: embeddedVersion === row.version }),
  };
}

async function readableArticle(db: Db, user: SessionUser, id: string) {
  const [row] = await db
    .select({ id: kbArticles.id, version: kbArticles.version, status: kbArticles.status, slug: kbArticles.slug })
    .from(kbArticles)
    .where(and(eq(kbArticles.id, id), readable(user)));
  if (!row) throw articleNotFound(id);
  return row;
}

type ArticleFields = {
  title: string;
  summary?: string | undefined;
  body: string;
  tags?: string[] | undefined;
  categoryId?: string | null | undefined;
  visibility?: ArticleVisibility | undefined;
};

/** A free slug: the one asked for (refused when taken), or one from the title with a number added until free. */
async function freeSlug(db: Db, wanted: string | undefined, title: string): Promise<string> {
  if (wanted) {
    const [taken] = await db.select({ id: kbArticles.id }).from(kbArticles).where(eq(kbArticles.slug, wanted));
    if (taken) throw new TRPCError({ code: 'CONFLICT', message: `The slug "${wanted}" is taken by another article.` });
    return wanted;
  }
  const base = slugFromTitle(title);
  const taken = new Set(
    (
      await db
        .select({ slug: kbArticles.slug })
        .from(kbArticles)
        .where(sql`${kbArticles.slug} = ${base} or ${kbArticles.slug} like ${`${base}-%`}`)
    ).map((r) => r.slug),
  );
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

async function categoryDepartment(db: Db, categoryId: string | null | undefined): Promise<string | null> {
  if (!categoryId) return null;
  const [category] = await db.select({ departmentId: kbCategories.departmentId }).from(kbCategories).where(eq(kbCategories.id, categoryId));
  if (!category) throw new TRPCError({ code: 'BAD_REQUEST', message: `Category ${categoryId} does not exist.` });
  return category.departmentId;
}

/** Starts the embedding workflow of an article version (after its commit). Never throws: the article is saved; search finds it by its words meanwhile. */
export async function startArticleEmbedding(deps: Pick<KnowledgeDeps, 'temporal' | 'taskQueue' | 'logger'>, articleId: string, version: number): Promise<void> {
  try {
    await deps.temporal.workflow.start(ARTICLE_EMBEDDING_WORKFLOW_TYPE, {
      workflowId: articleEmbeddingWorkflowId(articleId, version),
      taskQueue: deps.taskQueue,
      args: [{ articleId, version } satisfies ArticleEmbeddingInput],
    });
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return;
    deps.logger.warn({ err: error, article: articleId, version }, 'article saved; its embedding did not start (search finds it by its words until it is saved again)');
  }
}

export async function createArticle(deps: KnowledgeDeps, user: SessionUser, input: ArticleFields & { slug?: string | undefined; note?: string | undefined; sourceTicketId?: string | null }) {
  const departmentId = await categoryDepartment(deps.db, input.categoryId);
  const slug = await freeSlug(deps.db, input.slug, input.title);
  const summary = input.summary?.trim() || summaryFromMarkdown(input.body);
  const article = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .insert(kbArticles)
      .values({
        slug,
        title: input.title,
        summary,
        body: input.body,
        tags: input.tags ?? [],
        categoryId: input.categoryId ?? null,
        departmentId,
        visibility: input.visibility ?? 'everyone',
        status: 'draft',
        version: 1,
        authorId: user.id,
        sourceTicketId: input.sourceTicketId ?? null,
      })
      .returning(summaryColumns);
    await tx.insert(kbArticleVersions).values({ articleId: row!.id, version: 1, title: input.title, summary, body: input.body, authorId: user.id, note: input.note ?? 'First version' });
    return row!;
  });
  await startArticleEmbedding(deps, article.id, article.version);
  return article;
}

/** Saves a new version. `expectedVersion` (the version the editor started from) refuses to overwrite someone else's newer save. */
export async function updateArticle(deps: KnowledgeDeps, user: SessionUser, input: Partial<ArticleFields> & { id: string; note: string; expectedVersion?: number | undefined }) {
  const departmentId = input.categoryId !== undefined ? await categoryDepartment(deps.db, input.categoryId) : undefined;
  const article = await deps.db.transaction(async (tx) => {
    const [current] = await tx.select().from(kbArticles).where(eq(kbArticles.id, input.id)).for('update');
    if (!current) throw articleNotFound(input.id);
    if (input.expectedVersion !== undefined && input.expectedVersion !== current.version)
      throw new TRPCError({
        code: 'CONFLICT',
        message: `The article was saved by someone else meanwhile (version ${current.version}; you edited version ${input.expectedVersion}). Reload it and apply your changes again.`,
      });
    const title = input.title ?? current.title;
    const body = input.body ?? current.body;
    const summary = input.summary !== undefined ? input.summary.trim() || summaryFromMarkdown(body) : current.summary;
    const version = current.version + 1;
    const [row] = await tx
      .update(kbArticles)
      .set({
        title,
        body,
        summary,
        version,
        authorId: user.id,
        ...(input.tags !== undefined && { tags: input.tags }),
        ...(input.visibility !== undefined && { visibility: input.visibility }),
        ...(input.categoryId !== undefined && { categoryId: input.categoryId, departmentId: departmentId ?? null }),
      })
      .where(eq(kbArticles.id, input.id))
      .returning(summaryColumns);
    await tx.insert(kbArticleVersions).values({ articleId: input.id, version, title, summary, body, authorId: user.id, note: input.note });
    return row!;
  });
  await startArticleEmbedding(deps, article.id, article.version);
  return article;
}

export async function setArticleStatus(deps: KnowledgeDeps, id: string, status: ArticleStatus) {
  const [row] = await deps.db
    .update(kbArticles)
    .set({ status, ...(status === 'published' && { publishedAt: sql`coalesce(${kbArticles.publishedAt}, now())` }) })
    .where(eq(kbArticles.id, id))
    .returning(summaryColumns);
  if (!row) throw articleNotFound(id);
  // Published: make sure its current version is embedded (a no-op when it already is).
  if (status === 'published') await startArticleEmbedding(deps, row.id, row.version);
  return row;
}

export async function listVersions(db: Db, user: SessionUser, id: string) {
  await readableArticle(db, user, id);
  return db
    .select({ version: kbArticleVersions.version, title: kbArticleVersions.title, note: kbArticleVersions.note, createdAt: kbArticleVersions.createdAt, author: { id: users.id, name: users.name } })
    .from(kbArticleVersions)
    .leftJoin(users, eq(users.id, kbArticleVersions.authorId))
    .where(eq(kbArticleVersions.articleId, id))
    .orderBy(desc(kbArticleVersions.version));
}

export async function getVersion(db: Db, user: SessionUser, id: string, version: number) {
  await readableArticle(db, user, id);
  const [row] = await db
    .select({
      articleId: kbArticleVersions.articleId,
      version: kbArticleVersions.version,
      title: kbArticleVersions.title,
      summary: kbArticleVersions.summary,
      body: kbArticleVersions.body,
      note: kbArticleVersions.note,
      createdAt: kbArticleVersions.createdAt,
      author: { id: users.id, name: users.name },
    })
    .from(kbArticleVersions)
    .leftJoin(users, eq(users.id, kbArticleVersions.authorId))
    .where(and(eq(kbArticleVersions.articleId, id), eq(kbArticleVersions.version, version)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Article ${id} has no version ${version}.` });
  return row;
}

/** One vote per person and article, changeable; the counts on the article follow in the same transaction. */
export async function voteOnArticle(db: Db, user: SessionUser, input: { id: string; helpful: boolean }) {
  const article = await readableArticle(db, user, input.id);
  if (article.status !== 'published') throw new TRPCError({ code: 'BAD_REQUEST', message: 'Only published articles take votes.' });
  return db.transaction(async (tx) => {
    await tx
      .insert(kbVotes)
      .values({ articleId: input.id, userId: user.id, helpful: input.helpful })
      .onConflictDoUpdate({ target: [kbVotes.articleId, kbVotes.userId], set: { helpful: input.helpful, updatedAt: new Date() } });
    const [counts] = await tx
      .update(kbArticles)
      .set({
        helpfulCount: sql`(select count(*) from ${kbVotes} where ${kbVotes.articleId} = ${input.id} and ${kbVotes.helpful})::int`,
        notHelpfulCount: sql`(select count(*) from ${kbVotes} where ${kbVotes.articleId} = ${input.id} and not ${kbVotes.helpful})::int`,
        updatedAt: sql`${kbArticles.updatedAt}`,
      })
      .where(eq(kbArticles.id, input.id))
      .returning({ helpfulCount: kbArticles.helpfulCount, notHelpfulCount: kbArticles.notHelpfulCount });
    return { ...counts!, myVote: input.helpful ? ('helpful' as const) : ('not_helpful' as const) };
  });
}

/** Articles matching a ticket's title and description, for anyone who sees the ticket; requesters get 'everyone' articles only. */
export async function relatedArticles(deps: KnowledgeDeps, user: SessionUser, input: { ticketId: string; limit?: number | undefined }) {
  await ticketAccess(deps.db, user, input.ticketId);
  const [ticket] = await deps.db.select({ title: tickets.title, description: tickets.description }).from(tickets).where(eq(tickets.id, input.ticketId));
  if (!ticket) return [];
  const embedder = await deps.services.knowledgeEmbedder();
  return searchKnowledge({ db: deps.db, embedder }, `${ticket.title}\n${ticket.description}`, { audience: audienceOf(user), limit: input.limit ?? 5 });
}

/**
 * A draft article from a ticket, for its staff: the ticket's title, its description as the
 * problem, and the public replies of staff as the answer. Never internal notes, held or
 * rejected messages, deleted or hidden ones.
 */
export async function draftFromTicket(deps: KnowledgeDeps, user: SessionUser, input: { ticketId: string }) {
  const access = await staffAccess(deps.db, user, input.ticketId, 'turn it into an article');
  const [ticket] = await deps.db.select({ title: tickets.title, description: tickets.description, number: tickets.number }).from(tickets).where(eq(tickets.id, input.ticketId));
  const replies = await deps.db
    .select({ body: comments.body })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(
      and(
        eq(comments.ticketId, input.ticketId),
        eq(comments.internal, false),
        isNull(comments.deletedAt),
        isNull(comments.hiddenAt),
        or(isNull(comments.reviewState), eq(comments.reviewState, 'released')),
        ne(comments.authorId, access.requesterId),
        ne(users.role, 'requester'),
      ),
    )
    .orderBy(asc(comments.id));
  const body = [`## Problem`, '', ticket!.description.trim(), '', '## Solution', '', replies.length > 0 ? replies.map((r) => r.body.trim()).join('\n\n') : '_Describe the steps that solved it._'].join(
    '\n',
  );
  return createArticle(deps, user, { title: ticket!.title, body, visibility: 'everyone', note: `Drafted from ticket #${ticket!.number}`, sourceTicketId: input.ticketId });
}

const fileColumns = {
  id: kbArticleFiles.id,
  articleId: kbArticleFiles.articleId,
  fileName: kbArticleFiles.fileName,
  mimeType: kbArticleFiles.mimeType,
  size: kbArticleFiles.size,
  createdAt: kbArticleFiles.createdAt,
};
export const articleFileUrl = (id: string) => `/kb/files/${id}`;

async function listFiles(db: Db, articleId: string) {
  const rows = await db.select(fileColumns).from(kbArticleFiles).where(eq(kbArticleFiles.articleId, articleId)).orderBy(asc(kbArticleFiles.createdAt));
  return rows.map((row) => ({ ...row, url: articleFileUrl(row.id) }));
}

/** A file or image for an article, checked like ticket attachments (size, magic bytes); the body links it by its URL. */
export async function uploadArticleFile(deps: KnowledgeDeps, user: SessionUser, input: { articleId: string; file: File }) {
  const { db, services } = deps;
  await readableArticle(db, user, input.articleId);
  const max = services.config.attachmentMaxBytes;
  const { bytes, ...inspection } = await readCheckedUpload(input.file, max, 'Files');
  const id = crypto.randomUUID();
  const storageKey = `kb/${id}`;
  await services.storage.put(storageKey, bytes);
  try {
    const [row] = await db
      .insert(kbArticleFiles)
      .values({
        id,
        articleId: input.articleId,
        uploaderId: user.id,
        fileName: safeFileName(input.file.name, inspection.extension),
        mimeType: inspection.mimeType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        storageKey,
      })
      .returning(fileColumns);
    const url = articleFileUrl(id);
    const image = row!.mimeType.startsWith('image/');
    return { ...row!, url, markdown: image ? `![${row!.fileName}](${url})` : `[${row!.fileName}](${url})` };
  } catch (error) {
    await services.storage.delete(storageKey);
    throw error;
  }
}

/** A file the user may read: its article is readable to them. */
export async function findReadableArticleFile(db: Db, user: SessionUser, id: string) {
  const [row] = await db
    .select({ ...fileColumns, storageKey: kbArticleFiles.storageKey })
    .from(kbArticleFiles)
    .innerJoin(kbArticles, eq(kbArticles.id, kbArticleFiles.articleId))
    .where(and(eq(kbArticleFiles.id, id), readable(user)));
  return row ?? null;
}
