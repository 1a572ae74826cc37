/**
 * AI usage for admins: per feature, the calls since a date with their tokens, latency (p50/p95),
 * fallbacks to the offline path and failed attempts; and the last 50 calls. Read from `ai_calls`,
 * which every AI step writes (worker activities, the API's streaming). No prompt or answer text
 * is stored, so none is shown.
 */
import { desc, eq, gte, sql } from 'drizzle-orm';
import type { z } from 'zod';
import { aiCalls, tickets } from '../../../db/schema';
import type { AiCallOutcome, AiFeature } from '../../../domain/vocabulary';
import type { AuthedContext } from '../../trpc';
import type { ZAiUsageInput } from './schemas';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const RECENT_CALLS = 50;

export type AiFeatureUsage = {
  feature: AiFeature;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  p50LatencyMs: number;
  p95LatencyMs: number;
  fallbacks: number;
  errors: number;
};

export type AiCallView = {
  id: number;
  feature: AiFeature;
  provider: string;
  model: string | null;
  ticket: { id: string; number: number } | null;
  promptTokens: number;
  completionTokens: number;
  latencyMs: number;
  outcome: AiCallOutcome;
  error: string | null;
  createdAt: Date;
};

export async function aiUsage(ctx: AuthedContext, input: z.output<typeof ZAiUsageInput>): Promise<{ since: Date; features: AiFeatureUsage[]; recent: AiCallView[] }> {
  const since = input.since ?? new Date(Date.now() - WEEK_MS);
  const rows = await ctx.db
    .select({
      feature: aiCalls.feature,
      calls: sql<number>`count(*)::int`,
      promptTokens: sql<number>`coalesce(sum(${aiCalls.promptTokens}), 0)::int`,
      completionTokens: sql<number>`coalesce(sum(${aiCalls.completionTokens}), 0)::int`,
      p50: sql<number>`coalesce(percentile_cont(0.5) within group (order by ${aiCalls.latencyMs}), 0)::float8`,
      p95: sql<number>`coalesce(percentile_cont(0.95) within group (order by ${aiCalls.latencyMs}), 0)::float8`,
      fallbacks: sql<number>`(count(*) filter (where ${aiCalls.outcome} = 'fallback'))::int`,
      errors: sql<number>`(count(*) filter (where ${aiCalls.outcome} = 'error'))::int`,
    })
    .from(aiCalls)
    .where(gte(aiCalls.createdAt, since))
    .groupBy(aiCalls.feature)
    .orderBy(aiCalls.feature);
  const recent = await ctx.db
    .select({
      id: aiCalls.id,
      feature: aiCalls.feature,
      provider: aiCalls.provider,
      model: aiCalls.model,
      ticketId: aiCalls.ticketId,
      ticketNumber: tickets.number,
      promptTokens: aiCalls.promptTokens,
      completionTokens: aiCalls.completionTokens,
      latencyMs: aiCalls.latencyMs,
      outcome: aiCalls.outcome,
      error: aiCalls.error,
      createdAt: aiCalls.createdAt,
    })
    .from(aiCalls)
    .leftJoin(tickets, eq(tickets.id, aiCalls.ticketId))
    .orderBy(desc(aiCalls.id))
    .limit(RECENT_CALLS);
  return {
    since,
    features: rows.map((r) => ({
      feature: r.feature,
      calls: Number(r.calls),
      promptTokens: Number(r.promptTokens),
      completionTokens: Number(r.completionTokens),
      p50LatencyMs: Math.round(Number(r.p50)),
      p95LatencyMs: Math.round(Number(r.p95)),
      fallbacks: Number(r.fallbacks),
      errors: Number(r.errors),
    })),
    recent: recent.map(({ ticketId, ticketNumber, ...call }) => ({ ...call, ticket: ticketId && ticketNumber !== null ? { id: ticketId, number: ticketNumber } : null })),
  };
}
