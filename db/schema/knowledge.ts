/**
 * The knowledge base: categories, articles (Markdown) with their version history, votes, views and
 * files. Search reads `search` (full text, kept by Postgres) and `embedding` (kept by the
 * knowledge workflow's activity, worker/activities/knowledge.ts).
 */
import { sql } from 'drizzle-orm';
import { boolean, date, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid, vector } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz, updatedAt } from './columns';
import { tsvector } from './custom-types';
import { articleStatusEnum, articleVisibilityEnum } from './enums';
import { departments, users } from './org';
import { tickets } from './tickets';

/** The sentence model's dimensions (lib/sentence-model.ts; the database layer imports nothing of lib). */
export const ARTICLE_EMBEDDING_DIMENSIONS = 384;

export const kbCategories = pgTable(
  'kb_categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    slug: text('slug').notNull(),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('kb_categories_slug_key').on(t.slug)],
);

export const kbArticles = pgTable(
  'kb_articles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    slug: text('slug').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull().default(''),
    /** Markdown; rendered and sanitised by the console, never trusted as HTML. */
    body: text('body').notNull(),
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    categoryId: uuid('category_id').references(() => kbCategories.id, { onDelete: 'set null' }),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    visibility: articleVisibilityEnum('visibility').notNull().default('everyone'),
    status: articleStatusEnum('status').notNull().default('draft'),
    /** The current version's number (kb_article_versions); every save adds one. */
    version: integer('version').notNull().default(1),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    /** The ticket an agent turned into this article (kb.draftFromTicket), if any. */
    sourceTicketId: uuid('source_ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    publishedAt: timestamptz('published_at'),
    viewCount: integer('view_count').notNull().default(0),
    helpfulCount: integer('helpful_count').notNull().default(0),
    notHelpfulCount: integer('not_helpful_count').notNull().default(0),
    /** Full-text document: title (A), summary (B), body (C); kept by Postgres itself. */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(
        sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(summary, '')), 'B') || setweight(to_tsvector('english', coalesce(body, '')), 'C')`,
      ),
    /** Sentence embedding of title, summary, tags and body; null until the embedding activity ran. */
    embedding: vector('embedding', { dimensions: ARTICLE_EMBEDDING_DIMENSIONS }),
    /** The version `embedding` was computed from (stale when it differs from `version`). */
    embeddedVersion: integer('embedded_version'),
  },
  (t) => [
    uniqueIndex('kb_articles_slug_key').on(t.slug),
    // fastupdate off: PGlite has no autovacuum to empty a GIN pending list, and every search would scan it.
    index('kb_articles_search_idx').using('gin', t.search).with({ fastupdate: false }),
    index('kb_articles_embedding_idx').using('hnsw', t.embedding.op('vector_cosine_ops')),
    index('kb_articles_list_idx').on(t.status, t.visibility, t.updatedAt),
    index('kb_articles_category_idx').on(t.categoryId, t.updatedAt),
  ],
);

/** Every saved version of an article, with its author and note (the current one included). */
export const kbArticleVersions = pgTable(
  'kb_article_versions',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    summary: text('summary').notNull(),
    body: text('body').notNull(),
    authorId: uuid('author_id').references(() => users.id, { onDelete: 'set null' }),
    note: text('note').notNull().default(''),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.version] })],
);

/** One vote per person and article; voting again changes it. */
export const kbVotes = pgTable(
  'kb_votes',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    helpful: boolean('helpful').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.userId] })],
);

/** A view counts once per person, article and day (UTC): reloading does not inflate the count. */
export const kbArticleViews = pgTable(
  'kb_article_views',
  {
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    day: date('day', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.userId, t.day] })],
);

/**
 * A file or image of an article. Bytes live in the attachments' storage backend (api/attachments/storage.ts)
 * under `storageKey`; the API serves it at /kb/files/<id> to whoever may read the article.
 */
export const kbArticleFiles = pgTable(
  'kb_article_files',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id, { onDelete: 'cascade' }),
    uploaderId: uuid('uploader_id').references(() => users.id, { onDelete: 'set null' }),
    fileName: text('file_name').notNull(),
    mimeType: text('mime_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    storageKey: text('storage_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('kb_article_files_article_idx').on(t.articleId, t.createdAt)],
);

/**
 * A deflection: a requester about to file a ticket said a suggested article solved it (kb.deflect),
 * so no ticket was filed. `title` is the draft's title as typed; `draftKey` is the new-ticket
 * form's key, so a retried click records one deflection. Reports count them by period
 * (`created_at` index): they are rare, a direct count needs no rollup.
 */
export const kbDeflections = pgTable(
  'kb_deflections',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Kept when the person is deleted: the desk still saved a ticket. */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    articleId: uuid('article_id')
      .notNull()
      .references(() => kbArticles.id, { onDelete: 'cascade' }),
    title: text('title').notNull().default(''),
    draftKey: uuid('draft_key'),
    createdAt: createdAt(),
  },
  (t) => [
    index('kb_deflections_created_idx').on(t.createdAt),
    index('kb_deflections_article_idx').on(t.articleId, t.createdAt),
    uniqueIndex('kb_deflections_draft_key')
      .on(t.userId, t.draftKey)
      .where(sql`${t.draftKey} is not null`),
  ],
);

export type KbArticle = typeof kbArticles.$inferSelect;
