/**
 * The AI steps as activities. The workflow bounds them (timeout, few retries) and on failure
 * calls the `*ByRules` fallbacks, which never depend on a provider. Two providers: `ai`, the
 * offline one (the trained model, rules, templates) that triages every ticket, and `model`, an
 * OpenAI-compatible endpoint when AI_BASE_URL is set, which screens, gives a second opinion on
 * unsure triage, drafts and suggests replies and summarises; without it all of that is offline.
 * Every step is recorded in `ai_calls` (tokens, latency, outcome).
 */
import { Context } from '@temporalio/activity';
import { and, asc, desc, eq, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { recordAiCall } from '../../db/ai-calls';
import { aiSuggestions, categories, comments, departments, ticketEvents, tickets, users, type Priority } from '../../db/schema';
import type { AiFeature } from '../../domain/vocabulary';
import { ticketWorkflowId } from '../../workflows/messages';
import type { AssistRequest, AssistResult, ScreeningResult, SecondOpinion, TriageResult } from '../../workflows/types';
import type { AiProvider, CallOptions, ConversationMessage, ProviderTriage, SummaryInput, SuggestReplyInput } from '../ai/provider';
import { createOfflineProvider } from '../ai/offline-provider';
import { draftFromTemplate } from '../ai/reply-templates';
import { rulesTriage } from '../ai/rules-triage';
import { screenByRules } from '../../domain/screening';

type TriageInput = { title: string; description: string; urgency: Priority; ticketId?: string };

/** The running activity's cancellation (worker shutdown, its timeout); none when called outside an activity (unit tests). */
function cancellation(): AbortSignal | undefined {
  try {
    return Context.current().cancellationSignal;
  } catch {
    return undefined;
  }
}

function attempt(): number {
  try {
    return Context.current().info.attempt;
  } catch {
    return 1;
  }
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error)).split('\n')[0]!;

export type AiActivityOptions = {
  /** The OpenAI-compatible provider (AI_BASE_URL); none: every step offline. */
  model?: AiProvider;
  /**
   * Attempts of a model call before the assistant activities answer offline instead (their
   * retry policy allows more: those are for the database). Each failed attempt is recorded.
   */
  modelAttempts?: number;
};

/** Conversation messages the assistant reads: public replies and internal notes; never deleted, held or rejected ones. */
const MAX_MESSAGES = 60;
const HISTORY_TICKETS = 5;

const DEFAULT_DEPARTMENT = 'it';
const MODEL_HR_CATEGORY = 'HR Support';
/** A category the model is at least this sure of outweighs HR words ("Cannot print payslips" is a printer problem). */
const SURE_CATEGORY = 0.8;

export function aiActivities(db: Db, provider: AiProvider | (() => AiProvider), options: AiActivityOptions = {}) {
  let resolved: AiProvider | undefined;
  const ai = () => (resolved ??= typeof provider === 'function' ? provider() : provider);
  const { model } = options;
  const modelAttempts = options.modelAttempts ?? 2;
  let offlineProvider: AiProvider | undefined;
  const offline = () => (offlineProvider ??= createOfflineProvider());

  /** A usage row; a failure to write it is not the step's failure (the answer matters more than its statistics). */
  async function record(row: {
    feature: AiFeature;
    provider: AiProvider | 'offline';
    ticketId?: string | null;
    started: number;
    outcome: 'ok' | 'fallback' | 'error';
    error?: string | null;
    promptTokens?: number;
    completionTokens?: number;
  }) {
    const p = row.provider === 'offline' ? null : row.provider;
    await recordAiCall(db, {
      feature: row.feature,
      provider: p?.name ?? 'offline',
      model: p?.model ?? null,
      ticketId: row.ticketId ?? null,
      promptTokens: row.promptTokens ?? 0,
      completionTokens: row.completionTokens ?? 0,
      latencyMs: performance.now() - row.started,
      outcome: row.outcome,
      error: row.error ?? null,
    }).catch(() => undefined);
  }

  /** Runs one provider call, recording its tokens, latency and outcome (`ok`, or `error` before rethrowing). */
  async function measured<T>(feature: AiFeature, ticketId: string | null | undefined, p: AiProvider, run: (options: CallOptions) => Promise<T>): Promise<T> {
    const usage = { promptTokens: 0, completionTokens: 0 };
    const started = performance.now();
    const options: CallOptions = {
      signal: cancellation(),
      onUsage: (u) => {
        usage.promptTokens += u.promptTokens;
        usage.completionTokens += u.completionTokens;
      },
    };
    try {
      const result = await run(options);
      await record({ feature, provider: p, ticketId, started, outcome: 'ok', ...usage });
      return result;
    } catch (error) {
      await record({ feature, provider: p, ticketId, started, outcome: 'error', error: message(error), ...usage });
      throw error;
    }
  }

  /**
   * A model step with the offline path as its fallback: the model while attempts remain (a failed
   * attempt is thrown, so Temporal retries it after its backoff), then the offline answer,
   * recorded as `fallback` with the last error.
   */
  async function withOfflineFallback<T>(feature: AiFeature, ticketId: string | null, viaModel: (p: AiProvider, options: CallOptions) => Promise<T>, viaOffline: () => Promise<T>): Promise<T> {
    if (!model) return measured(feature, ticketId, offline(), () => viaOffline());
    try {
      return await measured(feature, ticketId, model, (o) => viaModel(model, o));
    } catch (error) {
      if (attempt() < modelAttempts && !cancellation()?.aborted) throw error;
      const started = performance.now();
      const result = await viaOffline();
      await record({ feature, provider: 'offline', ticketId, started, outcome: 'fallback', error: message(error) });
      return result;
    }
  }

  /** What the assistant reads of a ticket: its fields, the whole conversation (notes too: staff only), status history, the requester's recent tickets. */
  async function ticketContext(ticketId: string, forUserId: string | null) {
    const [ticket] = await db
      .select({
        id: tickets.id,
        number: tickets.number,
        title: tickets.title,
        description: tickets.description,
        status: tickets.status,
        category: tickets.category,
        requesterId: tickets.requesterId,
        requesterName: users.name,
        assigneeId: tickets.assigneeId,
      })
      .from(tickets)
      .innerJoin(users, eq(users.id, tickets.requesterId))
      .where(eq(tickets.id, ticketId));
    if (!ticket) return null;
    const agentId = forUserId ?? ticket.assigneeId;
    const [agent] = agentId ? await db.select({ name: users.name }).from(users).where(eq(users.id, agentId)) : [];
    const messages = await db
      .select({ body: comments.body, internal: comments.internal, at: comments.createdAt, author: users.name, authorId: comments.authorId, role: users.role })
      .from(comments)
      .innerJoin(users, eq(users.id, comments.authorId))
      .where(and(eq(comments.ticketId, ticketId), isNull(comments.deletedAt), or(isNull(comments.reviewState), eq(comments.reviewState, 'released'))))
      .orderBy(desc(comments.id))
      .limit(MAX_MESSAGES);
    const conversation: ConversationMessage[] = messages.reverse().map((m) => ({
      author: m.author,
      side: m.authorId === ticket.requesterId || m.role === 'requester' ? 'requester' : 'staff',
      internal: m.internal,
      body: m.body,
      at: m.at.toISOString(),
    }));
    const statuses = await db
      .select({ value: ticketEvents.newValue, at: ticketEvents.createdAt })
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.field, 'status')))
      .orderBy(asc(ticketEvents.id));
    const history = await db
      .select({ number: tickets.number, title: tickets.title, status: tickets.status })
      .from(tickets)
      .where(and(eq(tickets.requesterId, ticket.requesterId), ne(tickets.id, ticketId)))
      .orderBy(desc(tickets.createdAt))
      .limit(HISTORY_TICKETS);
    const base = {
      ticketNumber: ticket.number,
      title: ticket.title,
      description: ticket.description,
      status: ticket.status,
      category: ticket.category,
      requesterName: ticket.requesterName,
      agentName: agent?.name ?? null,
      conversation,
    };
    return {
      base,
      statusHistory: statuses.filter((s) => typeof s.value === 'string').map((s) => ({ status: s.value as string, at: s.at.toISOString() })),
      requesterHistory: history,
    };
  }

  /** The department a category routes to: the categories table, else the default department. */
  async function departmentForCategory(category: string): Promise<string> {
    const [row] = await db
      .select({ slug: departments.slug })
      .from(categories)
      .innerJoin(departments, eq(departments.id, categories.departmentId))
      .where(eq(sql`lower(${categories.name})`, category.toLowerCase()));
    return row?.slug ?? DEFAULT_DEPARTMENT;
  }

  /**
   * The department, from the model's category and the words' own department vocabulary (HR,
   * facilities): the model was trained on IT-helpdesk topics only, so
   *   - facilities words decide on their own (the model has no facilities topics);
   *   - its "HR Support" (HR systems and office IT in its data; a fifth of its printer tickets)
   *     leads to HR only when the words speak of HR matters, else the ticket stays in IT;
   *   - HR words win over another category the model is unsure of (below 0.8);
   *   - otherwise the category's department (the categories table).
   */
  async function departmentFor(result: ProviderTriage): Promise<string> {
    const hint = result.departmentHint;
    if (!result.category) return hint ?? DEFAULT_DEPARTMENT;
    if (hint === 'facilities') return hint;
    if (result.category === MODEL_HR_CATEGORY) return hint === 'hr' ? hint : DEFAULT_DEPARTMENT;
    if (hint && result.confidence < SURE_CATEGORY) return hint;
    return departmentForCategory(result.category);
  }

  async function toTriageResult(result: ProviderTriage): Promise<TriageResult> {
    const departmentSlug = await departmentFor(result);
    return { departmentSlug, category: result.category, priority: result.priority, confidence: result.confidence, method: result.method, departmentHint: result.departmentHint };
  }

  return {
    /** Screening by the model when configured (its rules stay the floor), else offline. */
    async screenTicket(input: { title: string; description: string; ticketId?: string }): Promise<ScreeningResult> {
      const p = model ?? ai();
      return measured('screening', input.ticketId, p, (o) => p.screen({ title: input.title, description: input.description }, o));
    },

    async screenTicketByRules(input: { title: string; description: string; ticketId?: string }): Promise<ScreeningResult> {
      const started = performance.now();
      const result = screenByRules(input);
      await record({ feature: 'screening', provider: 'offline', ticketId: input.ticketId, started, outcome: 'fallback' });
      return result;
    },

    /** Triage by the offline model (the desk's minimum confidence is calibrated on it); `secondOpinion` when a model may be asked if it is unsure. */
    async triageTicket(input: TriageInput): Promise<TriageResult> {
      const p = ai();
      const result = await toTriageResult(await measured('triage', input.ticketId, p, (o) => p.triage({ title: input.title, description: input.description, urgency: input.urgency }, o)));
      return model ? { ...result, secondOpinion: true } : result;
    },

    async triageTicketByRules(input: TriageInput): Promise<TriageResult> {
      const started = performance.now();
      const rules = rulesTriage(input);
      await record({ feature: 'triage', provider: 'offline', ticketId: input.ticketId, started, outcome: 'fallback' });
      return { ...rules, departmentHint: rules.departmentSlug };
    },

    /**
     * The model's triage of a ticket the offline model was unsure of: adopted when it names one of
     * the desk's categories with more confidence than the offline model had. A failed call is
     * thrown (the workflow keeps the offline triage and audits the fallback).
     */
    async triageSecondOpinion(input: TriageInput & { ticketId: string; first: TriageResult }): Promise<SecondOpinion> {
      if (!model) return { provider: 'offline', model: null, category: null, confidence: 0, adopted: null };
      const known = (await db.select({ name: categories.name }).from(categories)).map((c) => c.name);
      const opinion = await measured('triage_second_opinion', input.ticketId, model, (o) =>
        model.triage({ title: input.title, description: input.description, urgency: input.urgency, categories: known }, o),
      );
      const better = opinion.category !== null && opinion.confidence > input.first.confidence;
      const adopted = better ? await toTriageResult({ ...opinion, departmentHint: input.first.departmentHint ?? opinion.departmentHint }) : null;
      return { provider: model.name, model: model.model ?? null, category: opinion.category, confidence: opinion.confidence, adopted };
    },

    /**
     * A suggested reply or a summary for staff (the assist workflow): the model with the offline
     * path as fallback. The result goes to the staff member who asked, never to the requester.
     */
    async assistTicket(input: AssistRequest): Promise<AssistResult> {
      const context = await ticketContext(input.ticketId, input.forUserId);
      if (!context) return { kind: input.kind, text: '', method: 'none', provider: 'none' };
      let used = 'offline';
      if (input.kind === 'suggest_reply') {
        const request: SuggestReplyInput = { ...context.base, requesterHistory: context.requesterHistory, knowledge: input.knowledge };
        const draft = await withOfflineFallback(
          'suggest_reply',
          input.ticketId,
          async (p, o) => {
            const result = await p.suggestReply(request, o);
            used = p.name;
            return result;
          },
          () => offline().suggestReply(request),
        );
        return { kind: input.kind, text: draft.body, method: draft.method, provider: used };
      }
      const request: SummaryInput = { ...context.base, statusHistory: context.statusHistory };
      const summary = await withOfflineFallback(
        'summary',
        input.ticketId,
        async (p, o) => {
          const result = await p.summarize(request, o);
          used = p.name;
          return result;
        },
        () => offline().summarize(request),
      );
      return { kind: input.kind, text: summary.text, method: summary.method, provider: used };
    },

    /** The assist workflow's last resort when assistTicket itself failed (e.g. timed out): offline, recorded as a fallback. */
    async assistTicketOffline(input: AssistRequest & { fallbackFrom: string }): Promise<AssistResult> {
      const started = performance.now();
      const context = await ticketContext(input.ticketId, input.forUserId);
      if (!context) return { kind: input.kind, text: '', method: 'none', provider: 'none' };
      const result =
        input.kind === 'suggest_reply'
          ? { text: (await offline().suggestReply({ ...context.base, requesterHistory: context.requesterHistory, knowledge: input.knowledge })).body, method: 'template' }
          : { text: (await offline().summarize({ ...context.base, statusHistory: context.statusHistory })).text, method: 'extractive' };
      await record({ feature: input.kind, provider: 'offline', ticketId: input.ticketId, started, outcome: 'fallback', error: input.fallbackFrom });
      return { kind: input.kind, ...result, provider: 'offline' };
    },

    /**
     * Drafts the first reply for the assignee and stores it (once per key). `fallbackFrom` (the
     * provider's failure) uses the offline template instead and audits the fallback.
     */
    async draftFirstReply(input: { ticketId: string; assigneeId: string; key: string; fallbackFrom?: string }): Promise<{ method: string; provider: string }> {
      const [ticket] = await db
        .select({ number: tickets.number, title: tickets.title, description: tickets.description, category: tickets.category, requesterName: users.name })
        .from(tickets)
        .innerJoin(users, eq(users.id, tickets.requesterId))
        .where(eq(tickets.id, input.ticketId));
      if (!ticket) return { method: 'none', provider: 'none' };
      const [agent] = await db.select({ name: users.name }).from(users).where(eq(users.id, input.assigneeId));
      const draftInput = {
        title: ticket.title,
        description: ticket.description,
        category: ticket.category,
        requesterName: ticket.requesterName,
        agentName: agent?.name ?? null,
        ticketNumber: ticket.number,
      };
      const fallback = input.fallbackFrom !== undefined;
      const drafter = model ?? ai();
      const started = performance.now();
      const draft = fallback
        ? { body: draftFromTemplate(draftInput), method: 'template' as const }
        : await measured('first_reply', input.ticketId, drafter, (o) => drafter.draftFirstReply(draftInput, o));
      if (fallback) await record({ feature: 'first_reply', provider: 'offline', ticketId: input.ticketId, started, outcome: 'fallback', error: input.fallbackFrom });
      const provider = fallback ? 'offline' : drafter.name;
      const key = `${ticketWorkflowId(ticket.number)}#${input.key}`;
      await db.transaction(async (tx) => {
        await tx
          .insert(aiSuggestions)
          .values({ ticketId: input.ticketId, kind: 'first_reply', forUserId: input.assigneeId, body: draft.body, provider, method: draft.method, dedupeKey: key })
          .onConflictDoNothing();
        if (fallback) {
          await tx
            .insert(ticketEvents)
            .values({
              ticketId: input.ticketId,
              kind: 'ai_fallback',
              field: 'first_reply',
              newValue: { step: 'first_reply', error: input.fallbackFrom, fallback: 'template' },
              source: 'workflow',
              reason: `drafting the first reply failed (${input.fallbackFrom}); used the offline template`,
              dedupeKey: `${key}/ai-fallback`,
            })
            .onConflictDoNothing();
        }
      });
      return { method: draft.method, provider };
    },
  };
}
