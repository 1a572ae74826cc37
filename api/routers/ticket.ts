import { asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { ticketTemplates } from '../../db/schema';
import { bulkUpdate, ZBulkResult } from '../tickets/bulk';
import { updateTicketDetails } from '../tickets/details';
import { ticketLinksOf, ZTicketLinks } from '../tickets/links';
import { similarOpenTickets, ZSimilarTickets } from '../tickets/similar';
import { ticketHistory } from '../tickets/history';
import {
  ZBulkUpdateInput,
  ZCreateTicketInput,
  ZHistoryInput,
  ZListTicketsInput,
  ZSearchResult,
  ZSearchTicketsInput,
  ZTicketId,
  ZTicketPage,
  ZTicketView,
  ZUpdateDetailsInput,
  ZWatcherInput,
} from '../tickets/schemas';
import { createTicket, getTicket, getTicketByNumber, listTickets, searchTickets } from '../tickets/service';
import { addWatcher, listWatchers, removeWatcher } from '../tickets/watchers';
import { agentProcedure, createTRPCRouter, protectedProcedure } from '../trpc';

export const ticketRouter = createTRPCRouter({
  create: protectedProcedure
    .meta({ openapi: { method: 'POST', path: '/tickets', tags: ['tickets'], summary: 'Open a ticket' } })
    .input(ZCreateTicketInput)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => createTicket(ctx, input)),

  get: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/{id}', tags: ['tickets'], summary: 'One ticket' } })
    .input(ZTicketId)
    .output(ZTicketView)
    .query(({ ctx, input }) => getTicket(ctx.db, ctx.user, input.id)),

  /** The same by ticket number, for links that carry the number (mail): `#1000`. */
  getByNumber: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/by-number/{number}', tags: ['tickets'], summary: 'One ticket, by its number' } })
    .input(z.object({ number: z.coerce.number().int('must be a ticket number').positive('must be a ticket number').max(2_147_483_647, 'must be a ticket number') }))
    .output(ZTicketView)
    .query(({ ctx, input }) => getTicketByNumber(ctx.db, ctx.user, input.number)),

  list: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets', tags: ['tickets'], summary: 'Tickets the caller may see, filtered, sorted, keyset-paginated' } })
    .input(ZListTicketsInput)
    .output(ZTicketPage)
    .query(({ ctx, input }) => listTickets(ctx.db, ctx.user, input)),

  /** The requester edits the title and description while the ticket is new or triaged; a material edit re-triages it. */
  updateDetails: protectedProcedure
    .meta({ openapi: { method: 'PATCH', path: '/tickets/{id}', tags: ['tickets'], summary: 'The requester edits the title and description (new or triaged tickets)' } })
    .input(ZUpdateDetailsInput)
    .output(ZTicketView.extend({ retriage: z.boolean() }))
    .mutation(({ ctx, input }) => updateTicketDetails(ctx, input)),

  search: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/search/tickets', tags: ['tickets'], summary: 'Ranked full-text search over titles, descriptions and comments' } })
    .input(ZSearchTicketsInput)
    .output(ZSearchResult)
    .query(({ ctx, input }) => searchTickets(ctx.db, ctx.user, input)),

  history: protectedProcedure.input(ZHistoryInput).query(({ ctx, input }) => ticketHistory(ctx.db, ctx.user, input)),

  /** Possible duplicates for staff of the ticket: the nearest open tickets by meaning that they may work. */
  similar: agentProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/{id}/similar', tags: ['tickets'], summary: 'Open tickets similar to this one (possible duplicates), for its staff' } })
    .input(ZTicketId)
    .output(ZSimilarTickets)
    .query(({ ctx, input }) => similarOpenTickets(ctx, input.id)),

  /** The ticket's parent, children, related tickets and merges (both ways), for its staff: what link, unlink and merge wrote. */
  links: agentProcedure
    .meta({ openapi: { method: 'GET', path: '/tickets/{id}/links', tags: ['tickets'], summary: 'Links to other tickets (parent, children, related, merges), for its staff' } })
    .input(ZTicketId)
    .output(ZTicketLinks)
    .query(({ ctx, input }) => ticketLinksOf(ctx, input.id)),

  watchers: protectedProcedure.input(ZTicketId).query(({ ctx, input }) => listWatchers(ctx.db, ctx.user, input.id)),
  watch: protectedProcedure.input(ZTicketId).mutation(({ ctx, input }) => addWatcher(ctx.db, ctx.user, input.id, ctx.user.id)),
  unwatch: protectedProcedure.input(ZTicketId).mutation(({ ctx, input }) => removeWatcher(ctx.db, ctx.user, input.id, ctx.user.id)),
  /** Staff may add others (a manager, a colleague); watching lets a requester see the ticket. */
  addWatcher: agentProcedure.input(ZWatcherInput).mutation(({ ctx, input }) => addWatcher(ctx.db, ctx.user, input.id, input.userId)),
  removeWatcher: agentProcedure.input(ZWatcherInput).mutation(({ ctx, input }) => removeWatcher(ctx.db, ctx.user, input.id, input.userId)),

  /** Templates for common issues, to prefill a new ticket (or pass templateId to create). */
  templates: protectedProcedure.input(z.void()).query(({ ctx }) =>
    ctx.db
      .select({
        id: ticketTemplates.id,
        name: ticketTemplates.name,
        title: ticketTemplates.title,
        description: ticketTemplates.description,
        urgency: ticketTemplates.urgency,
        category: ticketTemplates.category,
      })
      .from(ticketTemplates)
      .where(eq(ticketTemplates.active, true))
      .orderBy(asc(ticketTemplates.name)),
  ),

  /** Assign, change status or priority of many tickets; each gets its own result. */
  bulkUpdate: agentProcedure
    .meta({ openapi: { method: 'POST', path: '/tickets/bulk', tags: ['tickets'], summary: 'Assign, change status or priority of up to 100 tickets' } })
    .input(ZBulkUpdateInput)
    .output(ZBulkResult)
    .mutation(({ ctx, input }) => bulkUpdate(ctx, input)),
});
