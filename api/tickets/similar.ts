/**
 * Possible duplicates for agents: the open tickets nearest to a ticket by meaning (the sentence
 * embeddings of title and description the worker keeps in `ticket_embeddings`), above a
 * similarity floor, and only tickets the caller has staff powers on (the ones they could merge).
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ticketEmbeddings, tickets } from '../../db/schema';
import { OPEN_STATUSES, type TicketStatus } from '../../domain/vocabulary';
import { staffAccess, staffTickets } from '../access';
import type { AuthedContext } from '../trpc';

/**
 * Cosine similarity at or above which an open ticket is shown as a possible duplicate.
 * all-MiniLM-L6-v2 scores rewordings of one problem about 0.65-0.9 and different problems of the
 * same kind (two printer faults) about 0.3-0.55 (test/api/similar-tickets.test.ts).
 */
export const SIMILAR_TICKET_FLOOR = 0.6;
const SIMILAR_TICKET_LIMIT = 5;

export const ZSimilarTickets = z.object({
  /** False while the ticket has no embedding yet (it is computed right after intake). */
  indexed: z.boolean(),
  tickets: z.array(z.object({ id: z.string(), number: z.number().int(), title: z.string(), status: z.string(), similarity: z.number(), createdAt: z.date() })),
});
export type SimilarTickets = z.infer<typeof ZSimilarTickets>;

export async function similarOpenTickets(ctx: AuthedContext, ticketId: string): Promise<SimilarTickets> {
  await staffAccess(ctx.db, ctx.user, ticketId, 'see its possible duplicates');
  const [own] = await ctx.db
    .select({ ticketId: ticketEmbeddings.ticketId })
    .from(ticketEmbeddings)
    .where(sql`${ticketEmbeddings.ticketId} = ${ticketId}::uuid`);
  if (!own) return { indexed: false, tickets: [] };
  const distance = sql`${ticketEmbeddings.embedding} <=> (select q.embedding from ${ticketEmbeddings} q where q.ticket_id = ${ticketId}::uuid)`;
  const rows = await ctx.db
    .select({ id: tickets.id, number: tickets.number, title: tickets.title, status: tickets.status, createdAt: tickets.createdAt, similarity: sql<number>`1 - (${distance})` })
    .from(ticketEmbeddings)
    .innerJoin(tickets, sql`${tickets.id} = ${ticketEmbeddings.ticketId}`)
    .where(
      sql`${tickets.id} <> ${ticketId}::uuid and ${tickets.status} in (${sql.join(
        OPEN_STATUSES.map((s) => sql`${s}`),
        sql`, `,
      )}) and ${staffTickets(ctx.user)} and 1 - (${distance}) >= ${SIMILAR_TICKET_FLOOR}`,
    )
    .orderBy(distance)
    .limit(SIMILAR_TICKET_LIMIT);
  return { indexed: true, tickets: rows.map((r) => ({ ...r, status: r.status as TicketStatus, similarity: Number(r.similarity) })) };
}
