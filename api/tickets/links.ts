/**
 * A ticket's links to other tickets, both ways (`ticket_links`, written by the workflows'
 * activities on link, unlink and merge): its parent, children, related tickets and merges. For
 * staff of the ticket; the other ends are only those the caller may see.
 */
import { and, asc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ticketLinks, tickets } from '../../db/schema';
import { ticketStatuses } from '../../domain/vocabulary';
import { staffAccess, visibleTickets } from '../access';
import type { AuthedContext } from '../trpc';

/** How the other ticket relates to this one, read from this ticket's side. */
export const linkRelations = ['parent', 'child', 'related', 'merged_into', 'merged_from'] as const;

export const ZTicketLinks = z.array(
  z.object({
    relation: z.enum(linkRelations),
    /** This ticket made the link (its parent, or a related link made from here): the one side `ticket.unlink` removes it from. */
    fromThisTicket: z.boolean(),
    ticket: z.object({ id: z.uuid(), number: z.number().int(), title: z.string(), status: z.enum(ticketStatuses) }),
    createdAt: z.date(),
  }),
);
export type TicketLinks = z.infer<typeof ZTicketLinks>;

export async function ticketLinksOf(ctx: AuthedContext, ticketId: string): Promise<TicketLinks> {
  await staffAccess(ctx.db, ctx.user, ticketId, 'see its links');
  const outgoing = eq(ticketLinks.ticketId, ticketId);
  // The other end: the target of this ticket's links, the source of links to it.
  const other = sql`case when ${outgoing} then ${ticketLinks.targetTicketId} else ${ticketLinks.ticketId} end`;
  const rows = await ctx.db
    .select({
      outgoing: sql<boolean>`${outgoing}`,
      kind: ticketLinks.kind,
      createdAt: ticketLinks.createdAt,
      ticket: { id: tickets.id, number: tickets.number, title: tickets.title, status: tickets.status },
    })
    .from(ticketLinks)
    .innerJoin(tickets, eq(tickets.id, other))
    .where(and(or(outgoing, eq(ticketLinks.targetTicketId, ticketId)), visibleTickets(ctx.user)))
    .orderBy(asc(ticketLinks.createdAt), asc(ticketLinks.id));
  return rows.map(({ outgoing: mine, kind, createdAt, ticket }) => ({ relation: relationOf(kind, mine), fromThisTicket: mine, ticket, createdAt }));
}

function relationOf(kind: (typeof ticketLinks.$inferSelect)['kind'], outgoing: boolean): TicketLinks[number]['relation'] {
  switch (kind) {
    case 'child_of':
      return outgoing ? 'parent' : 'child';
    case 'duplicate_of':
      return outgoing ? 'merged_into' : 'merged_from';
    case 'related_to':
      return 'related';
  }
}
