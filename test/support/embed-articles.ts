/** Embeds every published article that has no vector yet with the real sentence model, as the demo seed does for `npm start` (the test harness seeds without it). */
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { kbArticles } from '../../db/schema';
import { articleEmbeddingText } from '../../domain/knowledge';
import { sentenceEmbedder } from '../../lib/sentence-embedder';

export async function embedPublishedArticles(db: Db): Promise<void> {
  const embedder = await sentenceEmbedder();
  const rows = await db.select().from(kbArticles).where(eq(kbArticles.status, 'published'));
  const missing = rows.filter((row) => row.embedding === null);
  if (missing.length === 0) return;
  const vectors = await embedder.embed(missing.map((row) => articleEmbeddingText(row)));
  for (const [i, row] of missing.entries()) await db.update(kbArticles).set({ embedding: vectors[i]!, embeddedVersion: row.version }).where(eq(kbArticles.id, row.id));
}
