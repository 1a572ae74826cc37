/**
 * `npm run bench:kb`: knowledge base search at scale, on PGlite (the default database).
 *
 * Seeds the demo organisation, then BENCH_ARTICLES (default 10,000) published articles varied from
 * the starter knowledge base (a place, a device or a team woven into title and body, paragraphs
 * reordered), and BENCH_TICKETS (default 100,000) ticket embeddings in a table of the same shape
 * as `ticket_embeddings` (vector(384) with its HNSW index), so the database holds indexes of a
 * realistic size. Embeddings: BENCH_REAL_TEXTS (default 1,000) article texts are embedded for real;
 * every other vector is one of those plus small random noise, normalised (minutes of setup, not
 * hours; the HNSW graph sees realistic clusters).
 * Then times 200 searches (questions from scripts/eval/kb-questions.json, cycled), combined mode:
 * searchKnowledge (query embeddings computed beforehand, so this is the database's share; the
 * embedding of one query is timed on its own) beside the same statement sent as raw SQL through
 * PGlite's driver. Last, embedding throughput (texts/s, batches of 32).
 * Goal: search p99 ≤ 50 ms.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { knowledgeSearchSql, searchKnowledge } from '../api/knowledge/search';
import { createPglite, wrapPglite } from '../db/client';
import { starterArticles } from '../db/demo/knowledge-base';
import { seedDemo } from '../db/seed';
import { deskflowSettings } from '../deskflow.config';
import { articleEmbeddingText, summaryFromMarkdown } from '../domain/knowledge';
import { sentenceEmbedder, type SentenceEmbedder } from '../lib/sentence-embedder';
import { progress, summarize } from './support/stats';

const ARTICLES = Number(process.env.BENCH_ARTICLES ?? 10_000);
const TICKETS = Number(process.env.BENCH_TICKETS ?? 100_000);
const REAL_TEXTS = Number(process.env.BENCH_REAL_TEXTS ?? 1_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 200);

const say = (line: string) => process.stdout.write(`${line}\n`);
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

/** A deterministic generator, so runs compare. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
const random = rng(42);
const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;

const places = ['at headquarters', 'in the warehouse', 'on the third floor', 'in the Lisbon office', 'for remote staff', 'for contractors', 'in the lab', 'for the night shift'];
const things = ['on Windows laptops', 'on Macs', 'on Android phones', 'on iPhones', 'with the new dock', 'in the browser', 'after the upgrade', 'for shared devices'];
const teams = ['Finance', 'Sales', 'Engineering', 'Support', 'Marketing', 'Legal', 'Operations', 'Research'];

function variant(i: number) {
  const base = starterArticles[i % starterArticles.length]!;
  const paragraphs = base.body.split(/\n\s*\n/);
  const [first, ...rest] = paragraphs;
  for (let j = rest.length - 1; j > 0; j--) {
    const k = Math.floor(random() * (j + 1));
    [rest[j], rest[k]] = [rest[k]!, rest[j]!];
  }
  const place = pick(places);
  const thing = pick(things);
  const team = pick(teams);
  const title = `${base.title} ${place} ${thing}`;
  const body = `${first}\n\nThis applies to the ${team} team ${place}, ${thing}.\n\n${rest.join('\n\n')}`;
  return { slug: `${base.slug}-${i}`, title, summary: summaryFromMarkdown(body), tags: [...base.tags, team.toLowerCase()], body, visibility: base.visibility, baseIndex: i % starterArticles.length };
}

/** A vector near `v`: Gaussian-ish noise of `scale` per dimension, normalised again. */
function perturb(v: number[], scale: number): number[] {
  const out = v.map((x) => x + (random() + random() + random() - 1.5) * scale);
  const norm = Math.hypot(...out);
  return out.map((x) => x / norm);
}

function cachedEmbedder(embedder: SentenceEmbedder, cache: Map<string, number[]>): SentenceEmbedder {
  return {
    dimensions: embedder.dimensions,
    async embed(texts) {
      return Promise.all(texts.map(async (t) => cache.get(t) ?? (await embedder.embed([t]))[0]!));
    },
  };
}

async function main() {
  say(`bench:kb on PGlite (in memory): ${ARTICLES} articles, ${TICKETS} ticket embeddings, ${REAL_TEXTS} real embeddings (the rest perturbed), ${QUERIES} queries`);
  const embedder = await sentenceEmbedder(deskflowSettings().sentenceModelDir);
  const client = await createPglite();
  const database = wrapPglite(client);
  await database.migrate();
  let started = Date.now();
  await seedDemo(database.db, 'bench-password-0123', { embedder });
  say(`migrated and seeded the demo organisation (starter articles embedded) in ${seconds(started)}`);

  started = Date.now();
  const articles = Array.from({ length: ARTICLES }, (_, i) => variant(i));
  const real = Math.min(REAL_TEXTS, ARTICLES);
  const realVectors: number[][] = [];
  const tick = progress('embedding real article texts', real);
  for (let i = 0; i < real; i += 64) {
    realVectors.push(...(await embedder.embed(articles.slice(i, i + 64).map((a) => articleEmbeddingText(a)))));
    tick(Math.min(real, i + 64));
  }
  say(`embedded ${real} article texts in ${seconds(started)}`);

  started = Date.now();
  const insertTick = progress('inserting articles', ARTICLES);
  for (let i = 0; i < ARTICLES; i += 250) {
    const batch = articles.slice(i, i + 250).map((a, j) => {
      const n = i + j;
      const vector = n < real ? realVectors[n]! : perturb(realVectors[n % real]!, 0.02);
      return sql`(${a.slug}, ${a.title}, ${a.summary}, ${a.body}, string_to_array(${a.tags.join('|')}, '|'), ${a.visibility}::kb_article_visibility, 'published', 1, now(), ${JSON.stringify(vector)}::vector, 1)`;
    });
    await database.db.execute(
      sql`insert into kb_articles (slug, title, summary, body, tags, visibility, status, version, published_at, embedding, embedded_version) values ${sql.join(batch, sql`, `)}`,
    );
    insertTick(Math.min(ARTICLES, i + 250));
  }
  say(`inserted ${ARTICLES} articles (full-text and HNSW indexes kept as they go) in ${seconds(started)}`);

  started = Date.now();
  await database.db.execute(sql`create table if not exists bench_ticket_embeddings (ticket_id uuid primary key, embedding vector(384) not null)`);
  const ticketTick = progress('inserting ticket embeddings', TICKETS);
  for (let i = 0; i < TICKETS; i += 1000) {
    const rows = Array.from({ length: Math.min(1000, TICKETS - i) }, () => sql`(gen_random_uuid(), ${JSON.stringify(perturb(pick(realVectors), 0.05))}::vector)`);
    await database.db.execute(sql`insert into bench_ticket_embeddings values ${sql.join(rows, sql`, `)}`);
    ticketTick(Math.min(TICKETS, i + 1000));
  }
  say(`inserted ${TICKETS} ticket embeddings in ${seconds(started)}`);
  started = Date.now();
  say(`building their HNSW index (one statement, no progress of its own: about ${Math.max(1, Math.round(TICKETS / 25_000))} min here (4.4 min at 100,000))…`);
  await database.db.execute(sql`create index if not exists bench_ticket_embeddings_hnsw on bench_ticket_embeddings using hnsw (embedding vector_cosine_ops)`);
  say(`built their HNSW index in ${seconds(started)}`);
  await database.db.execute(sql`analyze`);

  const dialect = (database.db as unknown as { dialect: { sqlToQuery(s: unknown): { sql: string; params: unknown[] } } }).dialect;
  const questions = (JSON.parse(readFileSync('scripts/eval/kb-questions.json', 'utf8')) as { question: string }[]).map((q) => q.question);
  const queries = Array.from({ length: QUERIES }, (_, i) => questions[i % questions.length]!);
  started = Date.now();
  const vectors = await embedder.embed(queries);
  const cache = new Map(queries.map((q, i) => [q, vectors[i]!]));
  say(`embedded the ${QUERIES} queries in ${seconds(started)}`);

  const queryEmbedding: number[] = [];
  for (const q of queries.slice(0, 50)) {
    const t = performance.now();
    await embedder.embed([q]);
    queryEmbedding.push(performance.now() - t);
  }

  if (process.env.BENCH_PLAN) {
    const first = dialect.sqlToQuery(knowledgeSearchSql(queries[0]!, cache.get(queries[0]!)!, { audience: 'everyone', limit: 10, mode: 'combined' }));
    const plan = await client.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${first.sql}`, first.params);
    const words = await client.query<{ lexeme: string; share: number | null }>(
      `select w.lexeme, (select e.share from pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as e(lexeme, share)
                         where s.tablename = 'kb_articles' and s.attname = 'search' and e.lexeme = w.lexeme) as share
       from unnest(tsvector_to_array(to_tsvector('english', $1))) as w(lexeme)`,
      [queries[0]],
    );
    say(
      `its words and the share of articles holding each (pg_stats; none: rarer than every listed word): ${words.rows.map((w) => `${w.lexeme} ${w.share === null ? 'none' : w.share.toFixed(3)}`).join(', ')}`,
    );
    say(`the plan for "${queries[0]}":`);
    for (const line of plan.rows) say(`  ${line['QUERY PLAN']}`);
  }

  const cached = cachedEmbedder(embedder, cache);
  for (const q of queries.slice(0, 20)) await searchKnowledge({ db: database.db, embedder: cached }, q, { audience: 'everyone' }); // warm up
  const viaFunction: number[] = [];
  const viaRaw: number[] = [];
  // Where the time goes: each half of the combined statement on its own.
  const lexicalOnly: number[] = [];
  const semanticOnly: number[] = [];
  const searchTick = progress('searching', QUERIES);
  for (const [i, q] of queries.entries()) {
    let t = performance.now();
    await searchKnowledge({ db: database.db, embedder: cached }, q, { audience: 'everyone' });
    viaFunction.push(performance.now() - t);
    const raw = dialect.sqlToQuery(knowledgeSearchSql(q, cache.get(q)!, { audience: 'everyone', limit: 10, mode: 'combined' }));
    t = performance.now();
    await client.query(raw.sql, raw.params);
    viaRaw.push(performance.now() - t);
    for (const [mode, samples] of [
      ['lexical', lexicalOnly],
      ['semantic', semanticOnly],
    ] as const) {
      const half = dialect.sqlToQuery(knowledgeSearchSql(q, cache.get(q)!, { audience: 'everyone', limit: 10, mode }));
      t = performance.now();
      await client.query(half.sql, half.params);
      samples.push(performance.now() - t);
    }
    searchTick(i + 1);
  }

  const texts = articles.slice(0, 320).map((a) => articleEmbeddingText(a));
  started = Date.now();
  await embedder.embed(texts);
  const throughput = texts.length / ((Date.now() - started) / 1000);

  const row = (name: string, samples: number[]) => {
    const s = summarize(samples);
    const sorted = [...samples].sort((a, b) => a - b);
    const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1]!;
    return `| ${name.padEnd(44)} | ${s.p50.toFixed(1).padStart(6)} | ${p95.toFixed(1).padStart(6)} | ${s.p99.toFixed(1).padStart(6)} |`;
  };
  say('');
  say(`| search (${ARTICLES} articles, ${TICKETS} ticket embeddings), ms | p50    | p95    | p99    |`);
  say('|----------------------------------------------|--------|--------|--------|');
  say(row('searchKnowledge (combined, query pre-embedded)', viaFunction));
  say(row('same statement, raw SQL through PGlite', viaRaw));
  say(row('  its full-text half alone (raw SQL)', lexicalOnly));
  say(row('  its vector half alone (raw SQL)', semanticOnly));
  say(row('embedding one query (in process)', queryEmbedding));
  say('');
  say(`embedding throughput: ${throughput.toFixed(1)} article texts/s (batches of 32, ${texts.length} texts)`);
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
