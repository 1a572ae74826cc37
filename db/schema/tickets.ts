import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, real, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { UNASSIGNED_STATUSES } from '../../domain/vocabulary';
import { buildings } from './catalog';
import { createdAt, timestamptz, updatedAt } from './columns';
import { tsvector } from './custom-types';
import { eventSourceEnum, priorityEnum, slaStateEnum, ticketStatusEnum } from './enums';
import { departments, users } from './org';
import { slaPolicies } from './sla';

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
    /** Held by screening (spam, abuse, harmful) until an agent rejects or releases it; status stays `new`. */
    heldForReview: boolean('held_for_review').notNull().default(false),
    reviewReason: text('review_reason'),
    /** Triage was not confident: the ticket waits in its department's queue for a person to triage it. */
    needsTriage: boolean('needs_triage').notNull().default(false),
    triageConfidence: real('triage_confidence'),
    escalationLevel: integer('escalation_level').notNull().default(0),
    slaPolicyId: uuid('sla_policy_id').references(() => slaPolicies.id, { onDelete: 'set null' }),
    /** The SLA configuration version the workflow last applied (see the sla-reconcile schedule). */
    slaConfigVersion: integer('sla_config_version').notNull().default(0),
    firstRespondedAt: timestamptz('first_responded_at'),
    resolvedAt: timestamptz('resolved_at'),
    closedAt: timestamptz('closed_at'),
    /** When a resolved ticket closes by itself unless the requester replies. */
    autoCloseAt: timestamptz('auto_close_at'),
    /** Where the problem is (API-written data, not lifecycle). */
    buildingId: uuid('building_id').references(() => buildings.id, { onDelete: 'set null' }),
    /** The category the requester picked; triage decides `category`. */
    requestedCategory: text('requested_category'),
    /** Full-text document over title (weight A) and description (B), kept by Postgres itself. */
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`setweight(to_tsvector('english', coalesce(title, '')), 'A') || setweight(to_tsvector('english', coalesce(description, '')), 'B')`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('tickets_number_key').on(t.number),
    index('tickets_search_idx').using('gin', t.search),
    index('tickets_building_idx').on(t.buildingId),
    // Keyset orders of the lists and queues: newest, recently updated, soonest due.
    index('tickets_created_idx').on(t.createdAt, t.id),
    index('tickets_department_created_idx').on(t.departmentId, t.createdAt, t.id),
    index('tickets_department_updated_idx').on(t.departmentId, t.updatedAt, t.id),
    index('tickets_department_due_idx').on(t.departmentId, t.resolutionDueAt, t.id),
    index('tickets_assignee_due_idx').on(t.assigneeId, t.resolutionDueAt, t.id),
    // The "to pick up" queue (unassigned, not started): small, walked in due order instead of sorting a department.
    index('tickets_pickup_due_idx')
      .on(t.departmentId, t.resolutionDueAt, t.id)
      .where(sql`${t.assigneeId} is null and ${t.status} in (${sql.raw(UNASSIGNED_STATUSES.map((s) => `'${s}'`).join(', '))})`),
    index('tickets_queue_idx').on(t.departmentId, t.status, t.createdAt),
    index('tickets_assignee_idx').on(t.assigneeId, t.status),
    index('tickets_requester_idx').on(t.requesterId, t.createdAt),
    index('tickets_sla_config_idx').on(t.slaConfigVersion, t.status),
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
/** A held message's review: `held` until staff release or reject it. */
export const commentReviewStates = ['held', 'released', 'rejected'] as const;
export type CommentReviewState = (typeof commentReviewStates)[number];

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
    /** Soft deletes, kept for the audit (api/comments/moderation.ts): deleted by its author (gone for everyone) … */
    deletedAt: timestamptz('deleted_at'),
    /** … or hidden by staff (gone for requesters; staff see it marked hidden). */
    hiddenAt: timestamptz('hidden_at'),
    hiddenById: uuid('hidden_by_id').references(() => users.id, { onDelete: 'set null' }),
    /**
     * Screening held this message for staff review (null: never held). Until released only the
     * ticket's staff see it; a rejected one is listed to nobody.
     */
    reviewState: text('review_state', { enum: commentReviewStates }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('comments_ticket_idx').on(t.ticketId, t.id),
    uniqueIndex('comments_client_key').on(t.authorId, t.clientId),
    index('comments_search_idx').using('gin', sql`to_tsvector('english', ${t.body})`),
  ],
);

export type Ticket = typeof tickets.$inferSelect;
export type NewTicket = typeof tickets.$inferInsert;
export type TicketEvent = typeof ticketEvents.$inferSelect;
export type Comment = typeof comments.$inferSelect;
