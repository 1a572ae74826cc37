/**
 * Comment procedures' logic on top of the shared store (store.ts): visibility, mentions,
 * edits within a window (audited), and the signal that tells the ticket's workflow about a
 * public reply (first response, next response, resuming a ticket waiting on the customer).
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, lt, ne, or, sql } from 'drizzle-orm';
import { commentEdits, commentMentions, comments, tickets, ticketWatchers, users } from '../../db/schema';
import { publicReplySignal, ticketWorkflowId } from '../../workflows/messages';
import { staffTickets, ticketAccess, visibleTickets } from '../access';
import { getSettings } from '../admin/settings/service';
import { recordTicketEvent } from '../tickets/events';
import type { AuthedContext } from '../trpc';
import { hiddenMarks, readableComments, type HiddenMark } from './moderation';
import { CommentError, listComments, storeComment, type StoredComment } from './store';

export type CommentView = StoredComment & { editedAt: Date | null; mentions: { id: string; name: string }[]; hidden?: HiddenMark | null };

/** `@handle` = the part of an address before the @ (e.g. @ivy.it for ivy.it@example.com). */
export function mentionedHandles(body: string): string[] {
  const handles = new Set<string>();
  for (const match of body.matchAll(/(?:^|[^\w@.])@([a-z0-9][a-z0-9._-]{0,63})/gi)) handles.add(match[1]!.replace(/[._-]+$/, '').toLowerCase());
  return [...handles].slice(0, 20);
}

async function decorate(ctx: AuthedContext, list: StoredComment[]): Promise<CommentView[]> {
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
  return list.map((comment) => ({
    ...comment,
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
  return { comments: (await decorate(ctx, page.comments)).map((c) => ({ ...c, hidden: hidden.get(c.id) ?? null })), hasMore: page.hasMore };
}

export async function addComment(ctx: AuthedContext, input: { ticketId: string; body: string; internal: boolean; clientId?: string | undefined }): Promise<CommentView> {
  const ticket = await ticketAccess(ctx.db, ctx.user, input.ticketId);
  if (input.internal && !ticket.caps.staff) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only staff of this ticket (its department, its assignee, admins) can post internal notes.' });
  let stored;
  try {
    stored = await storeComment(ctx.db, { ticketId: input.ticketId, authorId: ctx.user.id, body: input.body, internal: input.internal, ai: false, clientId: input.clientId ?? null });
  } catch (error) {
    if (!(error instanceof CommentError)) throw error;
    const code = error.code === 'forbidden' ? 'FORBIDDEN' : error.code === 'client_id_conflict' ? 'CONFLICT' : 'NOT_FOUND';
    throw new TRPCError({ code, message: error.message, cause: error });
  }
  const comment = stored.comment;
  if (stored.created) {
    await recordTicketEvent(ctx.db, {
      ticketId: comment.ticketId,
      kind: 'comment_added',
      newValue: { commentId: comment.id, internal: comment.internal },
      actorId: ctx.user.id,
      dedupeKey: `comment:${comment.id}:added`,
    });
    // Only staff mention (and thereby subscribe) agents; a requester's @word stays plain text.
    if (ticket.caps.staff) await recordMentions(ctx, comment);
  }
  // The workflow hears the author as they stand to this ticket: an agent who filed it replies as its requester.
  if (!comment.internal) await signalPublicReply(ctx, ticket.number, comment, ticket.caps.staff ? comment.author.role : 'requester');
  const [view] = await decorate(ctx, [comment]);
  return view!;
}

async function recordMentions(ctx: AuthedContext, comment: StoredComment) {
  const handles = mentionedHandles(comment.body);
  if (handles.length === 0) return;
  const mentioned = await ctx.db
    .select({ id: users.id })
    .from(users)
    .where(and(inArray(sql`lower(split_part(${users.email}, '@', 1))`, handles), ne(users.role, 'requester'), eq(users.active, true), ne(users.id, ctx.user.id)));
  if (mentioned.length === 0) return;
  await ctx.db
    .insert(commentMentions)
    .values(mentioned.map((m) => ({ commentId: comment.id, userId: m.id })))
    .onConflictDoNothing();
  // A mentioned agent follows the ticket, so they can read what they were asked about.
  await ctx.db
    .insert(ticketWatchers)
    .values(mentioned.map((m) => ({ ticketId: comment.ticketId, userId: m.id })))
    .onConflictDoNothing();
}

/**
 * Tells the ticket's workflow about a public reply. Sent again when a resent comment is
 * returned (the workflow dedupes by commentId), so a lost signal is repaired by the client's
 * retry. A ticket whose workflow has finished (closed) has no clocks to move.
 */
async function signalPublicReply(ctx: AuthedContext, ticketNumber: number, comment: StoredComment, authorRole: StoredComment['author']['role']) {
  try {
    await ctx.temporal.workflow
      .getHandle(ticketWorkflowId(ticketNumber))
      .signal(publicReplySignal, { commentId: comment.id, authorId: comment.author.id, authorRole, at: comment.createdAt.toISOString() });
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return;
    throw error;
  }
}

export async function editComment(ctx: AuthedContext, input: { id: number; body: string }): Promise<CommentView> {
  const [current] = await ctx.db
    .select({ id: comments.id, ticketId: comments.ticketId, authorId: comments.authorId, body: comments.body, internal: comments.internal, createdAt: comments.createdAt })
    .from(comments)
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .where(and(eq(comments.id, input.id), visibleTickets(ctx.user), or(eq(comments.internal, false), staffTickets(ctx.user)), readableComments(ctx.user)));
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
  const [view] = await decorate(ctx, page.comments);
  return view!;
}

/** The edit history of a comment the caller may read (oldest first). */
export async function commentEditHistory(ctx: AuthedContext, commentId: number) {
  const [comment] = await ctx.db
    .select({ id: comments.id })
    .from(comments)
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .where(and(eq(comments.id, commentId), visibleTickets(ctx.user), or(eq(comments.internal, false), staffTickets(ctx.user)), readableComments(ctx.user)));
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
    .where(
      and(
        eq(commentMentions.userId, ctx.user.id),
        visibleTickets(ctx.user),
        or(eq(comments.internal, false), staffTickets(ctx.user)),
        readableComments(ctx.user),
        input.before !== undefined ? lt(comments.id, input.before) : undefined,
      ),
    )
    .orderBy(desc(comments.id))
    .limit(input.limit);
}
