import { z } from 'zod';
import { deleteComment, hideComment } from '../comments/moderation';
import { reviewHeldMessage } from '../comments/review';
import { addComment, commentEditHistory, editComment, listTicketComments, myMentions } from '../comments/service';
import { agentProcedure, createTRPCRouter, protectedProcedure } from '../trpc';

const ZBody = z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters');
const ZCommentId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);

const ZCommentView = z.object({
  id: z.number(),
  ticketId: z.uuid(),
  author: z.object({ id: z.uuid(), name: z.string(), role: z.enum(['requester', 'agent', 'supervisor', 'admin']) }),
  body: z.string(),
  internal: z.boolean(),
  /** Sent from an AI suggestion: in staff's views only. */
  ai: z.boolean().optional(),
  createdAt: z.date(),
  clientId: z.string().nullable(),
  /** Held by screening for staff review (only the ticket's staff see it until released). */
  held: z.boolean(),
  editedAt: z.date().nullable(),
  mentions: z.array(z.object({ id: z.uuid(), name: z.string() })),
  /** Hidden by staff (only staff lists show such comments): when and by whom. */
  hidden: z
    .object({ at: z.date(), by: z.object({ id: z.uuid(), name: z.string() }).nullable() })
    .nullable()
    .optional(),
});

const ZReviewResult = z.object({ id: z.number(), ticketId: z.uuid(), state: z.enum(['released', 'rejected']) });

export const commentRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/{ticketId}/comments', tags: ['comments'], summary: 'Comments of a ticket, oldest first (internal notes only for staff)' } })
    .input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)'), after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(), limit: z.number().int().min(1).max(200).default(50) }))
    .output(z.object({ comments: z.array(ZCommentView), hasMore: z.boolean() }))
    .query(({ ctx, input }) => listTicketComments(ctx, input)),

  /** A public reply (requesters and staff) or an internal note (staff). Mention agents with @handle. */
  add: protectedProcedure
    .meta({ openapi: { method: 'POST', path: '/tickets/{ticketId}/comments', tags: ['comments'], summary: 'Reply to a ticket or add an internal note' } })
    .input(
      z.object({
        ticketId: z.uuid('must be a ticket id (UUID)'),
        body: ZBody,
        internal: z.boolean().default(false),
        /** Sent from an AI suggestion (staff of the ticket only); shown to staff only. */
        ai: z.boolean().default(false),
        /** Client-chosen id: resending the same one stores the comment once. */
        clientId: z
          .string()
          .min(1)
          .max(64, 'must be at most 64 characters')
          .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only')
          .optional(),
      }),
    )
    .output(ZCommentView)
    .mutation(({ ctx, input }) => addComment(ctx, input)),

  /** Authors may edit within the window set by admins; every edit is kept. */
  edit: protectedProcedure.input(z.object({ id: ZCommentId, body: ZBody })).mutation(({ ctx, input }) => editComment(ctx, input)),
  /** Authors delete their own comment within the edit window: gone for everyone (kept for the audit). */
  delete: protectedProcedure.input(z.object({ id: ZCommentId })).mutation(({ ctx, input }) => deleteComment(ctx, input)),
  /** Staff of the ticket hide any comment: gone for requesters; staff still see it, marked hidden. */
  hide: agentProcedure
    .input(z.object({ id: ZCommentId, reason: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters').optional() }))
    .mutation(({ ctx, input }) => hideComment(ctx, input)),
  edits: protectedProcedure.input(z.object({ id: ZCommentId })).query(({ ctx, input }) => commentEditHistory(ctx, input.id)),
  /** Held messages (screening flagged them): staff of the ticket deliver one after all… */
  release: agentProcedure
    .input(z.object({ id: ZCommentId, reason: z.string().trim().max(500, 'must be at most 500 characters').optional() }))
    .output(ZReviewResult)
    .mutation(({ ctx, input }) => reviewHeldMessage(ctx, { ...input, decision: 'release' })),
  /** …or keep it from everyone for good. */
  reject: agentProcedure
    .input(z.object({ id: ZCommentId, reason: z.string().trim().max(500, 'must be at most 500 characters').optional() }))
    .output(ZReviewResult)
    .mutation(({ ctx, input }) => reviewHeldMessage(ctx, { ...input, decision: 'reject' })),
  /** Comments mentioning the calling agent. */
  mentions: agentProcedure
    .input(z.object({ before: ZCommentId.optional(), limit: z.number().int().min(1).max(100).default(25) }).default({ limit: 25 }))
    .query(({ ctx, input }) => myMentions(ctx, input)),
});
