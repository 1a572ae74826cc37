import { sql } from 'drizzle-orm';
import { bigint, boolean, check, date, index, integer, jsonb, pgTable, primaryKey, smallint, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { reportSubscriptionFormats, reportSubscriptionPeriods } from '../../domain/report-subscriptions';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import type { ReportDimensions } from '../report-schemas';
import { createdAt, timestamptz, updatedAt } from './columns';
import { priorityEnum, ticketStatusEnum } from './enums';
import { users } from './org';
import { aiSuggestions } from './lifecycle';
import { tickets } from './tickets';

/**
 * One row per ticket: what the reports aggregate, kept current in the same transaction as the
 * ticket's audit events (worker/activities/report-facts.ts, from every lifecycle change; the API
 * for the building and ratings). Dimensions are the ticket's current ones; SLA figures are the
 * workflow's clocks in business milliseconds as of the ticket's last change.
 */
export const ticketFacts = pgTable(
  'ticket_facts',
  {
    ticketId: uuid('ticket_id')
      .primaryKey()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** The workflow's instant of the ticket's first lifecycle change (its opening). */
    createdAt: timestamptz('created_at').notNull(),
    status: ticketStatusEnum('status').notNull(),
    priority: priorityEnum('priority').notNull(),
    category: text('category'),
    departmentId: uuid('department_id'),
    buildingId: uuid('building_id'),
    assigneeId: uuid('assignee_id'),
    slaPolicyId: uuid('sla_policy_id'),
    firstRespondedAt: timestamptz('first_responded_at'),
    /** The latest resolution. */
    resolvedAt: timestamptz('resolved_at'),
    closedAt: timestamptz('closed_at'),
    /** First response clock: business ms accrued, its target, and how it ended (null: no SLA). */
    firstResponseMs: bigint('first_response_ms', { mode: 'number' }),
    firstResponseTargetMs: bigint('first_response_target_ms', { mode: 'number' }),
    firstResponseMet: boolean('first_response_met'),
    firstResponseBreached: boolean('first_response_breached').notNull().default(false),
    firstResponseAtRisk: boolean('first_response_at_risk').notNull().default(false),
    /** Resolution clock, this cycle; `resolutionPriorMs` sums the cycles before the latest reopen. */
    resolutionMs: bigint('resolution_ms', { mode: 'number' }),
    resolutionPriorMs: bigint('resolution_prior_ms', { mode: 'number' }).notNull().default(0),
    resolutionTargetMs: bigint('resolution_target_ms', { mode: 'number' }),
    resolutionCycle: integer('resolution_cycle').notNull().default(1),
    resolutionMet: boolean('resolution_met'),
    resolutionBreached: boolean('resolution_breached').notNull().default(false),
    resolutionAtRisk: boolean('resolution_at_risk').notNull().default(false),
    /** Wall-clock ms spent in the policy's paused statuses (waiting on someone else), and since when it is paused now. */
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull().default(0),
    pausedSince: timestamptz('paused_since'),
    reopenCount: integer('reopen_count').notNull().default(0),
    escalationLevel: integer('escalation_level').notNull().default(0),
    /** Ever held by screening for review. */
    heldForReview: boolean('held_for_review').notNull().default(false),
    /** Triaged automatically (rules or model) … */
    aiTriaged: boolean('ai_triaged').notNull().default(false),
    /** … and later reclassified by a person (department, category or priority changed). */
    triageOverridden: boolean('triage_overridden').notNull().default(false),
    /** The requester's latest rating (1–5) of the latest resolution. */
    rating: smallint('rating'),
    ratedAt: timestamptz('rated_at'),
    /**
     * The opening day in the organisation's timezone, fixed at the row's insert (a trigger sets it):
     * the day of the ticket's contribution to `report_rollup`, so a later change subtracts from the
     * same day it added to.
     */
    reportDay: date('report_day', { mode: 'string' }),
    /** The workflow's sequence number of the last change folded in (a retried change is folded once). */
    lifecycleSeq: integer('lifecycle_seq').notNull().default(0),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('ticket_facts_created_idx').on(t.createdAt),
    index('ticket_facts_resolved_idx').on(t.resolvedAt),
    index('ticket_facts_assignee_created_idx').on(t.assigneeId, t.createdAt),
    index('ticket_facts_department_created_idx').on(t.departmentId, t.createdAt),
    // Percentiles under a finer filter read the period's facts rows: through the filter's own index.
    index('ticket_facts_category_created_idx').on(sql`lower(${t.category})`, t.createdAt),
    index('ticket_facts_building_created_idx').on(t.buildingId, t.createdAt),
    index('ticket_facts_policy_created_idx').on(t.slaPolicyId, t.createdAt),
    // The backlog: open tickets only (a small part of the table).
    index('ticket_facts_open_idx')
      .on(t.createdAt)
      .where(sql`${t.status} in (${sql.raw(OPEN_STATUSES.map((s) => `'${s}'`).join(', '))})`),
  ],
);

/**
 * Daily event counts per day (in the organisation's timezone, as of the write) and the ticket's
 * dimensions at the event: tickets opened, resolved and reopened. Incremented by upserts in the
 * transaction that writes the event, so concurrent changes add up exactly.
 */
export const reportDaily = pgTable(
  'report_daily',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    day: date('day', { mode: 'string' }).notNull(),
    departmentId: uuid('department_id'),
    category: text('category'),
    priority: priorityEnum('priority').notNull(),
    buildingId: uuid('building_id'),
    assigneeId: uuid('assignee_id'),
    slaPolicyId: uuid('sla_policy_id'),
    created: integer('created').notNull().default(0),
    resolved: integer('resolved').notNull().default(0),
    reopened: integer('reopened').notNull().default(0),
  },
  (t) => [unique('report_daily_key').on(t.day, t.departmentId, t.category, t.priority, t.buildingId, t.assigneeId, t.slaPolicyId).nullsNotDistinct(), index('report_daily_day_idx').on(t.day)],
);

const rollupCount = (name: string) => integer(name).notNull().default(0);

/**
 * The tickets opened on one day (the opening day in the organisation's timezone) with one
 * combination of the report filters' dimensions, counted as they are now: everything the reports
 * count, so a period's figures sum at most (days × combinations) small rows instead of one row per
 * ticket. Kept by the trigger on `ticket_facts` (migration 0015): every insert, update or delete of a
 * facts row subtracts the row's old contribution and adds its new one, in the same transaction and
 * in key order (`on conflict do update set x = x + excluded.x`), so concurrent changes stay exact.
 */
export const reportRollup = pgTable(
  'report_rollup',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    day: date('day', { mode: 'string' }).notNull(),
    departmentId: uuid('department_id'),
    category: text('category'),
    priority: priorityEnum('priority').notNull(),
    buildingId: uuid('building_id'),
    assigneeId: uuid('assignee_id'),
    slaPolicyId: uuid('sla_policy_id'),
    tickets: rollupCount('tickets'),
    resolved: rollupCount('resolved'),
    open: rollupCount('open'),
    anyBreached: rollupCount('any_breached'),
    frTotal: rollupCount('fr_total'),
    frMet: rollupCount('fr_met'),
    frBreached: rollupCount('fr_breached'),
    frOpen: rollupCount('fr_open'),
    frAtRisk: rollupCount('fr_at_risk'),
    resTotal: rollupCount('res_total'),
    resMet: rollupCount('res_met'),
    resBreached: rollupCount('res_breached'),
    resOpen: rollupCount('res_open'),
    resAtRisk: rollupCount('res_at_risk'),
    frtCount: rollupCount('frt_count'),
    resCount: rollupCount('res_count'),
    pausedTickets: rollupCount('paused_tickets'),
    /** Paused time of finished pauses (ms), and for the tickets paused now: how many and the sum of their pauses' starts (epoch ms). */
    pausedMs: bigint('paused_ms', { mode: 'number' }).notNull().default(0),
    pausedNow: rollupCount('paused_now'),
    pausedSinceMs: bigint('paused_since_ms', { mode: 'number' }).notNull().default(0),
    reopenedTickets: rollupCount('reopened_tickets'),
    everResolved: rollupCount('ever_resolved'),
    held: rollupCount('held'),
    aiTriaged: rollupCount('ai_triaged'),
    overridden: rollupCount('overridden'),
    ratings: rollupCount('ratings'),
    ratingSum: rollupCount('rating_sum'),
    rating1: rollupCount('rating_1'),
    rating2: rollupCount('rating_2'),
    rating3: rollupCount('rating_3'),
    rating4: rollupCount('rating_4'),
    rating5: rollupCount('rating_5'),
  },
  (t) => [unique('report_rollup_key').on(t.day, t.departmentId, t.category, t.priority, t.buildingId, t.assigneeId, t.slaPolicyId).nullsNotDistinct(), index('report_rollup_day_idx').on(t.day)],
);

/**
 * Distributions of the tickets opened on one day, per department and assignee: `measure` 1 is the
 * first response time and 2 the resolution time (business ms) in log-spaced buckets (bucket 0:
 * under a second; bucket b ≥ 1: [2^((b−1)/8), 2^(b/8)) seconds), 3 the escalation level (bucket =
 * level, above 0). Each bucket keeps its count and the sum of its values, so a percentile is the
 * mean of the bucket it falls in: within 9.1 % of the exact value (under a second for bucket 0),
 * exact when the bucket's values are equal. Kept by the same trigger as `report_rollup`.
 */
export const reportRollupValues = pgTable(
  'report_rollup_values',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    day: date('day', { mode: 'string' }).notNull(),
    departmentId: uuid('department_id'),
    assigneeId: uuid('assignee_id'),
    measure: smallint('measure').notNull(),
    bucket: integer('bucket').notNull(),
    count: rollupCount('count'),
    sum: bigint('sum', { mode: 'number' }).notNull().default(0),
  },
  (t) => [unique('report_rollup_values_key').on(t.day, t.departmentId, t.assigneeId, t.measure, t.bucket).nullsNotDistinct(), index('report_rollup_values_day_idx').on(t.day, t.measure)],
);

/**
 * The same distributions kept per priority as well, read only by a report filtered by priority
 * (and by nothing finer): a quarter of the tickets per row, so unfiltered reports keep reading
 * the smaller table above. Kept by the same trigger.
 */
export const reportRollupValuesByPriority = pgTable(
  'report_rollup_values_by_priority',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    day: date('day', { mode: 'string' }).notNull(),
    departmentId: uuid('department_id'),
    assigneeId: uuid('assignee_id'),
    priority: priorityEnum('priority').notNull(),
    measure: smallint('measure').notNull(),
    bucket: integer('bucket').notNull(),
    count: rollupCount('count'),
    sum: bigint('sum', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    unique('report_rollup_values_by_priority_key').on(t.day, t.departmentId, t.assigneeId, t.priority, t.measure, t.bucket).nullsNotDistinct(),
    index('report_rollup_values_by_priority_day_idx').on(t.day, t.measure, t.priority),
  ],
);

/** A requester's satisfaction rating of one resolution cycle of their ticket (1–5, a comment); changeable for 7 days. */
export const ticketRatings = pgTable(
  'ticket_ratings',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    ticketId: uuid('ticket_id')
      .notNull()
      .references(() => tickets.id, { onDelete: 'cascade' }),
    /** 1 for the first resolution, +1 after every reopen. */
    cycle: integer('cycle').notNull(),
    requesterId: uuid('requester_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    score: smallint('score').notNull(),
    comment: text('comment'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('ticket_ratings_cycle_key').on(t.ticketId, t.cycle), check('ticket_ratings_score_range', sql`${t.score} between 1 and 5`)],
);

/** An agent's verdict on an AI suggestion: helpful or not (one per agent and suggestion, changeable). */
export const aiSuggestionRatings = pgTable(
  'ai_suggestion_ratings',
  {
    suggestionId: bigint('suggestion_id', { mode: 'number' })
      .notNull()
      .references(() => aiSuggestions.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    helpful: boolean('helpful').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.suggestionId, t.userId] })],
);

/**
 * A report mailed to its owner weekly or monthly (api/reports/subscriptions.ts): the report's
 * filters (validated by ZReportDimensions), when (day and HH:MM in the organisation's timezone) and
 * what the mail carries. Each has one Temporal Schedule, `report-subscription-<id>`, kept in step
 * with the row; the report is computed at run time with the owner's scope then.
 */
export const reportSubscriptions = pgTable(
  'report_subscriptions',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    ownerId: uuid('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    filters: jsonb('filters').$type<ReportDimensions>().notNull(),
    period: text('period', { enum: reportSubscriptionPeriods }).notNull(),
    /** Weekly: 1 (Monday) to 7 (Sunday); monthly: 1 to 28. */
    day: smallint('day').notNull(),
    /** Local time of day, HH:MM, in the organisation's timezone. */
    time: text('time').notNull(),
    format: text('format', { enum: reportSubscriptionFormats }).notNull().default('summary'),
    /** Set while paused (its Schedule is paused too). */
    pausedAt: timestamptz('paused_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('report_subscriptions_owner_idx').on(t.ownerId, t.createdAt), check('report_subscriptions_day_range', sql`${t.day} between 1 and case ${t.period} when 'weekly' then 7 else 28 end`)],
);

export type TicketFacts = typeof ticketFacts.$inferSelect;
export type ReportSubscription = typeof reportSubscriptions.$inferSelect;
export type TicketRating = typeof ticketRatings.$inferSelect;
