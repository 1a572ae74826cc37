/**
 * Evaluates knowledge base search on questions written in requesters' words.
 *
 *   npm run eval:kb [-- --questions FILE.json] [--candidates 40] [--rrf-k 60] [--lexical-weight 1]
 *                   [--semantic-weight 1] [--normalization 1] [--match any|all]
 *
 * Opens an in-memory PGlite, migrates it, seeds the demo organisation with its starter knowledge
 * base embedded, then asks every question (FILE.json: `[{ "question", "expected": [slugs] }]`,
 * default scripts/eval/kb-questions.json) as a requester would (audience 'everyone') in each mode:
 * lexical, semantic and combined. Prints hit@1, hit@3 and MRR (over the top 10) side by side.
 * Questions with `expected: []` are ones the knowledge base cannot answer: for them it reports how
 * often the top combined score stays below the answer bot's threshold (ANSWER_SCORE_THRESHOLD),
 * beside how often an answerable question's does (it would wrongly say "I don't know").
 * The flags override KNOWLEDGE_SEARCH_TUNING for exploring; change the defaults only for what
 * improves the whole set.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ANSWER_SCORE_THRESHOLD, KNOWLEDGE_SEARCH_TUNING, searchKnowledge, type KnowledgeSearchMode } from '../api/knowledge/search';
import { createPglite, wrapPglite } from '../db/client';
import { seedDemo } from '../db/seed';
import { sentenceEmbedder, type SentenceEmbedder } from '../lib/sentence-embedder';
import { deskflowSettings } from '../deskflow.config';

const ZQuestions = z.array(z.object({ question: z.string().min(1), expected: z.array(z.string()) }));

const { values: args } = parseArgs({
  options: {
    questions: { type: 'string', default: 'scripts/eval/kb-questions.json' },
    candidates: { type: 'string' },
    'rrf-k': { type: 'string' },
    'lexical-weight': { type: 'string' },
    'semantic-weight': { type: 'string' },
    normalization: { type: 'string' },
    match: { type: 'string' },
    'min-similarity': { type: 'string' },
    verbose: { type: 'boolean', default: false },
  },
});

const numberArg = (value: string | undefined) => (value === undefined ? undefined : Number(value));
const overrides = {
  candidates: numberArg(args.candidates),
  rrfK: numberArg(args['rrf-k']),
  lexicalWeight: numberArg(args['lexical-weight']),
  semanticWeight: numberArg(args['semantic-weight']),
  rankNormalization: numberArg(args.normalization),
  lexicalMatch: args.match as 'any' | 'all' | undefined,
  minSimilarity: numberArg(args['min-similarity']),
};
for (const [key, value] of Object.entries(overrides)) if (value !== undefined) Object.assign(KNOWLEDGE_SEARCH_TUNING, { [key]: value });

const log = (line: string) => process.stderr.write(`[eval:kb] ${line}\n`);

/** Embeds each distinct text once (the modes ask the same questions). */
function cached(embedder: SentenceEmbedder): SentenceEmbedder {
  const memo = new Map<string, number[]>();
  return {
    dimensions: embedder.dimensions,
    async embed(texts) {
      const missing = texts.filter((t) => !memo.has(t));
      if (missing.length > 0) (await embedder.embed(missing)).forEach((v, i) => memo.set(missing[i]!, v));
      return texts.map((t) => memo.get(t)!);
    },
  };
}

async function main() {
  const file = resolve(args.questions!);
  const questions = ZQuestions.parse(JSON.parse(readFileSync(file, 'utf8')));
  const answerable = questions.filter((q) => q.expected.length > 0);
  const unanswerable = questions.filter((q) => q.expected.length === 0);
  log(`${questions.length} questions (${answerable.length} answerable, ${unanswerable.length} the knowledge base cannot answer) from ${file}`);
  log(`tuning: ${JSON.stringify(KNOWLEDGE_SEARCH_TUNING)}`);

  let started = Date.now();
  const embedder = cached(await sentenceEmbedder(deskflowSettings().sentenceModelDir));
  const database = wrapPglite(await createPglite());
  await database.migrate();
  await seedDemo(database.db, 'eval-password-not-used', { embedder });
  log(`migrated, seeded and embedded the demo organisation in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  started = Date.now();
  await embedder.embed(questions.map((q) => q.question));
  log(`embedded the questions in ${((Date.now() - started) / 1000).toFixed(1)} s`);

  const modes: KnowledgeSearchMode[] = ['lexical', 'semantic', 'combined'];
  const table: Record<string, { hit1: number; hit3: number; mrr: number }> = {};
  const misses: string[] = [];
  for (const mode of modes) {
    let hit1 = 0;
    let hit3 = 0;
    let mrr = 0;
    started = Date.now();
    for (const [i, q] of answerable.entries()) {
      const hits = await searchKnowledge({ db: database.db, embedder }, q.question, { audience: 'everyone', mode, limit: 10 });
      const rank = hits.findIndex((h) => q.expected.includes(h.slug)) + 1;
      if (rank === 1) hit1++;
      if (rank >= 1 && rank <= 3) hit3++;
      if (rank >= 1) mrr += 1 / rank;
      if (mode === 'combined' && (rank === 0 || rank > 3))
        misses.push(
          `  ${q.question} → expected ${q.expected.join(' or ')}; got ${
            hits
              .slice(0, 3)
              .map((h) => h.slug)
              .join(', ') || 'nothing'
          }`,
        );
      if ((i + 1) % 50 === 0) log(`${mode}: ${i + 1}/${answerable.length}`);
    }
    const n = answerable.length;
    table[mode] = { hit1: hit1 / n, hit3: hit3 / n, mrr: mrr / n };
    log(`${mode}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  const topScore = async (question: string) => (await searchKnowledge({ db: database.db, embedder }, question, { audience: 'everyone', mode: 'combined', limit: 1 }))[0]?.score ?? 0;
  const unanswerableScores = await Promise.all(unanswerable.map((q) => topScore(q.question)));
  const answerableScores: number[] = [];
  for (const q of answerable) answerableScores.push(await topScore(q.question));
  const below = (scores: number[]) => scores.filter((s) => s < ANSWER_SCORE_THRESHOLD).length;

  const pct = (x: number) => x.toFixed(3);
  console.log('');
  console.log(`Knowledge base search on ${answerable.length} answerable questions (top 10, audience everyone):`);
  console.log('');
  console.log('| mode     | hit@1 | hit@3 | MRR   |');
  console.log('|----------|-------|-------|-------|');
  for (const mode of modes) console.log(`| ${mode.padEnd(8)} | ${pct(table[mode]!.hit1)} | ${pct(table[mode]!.hit3)} | ${pct(table[mode]!.mrr)} |`);
  console.log('');
  console.log(
    `"I don't know" at a top combined score below ${ANSWER_SCORE_THRESHOLD}: ${below(unanswerableScores)}/${unanswerable.length} questions the knowledge base cannot answer, ` +
      `${below(answerableScores)}/${answerable.length} answerable ones (wrongly).`,
  );
  console.log('');
  console.log('| threshold | unanswerable below (right) | answerable below (wrong) |');
  console.log('|-----------|----------------------------|--------------------------|');
  for (const threshold of [0.5, 0.55, 0.6, 0.7, 0.8]) {
    const count = (scores: number[]) => scores.filter((s) => s < threshold).length;
    console.log(`| ${threshold.toFixed(2).padEnd(9)} | ${`${count(unanswerableScores)}/${unanswerable.length}`.padEnd(26)} | ${`${count(answerableScores)}/${answerable.length}`.padEnd(24)} |`);
  }
  if (args.verbose) {
    console.log('');
    console.log(`Combined misses (not in the top 3): ${misses.length}`);
    for (const line of misses) console.log(line);
    console.log('Top scores of the unanswerable questions:', unanswerableScores.map((s) => s.toFixed(3)).join(' '));
    // The nearest article's cosine similarity, whatever search makes of it: where a similarity floor would fall.
    const nearest = async (question: string) => {
      const [vector] = await embedder.embed([question]);
      const result = (await database.db.execute(
        sql`select 1 - (embedding <=> ${JSON.stringify(vector)}::vector) as similarity from kb_articles where status = 'published' and visibility = 'everyone' order by embedding <=> ${JSON.stringify(vector)}::vector limit 1`,
      )) as unknown as { rows: { similarity: number }[] };
      return Number(result.rows[0]?.similarity ?? 0);
    };
    const quantiles = (xs: number[]) => {
      const sorted = [...xs].sort((a, b) => a - b);
      return [0, 0.05, 0.1, 0.25, 0.5].map((q) => sorted[Math.floor(q * (sorted.length - 1))]!.toFixed(3)).join(' / ');
    };
    const answerableNearest = await Promise.all(answerable.map((q) => nearest(q.question)));
    const unanswerableNearest = await Promise.all(unanswerable.map((q) => nearest(q.question)));
    console.log(`Nearest similarity, answerable (min / 5% / 10% / 25% / median): ${quantiles(answerableNearest)}`);
    console.log(`Nearest similarity, unanswerable: ${unanswerableNearest.map((s) => s.toFixed(3)).join(' ')}`);
  }
  await database.close();
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
