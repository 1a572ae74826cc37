import { sql } from 'drizzle-orm';
import { bigint, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { mailKinds, mailStatuses } from '../../domain/mail';
import { createdAt, timestamptz, updatedAt } from './columns';
import { notifications } from './lifecycle';
import { users } from './org';
import { tickets } from './tickets';

/**
 * The durable outbox: every mail Deskflow sends is a row here first, written in the transaction of
 * what caused it (db/mail-outbox.ts), then sent by the `mail-<id>` workflow's activity
 * (worker/mail/). One row per idempotency key (`notification:<id>`, `ticket-received:<ticketId>`,
 * `digest:<userId>:<date>`, …), so a retried write never mails twice.
 */
export const mailOutbox = pgTable(
  'mail_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    idempotencyKey: text('idempotency_key').notNull(),
    kind: text('kind', { enum: mailKinds }).notNull(),
    toAddress: text('to_address').notNull(),
    /** The recipient's account, when they have one (preferences, unsubscribe, access re-check). */
    userId: uuid('user_id').references(() => users.id, { onDelete: 'set null' }),
    /** The ticket it is about: its thread (Message-ID root), and the access rule re-checked before sending. */
    ticketId: uuid('ticket_id').references(() => tickets.id, { onDelete: 'set null' }),
    ticketNumber: integer('ticket_number'),
    notificationId: bigint('notification_id', { mode: 'number' }).references(() => notifications.id, { onDelete: 'set null' }),
    /** The notification kind it mails (List-Unsubscribe turns off this kind's mail). */
    notificationKind: text('notification_kind'),
    /** What the template renders (domain/mail.ts MailData); link tokens are redacted once sent. */
    data: jsonb('data').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: mailStatuses }).notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    /** The SMTP server's answer (or the connection error) of the last failed attempt. */
    lastError: text('last_error'),
    /** The SMTP server's answer when it accepted the mail. */
    serverResponse: text('server_response'),
    subject: text('subject'),
    messageId: text('message_id'),
    /** Capability in the List-Unsubscribe link (random; the link turns off this notification kind's mail). */
    unsubscribeToken: text('unsubscribe_token'),
    /** When a `mail-<id>` workflow was last started for it (the reconcile schedule starts the rest). */
    dispatchedAt: timestamptz('dispatched_at'),
    /** An attempt holds the row until then: a second attempt running late never sends it twice. */
    claimedUntil: timestamptz('claimed_until'),
    lastAttemptAt: timestamptz('last_attempt_at'),
    sentAt: timestamptz('sent_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('mail_outbox_idempotency_key').on(t.idempotencyKey),
    uniqueIndex('mail_outbox_unsubscribe_token').on(t.unsubscribeToken),
    index('mail_outbox_status_idx').on(t.status, t.id),
    index('mail_outbox_queued_idx')
      .on(t.createdAt)
      .where(sql`${t.status} = 'queued'`),
    index('mail_outbox_user_idx').on(t.userId, t.createdAt),
  ],
);

export type OutboxMail = typeof mailOutbox.$inferSelect;
