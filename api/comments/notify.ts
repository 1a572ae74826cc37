/**
 * The notification rows a ticket message writes (the `notifications` table; kinds in
 * domain/vocabulary.ts): `message` to the ticket's requester and watchers for a public message,
 * `mention` to the agents it mentions, `review_needed` to the ticket's staff for a message held by
 * screening. Written in the message's own transaction; each row is keyed once per message and
 * person, so a retry never writes it twice. Returns who was notified (the live unread-count push
 * is wired to that list). The mails of those rows (whoever mails that kind `immediately`) are queued
 * in the same transaction (db/mail-outbox.ts); their ids go to `mailed`, for the caller to start
 * their delivery after the commit.
 */
import { and, eq, inArray } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { enqueueNotificationMails } from '../../db/mail-outbox';
import { notifications, ticketWatchers, users } from '../../db/schema';
import type { NotificationKind } from '../../domain/vocabulary';
import type { CommentTicket, StoredComment } from './store';

/** What a message notifies about: the stored message, its ticket, and the agents it mentioned. */
export type MessageNotice = { comment: StoredComment; ticket: CommentTicket; mentioned: string[] };

const TITLE_BODY_CHARS = 140;

/** A short, single-line excerpt of a message body. */
export function excerpt(body: string, max = TITLE_BODY_CHARS): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

/** The deep link into the app for a ticket (the notification center and mails open it). */
export const ticketLink = (ticketNumber: number) => `/tickets/${ticketNumber}`;

export async function recordMessageNotifications(tx: Tx, notice: MessageNotice, mailed: number[] = []): Promise<string[]> {
  const { comment, ticket } = notice;
  const rows: { userId: string; kind: NotificationKind; title: string }[] = [];
  const add = (userIds: Iterable<string>, kind: NotificationKind, title: string) => {
    for (const userId of userIds) if (userId !== comment.author.id && !rows.some((r) => r.userId === userId && r.kind === kind)) rows.push({ userId, kind, title });
  };
  const number = ticket.number;
  if (comment.held) {
    add(await ticketStaff(tx, ticket), 'review_needed', `A message on ticket #${number} is held for review`);
  } else {
    for (const userId of notice.mentioned) add([userId], 'mention', `${comment.author.name} mentioned you on ticket #${number}`);
    if (!comment.internal) {
      const watchers = await tx.select({ userId: ticketWatchers.userId }).from(ticketWatchers).where(eq(ticketWatchers.ticketId, ticket.id));
      // Someone mentioned is told once, by the mention.
      const audience = [ticket.requesterId, ...watchers.map((w) => w.userId)].filter((id) => !notice.mentioned.includes(id));
      add(audience, 'message', `New message on ticket #${number} from ${comment.author.name}`);
    }
  }
  if (rows.length === 0) return [];
  const inserted = await tx
    .insert(notifications)
    .values(
      rows.map((row) => ({
        userId: row.userId,
        ticketId: ticket.id,
        kind: row.kind,
        title: row.title,
        body: excerpt(comment.body),
        data: { link: ticketLink(number), ticketNumber: number, commentId: comment.id },
        dedupeKey: `comment:${comment.id}:${row.kind}:${row.userId}`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: notifications.id, userId: notifications.userId });
  mailed.push(
    ...(await enqueueNotificationMails(
      tx,
      inserted.map((r) => r.id),
    )),
  );
  return [...new Set(inserted.map((r) => r.userId))];
}

/**
 * Who reviews a held message: the ticket's assignee, or else the active agents and supervisors
 * of its department (admins see every queue and are not paged for each).
 */
async function ticketStaff(tx: Tx, ticket: CommentTicket): Promise<string[]> {
  if (ticket.assigneeId) return [ticket.assigneeId];
  if (!ticket.departmentId) return [];
  const staff = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.departmentId, ticket.departmentId), eq(users.active, true), inArray(users.role, ['agent', 'supervisor'])));
  return staff.map((s) => s.id);
}

/** The released message's `message` notifications: as if it had just been posted (dedupe keys make a second release harmless). */
export async function recordReleasedNotifications(tx: Tx, comment: StoredComment, ticket: CommentTicket, mailed: number[] = []): Promise<string[]> {
  return recordMessageNotifications(tx, { comment: { ...comment, held: false }, ticket, mentioned: [] }, mailed);
}
