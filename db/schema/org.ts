import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz, updatedAt } from './columns';
import { roleEnum } from './enums';

export const departments = pgTable(
  'departments',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    /** Stable short name used in search attributes and room names, e.g. "it". */
    slug: text('slug').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('departments_slug_key').on(t.slug)],
);

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: roleEnum('role').notNull().default('requester'),
    departmentId: uuid('department_id').references(() => departments.id, { onDelete: 'set null' }),
    /** Argon2id PHC string; null for users who only sign in by single sign-on. */
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    /** Categories an agent handles, used by routing. */
    skills: text('skills')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** Away from routing: automatic assignment skips them (until `awayUntil`, when set; no end otherwise). */
    away: boolean('away').notNull().default(false),
    /** The end of an absence: from then on the agent counts as available again, without anyone acting. */
    awayUntil: timestamptz('away_until'),
    /** At most this many open tickets assigned by routing (null: no cap); manual assignment may exceed it. */
    maxOpenTickets: integer('max_open_tickets'),
    /** Requester groups (e.g. "vip", "executives") that SLA policies can match. */
    groups: text('groups')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /** IANA timezone for their daily digest mail (08:00 there); null: the organisation's (its default SLA calendar's). */
    timezone: text('timezone'),
    /** Restricted by an admin (after a misuse report): may not open tickets until lifted (null: not restricted). */
    ticketingRestrictedAt: timestamptz('ticketing_restricted_at'),
    /** Why, as shown to the user when a create is refused. */
    ticketingRestrictionReason: text('ticketing_restriction_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`), index('users_department_idx').on(t.departmentId)],
);

/**
 * Further departments a staff member works in, beside their home department (users.department_id):
 * staff powers on those departments' tickets (domain/access.ts). Routing assigns from the home
 * department only.
 */
export const departmentStaff = pgTable(
  'department_staff',
  {
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    departmentId: uuid('department_id')
      .notNull()
      .references(() => departments.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: 'department_staff_pk', columns: [t.userId, t.departmentId] }), index('department_staff_department_idx').on(t.departmentId)],
);

/** The further departments of the user in `userId`, as text (every driver parses text[] alike). */
export const extraDepartmentIdsOf = (userId: AnyPgColumn) => sql<string[]>`array(select ds.department_id::text from department_staff ds where ds.user_id = ${userId})`;

/** Sessions per the Lucia guide: the id is the SHA-256 of the token, never the token itself. */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: timestamptz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export type Department = typeof departments.$inferSelect;
export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
export type Session = typeof sessions.$inferSelect;
