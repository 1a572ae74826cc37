/**
 * The knowledge base (api/knowledge/): search, read, write, versions, votes, files, related
 * articles on a ticket and drafts from tickets. Reading published 'everyone' articles: every
 * signed-in person; staff articles, drafts and archived ones, and every change: staff (agents,
 * supervisors, admins). Files are served at GET /kb/files/<id> to whoever may read the article.
 */
import { z } from 'zod';
import { zMultipartUpload } from '../attachments/multipart';
import { recordDeflection, suggestArticles } from '../knowledge/deflection';
import { articleStatuses, articleVisibilities } from '../../domain/vocabulary';
import {
  createArticle,
  draftFromTicket,
  getArticle,
  getVersion,
  listArticles,
  listCategories,
  listVersions,
  relatedArticles,
  searchArticles,
  setArticleStatus,
  updateArticle,
  uploadArticleFile,
  voteOnArticle,
} from '../knowledge/service';
import { agentProcedure, createTRPCRouter, protectedProcedure } from '../trpc';

const ZArticleId = z.uuid('must be an article id (UUID)');
const ZTitle = z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters');
const ZSummary = z.string().trim().max(600, 'must be at most 600 characters');
const ZBody = z.string().trim().min(1, 'must not be empty').max(100_000, 'must be at most 100,000 characters');
const ZTags = z.array(z.string().trim().min(1, 'must not be empty').max(40, 'must be at most 40 characters')).max(20, 'at most 20 tags');
const ZSlug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase words joined by hyphens')
  .max(80, 'must be at most 80 characters');
const ZNote = z.string().trim().max(500, 'must be at most 500 characters');
const ZVisibility = z.enum(articleVisibilities, { message: `must be one of ${articleVisibilities.join(', ')}` });

/** multipart/form-data: `file` (one file) and `articleId`. */
const ZFileUpload = zMultipartUpload(
  z.object({ file: z.instanceof(File, { message: 'must be one file' }), articleId: ZArticleId }),
  ['articleId'],
  'send multipart/form-data with "file" and "articleId" fields',
);

export const knowledgeRouter = createTRPCRouter({
  /** Full text and meaning combined (api/knowledge/search.ts); requesters find published 'everyone' articles only. */
  search: protectedProcedure
    .input(
      z.object({
        q: z.string().trim().min(1, 'type something to search for').max(500, 'must be at most 500 characters'),
        limit: z.number().int().min(1).max(50).optional(),
        mode: z.enum(['combined', 'lexical', 'semantic']).optional(),
      }),
    )
    .query(({ ctx, input }) => searchArticles(ctx, ctx.user, input)),
  /**
   * While someone drafts a ticket: the few published articles they may read that match the draft
   * well (words and meaning), each with a short excerpt; none while the draft is still a few letters.
   * Cheap enough to call as they type (debounced): one search statement.
   */
  suggest: protectedProcedure
    .input(
      z.object({
        title: z.string().trim().max(200, 'must be at most 200 characters').default(''),
        // Search reads the first 500 characters; the console sends the start of a longer description.
        description: z.string().trim().max(2000, 'must be at most 2,000 characters (send the start of the description)').default(''),
      }),
    )
    .query(({ ctx, input }) => suggestArticles(ctx, ctx.user, input)),
  /** "This solved it": records a deflection (the draft's title, the article) and files no ticket; once per draft (`draftKey`). */
  deflect: protectedProcedure
    .input(
      z.object({
        articleId: ZArticleId,
        title: z.string().trim().max(200, 'must be at most 200 characters').default(''),
        draftKey: z.uuid('must be the form’s key (UUID)').optional(),
      }),
    )
    .mutation(({ ctx, input }) => recordDeflection(ctx.db, ctx.user, input)),
  categories: protectedProcedure.query(({ ctx }) => listCategories(ctx.db, ctx.user)),
  /** Newest first, by page; drafts and archived articles (status filter) for staff. */
  list: protectedProcedure
    .input(
      z.object({
        categoryId: z.uuid('must be a category id (UUID)').optional(),
        status: z.enum(articleStatuses).optional(),
        visibility: ZVisibility.optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(100).default(20),
      }),
    )
    .query(({ ctx, input }) => listArticles(ctx.db, ctx.user, input)),
  /** An article by slug; counts a view once per person and day. */
  get: protectedProcedure.input(z.object({ slug: ZSlug })).query(({ ctx, input }) => getArticle(ctx.db, ctx.user, input.slug)),
  /** A new draft (version 1). */
  create: agentProcedure
    .input(
      z.object({
        title: ZTitle,
        summary: ZSummary.optional(),
        body: ZBody,
        tags: ZTags.optional(),
        categoryId: z.uuid('must be a category id (UUID)').nullable().optional(),
        visibility: ZVisibility.optional(),
        slug: ZSlug.optional(),
        note: ZNote.optional(),
      }),
    )
    .mutation(({ ctx, input }) => createArticle(ctx, ctx.user, input)),
  /** Saves a new version with its note; `expectedVersion` refuses to overwrite a newer save (CONFLICT). */
  update: agentProcedure
    .input(
      z.object({
        id: ZArticleId,
        title: ZTitle.optional(),
        summary: ZSummary.optional(),
        body: ZBody.optional(),
        tags: ZTags.optional(),
        categoryId: z.uuid('must be a category id (UUID)').nullable().optional(),
        visibility: ZVisibility.optional(),
        note: ZNote.min(1, 'say what changed'),
        expectedVersion: z.number().int().min(1).optional(),
      }),
    )
    .mutation(({ ctx, input }) => updateArticle(ctx, ctx.user, input)),
  publish: agentProcedure.input(z.object({ id: ZArticleId })).mutation(({ ctx, input }) => setArticleStatus(ctx, input.id, 'published')),
  /** Back to draft: gone from search and from requesters. */
  unpublish: agentProcedure.input(z.object({ id: ZArticleId })).mutation(({ ctx, input }) => setArticleStatus(ctx, input.id, 'draft')),
  archive: agentProcedure.input(z.object({ id: ZArticleId })).mutation(({ ctx, input }) => setArticleStatus(ctx, input.id, 'archived')),
  versions: protectedProcedure.input(z.object({ id: ZArticleId })).query(({ ctx, input }) => listVersions(ctx.db, ctx.user, input.id)),
  version: protectedProcedure.input(z.object({ id: ZArticleId, version: z.number().int().min(1) })).query(({ ctx, input }) => getVersion(ctx.db, ctx.user, input.id, input.version)),
  /** Helpful or not: one vote per person, changeable. */
  vote: protectedProcedure.input(z.object({ id: ZArticleId, helpful: z.boolean() })).mutation(({ ctx, input }) => voteOnArticle(ctx.db, ctx.user, input)),
  /** Articles matching a ticket, for anyone who sees it. */
  related: protectedProcedure
    .input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)'), limit: z.number().int().min(1).max(20).optional() }))
    .query(({ ctx, input }) => relatedArticles(ctx, ctx.user, input)),
  /** Staff of the ticket: a draft from its title, description and staff's public replies (never internal notes). */
  draftFromTicket: agentProcedure.input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)') })).mutation(({ ctx, input }) => draftFromTicket(ctx, ctx.user, input)),
  /** A file or image for an article; returns its URL and the Markdown to paste into the body. */
  uploadFile: agentProcedure.input(ZFileUpload).mutation(({ ctx, input }) => uploadArticleFile(ctx, ctx.user, input)),
});
