/**
 * The knowledge base through the API on real components (PGlite, the Temporal dev server with the
 * worker, the real sentence model): an article published by an agent is embedded by its workflow
 * and found by a paraphrase that shares none of its words; staff articles and drafts never reach
 * requesters; every save is a version with its author and note; votes are one per person.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { kbArticles } from '../../db/schema';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let agent: DeskflowClient;
let requester: DeskflowClient;
let requester2: DeskflowClient;

beforeAll(async () => {
  api = await startApi({ temporal: true });
  agent = (await api.signIn(demo.itAgent)).api;
  requester = (await api.signIn(demo.requester)).api;
  requester2 = (await api.signIn(demo.requester2)).api;
}, 180_000);
afterAll(() => api?.stop());

/** Waits until the article's current version is embedded (its workflow ran). */
async function embedded(id: string) {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [row] = await api.db.select({ version: kbArticles.version, embeddedVersion: kbArticles.embeddedVersion }).from(kbArticles).where(eq(kbArticles.id, id));
    if (row && row.embeddedVersion === row.version) return row;
    if (Date.now() > deadline) throw new Error(`article ${id} was not embedded (version ${row?.version}, embedded ${row?.embeddedVersion})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('the knowledge base', () => {
  it('finds a published article by a paraphrase once its embedding workflow ran', async () => {
    const article = await agent.kb.create.mutate({
      title: 'Kitchen coffee machine shows a descale warning',
      body: 'When the coffee machine on the third floor displays the descale symbol, run the cleaning cycle with one sachet of descaler from the cupboard under the sink. It takes 20 minutes.',
      tags: ['coffee', 'kitchen'],
      note: 'New article',
    });
    expect(article.status).toBe('draft');
    // A draft is not searched, not even by its own words.
    expect((await requester.kb.search.query({ q: 'descale coffee machine' })).map((h) => h.slug)).not.toContain(article.slug);
    await agent.kb.publish.mutate({ id: article.id });
    await embedded(article.id);
    const hits = await requester.kb.search.query({ q: 'the espresso maker upstairs is flashing a limescale light' });
    const hit = hits.find((h) => h.slug === article.slug);
    expect(hit, JSON.stringify(hits.slice(0, 3))).toBeDefined();
    expect(hit!.semanticRank).toBe(1);
    expect(hits.indexOf(hit!)).toBeLessThan(3);
    // Words alone find it too, ranked by full text.
    const lexical = await requester.kb.search.query({ q: 'descale', mode: 'lexical' });
    expect(lexical[0]).toMatchObject({ slug: article.slug, lexicalRank: 1, semanticRank: null });
  });

  it('keeps staff articles and drafts from requesters everywhere, and shows them to staff', async () => {
    const canary = `canary${crypto.randomUUID().replaceAll('-', '')}`;
    const staffOnly = await agent.kb.create.mutate({ title: `Runbook ${canary}`, body: `Internal steps ${canary}: reset the badge controller.`, visibility: 'staff', note: 'Runbook' });
    await agent.kb.publish.mutate({ id: staffOnly.id });
    const draft = await agent.kb.create.mutate({ title: `Draft ${canary}`, body: `Not ready ${canary}.` });
    await embedded(staffOnly.id);

    // Staff find and read both.
    expect((await agent.kb.search.query({ q: canary })).map((h) => h.slug)).toContain(staffOnly.slug);
    expect((await agent.kb.get.query({ slug: draft.slug })).status).toBe('draft');
    expect((await agent.kb.list.query({ status: 'draft', limit: 100 })).items.map((a) => a.id)).toContain(draft.id);

    // Requesters never see them: search (every mode), lists, reads, versions, votes, related, files.
    const { api: requesterRita } = await api.signIn(demo.requester);
    const ticket = await requesterRita.ticket.create.mutate({ title: `Badge controller ${canary}`, description: `Please reset the badge controller ${canary}.` });
    const answers: string[] = [];
    for (const mode of ['combined', 'lexical', 'semantic'] as const) answers.push(JSON.stringify(await requester.kb.search.query({ q: `${canary} badge controller runbook`, mode })));
    answers.push(JSON.stringify(await requester.kb.list.query({ limit: 100 })));
    answers.push(JSON.stringify(await requester.kb.categories.query()));
    answers.push(JSON.stringify(await requesterRita.kb.related.query({ ticketId: ticket.id })));
    expect(answers.join('\n')).not.toContain(canary);
    for (const article of [staffOnly, draft]) {
      expect(await outcome(requester.kb.get.query({ slug: article.slug }))).toBe('NOT_FOUND');
      expect(await outcome(requester.kb.versions.query({ id: article.id }))).toBe('NOT_FOUND');
      expect(await outcome(requester.kb.version.query({ id: article.id, version: 1 }))).toBe('NOT_FOUND');
      expect(await outcome(requester.kb.vote.mutate({ id: article.id, helpful: true }))).toBe('NOT_FOUND');
    }
    expect(await outcome(requester.kb.list.query({ status: 'draft' }))).toBe('FORBIDDEN');
    // The starter runbooks (staff) are not found by requesters either; staff find them.
    expect((await requester.kb.search.query({ q: 'unlock an account in the directory' })).map((h) => h.slug)).not.toContain('unlock-account-in-directory');
    expect((await agent.kb.search.query({ q: 'unlock an account in the directory' })).map((h) => h.slug)).toContain('unlock-account-in-directory');
    // Writing is staff's.
    expect(await outcome(requester.kb.create.mutate({ title: 'Mine', body: 'x' }))).toBe('FORBIDDEN');
    expect(await outcome(requester.kb.publish.mutate({ id: draft.id }))).toBe('FORBIDDEN');
  });

  it('saves every change as a version with its author and note, and refuses to overwrite a newer one', async () => {
    const { api: otto } = await api.signIn(demo.itAgent2);
    const article = await agent.kb.create.mutate({ title: 'Request a second monitor', body: 'Ask your manager.', note: 'First draft' });
    await otto.kb.update.mutate({ id: article.id, body: 'Open a ticket in Purchase with your manager in copy.', note: 'The real process', expectedVersion: 1 });
    expect(await outcome(agent.kb.update.mutate({ id: article.id, title: 'Stale edit', note: 'Mine', expectedVersion: 1 }))).toBe('CONFLICT');
    await agent.kb.update.mutate({ id: article.id, title: 'Request a second monitor or a dock', note: 'Docks too', expectedVersion: 2 });

    const versions = await agent.kb.versions.query({ id: article.id });
    expect(versions.map((v) => [v.version, v.note, v.author?.name])).toEqual([
      [3, 'Docks too', 'Ivy Iyer'],
      [2, 'The real process', 'Otto Okafor'],
      [1, 'First draft', 'Ivy Iyer'],
    ]);
    expect((await agent.kb.version.query({ id: article.id, version: 1 })).body).toBe('Ask your manager.');
    const current = await agent.kb.get.query({ slug: article.slug });
    expect(current).toMatchObject({ version: 3, title: 'Request a second monitor or a dock', body: 'Open a ticket in Purchase with your manager in copy.' });
    // The last save's workflow embeds the current version; earlier versions' runs store nothing over it.
    expect((await embedded(article.id)).embeddedVersion).toBe(3);
  });

  it('takes one changeable vote per person and counts a view once per person and day', async () => {
    const slug = 'wifi-connection-problems';
    const before = await requester.kb.get.query({ slug });
    const again = await requester.kb.get.query({ slug });
    expect(again.viewCount).toBe(before.viewCount);
    const other = await requester2.kb.get.query({ slug });
    expect(other.viewCount).toBe(before.viewCount + 1);

    await requester.kb.vote.mutate({ id: before.id, helpful: true });
    await requester2.kb.vote.mutate({ id: before.id, helpful: true });
    expect(await requester.kb.vote.mutate({ id: before.id, helpful: false })).toEqual({ helpfulCount: 1, notHelpfulCount: 1, myVote: 'not_helpful' });
    expect((await requester.kb.get.query({ slug })).myVote).toBe('not_helpful');
  });

  it("drafts an article from a ticket's description and staff's public replies, never its internal notes", async () => {
    const ticket = await requester.ticket.create.mutate({ title: 'Outlook keeps asking for my password', description: 'Since this morning Outlook asks for my password every ten minutes.' });
    await api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    await agent.comment.add.mutate({ ticketId: ticket.id, body: 'Remove the saved credentials in Credential Manager, then restart Outlook.' });
    await agent.comment.add.mutate({ ticketId: ticket.id, body: 'Internal: user had an old token, secret-note-123', internal: true });
    const draft = await agent.kb.draftFromTicket.mutate({ ticketId: ticket.id });
    const article = await agent.kb.get.query({ slug: draft.slug });
    expect(article).toMatchObject({ status: 'draft', title: 'Outlook keeps asking for my password', sourceTicketId: ticket.id });
    expect(article.body).toContain('Since this morning Outlook asks for my password');
    expect(article.body).toContain('Remove the saved credentials in Credential Manager');
    expect(article.body).not.toContain('secret-note-123');
    // Only staff of the ticket may: another department's agent is refused.
    const { api: hr } = await api.signIn(demo.hrAgent);
    expect(await outcome(hr.kb.draftFromTicket.mutate({ ticketId: ticket.id }))).toBe('NOT_FOUND');
  });

  it('serves an article image to whoever may read the article', async () => {
    const article = await agent.kb.create.mutate({ title: 'Where the printer is', body: 'See the floor plan.', visibility: 'staff' });
    const png = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'));
    const form = new FormData();
    form.append('file', new File([png], 'plan.png'));
    form.append('articleId', article.id);
    const file = await agent.kb.uploadFile.mutate(form);
    expect(file.markdown).toBe(`![plan.png](/kb/files/${file.id})`);
    const { token: agentToken } = await api.signIn(demo.itAgent);
    const { token: requesterToken } = await api.signIn(demo.requester);
    const asAgent = await fetch(`${api.url}${file.url}`, { headers: { authorization: `Bearer ${agentToken}` } });
    expect(asAgent.status).toBe(200);
    expect(asAgent.headers.get('content-type')).toBe('image/png');
    expect((await fetch(`${api.url}${file.url}`, { headers: { authorization: `Bearer ${requesterToken}` } })).status).toBe(404);
  });
});
