/**
 * Knowledge base search: Postgres full-text ranking and semantic similarity, fused in one SQL
 * statement by reciprocal rank fusion (RRF). Only published articles; an 'everyone' audience never
 * gets a staff article. Without an embedder (model not provisioned, or it failed) combined search
 * degrades to lexical and says so in a log line: the person searching still gets answers.
 *
 * Lexical: the words of `websearch_to_tsquery` (english), matched with OR rather than AND, since
 * requesters describe a problem in more words than any one article shares (scripts/eval-kb.ts
 * measured this: AND finds almost nothing for a question in a requester's words); quoted phrases
 * and `-word` keep websearch's strict meaning. Ranked by `ts_rank_cd` over the weighted document
 * (title A, summary B, body C), normalised by document length; for ORed words only the best
 * `lexicalRanked` articles by the rarity of the words they hold are ranked (lexicalCandidatesSql),
 * so a search reads a few hundred index entries, not every article a common word matches.
 * Semantic: cosine distance to the query's sentence embedding, on the HNSW index.
 * Combined: each list's top `candidates`, scored Σ weight / (rrfK + rank), then scaled so that
 * rank 1 in both lists is 1.0.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { createLogger } from '../../lib/logger';
import type { SentenceEmbedder } from '../../lib/sentence-embedder';

export type KnowledgeHit = {
  articleId: string;
  slug: string;
  title: string;
  summary: string;
  /** 0–1: the fused reciprocal-rank score (1 = first in every list searched). */
  score: number;
  /** 1-based rank in the full-text list, null when full text did not find it (or was not searched). */
  lexicalRank: number | null;
  /** 1-based rank in the semantic list, null when it was not among the nearest (or was not searched). */
  semanticRank: number | null;
};

export type KnowledgeSearchMode = 'combined' | 'lexical' | 'semantic';

export type KnowledgeSearchOptions = { audience: 'everyone' | 'staff'; limit?: number; mode?: KnowledgeSearchMode };

/** Tuned on scripts/eval/kb-questions.json as a whole (npm run eval:kb; bench/README.md, Evaluations). */
export const KNOWLEDGE_SEARCH_TUNING = {
  /** How many of each list's best enter the fusion. */
  candidates: 40,
  /** RRF's damping constant: larger flattens the difference between ranks. */
  rrfK: 60,
  lexicalWeight: 1,
  semanticWeight: 1,
  /** ts_rank_cd normalisation: 1 divides by 1 + log(document length), so long articles do not win by length. */
  rankNormalization: 1,
  /**
   * For an ORed query: how many matching articles the word lookups may visit (rarest words first)
   * and how many of the best by word rarity are ranked by ts_rank_cd (lexicalCandidatesSql).
   */
  lexicalScanBudget: 2000,
  lexicalRanked: 100,
  /** 'any': an article matches with any of the query's words (OR); 'all': websearch_to_tsquery's AND. */
  lexicalMatch: 'any' as 'any' | 'all',
  /**
   * Semantic candidates less similar than this (cosine) are left out: they are no answer, only the
   * least bad. 0.25 lies between the 5th percentile of answerable questions' nearest article (0.28)
   * and the median of unanswerable ones' (0.24); it also raised combined hit@1 (0.840 → 0.858).
   */
  minSimilarity: 0.25,
};

/**
 * Below this top combined score the answer bot should say it does not know rather than offer the
 * best weak match. A score of 0.5 or less means no article is both among the full-text matches and
 * similar enough in meaning near the top. npm run eval:kb: 7 of 11 unanswerable questions fall
 * below it, 5 of 162 answerable ones do (bench/README.md, Evaluations).
 */
export const ANSWER_SCORE_THRESHOLD = 0.55;

export const DEFAULT_SEARCH_LIMIT = 10;
const MAX_QUERY_CHARS = 500;

const logger = createLogger(process.env.LOG_LEVEL || 'info', 'deskflow-kb');
let warnedMissing = false;

export async function searchKnowledge(deps: { db: Db; embedder?: SentenceEmbedder | undefined }, query: string, options: KnowledgeSearchOptions): Promise<KnowledgeHit[]> {
  const text = query.trim().slice(0, MAX_QUERY_CHARS);
  const limit = Math.max(1, Math.min(options.limit ?? DEFAULT_SEARCH_LIMIT, 50));
  if (!text) return [];
  let mode = options.mode ?? 'combined';
  let vector: number[] | null = null;
  if (mode !== 'lexical') {
    if (!deps.embedder) {
      if (!warnedMissing) logger.warn('knowledge search without the sentence model: combined search is full text only (npm run provision converts the model)');
      warnedMissing = true;
    } else {
      try {
        [vector = null] = await deps.embedder.embed([text]);
      } catch (error) {
        logger.warn({ err: error }, 'embedding the search query failed: this search is full text only');
      }
    }
    if (!vector) {
      if (mode === 'semantic') return [];
      mode = 'lexical';
    }
  }
  const statement = knowledgeSearchSql(text, vector, { audience: options.audience, limit, mode });
  const result = (await deps.db.execute(statement)) as unknown as { rows: KnowledgeHitRow[] };
  return result.rows.map((row) => ({
    articleId: row.id,
    slug: row.slug,
    title: row.title,
    summary: row.summary,
    score: Number(row.score),
    lexicalRank: row.lexical_rank === null ? null : Number(row.lexical_rank),
    semanticRank: row.semantic_rank === null ? null : Number(row.semantic_rank),
  }));
}

type KnowledgeHitRow = { id: string; slug: string; title: string; summary: string; score: number | string; lexical_rank: number | string | null; semantic_rank: number | string | null };

/**
 * The one statement behind searchKnowledge (exported so bench:kb can time it as raw SQL through
 * the driver). `vector` is required unless the mode is lexical.
 */
export function knowledgeSearchSql(
  text: string,
  vector: number[] | null,
  options: { audience: 'everyone' | 'staff'; limit: number; mode: KnowledgeSearchMode },
  tuning = KNOWLEDGE_SEARCH_TUNING,
): SQL {
  const { candidates, rrfK, lexicalWeight, semanticWeight, rankNormalization, lexicalMatch, minSimilarity } = tuning;
  const visible = options.audience === 'staff' ? sql`a.status = 'published'` : sql`a.status = 'published' and a.visibility = 'everyone'`;
  const useLexical = options.mode !== 'semantic';
  const useSemantic = options.mode !== 'lexical' && vector !== null;
  const strictQuery = sql`(select case when ${lexicalMatch === 'all'} or strict::text like '%!%' or ${text} like '%"%' then strict else replace(strict::text, ' & ', ' | ')::tsquery end as query
                             from websearch_to_tsquery('english', ${text}) as strict)`;
  const ored = lexicalMatch === 'any' && !/["]|(^|\s)-\S/.test(text);
  const lexical = !useLexical
    ? sql`select null::uuid as id, null::bigint as rank where false`
    : ored
      ? sql`select a.id, row_number() over (order by ts_rank_cd(a.search, q.query, ${sql.raw(String(rankNormalization))}) desc, a.id) as rank
            from (${lexicalCandidatesSql(text, visible, tuning)}) c join kb_articles a on a.id = c.id, ${strictQuery} q
            where a.search @@ q.query
            order by rank limit ${candidates}`
      : sql`select a.id, row_number() over (order by ts_rank_cd(a.search, q.query, ${sql.raw(String(rankNormalization))}) desc, a.id) as rank
            from kb_articles a, ${strictQuery} q
            where ${visible} and a.search @@ q.query
            order by rank limit ${candidates}`;
  const vectorLiteral = vector ? JSON.stringify(vector) : null;
  const semantic = useSemantic
    ? sql`select id, row_number() over (order by distance, id) as rank
          from (select a.id, a.embedding <=> ${vectorLiteral}::vector as distance from kb_articles a
                where ${visible} and a.embedding is not null
                order by a.embedding <=> ${vectorLiteral}::vector limit ${candidates}) nearest
          where distance <= ${1 - minSimilarity}`
    : sql`select null::uuid as id, null::bigint as rank where false`;
  const weights = (useLexical ? lexicalWeight : 0) + (useSemantic ? semanticWeight : 0);
  const best = weights / (rrfK + 1);
  return sql`with lexical as (${lexical}), semantic as (${semantic}),
    fused as (
      select coalesce(l.id, s.id) as id, l.rank as lexical_rank, s.rank as semantic_rank,
             (coalesce(${lexicalWeight}::float8 / (${rrfK} + l.rank), 0) + coalesce(${semanticWeight}::float8 / (${rrfK} + s.rank), 0)) / ${best}::float8 as score
      from lexical l full outer join semantic s on s.id = l.id
    )
    select a.id, a.slug, a.title, a.summary, f.score, f.lexical_rank, f.semantic_rank
    from fused f join kb_articles a on a.id = f.id
    order by f.score desc, coalesce(f.semantic_rank, f.lexical_rank), a.id
    limit ${options.limit}`;
}

/**
 * The articles worth ranking for an ORed full-text query, without reading any article's tsvector:
 * each of the query's words is looked up in the GIN index on its own, the rarest first, until the
 * matches would pass `lexicalScanBudget` (always at least the rarest word); an article scores the
 * inverse document frequency of each word it contains, and the best `lexicalRanked` go on to
 * `ts_rank_cd`. Ranking every match is what made search slow: a question's common words ("make",
 * "new", "one") match most of a large knowledge base, and ranking reads each match's whole tsvector.
 * A word's share of the articles comes from `pg_stats` (ANALYZE keeps `most_common_elems` for a
 * tsvector column); a word not listed there is rarer than every listed one, and without statistics
 * every word counts as rare, which is correct, only slower.
 */
function lexicalCandidatesSql(text: string, visible: SQL, tuning: typeof KNOWLEDGE_SEARCH_TUNING): SQL {
  return sql`with stats as (
      select e.lexeme, e.share from pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) as e(lexeme, share)
      where s.schemaname = current_schema() and s.tablename = 'kb_articles' and s.attname = 'search'
    ),
    articles as (select greatest(reltuples, 1)::float8 as n from pg_class where oid = 'kb_articles'::regclass),
    words as (
      select w.lexeme, coalesce(st.share, 0) * ar.n as estimate,
             sum(coalesce(st.share, 0) * ar.n) over (order by coalesce(st.share, 0), w.lexeme) as running
      from unnest(tsvector_to_array(to_tsvector('english', ${text}))) as w(lexeme)
      left join stats st on st.lexeme = w.lexeme, articles ar
    ),
    chosen as (
      select lexeme from words where running <= ${tuning.lexicalScanBudget}
      union select lexeme from (select lexeme from words order by estimate, lexeme limit 1) rarest
    ),
    matches as (
      select w.lexeme, a.id, count(*) over (partition by w.lexeme) as df
      from chosen w join kb_articles a on a.search @@ plainto_tsquery('simple', w.lexeme)
      where ${visible}
    )
    select m.id from matches m, articles ar
    group by m.id
    order by sum(ln(1 + ar.n / m.df)) desc, m.id
    limit ${tuning.lexicalRanked}`;
}
