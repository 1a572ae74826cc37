/**
 * Satisfaction (CSAT): the requester rates a resolved ticket 1–5 with a comment, once per
 * resolution cycle (a reopen starts the next), changeable for 7 days. A low rating (≤ 2) notifies
 * the supervisors of the ticket's department (admins when it has none). The rating is folded into
 * the reports' facts in the same transaction. Also: agents' verdicts on AI suggestions, and rating
 * through the signed one-click link the resolution mail carries (db/rating-links.ts).
 */
import { TRPCError } from '@trpc/server';
import { and, eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { enqueueNotificationMails } from '../../db/mail-outbox';
import { supervisorsOrAdmins } from '../../db/notifications';
import { resolutionCycle, verifyRatingToken } from '../../db/rating-links';
import { aiSuggestionRatings, aiSuggestions, notifications, ticketFacts, ticketRatings, tickets, users } from '../../db/schema';
import type { SessionUser } from '../auth/session';
import { ticketAccess } from '../access';

/** How long a rating may be changed after it was first given. */
export const RATING_CHANGE_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Ratings at or below this notify the department's supervisors. */
export const LOW_RATING = 2;

export type RatingView = { ticketId: string; cycle: number; score: number; comment: string | null; createdAt: Date; updatedAt: Date; changeableUntil: Date };
/** What the requester may do now: rate (or change their rating) and which cycle it is. */
export type RatingState = { canRate: boolean; cycle: number; rating: RatingView | null; reason: string | null };

const toView = (row: typeof ticketRatings.$inferSelect): RatingView => ({
  ticketId: row.ticketId,
  cycle: row.cycle,
  score: row.score,
  comment: row.comment,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  changeableUntil: new Date(row.createdAt.getTime() + RATING_CHANGE_WINDOW_MS),
});

export async function ratingState(db: Db, user: SessionUser, ticketId: string, now = new Date()): Promise<RatingState> {
  const access = await ticketAccess(db, user, ticketId);
  const cycle = await resolutionCycle(db, ticketId);
  const [row] = await db
    .select()
    .from(ticketRatings)
    .where(and(eq(ticketRatings.ticketId, ticketId), eq(ticketRatings.cycle, cycle)));
  const rating = row ? toView(row) : null;
  let reason: string | null = null;
  if (access.requesterId !== user.id) reason = 'Only the requester rates a ticket.';
  else if (access.status !== 'resolved' && access.status !== 'closed') reason = 'A ticket is rated once it is resolved.';
  else if (rating && rating.changeableUntil.getTime() < now.getTime()) reason = 'A rating can be changed for 7 days.';
  return { canRate: reason === null, cycle, rating, reason };
}

/** Rates (or re-rates, within 7 days) the ticket's current resolution; the requester only. */
export async function rateTicket(db: Db, user: SessionUser, input: { ticketId: string; score: number; comment?: string | null }, now = new Date()): Promise<RatingView> {
  const state = await ratingState(db, user, input.ticketId, now);
  if (!state.canRate) throw new TRPCError({ code: state.reason?.startsWith('Only') ? 'FORBIDDEN' : 'BAD_REQUEST', message: state.reason! });
  const comment = input.comment?.trim() || null;
  return db.transaction(async (tx) => {
    const [saved] = await tx
      .insert(ticketRatings)
      .values({ ticketId: input.ticketId, cycle: state.cycle, requesterId: user.id, score: input.score, comment })
      .onConflictDoUpdate({ target: [ticketRatings.ticketId, ticketRatings.cycle], set: { score: input.score, comment, updatedAt: now } })
      .returning();
    await tx.update(ticketFacts).set({ rating: input.score, ratedAt: now }).where(eq(ticketFacts.ticketId, input.ticketId));
    const wasLow = state.rating !== null && state.rating.score <= LOW_RATING;
    if (input.score <= LOW_RATING && !wasLow) await notifyLowRating(tx, input.ticketId, state.cycle, input.score, comment);
    return toView(saved!);
  });
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Tells the supervisors of the ticket's department (the admins when it has none) about a low rating, once per cycle. */
async function notifyLowRating(tx: Tx, ticketId: string, cycle: number, score: number, comment: string | null): Promise<void> {
  const [ticket] = await tx.select({ number: tickets.number, title: tickets.title, departmentId: tickets.departmentId }).from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) return;
  const recipients = await supervisorsOrAdmins(tx, ticket.departmentId);
  if (recipients.length === 0) return;
  const inserted = await tx
    .insert(notifications)
    .values(
      recipients.map((r) => ({
        userId: r.id,
        ticketId,
        kind: 'low_rating',
        title: `Ticket #${ticket.number} was rated ${score}/5`,
        body: comment ? `${ticket.title}: “${comment.slice(0, 200)}”` : ticket.title,
        data: { link: `/tickets/${ticket.number}`, ticketNumber: ticket.number, score, cycle },
        dedupeKey: `ticket-${ticket.number}#n/low-rating/${cycle}/${r.id}`,
      })),
    )
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  // Mailed per each supervisor's preference, queued in this transaction; the outbox's reconcile schedule starts the delivery.
  await enqueueNotificationMails(
    tx,
    inserted.map((n) => n.id),
  );
}

/** An agent's verdict on an AI suggestion they were shown (staff of its ticket). */
export async function rateSuggestion(db: Db, user: SessionUser, input: { suggestionId: number; helpful: boolean }): Promise<{ suggestionId: number; helpful: boolean }> {
  const [suggestion] = await db.select({ id: aiSuggestions.id, ticketId: aiSuggestions.ticketId }).from(aiSuggestions).where(eq(aiSuggestions.id, input.suggestionId));
  if (!suggestion) throw new TRPCError({ code: 'NOT_FOUND', message: `Suggestion ${input.suggestionId} was not found.` });
  const access = await ticketAccess(db, user, suggestion.ticketId).catch(() => null);
  if (!access) throw new TRPCError({ code: 'NOT_FOUND', message: `Suggestion ${input.suggestionId} was not found.` });
  if (!access.caps.staff) throw new TRPCError({ code: 'FORBIDDEN', message: 'Only staff of the ticket rate its AI suggestions.' });
  await db
    .insert(aiSuggestionRatings)
    .values({ suggestionId: input.suggestionId, userId: user.id, helpful: input.helpful })
    .onConflictDoUpdate({ target: [aiSuggestionRatings.suggestionId, aiSuggestionRatings.userId], set: { helpful: input.helpful, updatedAt: new Date() } });
  return input;
}

/**
 * Rates through a link, without signing in: the token stands for the requester, for the cycle it
 * was issued for. A link of an earlier cycle (the ticket was reopened since) is refused.
 */
export async function rateByToken(db: Db, secret: string, input: { token: string; score: number; comment?: string | null }, now = new Date()): Promise<RatingView> {
  const claims = verifyRatingToken(input.token, secret, now.getTime());
  if (!claims) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This rating link is not valid or has expired.' });
  const [requester] = await db.select({ id: users.id, role: users.role, departmentId: users.departmentId, active: users.active }).from(users).where(eq(users.id, claims.requesterId));
  if (!requester || !requester.active) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This rating link is not valid or has expired.' });
  if ((await resolutionCycle(db, claims.ticketId)) !== claims.cycle) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The ticket was reopened since this link was sent; rate it in the portal.' });
  // The requester's own ticket: the access rule needs no staff departments for that.
  const asRequester = { id: requester.id, role: requester.role, staffDepartmentIds: [] } as unknown as SessionUser;
  return rateTicket(db, asRequester, { ticketId: claims.ticketId, score: input.score, comment: input.comment }, now);
}
