import { bigint, index, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { users } from './org';
import { comments, tickets } from './tickets';

/** People following a ticket. Requesters see the tickets they watch. */
export const ticketWatchers = pgTable(
  'ticket_watchers',
  {
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: 'ticket_watchers_pk', columns: [t.ticketId, t.userId] }), index('ticket_watchers_user_idx').on(t.userId)],
);

/** Every edit of a comment, with the text before and after (append-only). */
export const commentEdits = pgTable(
  'comment_edits',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    commentId: bigint('comment_id', { mode: 'number' })
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    editorId: uuid('editor_id').references(() => users.id, { onDelete: 'set null' }),
    oldBody: text('old_body').notNull(),
    newBody: text('new_body').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('comment_edits_comment_idx').on(t.commentId, t.id)],
);

/** Agents mentioned (@handle) in a comment. */
export const commentMentions = pgTable(
  'comment_mentions',
  {
    commentId: bigint('comment_id', { mode: 'number' })
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: 'comment_mentions_pk', columns: [t.commentId, t.userId] }), index('comment_mentions_user_idx').on(t.userId, t.createdAt)],
);
