import { bigint, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz, updatedAt } from './columns';
import { eventSourceEnum, priorityEnum, slaStateEnum, ticketStatusEnum } from './enums';
import { departments, users } from './org';

/**
 * Reserves a ticket's id and number before its workflow starts, keyed by the requester's
 * idempotency key, so a retried create reaches the same workflow (`ticket-<number>`).
 */
export const ticketIntake = pgTable(
  'ticket_intake',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    number: integer('number').notNull().generatedAlwaysAsIdentity({ startWith: 1000 }),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('ticket_intake_number_key').on(t.number), uniqueIndex('ticket_intake_requester_key').on(t.requesterId, t.idempotencyKey)],
);

/** The ticket row. Lifecycle columns are a projection written only by the ticket workflow's activities. */
export const tickets = pgTable(
  'tickets',
  {
    id: uuid('id')
      .primaryKey()
      .references(() => ticketIntake.id, { onDelete: 'restrict' }),
    number: integer('number').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    urgency: priorityEnum('urgency').notNull(),
    priority: priorityEnum('priority').notNull(),
    category: text('category'),
    status: ticketStatusEnum('status').notNull().default('new'),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    assigneeId: uuid('assignee_id').references(() => users.id, { onDelete: 'set null' }),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    workflowId: text('workflow_id').notNull(),
    responseDueAt: timestamptz('response_due_at'),
    resolutionDueAt: timestamptz('resolution_due_at'),
    slaState: slaStateEnum('sla_state').notNull().default('on_track'),
    /** The workflow's sequence number of the last lifecycle change applied: makes re-applying a change a no-op. */
    lifecycleSeq: integer('lifecycle_seq').notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    index('tickets_queue_idx').on(t.departmentId, t.status, t.createdAt),
    index('tickets_assignee_idx').on(t.assigneeId, t.status),
    index('tickets_requester_idx').on(t.requesterId, t.createdAt),
  ],
);

/** Append-only audit trail. `dedupeKey` makes every activity write idempotent across retries and replays. */
export const ticketEvents = pgTable(
  'ticket_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    field: text('field'),
    oldValue: jsonb('old_value'),
    newValue: jsonb('new_value'),
    actorId: uuid('actor_id').references(() => users.id, { onDelete: 'set null' }),
    source: eventSourceEnum('source').notNull(),
    reason: text('reason'),
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('ticket_events_dedupe_key').on(t.dedupeKey), index('ticket_events_ticket_idx').on(t.ticketId, t.id)],
);

/** Replies and internal notes; also the messages of a ticket's live room (one source of truth). */
export const comments = pgTable(
  'comments',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    authorId: uuid('author_id')
      .notNull()
      .references(() => users.id, { onDelete: 'restrict' }),
    body: text('body').notNull(),
    internal: boolean('internal').notNull().default(false),
    /** Sent from an AI suggestion. */
    ai: boolean('ai').notNull().default(false),
    /** Client-chosen id so a resent message is stored once. */
    clientId: text('client_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('comments_ticket_idx').on(t.ticketId, t.id), uniqueIndex('comments_client_key').on(t.authorId, t.clientId)],
);

export type Ticket = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type Comment = typeof comments.$inferSelect;
