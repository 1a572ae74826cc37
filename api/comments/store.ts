/**
 * Ticket comments: the one store of a ticket's conversation (replies, internal notes, and the
 * messages of its live room). Shared by the rooms' internal endpoints and the tRPC comment
 * procedures, so both store and list comments the same way.
 */
import { and, asc, desc, eq, gt, isNull, ne, or, sql, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { comments, tickets, users, type CommentReviewState, type Role } from '../../db/schema';
import { capabilitiesFor } from '../../domain/access';
import { personOf } from '../access';
import { sessionUserColumns, toSessionUser } from '../auth/session';

export type StoredComment = {
  id: number;
  ticketId: string;
  author: { id: string; name: string; role: Role };
  body: string;
  internal: boolean;
  ai: boolean;
  createdAt: Date;
  clientId: string | null;
  /** Held by screening for staff review: only the ticket's staff see it until it is released. */
  held: boolean;
};

export type CommentErrorCode = 'ticket_not_found' | 'author_not_found' | 'forbidden' | 'client_id_conflict';

export class CommentError extends Error {
  override name = 'CommentError';
  constructor(
    readonly code: CommentErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type StoreCommentInput = {
  ticketId: string;
  authorId: string;
  body: string;
  internal: boolean;
  /** Sent from an AI suggestion. */
  ai: boolean;
  /** Client-chosen id: storing the same (author, clientId) twice returns the first comment. */
  clientId?: string | null;
  /** Screening flagged it: store it held for staff review, unless the author is staff of the ticket. */
  heldUnlessStaff?: boolean;
  /**
   * Runs in the storing transaction, only when the comment was created (audit, mentions,
   * notifications): the comment never exists without what the caller writes beside it.
   */
  alongside?: (tx: Tx, created: { comment: StoredComment; ticket: CommentTicket; authorIsStaff: boolean }) => Promise<void>;
};

/** The ticket a comment was stored on, as the caller needs it afterwards (signal, notifications, push). */
export type CommentTicket = { id: string; number: number; requesterId: string; departmentId: string | null; assigneeId: string | null };

export type StoreCommentResult = {
  comment: StoredComment;
  /** Id of the ticket's comment just before this one (0 if none); null when not created. */
  previousId: number | null;
  /** False when (author, clientId) was already stored: the stored comment is returned. */
  created: boolean;
  /** The ticket (null only for a resend whose author no longer exists). */
  ticket: CommentTicket | null;
  /** Whether the author has staff powers on the ticket now (a requester otherwise, even an agent who filed it). */
  authorIsStaff: boolean;
};

const selection = {
  id: comments.id,
  ticketId: comments.ticketId,
  body: comments.body,
  internal: comments.internal,
  ai: comments.ai,
  createdAt: comments.createdAt,
  clientId: comments.clientId,
  reviewState: comments.reviewState,
  authorId: users.id,
  authorName: users.name,
  authorRole: users.role,
};

type Row = Omit<StoredComment, 'author' | 'held'> & { authorId: string; authorName: string; authorRole: Role; reviewState: CommentReviewState | null };

function toComment(row: Row): StoredComment {
  return {
    id: row.id,
    ticketId: row.ticketId,
    author: { id: row.authorId, name: row.authorName, role: row.authorRole },
    body: row.body,
    internal: row.internal,
    ai: row.ai,
    createdAt: row.createdAt,
    clientId: row.clientId,
    // A rejected message stays out of everyone's way like a held one (a resend of it is not delivered or signalled).
    held: row.reviewState === 'held' || row.reviewState === 'rejected',
  };
}

async function findByClientId(tx: Tx | Db, authorId: string, clientId: string): Promise<StoredComment | null> {
  const [row] = await tx
    .select(selection)
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(eq(comments.authorId, authorId), eq(comments.clientId, clientId)));
  return row ? toComment(row) : null;
}

function resent(existing: StoredComment, ticketId: string, ticket: CommentTicket | null, authorIsStaff: boolean): StoreCommentResult {
  if (existing.ticketId !== ticketId) throw new CommentError('client_id_conflict', 'this clientId was already used for a message on another ticket');
  return { comment: existing, previousId: null, created: false, ticket, authorIsStaff };
}

/**
 * Stores a comment once. Comments of one ticket are inserted under a per-ticket advisory lock,
 * so their ids commit in order: whoever reads "after id N" never skips one committed later.
 * The author must be active and see the ticket; internal notes and AI-flagged messages need staff
 * powers on it (domain/access.ts).
 * Three statements on the common path: who posts where, the lock, the insert.
 */
export async function storeComment(db: Db, input: StoreCommentInput): Promise<StoreCommentResult> {
  const clientId = input.clientId ?? null;
  return db.transaction(async (tx) => {
    const [found] = await tx
      .select({
        author: sessionUserColumns,
        ticket: { id: tickets.id, number: tickets.number, requesterId: tickets.requesterId, departmentId: tickets.departmentId, assigneeId: tickets.assigneeId },
        watching: sql<boolean>`exists (select 1 from ticket_watchers w where w.ticket_id = ${input.ticketId} and w.user_id = ${users.id})`,
      })
      .from(users)
      .leftJoin(tickets, eq(tickets.id, input.ticketId))
      .where(eq(users.id, input.authorId));
    if (!found) {
      const existing = clientId ? await findByClientId(tx, input.authorId, clientId) : null;
      if (existing) return resent(existing, input.ticketId, null, false);
      throw new CommentError('author_not_found', 'author not found');
    }
    if (!found.ticket) throw new CommentError('ticket_not_found', 'ticket not found');
    // Checked here, on every path a message takes (API, rooms), against the author as they are now.
    if (!found.author.active) throw new CommentError('forbidden', 'the author is deactivated');
    const ticket: CommentTicket = found.ticket;
    const caps = capabilitiesFor(personOf(toSessionUser(found.author)), { ...ticket, watching: found.watching });
    if (!caps.see) throw new CommentError('forbidden', 'the author no longer has access to this ticket');
    if (input.internal && !caps.staff) throw new CommentError('forbidden', 'only staff of this ticket may post internal notes');
    if (input.ai && !caps.staff) throw new CommentError('forbidden', 'only staff of this ticket may post AI suggestions');

    const held = Boolean(input.heldUnlessStaff) && !caps.staff;
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`comments:${input.ticketId}`}, 0))`);
    // The subquery runs on this statement's snapshot, taken after the lock: it sees every earlier
    // comment of the ticket and not the one being inserted.
    const previousId = sql`(select coalesce(max(${comments.id}), 0) from ${comments} where ${comments.ticketId} = ${input.ticketId})`.mapWith(Number);
    const [inserted] = await tx
      .insert(comments)
      .values({ ticketId: input.ticketId, authorId: input.authorId, body: input.body, internal: input.internal, ai: input.ai, clientId, reviewState: held ? 'held' : null })
      .onConflictDoNothing()
      .returning({ id: comments.id, createdAt: comments.createdAt, previousId });
    if (!inserted) {
      // Already stored under this (author, clientId): a resend.
      const existing = clientId ? await findByClientId(tx, input.authorId, clientId) : null;
      if (!existing) throw new Error('comment insert conflicted but no comment with its clientId exists');
      return resent(existing, input.ticketId, ticket, caps.staff);
    }
    const comment: StoredComment = {
      id: inserted.id,
      ticketId: input.ticketId,
      author: { id: input.authorId, name: found.author.name, role: found.author.role },
      body: input.body,
      internal: input.internal,
      ai: input.ai,
      createdAt: inserted.createdAt,
      clientId,
      held,
    };
    await input.alongside?.(tx, { comment, ticket, authorIsStaff: caps.staff });
    return { comment, previousId: inserted.previousId, created: true, ticket, authorIsStaff: caps.staff };
  });
}

/** One comment with its review state and ticket, whatever its state (null: no such comment). */
export async function findComment(db: Db | Tx, id: number): Promise<{ comment: StoredComment; reviewState: CommentReviewState | null; ticket: CommentTicket } | null> {
  const [row] = await db
    .select({ ...selection, ticket: { id: tickets.id, number: tickets.number, requesterId: tickets.requesterId, departmentId: tickets.departmentId, assigneeId: tickets.assigneeId } })
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .innerJoin(tickets, eq(tickets.id, comments.ticketId))
    .where(eq(comments.id, id));
  if (!row) return null;
  const { ticket, ...rest } = row;
  return { comment: toComment(rest), reviewState: row.reviewState, ticket };
}

export type ListCommentsInput = {
  ticketId: string;
  /** Only comments with a greater id, oldest first; without it, the latest `limit`. */
  after?: number | undefined;
  limit: number;
  includeInternal: boolean;
  /** Comments staff hid (api/comments/moderation.ts): for staff lists only, never the rooms. Deleted ones are never listed. */
  includeHidden?: boolean;
};

/** Comments of a ticket, oldest first. `hasMore`: more after the page (with `after`) or older ones (without). */
export async function listComments(db: Db | Tx, input: ListCommentsInput): Promise<{ comments: StoredComment[]; hasMore: boolean }> {
  const conditions: SQL[] = [eq(comments.ticketId, input.ticketId), isNull(comments.deletedAt)];
  if (!input.includeHidden) conditions.push(isNull(comments.hiddenAt));
  // A rejected message is listed to nobody; a held one only to staff, until it is released.
  conditions.push(or(isNull(comments.reviewState), ne(comments.reviewState, 'rejected'))!);
  if (!input.includeInternal) conditions.push(eq(comments.internal, false), or(isNull(comments.reviewState), eq(comments.reviewState, 'released'))!);
  if (input.after !== undefined) conditions.push(gt(comments.id, input.after));
  const rows = await db
    .select(selection)
    .from(comments)
    .innerJoin(users, eq(users.id, comments.authorId))
    .where(and(...conditions))
    .orderBy(input.after !== undefined ? asc(comments.id) : desc(comments.id))
    .limit(input.limit + 1);
  const hasMore = rows.length > input.limit;
  const page = rows.slice(0, input.limit);
  if (input.after === undefined) page.reverse();
  return { comments: page.map(toComment), hasMore };
}
