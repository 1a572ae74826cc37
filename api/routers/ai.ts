/**
 * The assistant for staff of a ticket: a suggested reply (for the agent to edit; never sent by
 * itself) and a summary for agents joining late. Both read internal notes, so only the ticket's
 * staff may ask (requesters: FORBIDDEN). Mutations: each asks the model (or the offline path)
 * anew and costs tokens, so no client cache or refetch should repeat one by itself.
 */
import { z } from 'zod';
import { assistTicket } from '../ai/assist';
import { agentProcedure, createTRPCRouter } from '../trpc';

const ZTicketInput = z.object({ ticketId: z.uuid('must be a ticket id (UUID)') });
const ZAssistAnswer = z.object({
  text: z.string(),
  /** model, template (offline), extractive (offline summary). */
  method: z.string(),
  /** Who answered: the provider's name, or offline. */
  provider: z.string(),
});

export const aiRouter = createTRPCRouter({
  suggestReply: agentProcedure
    .input(ZTicketInput)
    .output(ZAssistAnswer)
    .mutation(({ ctx, input }) => assistTicket(ctx, 'suggest_reply', input.ticketId)),
  summary: agentProcedure
    .input(ZTicketInput)
    .output(ZAssistAnswer)
    .mutation(({ ctx, input }) => assistTicket(ctx, 'summary', input.ticketId)),
});
