/**
 * Keeps the planner statistics knowledge search reads (`pg_stats.most_common_elems` of
 * `kb_articles.search`: the share of articles holding each common word). Postgres's autovacuum
 * keeps them by itself; PGlite has no autovacuum, so the embedding activity and the demo seed call
 * this after articles change. It runs ANALYZE by autovacuum's own rule (the table has changed by
 * more than 50 rows + 10 %, here counted as articles gained or lost since the last ANALYZE), so a
 * bulk import analyzes a few dozen times, not once per article. Without statistics search is still
 * right, only slower: every word counts as rare.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client';

const rowsOf = <T>(result: unknown): T[] => (result as { rows: T[] }).rows;

/** Runs ANALYZE on kb_articles when its statistics are missing or stale; returns whether it did. */
export async function refreshKnowledgeSearchStatistics(db: Db): Promise<boolean> {
  const [state] = rowsOf<{ analyzed: boolean; estimated: number; articles: number }>(
    await db.execute(sql`select exists (select 1 from pg_stats where schemaname = current_schema() and tablename = 'kb_articles' and attname = 'search') as analyzed,
                                (select reltuples from pg_class where oid = 'kb_articles'::regclass)::float8 as estimated,
                                (select count(*) from kb_articles)::int as articles`),
  );
  if (!state) return false;
  const estimated = Math.max(0, Number(state.estimated));
  const stale = Math.abs(Number(state.articles) - estimated) > 50 + 0.1 * estimated;
  if (state.analyzed && !stale) return false;
  if (Number(state.articles) === 0) return false;
  await db.execute(sql`analyze kb_articles`);
  return true;
}
