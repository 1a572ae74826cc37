/**
 * Removing comments, softly (the body stays in the row for the audit):
 * - its author deletes their own comment within the edit window (settings
 *   commentEditWindowMinutes, the same window as editing): it is gone for everyone, staff included;
 * - staff of the ticket (its department's agents and supervisors, its assignee, admins) hide any
 *   comment on it: requesters no longer see it; staff still do, in comment.list, marked hidden
 *   with who hid it and when, so a moderation decision stays reviewable.
 * Both are audited (`comment_deleted` / `comment_hidden`) and leave search, comment lists, mention
 * lists and the rooms' replay (store.ts listComments is the shared read path); the ticket's room is
 * told at once (`message_removed`) so it drops the message from its buffer and from open screens.
 */
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import { comments, tickets, users } from '../../db/schema';
import { staffAccess, staffTickets, visibleTickets } from '../access';
import { getSettings } from '../admin/settings/service';
import type { SessionUser } from '../auth/session';
import { recordTicketEvent } from '../tickets/events';
import type { AuthedContext } from '../trpc';

/** Comments the user may still read (on a ticket they see): not deleted; hidden ones only for staff of their ticket. Use with `tickets` joined. */
export function readableComments(user: SessionUser): SQL {
  return and(isNull(comments.deletedAt), or(isNull(comments.hiddenAt), staffTickets(user)))!;
}

/** The comment as the caller may reach it (internal notes only for staff), else NOT_FOUND. */
async function findComment(ctx: AuthedContext, id: number) {
  const [comment] = await ctx.db
    .select({ id: comments.id, ticketId: comments.ticketId, authorId: comments.authorId, internal: comments.internal, createdAt: comments.createdAt, hiddenAt: comments.hiddenAt })
    .from(comments)
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .where(and(eq(comments.id, id), visibleTickets(ctx.user), or(eq(comments.internal, false), staffTickets(ctx.user)), readableComments(ctx.user)));
  if (!comment) throw new TRPCError({ code: 'NOT_FOUND', message: `Comment ${id} was not found.` });
  return comment;
}

/** The author deletes their own comment within the edit window; it disappears for everyone. */
export async function deleteComment(ctx: AuthedContext, input: { id: number }): Promise<{ id: number; deleted: true }> {
  const comment = await findComment(ctx, input.id);
  if (comment.authorId !== ctx.user.id) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the author can delete a comment (staff can hide one).' });
  const { commentEditWindowMinutes } = await getSettings(ctx.db);
  if (Date.now() > comment.createdAt.getTime() + commentEditWindowMinutes * 60_000) {
    throw new TRPCError({ code: 'FORBIDDEN', message: `Comments can be deleted for ${commentEditWindowMinutes} minutes after posting; this one no longer.` });
  }
  await ctx.db.transaction(async (tx) => {
    const [deleted] = await tx
      .update(comments)
      .set({ deletedAt: new Date() })
      .where(and(eq(comments.id, comment.id), isNull(comments.deletedAt)))
      .returning({ id: comments.id });
    if (!deleted) return; // deleted meanwhile (a retry): once is enough
    await recordTicketEvent(tx, {
      ticketId: comment.ticketId,
      kind: 'comment_deleted',
      newValue: { commentId: comment.id, internal: comment.internal },
      actorId: ctx.user.id,
      dedupeKey: `comment:${comment.id}:deleted`,
    });
  });
  await ctx.services.rooms.messageRemoved(comment.ticketId, comment.id);
  return { id: comment.id, deleted: true };
}

/** Staff of the ticket hide a comment from requesters (audited, with an optional reason). */
export async function hideComment(ctx: AuthedContext, input: { id: number; reason?: string | undefined }): Promise<{ id: number; hidden: true }> {
  const comment = await findComment(ctx, input.id);
  await staffAccess(ctx.db, ctx.user, comment.ticketId, 'hide comments');
  if (comment.hiddenAt) return { id: comment.id, hidden: true };
  await ctx.db.transaction(async (tx) => {
    const [hidden] = await tx
      .update(comments)
      .set({ hiddenAt: new Date(), hiddenById: ctx.user.id })
      .where(and(eq(comments.id, comment.id), isNull(comments.hiddenAt)))
      .returning({ id: comments.id });
    if (!hidden) return;
    await recordTicketEvent(tx, {
      ticketId: comment.ticketId,
      kind: 'comment_hidden',
      newValue: { commentId: comment.id, internal: comment.internal },
      actorId: ctx.user.id,
      reason: input.reason ?? null,
      dedupeKey: `comment:${comment.id}:hidden`,
    });
  });
  await ctx.services.rooms.messageRemoved(comment.ticketId, comment.id);
  return { id: comment.id, hidden: true };
}

export type HiddenMark = { at: Date; by: { id: string; name: string } | null };

/** For staff lists: which of these comments are hidden, when and by whom. */
export async function hiddenMarks(ctx: AuthedContext, ids: number[]): Promise<Map<number, HiddenMark>> {
  if (ids.length === 0) return new Map();
  const rows = await ctx.db
    .select({ id: comments.id, at: comments.hiddenAt, byId: users.id, byName: users.name })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.hiddenById))
    .where(and(inArray(comments.id, ids), sql`${comments.hiddenAt} is not null`));
  return new Map(rows.map((r) => [r.id, { at: r.at!, by: r.byId ? { id: r.byId, name: r.byName! } : null }]));
}
