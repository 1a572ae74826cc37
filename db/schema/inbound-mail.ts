import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgEnum, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz } from './columns';
import { bytea } from './custom-types';
import { users } from './org';
import { comments, tickets } from './tickets';

/** Where an inbound mail came from: an IMAP mailbox (the mailbox workflow) or the push endpoint. */
export const inboundMailSources = ['imap', 'push'] as const;
export type InboundMailSource = (typeof inboundMailSources)[number];
export const inboundMailSourceEnum = pgEnum('inbound_mail_source', inboundMailSources);

/**
 * What an inbound mail became. `processing` while it is handled (a crash leaves it so, and the
 * next delivery of the same Message-ID finishes it: every step is keyed by the Message-ID).
 */
export const inboundMailOutcomes = [
  'processing',
  'ticket_created',
  'reply_added',
  'reopened',
  'follow_up_created',
  'ignored_auto_reply',
  'ignored_loop',
  'bounce_recorded',
  'rejected_sender',
  'failed',
] as const;
export type InboundMailOutcome = (typeof inboundMailOutcomes)[number];
export const inboundMailOutcomeEnum = pgEnum('inbound_mail_outcome', inboundMailOutcomes);

/** Every inbound mail, once per Message-ID (api/inbound-mail/service.ts): what it became, and the raw message when it failed. */
export const inboundMail = pgTable(
  'inbound_mail',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    /** The Message-ID header with its angle brackets; `<sha256-…@deskflow.invalid>` of the bytes when a mail has none. */
    messageId: text('message_id').notNull().unique(),
    source: inboundMailSourceEnum('source').notNull(),
    /** The IMAP mailbox (user@host/folder) or null for the push endpoint. */
    mailbox: text('mailbox'),
    /** The From address, lowercased (null when the message has none readable). */
    sender: text('sender'),
    subject: text('subject'),
    outcome: inboundMailOutcomeEnum('outcome').notNull().default('processing'),
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    commentId: bigint('comment_id', { mode: 'number' }).references(() => comments.id, { onDelete: 'set null' }),
    /** For a follow-up: the closed ticket the reply was about. */
    followUpOfTicketId: uuid('follow_up_of_ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    /** The sender as a Deskflow user, once known. */
    senderUserId: uuid('sender_user_id').references(() => users.id, { onDelete: 'set null' }),
    /** Why it failed, was ignored or rejected, in words for admins. */
    reason: text('reason'),
    /** The message as received, kept for failures only (the first bytes, when it was over the size limit). */
    raw: bytea('raw'),
    /** Only the first bytes of raw are kept: the mail was over the size limit. */
    rawTruncated: boolean('raw_truncated').notNull().default(false),
    size: integer('size').notNull(),
    receivedAt: createdAt(),
    processedAt: timestamptz('processed_at'),
  },
  (t) => [
    index('inbound_mail_received_idx').on(t.receivedAt, t.id),
    index('inbound_mail_problems_idx')
      .on(t.receivedAt, t.id)
      .where(sql`${t.outcome} in ('failed', 'rejected_sender', 'processing')`),
    index('inbound_mail_sender_idx').on(t.sender, t.receivedAt),
  ],
);

/** Addresses mail to which bounced (from delivery status notifications), for admins to see and fix. */
export const mailAddressFailures = pgTable('mail_address_failures', {
  /** Lowercased address. */
  address: text('address').primaryKey(),
  failures: integer('failures').notNull().default(1),
  /** The bounce's status and diagnostic, e.g. `5.1.1 user unknown`. */
  lastReason: text('last_reason'),
  firstFailedAt: createdAt(),
  lastFailedAt: timestamptz('last_failed_at').notNull().defaultNow(),
});

export type InboundMail = typeof inboundMail.$inferSelect;
