import { z } from 'zod';
import { rateByToken, rateSuggestion, rateTicket, ratingState } from '../reports/ratings';
import { ZReport, ZReportFilters } from '../../db/report-schemas';
import { buildReport } from '../../db/report-summary';
import { ZCreateReportSubscription, ZReportSubscription, ZReportSubscriptionId, ZUpdateReportSubscription } from '../reports/subscription-schemas';
import { asForbidden, createReportSubscription, deleteReportSubscription, listReportSubscriptions, updateReportSubscription } from '../reports/subscriptions';
import { agentProcedure, createTRPCRouter, protectedProcedure, publicProcedure } from '../trpc';

const ZScore = z.number().int('must be a whole number').min(1, 'must be 1 to 5').max(5, 'must be 1 to 5');
const ZComment = z.string().trim().max(2000, 'must be at most 2,000 characters').nullable().optional();
const ZRatingView = z.object({
  ticketId: z.uuid(),
  cycle: z.number().int(),
  score: z.number().int(),
  comment: z.string().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  changeableUntil: z.date(),
});

/** The caller's reports mailed weekly or monthly, each with its Temporal Schedule (api/reports/subscriptions.ts). */
const subscriptionsRouter = createTRPCRouter({
  list: agentProcedure
    .meta({ openapi: { method: 'GET', path: '/reports/subscriptions', tags: ['reports'], summary: 'My scheduled reports' } })
    .input(z.void())
    .output(z.array(ZReportSubscription))
    .query(({ ctx }) => listReportSubscriptions(ctx)),
  create: agentProcedure
    .meta({ openapi: { method: 'POST', path: '/reports/subscriptions', tags: ['reports'], summary: 'Schedule a report by mail (weekly or monthly)' } })
    .input(ZCreateReportSubscription)
    .output(ZReportSubscription)
    .mutation(({ ctx, input }) => createReportSubscription(ctx, input)),
  update: agentProcedure
    .meta({ openapi: { method: 'PATCH', path: '/reports/subscriptions/{id}', tags: ['reports'], summary: 'Change, pause or resume a scheduled report' } })
    .input(ZUpdateReportSubscription)
    .output(ZReportSubscription)
    .mutation(({ ctx, input }) => updateReportSubscription(ctx, input)),
  delete: agentProcedure
    .meta({ openapi: { method: 'DELETE', path: '/reports/subscriptions/{id}', tags: ['reports'], summary: 'Delete a scheduled report' } })
    .input(ZReportSubscriptionId)
    .output(z.object({ id: z.uuid(), deleted: z.literal(true) }))
    .mutation(({ ctx, input }) => deleteReportSubscription(ctx, input)),
});

/** Reports over the maintained aggregates (db/report-summary.ts), satisfaction ratings and AI suggestion ratings (api/reports/ratings.ts). */
export const reportRouter = createTRPCRouter({
  /** Every figure for a period and filters: supervisors and admins for their scope, agents their own. */
  summary: agentProcedure
    .meta({ openapi: { method: 'GET', path: '/reports/summary', tags: ['reports'], summary: 'Every report figure for a period and filters' } })
    .input(ZReportFilters)
    .output(ZReport)
    .query(({ ctx, input }) => buildReport(ctx.db, ctx.user, input).catch(asForbidden)),
  subscriptions: subscriptionsRouter,
  /** Whether the caller may rate the ticket now, and their rating of its current resolution. */
  rating: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/{ticketId}/rating', tags: ['ratings'], summary: 'The requester’s rating of the current resolution' } })
    .input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)') }))
    .output(z.object({ canRate: z.boolean(), cycle: z.number().int(), rating: ZRatingView.nullable(), reason: z.string().nullable() }))
    .query(({ ctx, input }) => ratingState(ctx.db, ctx.user, input.ticketId)),
  /** The requester rates the resolution 1–5 (once per resolution cycle, changeable for 7 days). */
  rate: protectedProcedure
    .meta({ openapi: { method: 'PUT', path: '/tickets/{ticketId}/rating', tags: ['ratings'], summary: 'Rate a resolved ticket (requester)' } })
    .input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)'), score: ZScore, comment: ZComment }))
    .output(ZRatingView)
    .mutation(({ ctx, input }) => rateTicket(ctx.db, ctx.user, input)),
  /** The one-click link of the resolution mail (`/rate/<token>?score=N`): no sign-in, the token stands for the requester. */
  rateByLink: publicProcedure
    .input(z.object({ token: z.string().min(10).max(400), score: ZScore, comment: ZComment }))
    .output(ZRatingView)
    .mutation(({ ctx, input }) => rateByToken(ctx.db, ctx.roomTokenSecret, input)),
  /** Staff of the ticket: was an AI suggestion helpful? */
  rateSuggestion: agentProcedure
    .meta({ openapi: { method: 'PUT', path: '/suggestions/{suggestionId}/rating', tags: ['ratings'], summary: 'Rate an AI suggestion helpful or not' } })
    .input(z.object({ suggestionId: z.number().int().positive(), helpful: z.boolean() }))
    .output(z.object({ suggestionId: z.number().int(), helpful: z.boolean() }))
    .mutation(({ ctx, input }) => rateSuggestion(ctx.db, ctx.user, input)),
});
