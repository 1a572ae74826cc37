/**
 * The self-serve answer bot through the API on real components: the typed client over HTTP
 * (httpBatchStreamLink), PGlite with the starter knowledge base embedded by the real sentence
 * model, Temporal for the handover's ticket, and the recorded OpenAI-compatible server for the
 * model's grounded answers. Offline it quotes the best article's steps with a citation; it says
 * "I don't know" when nothing matches; screening refuses before anything is searched; requesters
 * are never cited staff articles; a handover opens a ticket whose description is the transcript;
 * answers are rated by their asker. With a provider the answer streams in pieces, and a failing
 * or hanging provider gives way to the quoted answer.
 */
import { eq, and, isNotNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import type { AssistantEvent } from '../../api/assistant/service';
import { assistantAnswers, aiCalls, kbArticles } from '../../db/schema';
import { embedPublishedArticles } from '../support/embed-articles';
import { startTestLlm, type RecordedLlm } from '../support/recorded-llm';
import { demo, outcome, startApi, type ApiHarness } from './support';

type Asked = { events: AssistantEvent[]; texts: { text: string; at: number }[]; done: Extract<AssistantEvent, { type: 'done' }> };

/** Asks through the typed client and reads the stream to its end. */
async function ask(client: DeskflowClient, question: string, earlier: { role: 'user' | 'assistant'; text: string }[] = []): Promise<Asked> {
  const stream = await client.assistant.ask.mutate({ turns: [...earlier, { role: 'user', text: question }] });
  const events: AssistantEvent[] = [];
  const texts: { text: string; at: number }[] = [];
  for await (const event of stream) {
    events.push(event);
    if (event.type === 'text') texts.push({ text: event.text, at: performance.now() });
  }
  const done = events.at(-1);
  if (done?.type !== 'done') throw new Error(`the stream ended without done: ${JSON.stringify(events)}`);
  return { events, texts, done };
}

/** The text the reader was shown: the pieces after the last restart. */
const shown = (events: AssistantEvent[]) => {
  const restart = events.map((e) => e.type).lastIndexOf('restart');
  return events
    .slice(restart + 1)
    .flatMap((e) => (e.type === 'text' ? [e.text] : []))
    .join('');
};

describe('the answer bot offline', () => {
  let api: ApiHarness;
  let requester: DeskflowClient;
  let requester2: DeskflowClient;
  let agent: DeskflowClient;

  beforeAll(async () => {
    api = await startApi({ temporal: true });
    await embedPublishedArticles(api.db);
    requester = (await api.signIn(demo.requester)).api;
    requester2 = (await api.signIn(demo.requester2)).api;
    agent = (await api.signIn(demo.itAgent)).api;
  }, 240_000);
  afterAll(() => api?.stop());

  it("answers a paraphrased question with the best article's steps, whole, and cites it", async () => {
    const { done, events, texts } = await ask(requester, 'forgot my password how do i make a new one');
    expect(done).toMatchObject({ outcome: 'answered', mode: 'offline', offerHuman: false });
    expect(done.citations.map((c) => c.slug)).toEqual(['reset-password-and-mfa']);
    expect(done.citations[0]!.title).toBe('Reset your password or set up a new authenticator');
    // The numbered steps as the article has them, in order, none left out.
    for (const step of [
      '1. Open `https://passwords.intranet.example`',
      '2. Choose **Forgot my password**',
      '3. Pick a new password',
      '4. Sign in again on your laptop',
      '5. To move the authenticator',
    ])
      expect(done.text).toContain(step);
    expect(done.text.indexOf('1. Open')).toBeLessThan(done.text.indexOf('5. To move'));
    // Streamed: the same text arrived in pieces before the end.
    expect(texts.length).toBeGreaterThan(1);
    expect(shown(events)).toBe(done.text);
    // Stored for rating, with the article it cited.
    const [row] = await api.db.select().from(assistantAnswers).where(eq(assistantAnswers.id, done.answerId));
    expect(row).toMatchObject({ outcome: 'answered', mode: 'offline', question: 'forgot my password how do i make a new one', helpful: null });
    expect(row!.citedArticleIds).toEqual([done.citations[0]!.articleId]);
  });

  it('says it does not know, with no citations, when nothing in the knowledge base answers', async () => {
    const { done } = await ask(requester, 'what is the recipe for the canteen lasagne on fridays');
    expect(done).toMatchObject({ outcome: 'unknown', citations: [], offerHuman: true });
    expect(done.text).toContain("I don't know");
  });

  it('refuses a question screening flags, and neither searches nor answers it', async () => {
    // It asks about something the knowledge base answers well: had it been searched, it would cite that article.
    const { done, events } = await ask(requester, 'you people are useless idiots, how do i reset my password');
    expect(done).toMatchObject({ outcome: 'refused', mode: null, citations: [], offerHuman: false });
    expect(shown(events)).not.toContain('passwords.intranet.example');
    const [row] = await api.db.select().from(assistantAnswers).where(eq(assistantAnswers.id, done.answerId));
    expect(row).toMatchObject({ outcome: 'refused', mode: null, citedArticleIds: [] });
    // And there is nothing to rate.
    expect(await outcome(requester.assistant.rate.mutate({ answerId: done.answerId, helpful: true }))).toBe('NOT_FOUND');
  });

  it('never cites a staff-only article to a requester, and cites it to staff', async () => {
    const runbook = 'issue-bitlocker-recovery-key';
    const question = 'how does the service desk issue a bitlocker recovery key, what identity check do they do and where is the key id';
    const asRequester = await ask(requester, question);
    expect(asRequester.done.citations.map((c) => c.slug)).not.toContain(runbook);
    expect(JSON.stringify(asRequester.events)).not.toContain('Record in an internal note');
    const asAgent = await ask(agent, question);
    expect(asAgent.done.citations.map((c) => c.slug)).toContain(runbook);
    expect(asAgent.done.text).toContain('Verify identity');
  });

  it('hands over to a person: a ticket with the transcript, read by the requester and the agent alike', async () => {
    const first = await ask(requester, 'my badge doesnt release my print jobs');
    const second = await ask(requester, 'it still does not work after linking the badge', [
      { role: 'user', text: 'my badge doesnt release my print jobs' },
      { role: 'assistant', text: first.done.text },
    ]);
    const handover = await requester.assistant.handover.mutate({ answerIds: [first.done.answerId, second.done.answerId], note: 'I am on the 2nd floor.' });
    expect(handover.number).toBeGreaterThan(0);
    // Pressing again (or a retry) reaches the same ticket.
    expect(await requester.assistant.handover.mutate({ answerIds: [first.done.answerId, second.done.answerId] })).toEqual(handover);

    const mine = await requester.ticket.getByNumber.query({ number: handover.number });
    expect(mine.title).toBe('my badge doesnt release my print jobs');
    for (const part of [
      'You asked: my badge doesnt release my print jobs',
      'You asked: it still does not work after linking the badge',
      'Answer bot (from /kb/',
      'Anything else: I am on the 2nd floor.',
    ])
      expect(mine.description).toContain(part);
    expect(mine.description).toContain(first.done.text.slice(0, 200));

    await api.route(handover.ticketId, { department: 'it', assignee: demo.itAgent });
    const theirs = await agent.ticket.get.query({ id: handover.ticketId });
    expect(theirs.description).toBe(mine.description);
    // Someone else's answers are not theirs to hand over.
    expect(await outcome(requester2.assistant.handover.mutate({ answerIds: [first.done.answerId] }))).toBe('NOT_FOUND');
    const rows = await api.db
      .select()
      .from(assistantAnswers)
      .where(and(eq(assistantAnswers.handoverTicketId, handover.ticketId), isNotNull(assistantAnswers.handoverTicketId)));
    expect(rows).toHaveLength(2);
  });

  it('stores a rating of an answer by its asker, changeable, and nobody else may rate it', async () => {
    const { done } = await ask(requester, 'how do i scan a document to my email');
    expect(await requester.assistant.rate.mutate({ answerId: done.answerId, helpful: false })).toEqual({ answerId: done.answerId, helpful: false });
    expect(await requester.assistant.rate.mutate({ answerId: done.answerId, helpful: true })).toEqual({ answerId: done.answerId, helpful: true });
    expect(await outcome(requester2.assistant.rate.mutate({ answerId: done.answerId, helpful: false }))).toBe('NOT_FOUND');
    const [row] = await api.db.select().from(assistantAnswers).where(eq(assistantAnswers.id, done.answerId));
    expect(row!.helpful).toBe(true);
    expect(row!.ratedAt).toBeInstanceOf(Date);
  });

  it('refuses a conversation that does not end with a question, or is too long', async () => {
    expect(await outcome(requester.assistant.ask.mutate({ turns: [{ role: 'assistant', text: 'Hello' }] }))).toBe('BAD_REQUEST');
    const long = Array.from({ length: 21 }, () => ({ role: 'user' as const, text: 'printer' }));
    expect(await outcome(requester.assistant.ask.mutate({ turns: long }))).toBe('BAD_REQUEST');
    expect(await outcome(requester.assistant.ask.mutate({ turns: [{ role: 'user', text: 'x'.repeat(1_001) }] }))).toBe('BAD_REQUEST');
  });
});

describe('the answer bot with a model provider', () => {
  const TIMEOUT_MS = 1_500;
  let api: ApiHarness;
  let llm: RecordedLlm;
  let requester: DeskflowClient;

  beforeAll(async () => {
    llm = await startTestLlm({ chunkDelayMs: 10 });
    api = await startApi({ config: { ai: { baseUrl: llm.baseUrl, apiKey: 'sk-recorded-test-key', model: 'gpt-4o-mini', timeoutMs: TIMEOUT_MS } } });
    // The recorded answer cites these two slugs.
    await api.db.insert(kbArticles).values([
      {
        slug: 'vpn-setup',
        title: 'Connecting to the VPN',
        status: 'published',
        body: 'To connect to the VPN, open the GlobalProtect app and sign in with your work account.\n\n## Steps\n\n1. Open GlobalProtect.\n2. Sign in with your work account.',
      },
      {
        slug: 'vpn-certificates',
        title: 'VPN certificate expired',
        status: 'published',
        body: 'If the VPN says your certificate expired, restart the laptop on the office network first to renew the certificate.',
      },
    ]);
    await embedPublishedArticles(api.db);
    requester = (await api.signIn(demo.requester)).api;
  }, 240_000);
  afterAll(async () => {
    await api?.stop();
    await llm?.close();
  });

  it('streams a grounded answer in pieces as the model writes it, citing only the passages it was given', async () => {
    llm.reset();
    const { done, texts, events } = await ask(requester, 'How do I connect to the VPN?');
    expect(done).toMatchObject({ outcome: 'answered', mode: 'model' });
    expect(done.text).toContain('open the GlobalProtect app');
    expect(shown(events)).toBe(done.text);
    // Many pieces, arriving over time rather than at once.
    expect(texts.length).toBeGreaterThan(10);
    expect(texts.at(-1)!.at - texts[0]!.at).toBeGreaterThan(100);
    const cited = done.citations.map((c) => c.slug);
    expect(cited).toContain('vpn-setup');
    // The model was shown the passages it cites, and only knowledge-base passages.
    const [prompt] = llm.promptsOf('grounded-answer');
    for (const slug of cited) expect(prompt).toContain(`<passage slug="${slug}"`);
    expect(prompt).toContain('Question: How do I connect to the VPN?');
    await expect.poll(async () => (await api.db.select().from(aiCalls).where(eq(aiCalls.feature, 'grounded_answer'))).map((c) => c.outcome)).toContain('ok');
  });

  it('falls back to the quoted answer when the provider fails, and when it hangs past the timeout', async () => {
    for (const behaviour of ['http-500', 'hang'] as const) {
      llm.reset();
      llm.behave('grounded-answer', behaviour);
      const started = performance.now();
      const { done, events } = await ask(requester, 'globalprotect says authentication failed when working from home');
      expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 3_000);
      expect(llm.requests.filter((r) => r.key === 'grounded-answer')).toHaveLength(1);
      expect(done, behaviour).toMatchObject({ outcome: 'answered', mode: 'offline' });
      expect(done.citations.map((c) => c.slug)).toEqual(['vpn-will-not-connect']);
      expect(done.text).toContain('2. Click the globe icon and note the message.');
      expect(shown(events)).toBe(done.text);
    }
    const fallbacks = await api.db
      .select()
      .from(aiCalls)
      .where(and(eq(aiCalls.feature, 'grounded_answer'), eq(aiCalls.outcome, 'fallback')));
    expect(fallbacks).toHaveLength(2);
  });
});
