/**
 * The self-serve answer bot: answers a question from the knowledge base only, with citations, as
 * a stream of events (router `assistant.ask`, a streaming mutation: httpBatchStreamLink).
 *
 *   1. The question is screened (domain/screening.ts): flagged, it is refused politely and
 *      nothing is searched or answered.
 *   2. The knowledge base is searched with the caller's audience (requesters: published
 *      articles for everyone). Below ANSWER_SCORE_THRESHOLD the bot says it does not know and
 *      offers a person.
 *   3. Offline (no AI_BASE_URL) it quotes the best article's matching steps and passages
 *      (extract.ts); with a provider it streams a grounded answer over the best articles
 *      (api/ai/grounded-answer.ts) and falls back to the quote when the provider fails or times out.
 *
 * Every answer is a row of assistant_answers (rated later by its asker); a handover opens a ticket
 * whose description is the transcript built from those rows.
 */
import { TRPCError } from '@trpc/server';
import { and, asc, eq, inArray, ne } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { recordAiCall } from '../../db/ai-calls';
import { assistantAnswers, kbArticles } from '../../db/schema';
import type { AiModelSettings } from '../../deskflow.config';
import { screenMessage } from '../../domain/screening';
import type { AssistantMode, AssistantOutcome } from '../../domain/vocabulary';
import type { Logger } from '../../lib/logger';
import { streamGroundedAnswer, type GroundedPassage } from '../ai/grounded-answer';
import type { SessionUser } from '../auth/session';
import { audienceOf } from '../knowledge/service';
import { ANSWER_SCORE_THRESHOLD, searchKnowledge, type KnowledgeHit } from '../knowledge/search';
import { createTicket, type TicketCreator } from '../tickets/service';
import type { ApiServices } from '../trpc';
import { extractAnswer } from './extract';

export type AssistantDeps = TicketCreator & { logger: Logger; services: ApiServices };

export type ConversationTurn = { role: 'user' | 'assistant'; text: string };

export type AssistantCitation = { articleId: string; slug: string; title: string };

/**
 * What `assistant.ask` streams: pieces of the answer's text as they come; `restart` when the
 * text so far is withdrawn (the provider failed mid-answer; the quoted answer follows); then one
 * `done` with the whole answer, its citations and the id to rate it or hand it over by.
 */
export type AssistantEvent =
  | { type: 'text'; text: string }
  | { type: 'restart'; reason: string }
  | { type: 'done'; answerId: string; outcome: AssistantOutcome; mode: AssistantMode | null; text: string; citations: AssistantCitation[]; offerHuman: boolean };

/** How many of the best articles a grounded answer reads, and how much of each (prompt size). */
const MAX_PASSAGES = 3;
const MAX_PASSAGE_CHARS = 4_000;

export const UNKNOWN_ANSWER =
  "I don't know: nothing in the knowledge base answers that well enough, and I only answer from it. A person from the service desk can help: choose “Talk to a person” and I will open a ticket with this conversation.";
const REFUSED_ANSWER = 'I can’t help with that message here, so I haven’t searched for it. If you need something from the service desk, please ask again in other words, or talk to a person.';
const REFUSED_SELF_HARM =
  'I’m only a knowledge-base search, so I can’t help with this here, but you don’t have to deal with it alone. Please talk to someone you trust, your manager or HR, or, if you are in danger now, call your local emergency number.';

/** The question: the conversation's last turn, which must be the asker's. */
function questionOf(turns: ConversationTurn[]): string {
  const last = turns.at(-1);
  if (!last || last.role !== 'user') throw new TRPCError({ code: 'BAD_REQUEST', message: 'The conversation must end with your question.' });
  return last.text.trim();
}

/**
 * Searches with the question; when it alone matches nothing well (a follow-up such as "and on my
 * phone?"), once more with the asker's previous questions in front of it.
 */
async function searchForQuestion(deps: AssistantDeps, user: SessionUser, turns: ConversationTurn[], question: string): Promise<KnowledgeHit[]> {
  const embedder = await deps.services.knowledgeEmbedder();
  const search = (text: string) => searchKnowledge({ db: deps.db, embedder }, text, { audience: audienceOf(user), limit: MAX_PASSAGES + 2 });
  const hits = await search(question);
  if ((hits[0]?.score ?? 0) >= ANSWER_SCORE_THRESHOLD) return hits;
  const earlier = turns
    .slice(0, -1)
    .filter((t) => t.role === 'user')
    .slice(-2)
    .map((t) => t.text);
  if (earlier.length === 0) return hits;
  const withContext = await search(`${earlier.join(' ')} ${question}`);
  return (withContext[0]?.score ?? 0) > (hits[0]?.score ?? 0) ? withContext : hits;
}

async function saveAnswer(db: Db, row: { userId: string; question: string; answer: string; outcome: AssistantOutcome; mode: AssistantMode | null; citations: AssistantCitation[] }) {
  const [saved] = await db
    .insert(assistantAnswers)
    .values({ userId: row.userId, question: row.question, answer: row.answer, outcome: row.outcome, mode: row.mode, citedArticleIds: row.citations.map((c) => c.articleId) })
    .returning({ id: assistantAnswers.id });
  return saved!.id;
}

/** The answer's text in a few pieces (its blocks), so the offline answer streams like the model's. */
function* piecesOf(text: string): Generator<string> {
  const blocks = text.split(/(?<=\n\n)/);
  for (const block of blocks) yield block;
}

const citedSlugs = (text: string) => new Set([...text.matchAll(/\[([a-z0-9]+(?:-[a-z0-9]+)*)\]/g)].map((m) => m[1]!));

export async function* askAssistant(deps: AssistantDeps, user: SessionUser, turns: ConversationTurn[], signal?: AbortSignal): AsyncGenerator<AssistantEvent> {
  const question = questionOf(turns);
  const done = async function (outcome: AssistantOutcome, mode: AssistantMode | null, text: string, citations: AssistantCitation[]): Promise<AssistantEvent> {
    const answerId = await saveAnswer(deps.db, { userId: user.id, question, answer: text, outcome, mode, citations });
    return { type: 'done', answerId, outcome, mode, text, citations, offerHuman: outcome === 'unknown' };
  };

  const screening = screenMessage(question);
  if (screening.flagged) {
    const text = screening.reason.includes('self-harm') ? REFUSED_SELF_HARM : REFUSED_ANSWER;
    yield { type: 'text', text };
    yield await done('refused', null, text, []);
    return;
  }

  const hits = (await searchForQuestion(deps, user, turns, question)).filter((hit) => hit.score >= ANSWER_SCORE_THRESHOLD);
  const provider = deps.services.config.ai;
  if (hits.length === 0) {
    yield { type: 'text', text: UNKNOWN_ANSWER };
    yield await done('unknown', provider ? 'model' : 'offline', UNKNOWN_ANSWER, []);
    return;
  }
  const articles = await deps.db
    .select({ id: kbArticles.id, slug: kbArticles.slug, title: kbArticles.title, body: kbArticles.body })
    .from(kbArticles)
    .where(
      inArray(
        kbArticles.id,
        hits.slice(0, MAX_PASSAGES).map((h) => h.articleId),
      ),
    );
  const ranked = hits.flatMap((hit) => articles.filter((a) => a.id === hit.articleId));
  const best = ranked[0]!;
  const extract = () => {
    const text = `From “${best.title}”:\n\n${extractAnswer(best, question).text}`;
    return { text, citations: [{ articleId: best.id, slug: best.slug, title: best.title }] };
  };

  if (!provider) {
    const { text, citations } = extract();
    for (const piece of piecesOf(text)) yield { type: 'text', text: piece };
    yield await done('answered', 'offline', text, citations);
    return;
  }

  const streamed = yield* groundedAnswer(deps, provider, question, ranked, signal);
  if (streamed.ok) {
    const cited = citedSlugs(streamed.text);
    const citations = ranked.filter((a) => cited.has(a.slug)).map((a) => ({ articleId: a.id, slug: a.slug, title: a.title }));
    const unknown = citations.length === 0 && /\bI don[’']?t know\b/i.test(streamed.text);
    // An answer that cites nothing was still written from these passages only: it cites the best one.
    yield await done(unknown ? 'unknown' : 'answered', 'model', streamed.text, unknown ? [] : citations.length > 0 ? citations : [{ articleId: best.id, slug: best.slug, title: best.title }]);
    return;
  }
  if (signal?.aborted) return;
  // The provider failed or timed out: the quoted answer instead, recorded as the offline path answering.
  await recordAiCall(deps.db, { feature: 'grounded_answer', provider: 'offline', model: null, ticketId: null, latencyMs: 0, outcome: 'fallback', error: streamed.error }).catch(() => undefined);
  if (streamed.text) yield { type: 'restart', reason: 'The model stopped answering; here is what the knowledge base says.' };
  const { text, citations } = extract();
  for (const piece of piecesOf(text)) yield { type: 'text', text: piece };
  yield await done('answered', 'offline', text, citations);
}

type GroundedResult = { ok: true; text: string } | { ok: false; text: string; error: string };

/** Streams the provider's grounded answer as text events; says how it ended. */
async function* groundedAnswer(
  deps: AssistantDeps,
  settings: AiModelSettings,
  question: string,
  articles: { slug: string; title: string; body: string }[],
  signal?: AbortSignal,
): AsyncGenerator<AssistantEvent, GroundedResult> {
  const passages: GroundedPassage[] = articles.map((a) => ({ slug: a.slug, title: a.title, text: a.body.slice(0, MAX_PASSAGE_CHARS) }));
  let text = '';
  try {
    const result = streamGroundedAnswer({ question, passages }, { settings, signal, db: deps.db });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta' && part.text) {
        text += part.text;
        yield { type: 'text', text: part.text };
      } else if (part.type === 'error') {
        return { ok: false, text, error: part.error instanceof Error ? part.error.message : String(part.error) };
      } else if (part.type === 'abort') {
        return { ok: false, text, error: `aborted after ${settings.timeoutMs} ms or by the reader` };
      }
    }
  } catch (error) {
    deps.logger.warn({ err: error }, 'grounded answer failed: answering from the article instead');
    return { ok: false, text, error: error instanceof Error ? error.message : String(error) };
  }
  if (!text.trim()) return { ok: false, text, error: 'the model answered nothing' };
  return { ok: true, text };
}

/** Helpful or not, by the person who asked; changeable. Refused questions have nothing to rate. */
export async function rateAnswer(db: Db, user: SessionUser, input: { answerId: string; helpful: boolean }) {
  const [row] = await db
    .update(assistantAnswers)
    .set({ helpful: input.helpful, ratedAt: new Date() })
    .where(and(eq(assistantAnswers.id, input.answerId), eq(assistantAnswers.userId, user.id), ne(assistantAnswers.outcome, 'refused')))
    .returning({ id: assistantAnswers.id, helpful: assistantAnswers.helpful });
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: 'That answer was not found among yours (or it cannot be rated).' });
  return { answerId: row.id, helpful: row.helpful! };
}

const MAX_TRANSCRIPT_ANSWER_CHARS = 3_000;
const MAX_DESCRIPTION_CHARS = 19_000;

/** The ticket's description: the conversation as it happened (from the stored answers), then the asker's note. */
export function transcriptOf(rows: { question: string; answer: string; outcome: AssistantOutcome; citedSlugs: string[] }[], note: string | null): string {
  const parts = ['Opened from Get help (the self-serve answer bot). The conversation so far:'];
  for (const row of rows) {
    parts.push(`You asked: ${row.question}`);
    const answer = row.answer.length > MAX_TRANSCRIPT_ANSWER_CHARS ? `${row.answer.slice(0, MAX_TRANSCRIPT_ANSWER_CHARS)}…` : row.answer;
    const sources = row.citedSlugs.length > 0 ? ` (from ${row.citedSlugs.map((slug) => `/kb/${slug}`).join(', ')})` : '';
    parts.push(`Answer bot${sources}: ${answer}`);
  }
  if (note) parts.push(`Anything else: ${note}`);
  const text = parts.join('\n\n');
  return text.length > MAX_DESCRIPTION_CHARS ? `${text.slice(0, MAX_DESCRIPTION_CHARS)}…` : text;
}

/**
 * Opens a ticket for the asker with the transcript of these answers (theirs only) as its
 * description, so the requester and the agents read the same conversation. Idempotent per last
 * answer: handing over again returns the same ticket.
 */
export async function handOver(deps: AssistantDeps, input: { answerIds: string[]; note?: string | undefined }) {
  const ids = [...new Set(input.answerIds)];
  const rows = await deps.db
    .select()
    .from(assistantAnswers)
    .where(and(inArray(assistantAnswers.id, ids), eq(assistantAnswers.userId, deps.user.id)))
    .orderBy(asc(assistantAnswers.createdAt));
  if (rows.length !== ids.length) throw new TRPCError({ code: 'NOT_FOUND', message: 'Some of these answers were not found among yours.' });
  const last = rows.at(-1)!;
  const cited = [...new Set(rows.flatMap((r) => r.citedArticleIds))];
  const slugs = new Map(
    cited.length > 0 ? (await deps.db.select({ id: kbArticles.id, slug: kbArticles.slug }).from(kbArticles).where(inArray(kbArticles.id, cited))).map((a) => [a.id, a.slug] as const) : [],
  );
  const firstQuestion = rows[0]!.question.replace(/\s+/g, ' ').trim();
  const title = firstQuestion.length > 3 ? (firstQuestion.length > 150 ? `${firstQuestion.slice(0, 150)}…` : firstQuestion) : 'Help requested from Get help';
  const description = transcriptOf(
    rows.map((r) => ({ question: r.question, answer: r.answer, outcome: r.outcome, citedSlugs: r.citedArticleIds.flatMap((id) => slugs.get(id) ?? []) })),
    input.note?.trim() || null,
  );
  // The last answer's id keys the ticket: a second press (or a retry) reaches the same one.
  const ticket = await createTicket(deps, { title, description, idempotencyKey: `assistant-handover:${last.id}` });
  await deps.db.update(assistantAnswers).set({ handoverTicketId: ticket.id }).where(inArray(assistantAnswers.id, ids));
  return { ticketId: ticket.id, number: ticket.number };
}
