/**
 * Knowledge-base passages for the assistant. THE HOOK: the knowledge base (`kb_articles`, built
 * separately) wires its search into `knowledgePassagesForTicket`; until then it finds nothing and
 * suggested replies read the conversation and the requester's history only.
 */
import type { Db } from '../../db/client';
import type { KnowledgePassage } from '../../workflows/types';

/** How many passages a suggested reply reads at most (prompt size). */
export const MAX_KNOWLEDGE_PASSAGES = 5;

/**
 * The knowledge-base passages that may answer this ticket, best first, at most
 * MAX_KNOWLEDGE_PASSAGES, each `{ slug, title, excerpt }` (an excerpt of a few hundred characters).
 * Only articles the ticket's staff may read. Returns [] today: the KB search wires into it.
 */
export async function knowledgePassagesForTicket(_db: Db, _ticket: { id: string; title: string; description: string }): Promise<KnowledgePassage[]> {
  return [];
}
