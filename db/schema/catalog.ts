import { sql } from 'drizzle-orm';
import { boolean, index, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, updatedAt } from './columns';
import { priorityEnum } from './enums';
import { departments } from './org';

/** Where people work; tickets may name the building a problem is in. Admin-managed. */
export const buildings = pgTable(
  'buildings',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    address: text('address'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('buildings_name_key').on(sql`lower(${t.name})`)],
);

/** Ticket categories (e.g. "Hardware", "Payroll"). Names match tickets.category and agents' skills. */
export const categories = pgTable(
  'categories',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    description: text('description'),
    /** The department that usually handles it: a routing hint for triage. */
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('categories_name_key').on(sql`lower(${t.name})`)],
);

/** Pre-filled tickets for common issues ("Password reset", "New starter laptop"). */
export const ticketTemplates = pgTable(
  'ticket_templates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    title: text('title').notNull(),
    description: text('description').notNull(),
    urgency: priorityEnum('urgency').notNull().default('medium'),
    category: text('category'),
    active: boolean('active').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('ticket_templates_name_key').on(sql`lower(${t.name})`), index('ticket_templates_active_idx').on(t.active)],
);

export type Building = typeof buildings.$inferSelect;
export type Category = typeof categories.$inferSelect;
export type TicketTemplate = typeof ticketTemplates.$inferSelect;
