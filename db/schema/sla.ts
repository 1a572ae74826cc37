import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, jsonb, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { EscalationStep, WeeklyInterval } from '../../domain/vocabulary';
import { createdAt, updatedAt } from './columns';
import { priorityEnum, ticketStatusEnum } from './enums';
import { departments, users } from './org';

/** When the service desk is open: IANA timezone, weekly hours and holidays, or 24×7. Admin-managed. */
/** The calendar seeded for a new desk, and the one a ticket without a matching policy runs on. */
export const DEFAULT_CALENDAR_NAME = 'Office hours';

export const businessCalendars = pgTable(
  'business_calendars',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    timezone: text('timezone').notNull(),
    alwaysOpen: boolean('always_open').notNull().default(false),
    weeklyHours: jsonb('weekly_hours').$type<WeeklyInterval[]>().notNull().default([]),
    /** Local dates 'YYYY-MM-DD' on which the desk is closed all day. */
    holidays: text('holidays')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** +1 on every edit, so open tickets can tell they run on an older copy. */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('business_calendars_name_key').on(sql`lower(${t.name})`)],
);

/**
 * SLA targets for the tickets a policy matches. Each match column is null for "any"; among the
 * active policies that match a ticket the most specific wins (see worker/activities/sla.ts).
 */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    active: boolean('active').notNull().default(true),
    priority: priorityEnum('priority'),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'cascade' }),
    category: text('category'),
    requesterGroup: text('requester_group'),
    calendarId: uuid('calendar_id')
      .notNull()
      .references(() => businessCalendars.id, { onDelete: 'restrict' }),
    /** Business seconds until the first public agent reply. */
    firstResponseSeconds: integer('first_response_seconds').notNull(),
    /** Business seconds until the agent answers a requester's reply. */
    nextResponseSeconds: integer('next_response_seconds').notNull(),
    resolutionSeconds: integer('resolution_seconds').notNull(),
    /** Percentages of each target that notify; 100 is the breach. */
    thresholds: integer('thresholds')
      .array()
      .notNull()
      .default(sql`'{80,100}'::integer[]`),
    /** Statuses in which no SLA time accrues. */
    pausedStatuses: ticketStatusEnum('paused_statuses')
      .array()
      .notNull()
      .default(sql`'{waiting_on_customer,waiting_on_third_party}'::ticket_status[]`),
    escalation: jsonb('escalation').$type<EscalationStep[]>().notNull().default([]),
    /** +1 on every edit (and on every edit of its calendar). */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('sla_policies_name_key').on(sql`lower(${t.name})`),
    unique('sla_policies_match_key').on(t.priority, t.departmentId, t.category, t.requesterGroup).nullsNotDistinct(),
    index('sla_policies_calendar_idx').on(t.calendarId),
    check('sla_policies_targets_positive', sql`${t.firstResponseSeconds} > 0 and ${t.nextResponseSeconds} > 0 and ${t.resolutionSeconds} > 0`),
  ],
);

/** A department's escalation group: who takes over a ticket at the last level of an escalation chain. */
export const escalationGroupMembers = pgTable(
  'escalation_group_members',
  {
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: 'escalation_group_members_pk', columns: [t.departmentId, t.userId] }), index('escalation_group_members_user_idx').on(t.userId)],
);

export type BusinessCalendarRow = typeof businessCalendars.$inferSelect;
export type NewBusinessCalendarRow = typeof businessCalendars.$inferInsert;
export type SlaPolicyRow = typeof slaPolicies.$inferSelect;
export type NewSlaPolicyRow = typeof slaPolicies.$inferInsert;
