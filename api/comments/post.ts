/**
 * The one path every ticket message takes, whether it came from the tRPC `comment.add`
 * procedure, its REST route, or a live room (`POST /internal/rooms/tickets/:id/messages`):
 *
 *   validate → screen → in one transaction: store, audit (`comment_added`), mentions,
 *   notifications → after the commit: deliver live to the ticket's room, signal the workflow.
 *
 * A message screening flags (domain/screening.ts, the rules intake uses) from someone who is not
 * staff of the ticket is stored *held*: only the ticket's staff see it, the workflow is not told,
 * and the ticket's staff get a `review_needed` notification; staff release or reject it
 * (review.ts). The signal goes after the commit: if it fails, the caller gets an error and the
 * client's retry with the same clientId returns the stored message and signals again (the
 * workflow dedupes by commentId).
 */
import { WorkflowNotFoundError, type Client as TemporalClient } from '@temporalio/client';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client';
import { commentMentions, ticketWatchers, users } from '../../db/schema';
import { screenMessage } from '../../domain/screening';
import type { Role } from '../../domain/vocabulary';
import { forRequesters, type StoredMessage } from '../../realtime/protocol';
import { publicReplySignal, ticketWorkflowId } from '../../workflows/messages';
import type { RoomsAccessNotifier } from '../internal/rooms-push';
import { recordTicketEvent } from '../tickets/events';
import { recordMessageNotifications } from './notify';
import { storeComment, type CommentTicket, type StoredComment } from './store';

/** Longest message on any path (rooms limit theirs further by frame size). */
export const MAX_MESSAGE_CHARS = 20_000;

export const PostMessageInput = z.object({
  ticketId: z.uuid(),
  authorId: z.uuid(),
  body: z
    .string()
    .min(1)
    .max(MAX_MESSAGE_CHARS)
    .refine((body) => body.trim().length > 0, 'must not be blank'),
  internal: z.boolean().default(false),
  /** Sent from an AI suggestion (staff only; shown to staff only). */
  ai: z.boolean().default(false),
  clientId: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9._:-]+$/)
    .nullable()
    .default(null),
});
export type PostMessageInput = z.input<typeof PostMessageInput>;

export type MessageDeps = {
  db: Db;
  temporal: TemporalClient;
  /** Live delivery into the ticket's room; null when the message came from that room (it delivers it itself). */
  room: Pick<RoomsAccessNotifier, 'message'> | null;
  /** Pushes the notified users' new unread counts (api/notifications/service.ts); best effort, never throws. */
  unreadChanged?: ((userIds: string[]) => Promise<void>) | undefined;
  /** Starts the delivery of the notification mails it queued (api/mail.ts); without it the worker's reconcile schedule starts them. */
  dispatchMail?: ((outboxIds: readonly number[]) => Promise<void>) | undefined;
};

export type PostedMessage = {
  comment: StoredComment;
  /** Id of the ticket's comment before this one (0 if none); null for a resend. */
  previousId: number | null;
  /** False for a resend of an already stored (author, clientId). */
  created: boolean;
  /** Users who got a notification row for it (empty for a resend). */
  notified: string[];
  /** Whether the author has staff powers on the ticket. */
  authorIsStaff: boolean;
};

/** The workflow was not told about a stored message: resending it with the same clientId repairs that. */
export class ReplySignalError extends Error {
  override name = 'ReplySignalError';
  constructor(
    readonly comment: StoredComment,
    cause: unknown,
  ) {
    super(`message ${comment.id} was stored, but the ticket's workflow could not be told; resend it with the same clientId`, { cause });
  }
}

/** A comment as the rooms deliver it; `staff: false` leaves out the staff-only `ai` flag. */
export function toStoredMessage(comment: StoredComment, viewer: { staff: boolean } = { staff: true }): StoredMessage {
  const { held, ...rest } = comment;
  const message: StoredMessage = { ...rest, createdAt: comment.createdAt.toISOString(), ...(held && { held: true }) };
  return viewer.staff ? message : forRequesters(message);
}

/** Stores, audits and delivers one message; throws CommentError (who may post what) or ReplySignalError. */
export async function postMessage(deps: MessageDeps, raw: PostMessageInput): Promise<PostedMessage> {
  const input = PostMessageInput.parse(raw);
  // Internal notes never reach a requester, so they are not screened; staff are trusted (storeComment decides).
  const flagged = !input.internal && screenMessage(input.body).flagged;
  let notified: string[] = [];
  const mailed: number[] = [];
  const stored = await storeComment(deps.db, {
    ...input,
    heldUnlessStaff: flagged,
    alongside: async (tx, { comment, ticket, authorIsStaff }) => {
      await recordTicketEvent(tx, {
        ticketId: comment.ticketId,
        kind: 'comment_added',
        newValue: { commentId: comment.id, internal: comment.internal, ...(comment.held && { held: true }) },
        actorId: comment.author.id,
        dedupeKey: `comment:${comment.id}:added`,
      });
      // Only staff mention (and thereby subscribe) agents; a requester's @word stays plain text.
      const mentioned = authorIsStaff ? await recordMentions(tx, comment) : [];
      notified = await recordMessageNotifications(tx, { comment, ticket, mentioned }, mailed);
    },
  });
  const { comment } = stored;
  await deps.room?.message(toStoredMessage(comment), { previousId: stored.previousId });
  await deps.unreadChanged?.(notified);
  void deps.dispatchMail?.(mailed); // never throws; not awaited, so the message's answer does not wait for it
  if (!comment.internal && !comment.held && stored.ticket) await signalReply(deps.temporal, stored.ticket, comment, stored.authorIsStaff ? comment.author.role : 'requester');
  return { comment, previousId: stored.previousId, created: stored.created, notified, authorIsStaff: stored.authorIsStaff };
}

/** `@handle` = the part of an address before the @ (e.g. @ivy.it for ivy.it@example.com). */
export function mentionedHandles(body: string): string[] {
  const handles = new Set<string>();
  for (const match of body.matchAll(/(?:^|[^\w@.])@([a-z0-9][a-z0-9._-]{0,63})/gi)) handles.add(match[1]!.replace(/[._-]+$/, '').toLowerCase());
  return [...handles].slice(0, 20);
}

/** Records who a staff message mentions (active staff, not the author); they follow the ticket. Returns their ids. */
async function recordMentions(tx: Tx, comment: StoredComment): Promise<string[]> {
  const handles = mentionedHandles(comment.body);
  if (handles.length === 0) return [];
  const mentioned = await tx
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(sql`lower(split_part(${users.email}, '@', 1))`, handles), ne(users.role, 'requester'), eq(users.active, true), ne(users.id, comment.author.id)));
  if (mentioned.length === 0) return [];
  await tx
    .insert(commentMentions)
    .values(mentioned.map((m) => ({ commentId: comment.id, userId: m.id })))
    .onConflictDoNothing();
  // A mentioned agent follows the ticket, so they can read what they were asked about.
  await tx
    .insert(ticketWatchers)
    .values(mentioned.map((m) => ({ ticketId: comment.ticketId, userId: m.id })))
    .onConflictDoNothing();
  return mentioned.map((m) => m.id);
}

/**
 * Tells the ticket's workflow about a public reply, as the author stands to this ticket (an agent
 * who filed it replies as its requester). Sent again for a resent comment (the workflow dedupes
 * by commentId). A ticket whose workflow has finished (closed) has no clocks to move.
 */
export async function signalReply(temporal: TemporalClient, ticket: Pick<CommentTicket, 'number'>, comment: StoredComment, authorRole: Role): Promise<void> {
  try {
    await temporal.workflow
      .getHandle(ticketWorkflowId(ticket.number))
      .signal(publicReplySignal, { commentId: comment.id, authorId: comment.author.id, authorRole, at: comment.createdAt.toISOString() });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    throw new ReplySignalError(comment, error);
  }
}
