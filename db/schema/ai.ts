import { bigint, index, integer, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { aiFeatures, aiCallOutcomes } from '../../domain/vocabulary';
import { createdAt } from './columns';
import { tickets } from './tickets';

/**
 * One row per AI step the worker (or the API's streaming) ran: which feature, which provider
 * and model, its tokens and latency, and how it ended — `ok`, `fallback` (the offline path
 * answered instead) or `error` (an attempt failed; Temporal may retry it). Offline calls are
 * recorded too (provider 'offline', no tokens), so admins see every answer's source.
 */
export const aiCalls = pgTable(
  'ai_calls',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    feature: text('feature', { enum: aiFeatures }).notNull(),
    provider: text('provider').notNull(),
    model: text('model'),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    latencyMs: integer('latency_ms').notNull(),
    outcome: text('outcome', { enum: aiCallOutcomes }).notNull(),
    error: text('error'),
    createdAt: createdAt(),
  },
  (t) => [index('ai_calls_created_idx').on(t.createdAt), index('ai_calls_feature_created_idx').on(t.feature, t.createdAt)],
);

export type AiCallRow = typeof aiCalls.$inferSelect;
export type NewAiCallRow = typeof aiCalls.$inferInsert;
