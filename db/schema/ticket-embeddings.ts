import { index, pgTable, text, uuid, vector } from 'drizzle-orm/pg-core';
import { timestamptz } from './columns';
import { tickets } from './tickets';

/** Dimensions of the sentence model's vectors (lib/sentence-embedder.ts, all-MiniLM-L6-v2). */
export const TICKET_EMBEDDING_DIMENSIONS = 384;

/**
 * One sentence embedding per ticket, of its title and description, written by the worker's
 * `embedTicket` activity (after intake and after each edit) and by the backfill. `textHash` is the
 * md5 of the text it was computed from (`ticketEmbeddingText`): a row whose hash differs from the
 * ticket's current text is stale and is embedded again. Used for similar open tickets (agents'
 * possible duplicates) and the misuse report's near-duplicate groups.
 */
export const ticketEmbeddings = pgTable(
  'ticket_embeddings',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    embedding: vector('embedding', { dimensions: TICKET_EMBEDDING_DIMENSIONS }).notNull(),
    textHash: text('text_hash').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('ticket_embeddings_hnsw_idx').using('hnsw', t.embedding.op('vector_cosine_ops'))],
);
