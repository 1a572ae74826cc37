/**
 * Staff review of messages screening held (post.ts): release delivers the message as if it had
 * just been posted (live into the ticket's room, in lists, `message` notifications, the
 * workflow's public-reply signal); reject keeps it from everyone for good. Both are audited.
 * Releasing an already released message runs its delivery again (room push and signal are
 * idempotent), so a release whose signal failed is repaired by releasing again.
 */
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import { comments } from '../../db/schema';
import { staffAccess } from '../access';
import { recordTicketEvent } from '../tickets/events';
import type { AuthedContext } from '../trpc';
import { notifyUnreadChanged } from '../notifications/service';
import { recordReleasedNotifications } from './notify';
import { ReplySignalError, signalReply, toStoredMessage } from './post';
import { findComment } from './store';

export type ReviewDecision = 'release' | 'reject';
export type ReviewResult = { id: number; ticketId: string; state: 'released' | 'rejected'; notified: string[] };

export async function reviewHeldMessage(ctx: AuthedContext, input: { id: number; decision: ReviewDecision; reason?: string | undefined }): Promise<ReviewResult> {
  const found = await findComment(ctx.db, input.id);
  if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `Comment ${input.id} was not found.` });
  // NOT_FOUND for a ticket the caller cannot see; FORBIDDEN without staff powers on it.
  await staffAccess(ctx.db, ctx.user, found.comment.ticketId, 'review its held messages');
  const target = input.decision === 'release' ? 'released' : 'rejected';
  const repeat = found.reviewState === target;
  if (found.reviewState !== 'held' && !repeat) {
    const message = found.reviewState === null ? 'This message is not held for review.' : `This message was already ${found.reviewState}.`;
    throw new TRPCError({ code: 'CONFLICT', message });
  }

  let notified: string[] = [];
  const mailed: number[] = [];
  if (!repeat) {
    const changed = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(comments)
        .set({ reviewState: target })
        .where(and(eq(comments.id, input.id), eq(comments.reviewState, 'held')))
        .returning({ id: comments.id });
      if (!row) return false;
      await recordTicketEvent(tx, {
        ticketId: found.comment.ticketId,
        kind: target === 'released' ? 'comment_released' : 'comment_rejected',
        newValue: { commentId: input.id },
        actorId: ctx.user.id,
        reason: input.reason ?? null,
        dedupeKey: `comment:${input.id}:review`,
      });
      if (target === 'released') notified = await recordReleasedNotifications(tx, found.comment, found.ticket, mailed);
      return true;
    });
    if (!changed) throw new TRPCError({ code: 'CONFLICT', message: 'Someone else reviewed this message meanwhile.' });
  }

  if (target === 'released') {
    const comment = { ...found.comment, held: false };
    await ctx.services.rooms.message(toStoredMessage(comment), { previousId: null, released: true });
    try {
      // Only messages of authors without staff powers are held: the workflow hears the requester.
      await signalReply(ctx.temporal, found.ticket, comment, 'requester');
    } catch (error) {
      if (error instanceof ReplySignalError) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Released, but the ticket’s workflow could not be told; release it again.', cause: error });
      throw error;
    }
  }
  await notifyUnreadChanged(ctx, notified);
  void ctx.services.dispatchMail(mailed);
  return { id: input.id, ticketId: found.comment.ticketId, state: target, notified };
}
