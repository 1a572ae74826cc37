/**
 * Ticket embeddings for similar tickets and the misuse report (db/ticket-embeddings.ts): the ticket
 * workflow embeds a ticket after intake and after each edit (`embedTicket`, a few tries, never in
 * the ticket's way); `embedTicketsLacking` catches up whatever that missed (a worker without the
 * model, an outage, non-material edits that send no signal, demo history written set-based).
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Db } from '../../db/client';
import { storeTicketEmbedding, ticketsLackingEmbeddings } from '../../db/ticket-embeddings';
import type { SentenceEmbedder } from '../../lib/sentence-embedder';

/** Texts per round of the backfill: one forward pass of the embedder's batch size, a heartbeat between. */
const BACKFILL_PAGE = 64;

export function embeddingActivities(db: Db, embedder: (() => Promise<SentenceEmbedder>) | undefined) {
  return {
    /** Embeds the ticket's current title and description; does nothing when its embedding is already of that text. */
    async embedTicket(input: { ticketId: string }): Promise<{ embedded: boolean }> {
      // A worker without the model leaves tickets to one that has it (the backfill finds them).
      if (!embedder) return { embedded: false };
      const [ticket] = await ticketsLackingEmbeddings(db, { limit: 1, ticketIds: [input.ticketId] });
      if (!ticket) return { embedded: false };
      const [embedding] = await (await embedder()).embed([ticket.text]);
      return { embedded: await storeTicketEmbedding(db, ticket, embedding!) };
    },

    /** Embeds tickets that lack a current embedding (`createdAfter`: only those newer), up to `max`; returns how many. */
    async embedTicketsLacking(input: { max: number; createdAfter?: string }): Promise<{ embedded: number }> {
      if (!embedder) throw ApplicationFailure.create({ message: 'this worker has no sentence model (SENTENCE_MODEL_DIR): it cannot embed tickets', nonRetryable: true });
      const encoder = await embedder();
      let embedded = 0;
      while (embedded < input.max) {
        const page = await ticketsLackingEmbeddings(db, { limit: Math.min(BACKFILL_PAGE, input.max - embedded), createdAfter: input.createdAfter ? new Date(input.createdAfter) : undefined });
        if (page.length === 0) break;
        const vectors = await encoder.embed(page.map((t) => t.text));
        let stored = 0;
        for (const [i, ticket] of page.entries()) if (await storeTicketEmbedding(db, ticket, vectors[i]!)) stored++;
        embedded += stored;
        Context.current().heartbeat({ embedded });
        // Tickets edited between the read and the write stay lacking: the next run takes them, this one must not loop on them.
        if (page.length < BACKFILL_PAGE || stored === 0) break;
      }
      return { embedded };
    },
  };
}
