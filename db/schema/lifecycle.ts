import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { emailDeliveries } from '../../domain/vocabulary';
import { createdAt, timestamptz, updatedAt } from './columns';
import { users } from './org';
import { tickets } from './tickets';

export const ticketLinkKinds = ['duplicate_of', 'child_of', 'related_to'] as const;
export type TicketLinkKind = (typeof ticketLinkKinds)[number];
export const ticketLinkKindEnum = pgEnum('ticket_link_kind', ticketLinkKinds);

/** `ticket` is a duplicate of / child of / related to `target`. Written by the workflows' activities. */
export const ticketLinks = pgTable(
  'ticket_links',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    targetTicketId: uuid('target_ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: ticketLinkKindEnum('kind').notNull(),
    createdById: uuid('created_by_id').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('ticket_links_key').on(t.ticketId, t.kind, t.targetTicketId),
    // A ticket has at most one parent and is merged into at most one primary.
    uniqueIndex('ticket_links_one_parent_key')
      .on(t.ticketId)
      .where(sql`${t.kind} = 'child_of'`),
    uniqueIndex('ticket_links_one_primary_key')
      .on(t.ticketId)
      .where(sql`${t.kind} = 'duplicate_of'`),
    index('ticket_links_target_idx').on(t.targetTicketId, t.kind),
  ],
);

/** Persisted notifications (SLA warnings and breaches, assignments, escalations). Written once per dedupe key. */
export const notifications = pgTable(
  'notifications',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    data: jsonb('data').$type<Record<string, unknown>>().notNull().default({}),
    dedupeKey: text('dedupe_key').notNull(),
    readAt: timestamptz('read_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('notifications_dedupe_key').on(t.dedupeKey),
    index('notifications_user_idx').on(t.userId, t.readAt, t.id),
    index('notifications_ticket_idx').on(t.ticketId),
    // The pruning schedule deletes read notifications by when they were read.
    index('notifications_read_at_idx')
      .on(t.readAt)
      .where(sql`${t.readAt} is not null`),
  ],
);

/**
 * A user's choice for one notification kind (domain/vocabulary.ts notificationKinds): shown in the
 * app or not, and how it is mailed. No row: the organisation's default (notification_defaults).
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    inApp: boolean('in_app').notNull(),
    email: text('email', { enum: emailDeliveries }).notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.kind] })],
);

/** The organisation's default per notification kind, set by admins. No row: the built-in default (domain/vocabulary.ts). */
export const notificationDefaults = pgTable('notification_defaults', {
  kind: text('kind').primaryKey(),
  inApp: boolean('in_app').notNull(),
  email: text('email', { enum: emailDeliveries }).notNull(),
  updatedById: uuid('updated_by_id').references(() => users.id, { onDelete: 'set null' }),
  updatedAt: updatedAt(),
});

/** AI drafts for agents, e.g. the suggested first reply for a ticket's assignee. */
export const aiSuggestions = pgTable(
  'ai_suggestions',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['first_reply'] }).notNull(),
    /** The agent it was drafted for. */
    forUserId: uuid('for_user_id').references(() => users.id, { onDelete: 'set null' }),
    body: text('body').notNull(),
    /** Which provider wrote it ("offline", later an OpenAI-compatible endpoint) and how ("model", "template"). */
    provider: text('provider').notNull(),
    method: text('method').notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('ai_suggestions_dedupe_key').on(t.dedupeKey), index('ai_suggestions_ticket_idx').on(t.ticketId, t.id)],
);

/** Round-robin memory of automatic assignment: among equally loaded agents, the longest waiting goes first. */
export const agentRouting = pgTable('agent_routing', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  lastAssignedAt: timestamptz('last_assigned_at').notNull(),
  assignedCount: integer('assigned_count').notNull().default(0),
});

export type TicketLink = typeof ticketLinks.$inferSelect;
export type Notification = typeof notifications.$inferSelect;
export type NotificationPreference = typeof notificationPreferences.$inferSelect;
export type AiSuggestion = typeof aiSuggestions.$inferSelect;
