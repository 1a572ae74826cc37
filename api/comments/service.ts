/**
 * Comment procedures' logic on top of the shared store (store.ts) and the one message path
 * (post.ts): visibility (internal notes and held messages for staff only, the `ai` flag shown to
 * staff only), mentions, and edits within a window (audited).
 */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { commentEdits, commentMentions, comments, tickets, users } from '../../db/schema';
import { staffTickets, ticketAccess, visibleTickets } from '../access';
import { getSettings } from '../admin/settings/service';
import { recordTicketEvent } from '../tickets/events';
import type { AuthedContext } from '../trpc';
import { hiddenMarks, readableComments, type HiddenMark } from './moderation';
import { notifyUnreadChanged } from '../notifications/service';
import { postMessage, ReplySignalError, type PostedMessage } from './post';
import { CommentError, listComments, type StoredComment } from './store';

export { mentionedHandles } from './post';

/**
 * Comments the caller may read, on tickets they see: staff of the ticket all of them; everyone
 * else public ones that are not held for review (a held message cannot be edited by its author either).
 */
const readableBy = (ctx: AuthedContext) =>
  and(or(and(eq(comments.internal, false), or(isNull(comments.reviewState), eq(comments.reviewState, 'released'))), staffTickets(ctx.user)), readableComments(ctx.user));

/** A comment as the API shows it; `ai` only in staff's views. */
export type CommentView = Omit<StoredComment, 'ai'> & { ai?: boolean; editedAt: Date | null; mentions: { id: string; name: string }[]; hidden?: HiddenMark | null };

/** Decorates comments with edits and mentions, as `viewer` may see them (requesters never see the `ai` flag). */
export async function decorate(ctx: Pick<AuthedContext, 'db'>, list: StoredComment[], viewer: { staff: boolean }): Promise<CommentView[]> {
  if (list.length === 0) return [];
  const ids = list.map((c) => c.id);
  const [edits, mentions] = await Promise.all([
    ctx.db
      .select({ commentId: commentEdits.commentId, at: sql<Date>`max(${commentEdits.createdAt})`.mapWith(commentEdits.createdAt) })
      .from(commentEdits)
      .where(inArray(commentEdits.commentId, ids))
      .groupBy(commentEdits.commentId),
    ctx.db
      .select({ commentId: commentMentions.commentId, id: users.id, name: users.name })
      .from(commentMentions)
      .innerJoin(users, eq(users.id, commentMentions.userId))
      .where(inArray(commentMentions.commentId, ids)),
  ]);
  const editedAt = new Map(edits.map((e) => [e.commentId, e.at]));
  return list.map(({ ai, ...comment }) => ({
    ...comment,
    ...(viewer.staff && { ai }),
    editedAt: editedAt.get(comment.id) ?? null,
    mentions: mentions.filter((m) => m.commentId === comment.id).map(({ id, name }) => ({ id, name })),
  }));
}

export async function listTicketComments(ctx: AuthedContext, input: { ticketId: string; after?: number | undefined; limit: number }) {
  const { caps } = await ticketAccess(ctx.db, ctx.user, input.ticketId);
  // Staff also see comments they hid, marked (moderation.ts); requesters never.
  const page = await listComments(ctx.db, { ticketId: input.ticketId, after: input.after, limit: input.limit, includeInternal: caps.staff, includeHidden: caps.staff });
  const hidden = caps.staff
    ? await hiddenMarks(
        ctx,
        page.comments.map((c) => c.id),
      )
    : new Map<number, HiddenMark>();
  return { comments: (await decorate(ctx, page.comments, caps)).map((c) => ({ ...c, hidden: hidden.get(c.id) ?? null })), hasMore: page.hasMore };
}

export type AddCommentInput = { ticketId: string; body: string; internal: boolean; ai?: boolean | undefined; clientId?: string | undefined };

/** The tRPC/REST side of the one message path (post.ts): the caller's access first, then post, then the caller's view. */
export async function addComment(ctx: AuthedContext, input: AddCommentInput): Promise<CommentView & { notified: string[] }> {
  const ticket = await ticketAccess(ctx.db, ctx.user, input.ticketId);
  if (input.internal && !ticket.caps.staff) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only staff of this ticket (its department, its assignee, admins) can post internal notes.' });
  if (input.ai && !ticket.caps.staff) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only staff of this ticket can send AI suggestions.' });
  let posted: PostedMessage;
  try {
    posted = await postMessage(
      { db: ctx.db, temporal: ctx.temporal, room: ctx.services.rooms, unreadChanged: (ids) => notifyUnreadChanged(ctx, ids), dispatchMail: ctx.services.dispatchMail },
      { ticketId: input.ticketId, authorId: ctx.user.id, body: input.body, internal: input.internal, ai: input.ai ?? false, clientId: input.clientId ?? null },
    );
  } catch (error) {
    if (error instanceof ReplySignalError) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
    if (!(error instanceof CommentError)) throw error;
    const code = error.code === 'forbidden' ? 'FORBIDDEN' : error.code === 'client_id_conflict' ? 'CONFLICT' : 'NOT_FOUND';
    throw new TRPCError({ code, message: error.message, cause: error });
  }
  const [view] = await decorate(ctx, [posted.comment], ticket.caps);
  return { ...view!, notified: posted.notified };
}

export async function editComment(ctx: AuthedContext, input: { id: number; body: string }): Promise<CommentView> {
  const [current] = await ctx.db
    .select({ id: comments.id, ticketId: comments.ticketId, authorId: comments.authorId, body: comments.body, internal: comments.internal, createdAt: comments.createdAt })
    .from(comments)
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .where(and(eq(comments.id, input.id), visibleTickets(ctx.user), readableBy(ctx)));
  if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: `Comment ${input.id} was not found.` });
  if (current.authorId !== ctx.user.id) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only the author can edit a comment.' });
  const { commentEditWindowMinutes } = await getSettings(ctx.db);
  const deadline = current.createdAt.getTime() + commentEditWindowMinutes * 60_000;
  if (Date.now() > deadline) throw new TRPCError({ code: 'FORBIDDEN', message: `Comments can be edited for ${commentEditWindowMinutes} minutes after posting; this one no longer.` });
  if (current.body !== input.body) {
    await ctx.db.transaction(async (tx) => {
      await tx.update(comments).set({ body: input.body }).where(eq(comments.id, current.id));
      const [edit] = await tx.insert(commentEdits).values({ commentId: current.id, editorId: ctx.user.id, oldBody: current.body, newBody: input.body }).returning({ id: commentEdits.id });
      await recordTicketEvent(tx, {
        ticketId: current.ticketId,
        kind: 'comment_edited',
        newValue: { commentId: current.id, internal: current.internal, editId: edit!.id },
        actorId: ctx.user.id,
        dedupeKey: `comment-edit:${edit!.id}`,
      });
    });
  }
  const page = await listComments(ctx.db, { ticketId: current.ticketId, after: current.id - 1, limit: 1, includeInternal: true, includeHidden: true });
  const { caps } = await ticketAccess(ctx.db, ctx.user, current.ticketId);
  const [view] = await decorate(ctx, page.comments, caps);
  return view!;
}

/** The edit history of a comment the caller may read (oldest first). */
export async function commentEditHistory(ctx: AuthedContext, commentId: number) {
  const [comment] = await ctx.db
    .select({ id: comments.id })
    .from(comments)
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .where(and(eq(comments.id, commentId), visibleTickets(ctx.user), readableBy(ctx)));
  if (!comment) throw new TRPCError({ code: 'NOT_FOUND', message: `Comment ${commentId} was not found.` });
  return ctx.db
    .select({ id: commentEdits.id, oldBody: commentEdits.oldBody, newBody: commentEdits.newBody, createdAt: commentEdits.createdAt, editor: { id: users.id, name: users.name } })
    .from(commentEdits)
    .leftJoin(users, eq(users.id, commentEdits.editorId))
    .where(eq(commentEdits.commentId, commentId))
    .orderBy(commentEdits.id);
}

/** Comments that mention the caller, newest first, on tickets they can see. */
export async function myMentions(ctx: AuthedContext, input: { before?: number | undefined; limit: number }) {
  return ctx.db
    .select({
      commentId: comments.id,
      ticketId: comments.ticketId,
      ticketNumber: tickets.number,
      ticketTitle: tickets.title,
      body: comments.body,
      internal: comments.internal,
      createdAt: comments.createdAt,
      author: { id: users.id, name: users.name },
    })
    .from(commentMentions)
    .innerJoin(comments, eq(comments.id, commentMentions.commentId))
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(eq(commentMentions.userId, ctx.user.id), visibleTickets(ctx.user), readableBy(ctx), input.before !== undefined ? lt(comments.id, input.before) : undefined))
    .orderBy(desc(comments.id))
    .limit(input.limit);
}
