/**
 * The mail outbox (db/schema/mail.ts), shared by the API and the worker. Writers put a mail in the
 * outbox inside the transaction of what caused it (a notification row, a new ticket, an
 * invitation), keyed so a retried write never queues it twice; after the commit they start its
 * `mail-<id>` workflow (best effort: the reconcile schedule starts any that were missed). The
 * worker's activity claims a row, sends it and marks it here. Whether a notification is mailed is
 * decided by the recipient's preference (immediately, daily digest, never) and, for a ticket's
 * mail, by the one access rule (domain/access.ts): an internal note never reaches a requester.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, desc, eq, gt, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { capabilitiesFor, staffDepartments, type Capabilities } from '../domain/access';
import { redactTokens, type MailKind, type MailRequest, type MailStatus } from '../domain/mail';
import { stripQuotedReply } from '../domain/mail-threading';
import type { NotificationKind } from '../domain/vocabulary';
import type { Db, Tx } from './client';
import { effectiveNotificationPreferences } from './notifications';
import { businessCalendars, comments, DEFAULT_CALENDAR_NAME, extraDepartmentIdsOf, mailOutbox, notificationPreferences, notifications, tickets, users, type OutboxMail } from './schema';

export type EnqueueMail = {
  to: string;
  idempotencyKey: string;
  request: MailRequest;
  userId?: string | null;
  ticketId?: string | null;
  ticketNumber?: number | null;
  notificationId?: number | null;
  /** A notification kind: the mail gets a List-Unsubscribe link that turns this kind's mail off. */
  notificationKind?: NotificationKind | null;
};

/** Puts one mail in the outbox (once per idempotency key); returns its id, new or existing. */
export async function enqueueMail(db: Db | Tx, mail: EnqueueMail): Promise<number> {
  const [row] = await db
    .insert(mailOutbox)
    .values({
      idempotencyKey: mail.idempotencyKey,
      kind: mail.request.kind,
      toAddress: mail.to,
      userId: mail.userId ?? null,
      ticketId: mail.ticketId ?? null,
      ticketNumber: mail.ticketNumber ?? null,
      notificationId: mail.notificationId ?? null,
      notificationKind: mail.notificationKind ?? null,
      data: mail.request.data as Record<string, unknown>,
      unsubscribeToken: mail.notificationKind && mail.userId ? randomBytes(24).toString('base64url') : null,
    })
    .onConflictDoNothing()
    .returning({ id: mailOutbox.id });
  if (row) return row.id;
  const [existing] = await db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.idempotencyKey, mail.idempotencyKey));
  return existing!.id;
}

type Party = { id: string; email: string; name: string; active: boolean; role: 'requester' | 'agent' | 'supervisor' | 'admin'; departmentId: string | null; extra: string[] };

const partyColumns = { id: users.id, email: users.email, name: users.name, active: users.active, role: users.role, departmentId: users.departmentId, extra: extraDepartmentIdsOf(users.id) };

async function parties(db: Db | Tx, ids: readonly string[]): Promise<Map<string, Party>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select(partyColumns)
    .from(users)
    .where(inArray(users.id, [...new Set(ids)]));
  return new Map(rows.map((r) => [r.id, r]));
}

/** What the person may do on the ticket, by the one rule. */
async function ticketCapabilities(db: Db | Tx, person: Party, ticketId: string): Promise<Capabilities | null> {
  const [ticket] = await db
    .select({
      requesterId: tickets.requesterId,
      departmentId: tickets.departmentId,
      assigneeId: tickets.assigneeId,
      watching: sql<boolean>`exists (select 1 from ticket_watchers w where w.ticket_id = ${tickets.id} and w.user_id = ${person.id})`,
    })
    .from(tickets)
    .where(eq(tickets.id, ticketId));
  if (!ticket) return null;
  return capabilitiesFor({ id: person.id, role: person.role, staffDepartmentIds: staffDepartments(person.role, person.departmentId, person.extra) }, ticket);
}

/**
 * Whether a ticket's mail may still go to its recipient: an active account that may see the
 * ticket, and staff powers on it when the mail carries an internal note. Asked when the mail is
 * queued and again right before it is sent (the ticket may have moved meanwhile).
 */
export async function mayReceiveTicketMail(db: Db | Tx, userId: string, ticketId: string, commentId: number | null): Promise<boolean> {
  const person = (await parties(db, [userId])).get(userId);
  if (!person?.active) return false;
  const caps = await ticketCapabilities(db, person, ticketId);
  if (!caps?.see) return false;
  if (commentId !== null) {
    const [comment] = await db.select({ internal: comments.internal, deletedAt: comments.deletedAt }).from(comments).where(eq(comments.id, commentId));
    if (!comment || comment.deletedAt) return false;
    if (comment.internal && !caps.staff) return false;
  }
  return true;
}

const ticketPath = (number: number) => `/tickets/${number}`;

/**
 * Queues the mails of notification rows just written (same transaction) for the recipients whose
 * email delivery for that kind is `immediately`; daily-digest kinds wait for the digest, `never`
 * mails nothing. Keyed `notification:<id>`. Returns the outbox ids.
 */
export async function enqueueNotificationMails(tx: Db | Tx, notificationIds: readonly number[]): Promise<number[]> {
  if (notificationIds.length === 0) return [];
  const rows = await tx
    .select({ n: notifications, ticketNumber: tickets.number, ticketTitle: tickets.title })
    .from(notifications)
    .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
    .where(inArray(notifications.id, [...notificationIds]));
  const people = await parties(
    tx,
    rows.map((r) => r.n.userId),
  );
  const preferences = await effectiveNotificationPreferences(tx, [...people.keys()]);
  const ids: number[] = [];
  for (const { n, ticketNumber, ticketTitle } of rows) {
    const person = people.get(n.userId);
    if (!person?.active) continue;
    const preference = preferences.get(n.userId)?.find((p) => p.kind === n.kind);
    if (preference?.email !== 'immediately') continue;
    const commentId = typeof n.data.commentId === 'number' ? n.data.commentId : null;
    if (n.ticketId && !(await mayReceiveTicketMail(tx, n.userId, n.ticketId, commentId))) continue;
    const ticket = n.ticketId && ticketNumber !== null && ticketTitle !== null ? { number: ticketNumber, title: ticketTitle, link: ticketPath(ticketNumber) } : null;
    const request = await notificationMail(tx, n, person, ticket, commentId);
    ids.push(
      await enqueueMail(tx, {
        to: person.email,
        idempotencyKey: `notification:${n.id}`,
        request,
        userId: person.id,
        ticketId: n.ticketId,
        ticketNumber: ticket?.number ?? null,
        notificationId: n.id,
        notificationKind: n.kind as NotificationKind,
      }),
    );
  }
  return ids;
}

async function notificationMail(
  tx: Db | Tx,
  n: typeof notifications.$inferSelect,
  person: Party,
  ticket: { number: number; title: string; link: string } | null,
  commentId: number | null,
): Promise<MailRequest> {
  const link = typeof n.data.link === 'string' ? n.data.link : (ticket?.link ?? '/');
  if (ticket && n.kind === 'message' && commentId !== null) {
    const [comment] = await tx.select({ body: comments.body, authorName: users.name }).from(comments).innerJoin(users, eq(users.id, comments.authorId)).where(eq(comments.id, commentId));
    if (comment) return { kind: 'public_reply', data: { name: person.name, ticket, authorName: comment.authorName, body: stripQuotedReply(comment.body) } };
  }
  if (ticket && n.kind === 'resolved') return { kind: 'resolved', data: { name: person.name, ticket, confirmLink: `${ticket.link}?action=confirm`, reopenLink: `${ticket.link}?action=reopen` } };
  if (ticket && n.kind === 'sla_breached') return { kind: 'sla_breached', data: { name: person.name, ticket, title: n.title, body: n.body } };
  return { kind: 'notification', data: { name: person.name, ticket, title: n.title, body: n.body, link } };
}

/** The ticket-received mail to a new ticket's requester (sent whatever their preferences); the root of the ticket's mail thread. */
export async function enqueueTicketReceivedMail(tx: Db | Tx, ticketId: string): Promise<number | null> {
  const [row] = await tx
    .select({ number: tickets.number, title: tickets.title, email: users.email, name: users.name, active: users.active, userId: users.id })
    .from(tickets)
    .innerJoin(users, eq(users.id, tickets.requesterId))
    .where(eq(tickets.id, ticketId));
  if (!row?.active) return null;
  return enqueueMail(tx, {
    to: row.email,
    idempotencyKey: `ticket-received:${ticketId}`,
    request: { kind: 'ticket_received', data: { name: row.name, ticket: { number: row.number, title: row.title, link: ticketPath(row.number) } } },
    userId: row.userId,
    ticketId,
    ticketNumber: row.number,
  });
}

// ---------------------------------------------------------------------------------------------
// Daily digest

/** The organisation's timezone: its default SLA calendar's, else UTC. */
export async function organisationTimezone(db: Db | Tx): Promise<string> {
  const [row] = await db
    .select({ timezone: businessCalendars.timezone })
    .from(businessCalendars)
    .where(eq(sql`lower(${businessCalendars.name})`, DEFAULT_CALENDAR_NAME.toLowerCase()));
  return row?.timezone ?? 'UTC';
}

/** The local date and hour at `now` in a timezone (an unknown zone counts as UTC). */
export function localDateHour(now: Date, timeZone: string): { date: string; hour: number } {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  } catch {
    parts = new Intl.DateTimeFormat('en-CA', { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' }).formatToParts(now);
  }
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return { date: `${get('year')}-${get('month')}-${get('day')}`, hour: Number(get('hour')) };
}

export const DIGEST_HOUR = 8;

/**
 * Queues the daily digest of every user for whom it is 08:00 or later today in their timezone
 * (users.timezone, else the organisation's) and who has none for today yet: the notifications
 * since their previous digest (at most a day back) whose kind they mail as `daily_digest`, that
 * they may still see. Nothing to tell: no mail. Keyed `digest:<userId>:<local date>`, so the
 * schedule running every quarter hour (and catching up after downtime) queues it once.
 */
export async function enqueueDueDigests(db: Db, now: Date = new Date()): Promise<number[]> {
  const dayAgo = new Date(now.getTime() - 24 * 3600_000);
  const candidates = await db
    .selectDistinct({ userId: notifications.userId, timezone: users.timezone })
    .from(notifications)
    .innerJoin(users, eq(users.id, notifications.userId))
    .where(and(gt(notifications.createdAt, dayAgo), eq(users.active, true)));
  if (candidates.length === 0) return [];
  const orgZone = await organisationTimezone(db);
  const due = candidates.map((c) => ({ ...c, local: localDateHour(now, c.timezone ?? orgZone) })).filter((c) => c.local.hour >= DIGEST_HOUR);
  if (due.length === 0) return [];
  const preferences = await effectiveNotificationPreferences(
    db,
    due.map((c) => c.userId),
  );
  const people = await parties(
    db,
    due.map((c) => c.userId),
  );
  const ids: number[] = [];
  for (const { userId, local } of due) {
    const key = `digest:${userId}:${local.date}`;
    const [already] = await db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.idempotencyKey, key));
    if (already) continue;
    const [previous] = await db
      .select({ createdAt: mailOutbox.createdAt })
      .from(mailOutbox)
      .where(and(eq(mailOutbox.userId, userId), eq(mailOutbox.kind, 'digest')))
      .orderBy(desc(mailOutbox.createdAt))
      .limit(1);
    const since = previous && previous.createdAt > dayAgo ? previous.createdAt : dayAgo;
    const digestKinds = (preferences.get(userId) ?? []).filter((p) => p.email === 'daily_digest').map((p) => p.kind as string);
    if (digestKinds.length === 0) continue;
    const rows = await db
      .select({ n: notifications, ticketNumber: tickets.number })
      .from(notifications)
      .leftJoin(tickets, eq(tickets.id, notifications.ticketId))
      .where(and(eq(notifications.userId, userId), gte(notifications.createdAt, since), inArray(notifications.kind, digestKinds)))
      .orderBy(asc(notifications.id))
      .limit(200);
    const items: { title: string; body: string; link: string; at: string }[] = [];
    for (const { n, ticketNumber } of rows) {
      const commentId = typeof n.data.commentId === 'number' ? n.data.commentId : null;
      if (n.ticketId && !(await mayReceiveTicketMail(db, userId, n.ticketId, commentId))) continue;
      items.push({ title: n.title, body: n.body, link: typeof n.data.link === 'string' ? n.data.link : ticketNumber ? ticketPath(ticketNumber) : '/', at: n.createdAt.toISOString() });
    }
    const person = people.get(userId);
    if (items.length === 0 || !person) continue;
    ids.push(await enqueueMail(db, { to: person.email, idempotencyKey: key, request: { kind: 'digest', data: { name: person.name, date: local.date, items } }, userId }));
  }
  return ids;
}

// ---------------------------------------------------------------------------------------------
// Sending (the worker's activity)

/** How long one attempt holds a row: longer than the SMTP timeouts together. */
export const MAIL_CLAIM_MS = 2 * 60_000;

export type ClaimResult = { state: 'claimed'; mail: OutboxMail } | { state: 'done'; status: MailStatus } | { state: 'busy' } | { state: 'missing' };

/**
 * Takes the row for one attempt: counts the attempt and holds the row for MAIL_CLAIM_MS. A row
 * already sent (or given up) is done: the activity returns without sending again.
 */
export async function claimMail(db: Db, id: number, now: Date = new Date()): Promise<ClaimResult> {
  const [claimed] = await db
    .update(mailOutbox)
    .set({ attempts: sql`${mailOutbox.attempts} + 1`, claimedUntil: new Date(now.getTime() + MAIL_CLAIM_MS), lastAttemptAt: now })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued'), or(isNull(mailOutbox.claimedUntil), lt(mailOutbox.claimedUntil, now))))
    .returning();
  if (claimed) return { state: 'claimed', mail: claimed };
  const [row] = await db.select({ status: mailOutbox.status }).from(mailOutbox).where(eq(mailOutbox.id, id));
  if (!row) return { state: 'missing' };
  return row.status === 'queued' ? { state: 'busy' } : { state: 'done', status: row.status };
}

/** The server accepted it: sent, with its answer; the link tokens in the stored data are redacted (the mail has them). */
export async function markMailSent(db: Db, id: number, sent: { messageId: string; subject: string; response: string }): Promise<void> {
  const [row] = await db.select({ data: mailOutbox.data }).from(mailOutbox).where(eq(mailOutbox.id, id));
  await db
    .update(mailOutbox)
    .set({
      status: 'sent',
      sentAt: new Date(),
      messageId: sent.messageId,
      subject: sent.subject,
      serverResponse: sent.response.slice(0, 1000),
      lastError: null,
      claimedUntil: null,
      data: row ? (JSON.parse(redactTokens(JSON.stringify(row.data))) as Record<string, unknown>) : {},
    })
    .where(eq(mailOutbox.id, id));
}

/** One attempt failed: what the server (or the connection) said; the row stays queued for the next attempt. */
export async function recordMailAttemptError(db: Db, id: number, error: string, subject?: string): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ lastError: error.slice(0, 1000), claimedUntil: null, ...(subject && { subject }) })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')));
}

/** Given up (the server refused it for good, or retries ran out): failed, with the last error for admins. */
export async function markMailFailed(db: Db, id: number, error: string | null): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ status: 'failed', claimedUntil: null, ...(error && { lastError: error.slice(0, 1000) }) })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')));
}

/** Not for this recipient any more (deactivated, lost access to the ticket): skipped, with the reason. */
export async function markMailSkipped(db: Db, id: number, reason: string): Promise<void> {
  await db
    .update(mailOutbox)
    .set({ status: 'skipped', claimedUntil: null, lastError: reason })
    .where(and(eq(mailOutbox.id, id), eq(mailOutbox.status, 'queued')));
}

// ---------------------------------------------------------------------------------------------
// Dispatch (starting the mail-<id> workflows)

/**
 * Queued mails whose workflow may not have been started: never dispatched and older than
 * `graceMs` (a writer starts its own right after the commit), or dispatched more than an hour ago
 * and still queued (starting it again is refused while its workflow still runs).
 */
export async function mailsToDispatch(db: Db, options: { graceMs: number; limit: number; now?: Date }): Promise<number[]> {
  const now = options.now ?? new Date();
  const rows = await db
    .select({ id: mailOutbox.id })
    .from(mailOutbox)
    .where(
      and(
        eq(mailOutbox.status, 'queued'),
        lt(mailOutbox.createdAt, new Date(now.getTime() - options.graceMs)),
        or(isNull(mailOutbox.dispatchedAt), lt(mailOutbox.dispatchedAt, new Date(now.getTime() - 3600_000))),
      ),
    )
    .orderBy(asc(mailOutbox.id))
    .limit(options.limit);
  return rows.map((r) => r.id);
}

export async function markMailsDispatched(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db
    .update(mailOutbox)
    .set({ dispatchedAt: new Date() })
    .where(inArray(mailOutbox.id, [...ids]));
}

// ---------------------------------------------------------------------------------------------
// Admins (api/admin/mail)

export type OutboxListInput = { status?: MailStatus | undefined; limit: number; offset: number };

/** The outbox for admins, newest first: who, what, status, attempts and the server's answer (never the data or its links). */
export async function listOutbox(db: Db, input: OutboxListInput) {
  const where = input.status ? eq(mailOutbox.status, input.status) : undefined;
  const [items, [total]] = await Promise.all([
    db
      .select({
        id: mailOutbox.id,
        kind: mailOutbox.kind,
        to: mailOutbox.toAddress,
        ticketNumber: mailOutbox.ticketNumber,
        subject: mailOutbox.subject,
        status: mailOutbox.status,
        attempts: mailOutbox.attempts,
        lastError: mailOutbox.lastError,
        serverResponse: mailOutbox.serverResponse,
        messageId: mailOutbox.messageId,
        createdAt: mailOutbox.createdAt,
        lastAttemptAt: mailOutbox.lastAttemptAt,
        sentAt: mailOutbox.sentAt,
      })
      .from(mailOutbox)
      .where(where)
      .orderBy(desc(mailOutbox.id))
      .limit(input.limit)
      .offset(input.offset),
    db.select({ n: count() }).from(mailOutbox).where(where),
  ]);
  return { items: items.map((item) => ({ ...item, kind: item.kind as MailKind })), total: total?.n ?? 0 };
}

/** Puts failed mails back in the queue (the caller starts their workflows); returns the ids that were failed. */
export async function requeueFailedMails(db: Db | Tx, ids: readonly number[]): Promise<number[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .update(mailOutbox)
    .set({ status: 'queued', claimedUntil: null, dispatchedAt: null })
    .where(and(inArray(mailOutbox.id, [...ids]), eq(mailOutbox.status, 'failed')))
    .returning({ id: mailOutbox.id });
  return rows.map((r) => r.id);
}

// ---------------------------------------------------------------------------------------------
// Unsubscribe (List-Unsubscribe)

/**
 * Turns off the mail of the notification kind a mail was about, for its recipient (in-app
 * notifications stay as they were). Returns the kind, or null for an unknown token.
 */
export async function unsubscribeByToken(db: Db, token: string): Promise<{ kind: string; email: string } | null> {
  const [mail] = await db.select({ userId: mailOutbox.userId, kind: mailOutbox.notificationKind, email: mailOutbox.toAddress }).from(mailOutbox).where(eq(mailOutbox.unsubscribeToken, token));
  if (!mail?.userId || !mail.kind) return null;
  const userId = mail.userId;
  const kind = mail.kind;
  const current = (await effectiveNotificationPreferences(db, [userId])).get(userId)?.find((p) => p.kind === kind);
  await db
    .insert(notificationPreferences)
    .values({ userId, kind, inApp: current?.inApp ?? true, email: 'never' })
    .onConflictDoUpdate({ target: [notificationPreferences.userId, notificationPreferences.kind], set: { email: 'never' } });
  return { kind, email: mail.email };
}
