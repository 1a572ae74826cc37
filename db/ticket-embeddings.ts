/**
 * Ticket embeddings (table `ticket_embeddings`): what text of a ticket is embedded, which tickets
 * lack a current embedding, writing one, and the nearest tickets to one. Shared by the worker (the
 * `embedTicket` activities, the misuse report) and the API (similar open tickets).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { ticketEmbeddings, tickets } from './schema';

/** The text a ticket is embedded from: its title, a blank line, its description (the model reads the first 256 word pieces). */
export const ticketEmbeddingText = (t: { title: string; description: string }) => `${t.title}\n\n${t.description}`;

/** The same text's md5 in SQL (Postgres hashes the UTF-8 bytes, as Node's `createHash('md5')` does). */
const textHashSql = sql`md5(${tickets.title} || E'\\n\\n' || ${tickets.description})`;

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;

export type TicketToEmbed = { ticketId: string; text: string; textHash: string };

/** Tickets whose embedding is missing or was computed from other text, oldest first (`ticketIds`: only these). */
export async function ticketsLackingEmbeddings(db: Db | Tx, options: { limit: number; ticketIds?: string[]; createdAfter?: Date }): Promise<TicketToEmbed[]> {
  const only: SQL[] = [];
  if (options.ticketIds)
    only.push(
      options.ticketIds.length === 0
        ? sql`false`
        : sql`${tickets.id} in (${sql.join(
            options.ticketIds.map((id) => sql`${id}::uuid`),
            sql`, `,
          )})`,
    );
  if (options.createdAfter) only.push(sql`${tickets.createdAt} > ${options.createdAfter.toISOString()}::timestamptz`);
  const result = await db.execute(sql`
    select ${tickets.id} as "ticketId", ${tickets.title} as title, ${tickets.description} as description, ${textHashSql} as "textHash"
    from ${tickets} left join ${ticketEmbeddings} on ${ticketEmbeddings.ticketId} = ${tickets.id}
    where (${ticketEmbeddings.textHash} is null or ${ticketEmbeddings.textHash} <> ${textHashSql}) ${only.length > 0 ? sql`and ${sql.join(only, sql` and `)}` : sql``}
    order by ${tickets.createdAt}, ${tickets.id}
    limit ${options.limit}`);
  return rowsOf<{ ticketId: string; title: string; description: string; textHash: string }>(result).map((r) => ({ ticketId: r.ticketId, text: ticketEmbeddingText(r), textHash: r.textHash }));
}

/**
 * Stores a ticket's embedding, unless its text changed since it was read (a later edit's
 * embedding must never be overwritten by an earlier, slower one). True when written.
 */
export async function storeTicketEmbedding(db: Db | Tx, ticket: { ticketId: string; textHash: string }, embedding: number[]): Promise<boolean> {
  const result = await db.execute(sql`
    insert into ${ticketEmbeddings} (ticket_id, embedding, text_hash, updated_at)
    select ${tickets.id}, ${JSON.stringify(embedding)}::vector, ${ticket.textHash}, now() from ${tickets}
    where ${tickets.id} = ${ticket.ticketId}::uuid and ${textHashSql} = ${ticket.textHash}
    on conflict (ticket_id) do update set embedding = excluded.embedding, text_hash = excluded.text_hash, updated_at = excluded.updated_at
    returning ticket_id`);
  return rowsOf(result).length > 0;
}
