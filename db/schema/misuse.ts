import { sql } from 'drizzle-orm';
import { bigint, index, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz } from './columns';
import { users } from './org';

export const misuseReportStatuses = ['open', 'reviewed'] as const;
export type MisuseReportStatus = (typeof misuseReportStatuses)[number];
export const misuseActions = ['none', 'restricted'] as const;
export type MisuseAction = (typeof misuseActions)[number];

/** What the daily misuse check found about one user in its window (workflows/misuse.ts). */
export type MisuseFindings = {
  /** Tickets opened in the window against the per-requester limit (settings.ticketRateLimit). */
  ticketVolume: { count: number; limit: number; windowHours: number; overLimit: boolean };
  /** Their tickets held by screening and their messages held or rejected by it, in the window. */
  screened: { kind: 'ticket' | 'message'; ticketId: string; ticketNumber: number; excerpt: string; reason: string | null; at: string }[];
  /** Groups of their tickets in the window that say nearly the same thing (sentence embeddings), with the lowest similarity in each group. */
  nearDuplicates: { tickets: { id: string; number: number; title: string }[]; minSimilarity: number }[];
};

/**
 * Misuse reports for admins to review: one per user and window in which the daily check found
 * something (too many tickets, screened content, near-duplicate tickets). Written by the misuse
 * workflow's activity (idempotent per user and window end), reviewed through admin.misuse.*.
 */
export const misuseReports = pgTable(
  'misuse_reports',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    windowStart: timestamptz('window_start').notNull(),
    windowEnd: timestamptz('window_end').notNull(),
    findings: jsonb('findings').$type<MisuseFindings>().notNull(),
    status: text('status').$type<MisuseReportStatus>().notNull().default('open'),
    reviewedById: uuid('reviewed_by_id').references(() => users.id, { onDelete: 'set null' }),
    reviewedAt: timestamptz('reviewed_at'),
    reviewNote: text('review_note'),
    action: text('action').$type<MisuseAction>().notNull().default('none'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('misuse_reports_user_window_key').on(t.userId, t.windowEnd),
    index('misuse_reports_open_idx')
      .on(t.status, t.createdAt)
      .where(sql`${t.status} = 'open'`),
  ],
);

export type MisuseReport = typeof misuseReports.$inferSelect;
