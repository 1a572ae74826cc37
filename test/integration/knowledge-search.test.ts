/**
 * Full-text knowledge search at a size where a question's common words match more articles than
 * are ranked (api/knowledge/search.ts lexicalCandidatesSql): the article holding the question's
 * rare word is still found first, below the limits the answer is exactly that of ranking every match, and the word
 * statistics it reads are kept without autovacuum (db/knowledge-statistics.ts). On PGlite and on
 * a real PostgreSQL.
 */
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KNOWLEDGE_SEARCH_TUNING, knowledgeSearchSql } from '../../api/knowledge/search';
import type { Database } from '../../db/client';
import { refreshKnowledgeSearchStatistics } from '../../db/knowledge-statistics';
import { kbArticles } from '../../db/schema';
import { pgliteKind, postgresKind } from '../../dev-support/databases';

const postgres = postgresKind();
afterAll(() => postgres.stop());

/** Small enough that the common words below pass both limits. */
const tightTuning = { ...KNOWLEDGE_SEARCH_TUNING, lexicalScanBudget: 20, lexicalRanked: 5 };
const roomyTuning = { ...KNOWLEDGE_SEARCH_TUNING, lexicalScanBudget: 1_000_000, lexicalRanked: 1_000_000 };

const question = 'the office printer shows a fuser error';

async function lexicalSlugs(database: Database, text: string, tuning = KNOWLEDGE_SEARCH_TUNING) {
  const result = (await database.db.execute(knowledgeSearchSql(text, null, { audience: 'everyone', limit: 10, mode: 'lexical' }, tuning))) as unknown as {
    rows: { slug: string }[];
  };
  return result.rows.map((row) => row.slug);
}

describe.each([pgliteKind, postgres])('on $name', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await kind.open();
    const common = Array.from({ length: 120 }, (_, i) => ({
      slug: `printer-${i}`,
      title: `Office printer ${i}`,
      body: `Where the office printer ${i} stands, how to load paper and which error lights mean the toner is low.`,
    }));
    await database.db
      .insert(kbArticles)
      .values(
        [
          ...common,
          { slug: 'replace-the-fuser', title: 'Replace the fuser unit', body: 'A fuser error on a printer means the fuser unit is worn: open the back panel and swap it.' },
          { slug: 'staff-fuser-runbook', title: 'Fuser runbook', body: 'Fuser error codes for technicians.', visibility: 'staff' as const },
        ].map((article) => ({ ...article, summary: article.body, status: 'published' as const, publishedAt: new Date() })),
      );
  });
  afterEach(() => database.close());

  it('finds the article holding the rare word first, though the common words match more articles than are ranked', async () => {
    expect(await refreshKnowledgeSearchStatistics(database.db)).toBe(true);
    const slugs = await lexicalSlugs(database, question, tightTuning);
    expect(slugs[0]).toBe('replace-the-fuser');
    expect(slugs).not.toContain('staff-fuser-runbook');
    // Every hit holds a word of the question; none is a filler cut to size.
    const matching = (await database.db.execute(sql`select slug from kb_articles where search @@ replace(websearch_to_tsquery('english', ${question})::text, ' & ', ' | ')::tsquery`)) as unknown as {
      rows: { slug: string }[];
    };
    expect(matching.rows.length).toBeGreaterThan(tightTuning.lexicalScanBudget);
    expect(matching.rows.map((row) => row.slug)).toEqual(expect.arrayContaining(slugs));
  });

  it('ranks exactly as ranking every match when the limits are not reached, and still answers without word statistics', async () => {
    const everyMatchRanked = (await database.db.execute(
      sql`select a.slug from kb_articles a, (select replace(websearch_to_tsquery('english', ${question})::text, ' & ', ' | ')::tsquery as q) ored
          where a.status = 'published' and a.visibility = 'everyone' and a.search @@ q order by ts_rank_cd(a.search, q, 1) desc, a.id limit 10`,
    )) as unknown as { rows: { slug: string }[] };
    expect(await lexicalSlugs(database, question, roomyTuning)).toEqual(everyMatchRanked.rows.map((row) => row.slug));
    // Never analyzed: every word counts as rare, so all are looked up and the rarest still wins a place.
    expect(await lexicalSlugs(database, question, tightTuning)).toContain('replace-the-fuser');
    // A question of common words only still gets answers (the rarest word is always looked up).
    await refreshKnowledgeSearchStatistics(database.db);
    expect(await lexicalSlugs(database, 'office printer error', tightTuning)).toHaveLength(tightTuning.lexicalRanked);
  });

  it('analyzes once the articles have changed by more than autovacuum would wait for, and not before', async () => {
    expect(await refreshKnowledgeSearchStatistics(database.db)).toBe(true);
    expect(await refreshKnowledgeSearchStatistics(database.db)).toBe(false);
    await database.db.insert(kbArticles).values(Array.from({ length: 10 }, (_, i) => ({ slug: `few-${i}`, title: `Few ${i}`, body: 'A few more.' })));
    expect(await refreshKnowledgeSearchStatistics(database.db)).toBe(false);
    await database.db.insert(kbArticles).values(Array.from({ length: 80 }, (_, i) => ({ slug: `many-${i}`, title: `Many ${i}`, body: 'Many more.' })));
    expect(await refreshKnowledgeSearchStatistics(database.db)).toBe(true);
    const shares = (await database.db.execute(
      sql`select count(*)::int as words from pg_stats s, unnest(s.most_common_elems::text::text[]) e where s.tablename = 'kb_articles' and s.attname = 'search' and s.schemaname = current_schema()`,
    )) as unknown as { rows: { words: number }[] };
    expect(shares.rows[0]!.words).toBeGreaterThan(0);
  });
});
