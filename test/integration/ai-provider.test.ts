/**
 * The OpenAI-compatible provider over its real HTTP protocol: the AI SDK talks to a local server
 * that replays recorded chat completions (test/support/recorded-llm.ts), JSON and streamed. The
 * activities record every call in ai_calls and fall back to the offline path when the endpoint
 * fails (HTTP 500), hangs past AI_TIMEOUT_MS or answers malformed JSON. A suggested reply reads
 * the knowledge-base articles that match the ticket (api/ai/knowledge.ts, real sentence model).
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { streamGroundedAnswer } from '../../api/ai/grounded-answer';
import { knowledgePassagesForTicket, MAX_KNOWLEDGE_PASSAGES, ticketKnowledgeQuery } from '../../api/ai/knowledge';
import type { Database } from '../../db/client';
import { aiCalls, comments, kbArticles, ticketEvents, ticketIntake, tickets, users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { ConfigError, deskflowSettings } from '../../deskflow.config';
import { freshPglite } from '../../dev-support/databases';
import { articleEmbeddingText } from '../../domain/knowledge';
import { sentenceEmbedder, type SentenceEmbedder } from '../../lib/sentence-embedder';
import { aiActivities } from '../../worker/activities/ai';
import { createOfflineProvider } from '../../worker/ai/offline-provider';
import { createOpenAICompatibleProvider } from '../../worker/ai/openai-compatible-provider';
import type { AssistRequest } from '../../workflows/types';
import { startTestLlm, type RecordedLlm } from '../support/recorded-llm';

const API_KEY = 'sk-recorded-test-key';
const TIMEOUT_MS = 1500;

let database: Database;
let llm: RecordedLlm;
let activities: ReturnType<typeof aiActivities>;
const ids = new Map<string, string>();
let ticket: { id: string; number: number };

/** Runs an activity as Temporal would, on the given attempt (the model's last attempt is 2). */
const asActivity = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, args: A, attempt = 1): Promise<R> => new MockActivityEnvironment({ attempt }).run(fn, ...args) as Promise<R>;

const callsOf = (feature: string) =>
  database.db
    .select()
    .from(aiCalls)
    .where(eq(aiCalls.feature, feature as never))
    .orderBy(asc(aiCalls.id));

beforeAll(async () => {
  database = await freshPglite();
  await seedDemo(database.db, 'ai-provider-test-password');
  for (const u of await database.db.select({ id: users.id, email: users.email }).from(users)) ids.set(u.email, u.id);
  llm = await startTestLlm();
  const model = createOpenAICompatibleProvider({ baseUrl: llm.baseUrl, apiKey: API_KEY, model: 'gpt-4o-mini', timeoutMs: TIMEOUT_MS });
  activities = aiActivities(database.db, createOfflineProvider(), { model });

  const raj = ids.get('raj.requester@deskflow.test')!;
  const ivy = ids.get('ivy.it@deskflow.test')!;
  const fileTicket = async (title: string, status: 'in_progress' | 'resolved', assigneeId: string | null) => {
    const [intake] = await database.db.insert(ticketIntake).values({ requesterId: raj, idempotencyKey: crypto.randomUUID() }).returning();
    await database.db.insert(tickets).values({
      id: intake!.id,
      number: intake!.number,
      title,
      description: 'The docking station on my desk shows no picture on either monitor since this morning.',
      urgency: 'medium',
      priority: 'medium',
      status,
      category: 'Hardware',
      requesterId: raj,
      assigneeId,
      workflowId: `ticket-${intake!.number}`,
    });
    return { id: intake!.id, number: intake!.number };
  };
  await fileTicket('Keyboard missing keys', 'resolved', null);
  ticket = await fileTicket('Docking station: no picture', 'in_progress', ivy);
  await database.db.insert(comments).values([
    { ticketId: ticket.id, authorId: ivy, body: 'Could you send me the asset tag of the dock?', internal: false },
    { ticketId: ticket.id, authorId: ivy, body: 'SECRET-NOTE: this dock model has a recall, do not tell the requester yet.', internal: true },
    { ticketId: ticket.id, authorId: raj, body: 'Asset tag DK-2231. I already tried another cable, still nothing.', internal: false },
  ]);
  await database.db.insert(ticketEvents).values([
    { ticketId: ticket.id, kind: 'status_changed', field: 'status', newValue: 'assigned', source: 'workflow', dedupeKey: `t#${ticket.id}#1` },
    { ticketId: ticket.id, kind: 'status_changed', field: 'status', newValue: 'in_progress', source: 'workflow', dedupeKey: `t#${ticket.id}#2` },
  ]);
});

afterAll(async () => {
  await llm?.close();
  await database?.close();
});

beforeEach(() => llm.reset());

describe('the provider over HTTP', () => {
  it('screens and triages with JSON answers, sending the API key and the known categories', async () => {
    const screening = await asActivity(activities.screenTicket, [{ title: 'Docking station: no picture', description: 'Both monitors stay dark.', ticketId: ticket.id }]);
    expect(screening).toEqual({ flagged: false, flags: [], reason: expect.stringContaining('docking station'), method: 'model' });
    const request = llm.requests.find((r) => r.key === 'screen')!;
    expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.body.model).toBe('gpt-4o-mini');

    // Rules flag first: the model is not asked to clear obvious spam.
    const spam = await asActivity(activities.screenTicket, [{ title: 'Limited time offer', description: 'Buy now! Click here for casino bonuses' }]);
    expect(spam).toMatchObject({ flagged: true, method: 'rules' });
    expect(llm.requests.filter((r) => r.key === 'screen')).toHaveLength(1);

    const first = { departmentSlug: 'it', category: 'Miscellaneous', priority: 'medium' as const, confidence: 0.31, method: 'model' as const, departmentHint: null };
    const opinion = await asActivity(activities.triageSecondOpinion, [
      { ticketId: ticket.id, title: 'Docking station: no picture', description: 'Both monitors stay dark.', urgency: 'medium', first },
    ]);
    expect(opinion).toMatchObject({
      provider: 'openai-compatible',
      model: 'gpt-4o-mini',
      category: 'Hardware',
      confidence: 0.91,
      adopted: { category: 'Hardware', confidence: 0.91, departmentSlug: 'it', method: 'model' },
    });
    const [triagePrompt] = llm.promptsOf('triage');
    expect(triagePrompt).toContain('"Hardware"');
    expect(triagePrompt).toContain('"Access"');

    const screenCalls = await callsOf('screening');
    expect(screenCalls.map((c) => [c.provider, c.model, c.outcome, c.promptTokens, c.completionTokens])).toEqual([
      ['openai-compatible', 'gpt-4o-mini', 'ok', 231, 29],
      ['openai-compatible', 'gpt-4o-mini', 'ok', 0, 0],
    ]);
    expect((await callsOf('triage_second_opinion')).map((c) => [c.outcome, c.promptTokens, c.completionTokens, c.ticketId])).toEqual([['ok', 268, 18, ticket.id]]);
  });

  it("drafts a first reply through the model and stores it as the assignee's suggestion", async () => {
    const result = await asActivity(activities.draftFirstReply, [{ ticketId: ticket.id, assigneeId: ids.get('ivy.it@deskflow.test')!, key: 'first-reply-test' }]);
    expect(result).toEqual({ method: 'model', provider: 'openai-compatible' });
    expect((await callsOf('first_reply')).at(-1)).toMatchObject({ outcome: 'ok', promptTokens: 205, completionTokens: 44 });
  });

  it("suggests a reply from the whole conversation, the requester's history and the knowledge passages", async () => {
    const knowledge = [{ slug: 'dock-no-picture', title: 'Docking station shows no picture', excerpt: 'Update the dock firmware from the Software Center, then restart the dock.' }];
    const request: AssistRequest = { kind: 'suggest_reply', ticketId: ticket.id, forUserId: ids.get('ivy.it@deskflow.test')!, knowledge };
    const answer = await asActivity(activities.assistTicket, [request]);
    expect(answer).toMatchObject({ kind: 'suggest_reply', method: 'model', provider: 'openai-compatible', text: expect.stringContaining('firmware') });
    const [prompt] = llm.promptsOf('suggest-reply');
    expect(prompt).toContain('Could you send me the asset tag of the dock?');
    expect(prompt).toContain('Asset tag DK-2231');
    // Staff-only: the assistant reads internal notes, marked as such (the answer goes to staff only).
    expect(prompt).toContain('INTERNAL NOTE by Ivy Iyer: SECRET-NOTE');
    expect(prompt).toContain('Keyboard missing keys (resolved)');
    expect(prompt).toContain('[dock-no-picture] Docking station shows no picture');
    expect(prompt).toContain('Update the dock firmware');
    expect((await callsOf('suggest_reply')).at(-1)).toMatchObject({ provider: 'openai-compatible', outcome: 'ok', promptTokens: 612, completionTokens: 71, ticketId: ticket.id });
  });

  it('summarises a ticket for agents joining late', async () => {
    const answer = await asActivity(activities.assistTicket, [{ kind: 'summary', ticketId: ticket.id, forUserId: ids.get('otto.it@deskflow.test')!, knowledge: [] }]);
    expect(answer).toMatchObject({ method: 'model', text: expect.stringContaining('Open question') });
    const [prompt] = llm.promptsOf('summary');
    expect(prompt).toContain('Status history: assigned');
    expect(prompt).toContain('in_progress');
  });

  it('streams a grounded answer incrementally, citing passages, and records its usage', async () => {
    const slow = await startTestLlm({ chunkDelayMs: 15 });
    try {
      const result = streamGroundedAnswer(
        {
          question: 'How do I connect to the VPN?',
          passages: [
            { slug: 'vpn-setup', title: 'Connecting to the VPN', text: 'Open GlobalProtect and sign in with your work account.' },
            { slug: 'vpn-certificates', title: 'VPN certificate expired', text: 'Restart the laptop on the office network to renew the certificate.' },
          ],
        },
        { settings: { baseUrl: slow.baseUrl, apiKey: API_KEY, model: 'gpt-4o-mini', timeoutMs: 5000 }, db: database.db },
      );
      const parts: { text: string; at: number }[] = [];
      for await (const text of result.textStream) parts.push({ text, at: performance.now() });
      const answer = parts.map((p) => p.text).join('');
      expect(answer).toContain('[vpn-setup]');
      expect(answer).toContain('[vpn-certificates]');
      // Incrementally: many pieces, arriving over time rather than at once.
      expect(parts.length).toBeGreaterThan(10);
      expect(parts.at(-1)!.at - parts[0]!.at).toBeGreaterThan(100);
      expect(await result.totalUsage).toMatchObject({ inputTokens: 389, outputTokens: 47 });

      const request = slow.requests[0]!;
      expect(request.body.stream).toBe(true);
      expect(request.body.stream_options).toEqual({ include_usage: true });
      const system = request.body.messages[0]!.content as string;
      expect(system).toContain('ONLY the knowledge-base passages');
      expect(system).toContain("I don't know");
      expect(system).toContain('[vpn-setup]');
      expect(request.body.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('\n')).toContain('<passage slug="vpn-certificates"');
      await expect.poll(async () => (await callsOf('grounded_answer')).map((c) => [c.outcome, c.promptTokens, c.completionTokens])).toEqual([['ok', 389, 47]]);
    } finally {
      await slow.close();
    }
  });
});

describe('falling back to the offline path', () => {
  const staff = () => ids.get('ivy.it@deskflow.test')!;

  it('an HTTP 500: the attempt fails (Temporal retries it), the last attempt answers offline, both recorded', async () => {
    llm.behave('suggest-reply', 'http-500');
    const request: AssistRequest = { kind: 'suggest_reply', ticketId: ticket.id, forUserId: staff(), knowledge: [] };
    await expect(asActivity(activities.assistTicket, [request], 1)).rejects.toThrow(/server had an error/i);
    const answer = await asActivity(activities.assistTicket, [request], 2);
    // The offline template: today's first-reply draft for the category.
    expect(answer).toMatchObject({ method: 'template', provider: 'offline', text: expect.stringContaining('asset tag or model of the device') });
    expect(answer.text).not.toContain('SECRET-NOTE');
    const calls = (await callsOf('suggest_reply')).slice(-3);
    expect(calls.map((c) => [c.provider, c.outcome])).toEqual([
      ['openai-compatible', 'error'],
      ['openai-compatible', 'error'],
      ['offline', 'fallback'],
    ]);
    expect(calls[2]!.error).toMatch(/server had an error/i);
  });

  it('a hang past AI_TIMEOUT_MS: abandoned in time, answered by the extractive summary', async () => {
    llm.behave('summary', 'hang');
    const started = performance.now();
    const answer = await asActivity(activities.assistTicket, [{ kind: 'summary', ticketId: ticket.id, forUserId: staff(), knowledge: [] }], 2);
    expect(performance.now() - started).toBeLessThan(TIMEOUT_MS + 1500);
    expect(answer.method).toBe('extractive');
    expect(answer.text).toContain('Ticket #');
    expect(answer.text).toContain('Docking station: no picture');
    expect(answer.text).toContain('Raj Rao asked: The docking station on my desk');
    expect(answer.text).toContain('Last message from the requester');
    expect(answer.text).toContain('Asset tag DK-2231');
    expect(answer.text).toContain('Status history: assigned');
    const [error, fallback] = (await callsOf('summary')).slice(-2);
    expect(error).toMatchObject({ provider: 'openai-compatible', outcome: 'error' });
    expect(error!.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(fallback).toMatchObject({ provider: 'offline', outcome: 'fallback', promptTokens: 0, completionTokens: 0 });
  });

  it('malformed JSON: screening fails (the workflow screens by rules), the second opinion fails (the offline triage stays)', async () => {
    llm.behave('screen', 'malformed-json');
    llm.behave('triage', 'malformed-json');
    await expect(asActivity(activities.screenTicket, [{ title: 'Docking station: no picture', description: 'Both monitors stay dark.', ticketId: ticket.id }])).rejects.toThrow();
    const first = { departmentSlug: 'it', category: 'Miscellaneous', priority: 'medium' as const, confidence: 0.31, method: 'model' as const };
    await expect(asActivity(activities.triageSecondOpinion, [{ ticketId: ticket.id, title: 'x', description: 'y', urgency: 'medium', first }])).rejects.toThrow();
    expect((await callsOf('screening')).at(-1)).toMatchObject({ outcome: 'error', error: expect.any(String) });
    expect((await callsOf('triage_second_opinion')).at(-1)).toMatchObject({ outcome: 'error' });
    // The workflow's fallback activity records that the offline path answered.
    expect(await asActivity(activities.screenTicketByRules, [{ title: 'Docking station: no picture', description: 'Both monitors stay dark.', ticketId: ticket.id }])).toMatchObject({
      flagged: false,
    });
    expect((await callsOf('screening')).at(-1)).toMatchObject({ provider: 'offline', outcome: 'fallback' });
  });

  it('without a model every assistant answer is offline and recorded with no tokens', async () => {
    const offlineOnly = aiActivities(database.db, createOfflineProvider());
    const answer = await asActivity(offlineOnly.assistTicket, [{ kind: 'summary', ticketId: ticket.id, forUserId: staff(), knowledge: [] }]);
    expect(answer).toMatchObject({ method: 'extractive', provider: 'offline' });
    expect((await callsOf('summary')).at(-1)).toMatchObject({ provider: 'offline', model: null, outcome: 'ok', promptTokens: 0, completionTokens: 0 });
    expect((await offlineOnly.triageTicket({ title: 'Laptop will not boot', description: 'Black screen', urgency: 'high' })).secondOpinion).toBeUndefined();
    expect(llm.requests).toHaveLength(0);
  });
});

describe('the knowledge base in suggested replies', () => {
  let embedder: SentenceEmbedder;
  // The starter articles, embedded as the embedding activity would (seedDemo without a model leaves them without vectors).
  beforeAll(async () => {
    embedder = await sentenceEmbedder();
    const articles = await database.db.select().from(kbArticles);
    const vectors = await embedder.embed(articles.map((a) => articleEmbeddingText(a)));
    for (const [i, a] of articles.entries()) await database.db.update(kbArticles).set({ embedding: vectors[i], embeddedVersion: a.version }).where(eq(kbArticles.id, a.id));
  }, 240_000);

  it("finds the articles that answer the ticket (title and latest messages, words and meaning) and grounds the suggested reply's prompt in them", async () => {
    const [row] = await database.db.select({ id: tickets.id, title: tickets.title, description: tickets.description }).from(tickets).where(eq(tickets.id, ticket.id));
    expect(await ticketKnowledgeQuery(database.db, row!)).toMatch(/^Docking station: no picture\nAsset tag DK-2231[^]*asset tag of the dock\?\nThe docking station on my desk/);
    expect(await ticketKnowledgeQuery(database.db, row!)).not.toContain('SECRET-NOTE');
    const passages = await knowledgePassagesForTicket(database.db, row!, embedder);
    expect(passages[0]).toMatchObject({ slug: 'dock-monitor-headset-and-camera', title: 'Docking station, monitors, headset or webcam not working' });
    expect(passages.length).toBeLessThanOrEqual(MAX_KNOWLEDGE_PASSAGES);
    expect(passages[0]!.excerpt.length).toBeGreaterThan(100);
    expect(passages[0]!.excerpt).not.toMatch(/[#*`]/);

    const answer = await asActivity(activities.assistTicket, [{ kind: 'suggest_reply', ticketId: ticket.id, forUserId: ids.get('ivy.it@deskflow.test')!, knowledge: passages }]);
    expect(answer).toMatchObject({ method: 'model', provider: 'openai-compatible' });
    const [prompt] = llm.promptsOf('suggest-reply');
    expect(prompt).toContain('[dock-monitor-headset-and-camera] Docking station, monitors, headset or webcam not working');
    expect(prompt).toContain(passages[0]!.excerpt);
  });
});

describe('configuration', () => {
  it('stays offline without AI_BASE_URL and explains what is missing or wrong', () => {
    expect(deskflowSettings({}).ai).toBeNull();
    expect(deskflowSettings({ AI_BASE_URL: 'http://127.0.0.1:11434/v1/', AI_MODEL: 'llama3.1:8b' }).ai).toEqual({
      baseUrl: 'http://127.0.0.1:11434/v1',
      apiKey: null,
      model: 'llama3.1:8b',
      timeoutMs: 20_000,
    });
    expect(() => deskflowSettings({ AI_BASE_URL: 'http://127.0.0.1:11434/v1' })).toThrow(
      new ConfigError('AI_MODEL: must be set with AI_BASE_URL, to the model name the endpoint serves (e.g. gpt-4o-mini)'),
    );
    expect(() => deskflowSettings({ AI_MODEL: 'gpt-4o-mini' })).toThrow(/AI_BASE_URL: not set/);
    expect(() => deskflowSettings({ AI_BASE_URL: 'not a url', AI_MODEL: 'm' })).toThrow(/AI_BASE_URL: must be the endpoint's http:\/\/ or https:\/\/ base URL/);
    expect(() => deskflowSettings({ AI_BASE_URL: 'ftp://models.example/v1', AI_MODEL: 'm' })).toThrow(/AI_BASE_URL: must be the endpoint's http:\/\/ or https:\/\/ base URL/);
    expect(() => deskflowSettings({ AI_BASE_URL: 'http://x/v1', AI_MODEL: 'm', AI_TIMEOUT_MS: '10' })).toThrow(/AI_TIMEOUT_MS: must be at least 500/);
  });
});
