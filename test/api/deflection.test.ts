/**
 * Ticket deflection through the API on real components (PGlite with the starter knowledge base
 * embedded by the real sentence model, the API over HTTP): while a requester drafts a ticket,
 * kb.suggest offers the published articles they may read, best first, found by meaning as well as
 * words; kb.deflect records "this solved it" and files no ticket; the report counts deflections by
 * period and scope, exactly as recorded.
 */
import { and, count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRPCClientError } from '@trpc/client';
import type { DeskflowClient } from '../../api/client';
import { organisationTimezone } from '../../db/reports';
import { kbArticles, kbDeflections, ticketIntake, tickets } from '../../db/schema';
import { articleEmbeddingText } from '../../domain/knowledge';
import { sentenceEmbedder, type SentenceEmbedder } from '../../lib/sentence-embedder';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let embedder: SentenceEmbedder;
let requester: DeskflowClient;
let agent: DeskflowClient;

/** Embeds articles as the embedding activity would (the harness seeds the starter articles without vectors). */
async function embedArticles(where = sql`${kbArticles.embedding} is null`) {
  const rows = await api.db.select().from(kbArticles).where(where);
  const vectors = await embedder.embed(rows.map((row) => articleEmbeddingText(row)));
  for (const [i, row] of rows.entries()) await api.db.update(kbArticles).set({ embedding: vectors[i], embeddedVersion: row.version }).where(eq(kbArticles.id, row.id));
}

async function insertArticle(fields: { slug: string; title: string; body: string; visibility: 'everyone' | 'staff'; status: 'draft' | 'published' }) {
  const [row] = await api.db
    .insert(kbArticles)
    .values({ ...fields, summary: fields.body, publishedAt: fields.status === 'published' ? new Date() : null })
    .returning();
  await embedArticles(eq(kbArticles.id, row!.id));
  return row!;
}

const articleId = async (slug: string) => (await api.db.select({ id: kbArticles.id }).from(kbArticles).where(eq(kbArticles.slug, slug)))[0]!.id;
const ticketsOf = async (email: string) =>
  Number(
    (
      await api.db
        .select({ n: count() })
        .from(ticketIntake)
        .where(eq(ticketIntake.requesterId, api.userId(email)))
    )[0]!.n,
  ) +
  Number(
    (
      await api.db
        .select({ n: count() })
        .from(tickets)
        .where(eq(tickets.requesterId, api.userId(email)))
    )[0]!.n,
  );
/** The zod message the API gave for a field, as the console shows it. */
async function fieldError(call: Promise<unknown>, field: string): Promise<string | undefined> {
  try {
    await call;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    const data = error.data as { code?: string; zodError?: { fieldErrors?: Record<string, string[]> } };
    return `${data.code}: ${data.zodError?.fieldErrors?.[field]?.[0] ?? error.message}`;
  }
  return 'OK';
}

beforeAll(async () => {
  [api, embedder] = await Promise.all([startApi(), sentenceEmbedder()]);
  await embedArticles();
  requester = (await api.signIn(demo.requester)).api;
  agent = (await api.signIn(demo.itAgent)).api;
}, 180_000);
afterAll(() => api?.stop());

describe('suggestions while a ticket is drafted', () => {
  it('offers the matching article first for a question in the requester’s own words, with a short excerpt', async () => {
    const { articles } = await requester.kb.suggest.query({
      title: 'Cannot reach the intranet from home',
      description: 'The globe icon just spins when I try to get onto the company network from my broadband at home.',
    });
    expect(articles[0], JSON.stringify(articles)).toMatchObject({ slug: 'vpn-will-not-connect', title: 'VPN will not connect from home' });
    expect(articles.length).toBeLessThanOrEqual(3);
    for (const article of articles) {
      expect(article.score).toBeGreaterThanOrEqual(0.55);
      expect(article.excerpt.length).toBeGreaterThan(20);
      expect(article.excerpt.length).toBeLessThanOrEqual(201);
    }
    // Too little typed yet: nothing, and no error.
    expect((await requester.kb.suggest.query({ title: 'vpn', description: '' })).articles).toEqual([]);
    // Nothing in the knowledge base is about this: no weak match is offered.
    expect((await requester.kb.suggest.query({ title: 'Zebra quartet xylophone', description: 'Xylophone rehearsal of the zebra quartet.' })).articles).toEqual([]);
  });

  it('never offers a requester a staff-only article or a draft, even when they match best', async () => {
    const canary = `quokka${crypto.randomUUID().slice(0, 8)}`;
    const runbook = await insertArticle({
      slug: `badge-controller-runbook-${canary}`,
      title: `Badge reader controller reset ${canary}`,
      body: `Staff runbook ${canary}: when a badge reader at the door stays red, reset the badge controller from the security console.`,
      visibility: 'staff',
      status: 'published',
    });
    const draft = await insertArticle({
      slug: `badge-reader-draft-${canary}`,
      title: `Badge reader stays red ${canary}`,
      body: `Draft ${canary}: the badge reader at the door stays red and will not open.`,
      visibility: 'everyone',
      status: 'draft',
    });
    const draftText = { title: `Badge reader at the door stays red ${canary}`, description: `My badge does not open the door, the badge reader stays red ${canary}.` };
    const forRequester = await requester.kb.suggest.query(draftText);
    expect(JSON.stringify(forRequester)).not.toContain(canary);
    // Staff filing a ticket may read staff articles: the runbook is a real match, never the draft.
    const forStaff = await agent.kb.suggest.query(draftText);
    expect(forStaff.articles.map((a) => a.articleId)).toContain(runbook.id);
    expect(forStaff.articles.map((a) => a.articleId)).not.toContain(draft.id);
  });

  it('refuses an oversized draft with the field that is wrong', async () => {
    expect(await fieldError(requester.kb.suggest.query({ title: 'x'.repeat(201), description: '' }), 'title')).toBe('BAD_REQUEST: must be at most 200 characters');
    expect(await fieldError(requester.kb.suggest.query({ title: 'VPN', description: 'y'.repeat(2001) }), 'description')).toMatch(/^BAD_REQUEST: must be at most 2,000 characters/);
    expect(await outcome(api.client().kb.suggest.query({ title: 'VPN will not connect', description: '' }))).toBe('UNAUTHORIZED');
  });
});

describe('"this solved it"', () => {
  it('records a deflection with the draft’s title, once per draft, and files no ticket', async () => {
    const before = await ticketsOf(demo.requester2);
    const { api: raj } = await api.signIn(demo.requester2);
    const wifi = await articleId('wifi-connection-problems');
    const draftKey = crypto.randomUUID();
    const deflection = await raj.kb.deflect.mutate({ articleId: wifi, title: '  Wi-Fi drops in the meeting rooms ', draftKey });
    expect(deflection).toMatchObject({ articleId: wifi, slug: 'wifi-connection-problems', articleTitle: 'Connect to the office Wi-Fi', title: 'Wi-Fi drops in the meeting rooms' });
    // A retried click of the same form: the same deflection, not a second one.
    expect((await raj.kb.deflect.mutate({ articleId: wifi, title: 'Wi-Fi drops in the meeting rooms', draftKey })).id).toBe(deflection.id);
    const rows = await api.db
      .select()
      .from(kbDeflections)
      .where(eq(kbDeflections.userId, api.userId(demo.requester2)));
    expect(rows.map((r) => [r.articleId, r.title, r.draftKey])).toEqual([[wifi, 'Wi-Fi drops in the meeting rooms', draftKey]]);
    expect(await ticketsOf(demo.requester2)).toBe(before);
  });

  it('refuses what is not a readable, published article, with a clear error', async () => {
    expect(await fieldError(requester.kb.deflect.mutate({ articleId: 'not-an-id', title: 'x' }), 'articleId')).toBe('BAD_REQUEST: must be an article id (UUID)');
    expect(await fieldError(requester.kb.deflect.mutate({ articleId: await articleId('wifi-connection-problems'), title: 'x'.repeat(201) }), 'title')).toBe(
      'BAD_REQUEST: must be at most 200 characters',
    );
    const runbook = await articleId('unlock-account-in-directory');
    expect(await outcome(requester.kb.deflect.mutate({ articleId: runbook, title: 'Locked out' }))).toBe('NOT_FOUND');
    expect(await outcome(requester.kb.deflect.mutate({ articleId: crypto.randomUUID(), title: 'Locked out' }))).toBe('NOT_FOUND');
    const draft = await insertArticle({ slug: `unfinished-${crypto.randomUUID().slice(0, 8)}`, title: 'Unfinished', body: 'Not yet.', visibility: 'everyone', status: 'draft' });
    expect(await fieldError(agent.kb.deflect.mutate({ articleId: draft.id, title: 'x' }), 'articleId')).toBe('BAD_REQUEST: Only a published article can answer a request.');
    expect(
      await api.db
        .select()
        .from(kbDeflections)
        .where(and(eq(kbDeflections.userId, api.userId(demo.requester)), eq(kbDeflections.articleId, runbook))),
    ).toEqual([]);
  });
});

describe('deflections in the report', () => {
  /** A day far from the other tests' deflections (recorded now). */
  const day = '2026-03-10';

  it('counts the period’s deflections in the organisation’s timezone, by the article’s department, with the top articles', async () => {
    const timezone = await organisationTimezone(api.db);
    const at = (local: string) => sql`(${local}::timestamp at time zone ${timezone})`;
    const ids = { vpn: await articleId('vpn-will-not-connect'), wifi: await articleId('wifi-connection-problems'), payslip: await articleId('payslips-and-bank-details') };
    const rita = api.userId(demo.requester);
    const record = (article: string, local: string) =>
      api.db.execute(sql`insert into kb_deflections (user_id, article_id, title, created_at) values (${rita}::uuid, ${article}::uuid, 'fixture', ${at(local)})`);
    await record(ids.vpn, `${day} 00:00:00`); // the first instant of the day: in
    await record(ids.vpn, `${day} 23:59:59`); // in
    await record(ids.wifi, `${day} 12:00:00`); // in
    await record(ids.payslip, `${day} 09:30:00`); // in, an HR article
    await record(ids.vpn, '2026-03-09 23:59:59.999'); // the day before: out
    await record(ids.wifi, '2026-03-11 00:00:00'); // the next day: out

    const admin = (await api.signIn(demo.admin)).api;
    const all = await admin.report.summary.query({ from: day, to: day });
    expect(all.deflections).toEqual({
      count: 4,
      topArticles: [
        { articleId: ids.vpn, slug: 'vpn-will-not-connect', title: 'VPN will not connect from home', deflections: 2 },
        { articleId: ids.wifi, slug: 'wifi-connection-problems', title: 'Connect to the office Wi-Fi', deflections: 1 },
        { articleId: ids.payslip, slug: 'payslips-and-bank-details', title: 'View your payslips and update your bank account', deflections: 1 },
      ],
    });
    // The figure agrees with the rows, over a longer period too.
    const [rows] = await api.db
      .select({ n: count() })
      .from(kbDeflections)
      .where(sql`${kbDeflections.createdAt} >= ${at('2026-03-09 00:00:00')} and ${kbDeflections.createdAt} < ${at('2026-03-12 00:00:00')}`);
    expect(rows!.n).toBe(6);
    expect((await admin.report.summary.query({ from: '2026-03-09', to: '2026-03-11' })).deflections?.count).toBe(rows!.n);

    // The IT supervisor: the IT articles' deflections only; a department filter narrows the same way.
    const supervisor = (await api.signIn(demo.supervisor)).api;
    expect((await supervisor.report.summary.query({ from: day, to: day })).deflections).toMatchObject({ count: 3 });
    expect((await admin.report.summary.query({ from: day, to: day, departmentId: [api.departmentId('hr')] })).deflections).toMatchObject({ count: 1 });
    // No figure where deflections have no value: an agent's own tickets, a filter by assignee or priority.
    expect((await agent.report.summary.query({ from: day, to: day })).deflections).toBeNull();
    expect((await admin.report.summary.query({ from: day, to: day, priority: ['high'] })).deflections).toBeNull();
  });

  it('counts what kb.deflect recorded today', async () => {
    const { api: rosa } = await api.signIn(demo.requester3);
    const admin = (await api.signIn(demo.admin)).api;
    const timezone = (await admin.report.summary.query({ from: day, to: day })).period.timezone;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
    const before = (await admin.report.summary.query({ from: today, to: today })).deflections!.count;
    await rosa.kb.deflect.mutate({ articleId: await articleId('vpn-will-not-connect'), title: 'VPN from home', draftKey: crypto.randomUUID() });
    await rosa.kb.deflect.mutate({ articleId: await articleId('vpn-will-not-connect'), title: 'VPN again', draftKey: crypto.randomUUID() });
    const report = await admin.report.summary.query({ from: today, to: today });
    expect(report.deflections!.count).toBe(before + 2);
    expect(report.deflections!.topArticles[0]).toMatchObject({ slug: 'vpn-will-not-connect' });
  });
});
