import { createTRPCRouter, protectedProcedure } from '../trpc';
import { ZCreateTicketInput, ZListTicketsInput, ZTicketId } from '../tickets/schemas';
import { createTicket, getTicket, listTickets } from '../tickets/service';

export const ticketRouter = createTRPCRouter({
  create: protectedProcedure.input(ZCreateTicketInput).mutation(({ ctx, input }) => createTicket(ctx, input)),
  get: protectedProcedure.input(ZTicketId).query(({ ctx, input }) => getTicket(ctx.db, ctx.user, input.id)),
  list: protectedProcedure.input(ZListTicketsInput).query(({ ctx, input }) => listTickets(ctx.db, ctx.user, input)),
});
