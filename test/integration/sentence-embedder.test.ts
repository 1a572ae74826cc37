/**
 * Semantic search's foundation: the converted all-MiniLM-L6-v2 embeds in process like the
 * published model, and pgvector orders its vectors by meaning on both databases.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgliteKind, postgresKind } from '../../dev-support/databases';
import { sentenceEmbedder, SentenceModelMissingError, type SentenceEmbedder } from '../../lib/sentence-embedder';

const dot = (a: number[], b: number[]) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);

let embedder: SentenceEmbedder;
beforeAll(async () => {
  embedder = await sentenceEmbedder();
});

describe('the sentence model', () => {
  it('gives unit vectors of 384 dimensions, the same for the same text in any batch', async () => {
    const [alone] = await embedder.embed(['My VPN drops every few minutes']);
    const batch = await embedder.embed(['Printer jams on page two', 'My VPN drops every few minutes', 'x']);
    expect(alone).toHaveLength(384);
    expect(Math.abs(dot(alone!, alone!) - 1)).toBeLessThan(1e-5);
    expect(dot(alone!, batch[1]!)).toBeGreaterThan(0.9999);
  });

  it("matches the published model's similarity for its own example pair", async () => {
    // sentence-transformers' all-MiniLM-L6-v2 scores this pair 0.7553 (cosine).
    const [a, b] = await embedder.embed(['A man is eating food.', 'A man is eating a piece of bread.']);
    expect(dot(a!, b!)).toBeCloseTo(0.7553, 3);
  });

  it('puts a question nearer the text that answers it than unrelated ones, with no words in common', async () => {
    const [question, wifi, leave, parking] = await embedder.embed([
      "laptop won't join the wireless at the office",
      'Wi-Fi connection fails: forget the network and reconnect',
      'How to request parental leave',
      'Booking a parking space for visitors',
    ]);
    expect(dot(question!, wifi!)).toBeGreaterThan(dot(question!, leave!) + 0.2);
    expect(dot(question!, wifi!)).toBeGreaterThan(dot(question!, parking!) + 0.2);
  });

  it('says how to get the model when its folder is missing', async () => {
    await expect(sentenceEmbedder('/nonexistent/model')).rejects.toThrow(SentenceModelMissingError);
    await expect(sentenceEmbedder('/nonexistent/model')).rejects.toThrow(/npm run provision/);
  });
});

const postgres = postgresKind();
afterAll(() => postgres.stop());

describe.each([pgliteKind, postgres])('pgvector on $name', (kind) => {
  it('stores the vectors and returns the nearest first', async () => {
    const database = await kind.open();
    try {
      const texts = ['Reset a forgotten password', 'Order a new monitor', 'Report a heating problem in the office'];
      const vectors = await embedder.embed(texts);
      const [query] = await embedder.embed(['too cold at my desk']);
      await database.db.execute(sql`create temporary table probe (title text, embedding vector(384))`);
      for (const [i, title] of texts.entries()) await database.db.execute(sql`insert into probe values (${title}, ${JSON.stringify(vectors[i])}::vector)`);
      const nearest = (await database.db.execute(sql`select title from probe order by embedding <=> ${JSON.stringify(query)}::vector limit 1`)) as unknown as { rows: { title: string }[] };
      expect(nearest.rows[0]!.title).toBe('Report a heating problem in the office');
    } finally {
      await database.close();
    }
  });
});
