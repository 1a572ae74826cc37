import { boolean, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { assistantModes, assistantOutcomes } from '../../domain/vocabulary';
import { createdAt, timestamptz } from './columns';
import { users } from './org';
import { tickets } from './tickets';

/**
 * One row per answer of the self-serve answer bot (api/assistant/): the question, what was
 * answered and from which articles, how (offline extract or the model), and the asker's rating.
 * A handover to a person records the ticket it opened; its transcript is built from these rows,
 * never from text the client sends.
 */
export const assistantAnswers = pgTable(
  'assistant_answers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    answer: text('answer').notNull(),
    outcome: text('outcome', { enum: assistantOutcomes }).notNull(),
    /** null for a refused question (nothing was searched or answered). */
    mode: text('mode', { enum: assistantModes }),
    citedArticleIds: uuid('cited_article_ids').array().notNull().default([]),
    /** true helpful, false not helpful, null not rated (changeable). */
    helpful: boolean('helpful'),
    ratedAt: timestamptz('rated_at'),
    /** The ticket a handover opened with this answer in its transcript. */
    handoverTicketId: uuid('handover_ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('assistant_answers_user_created_idx').on(t.userId, t.createdAt)],
);

export type AssistantAnswerRow = typeof assistantAnswers.$inferSelect;
