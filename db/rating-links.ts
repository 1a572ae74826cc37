/**
 * The signed one-click rating links the resolution mail carries (`<APP_URL>/rate/<token>?score=N`):
 * the worker signs them when it sends the mail, the API verifies them (report.rateByLink).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from './client';
import { ticketEvents, tickets } from './schema';

/** How long a one-click rating link works after it was issued. */
export const RATING_LINK_TTL_MS = 30 * 24 * 60 * 60 * 1000;

/** The ticket's resolution cycle: 1, +1 per reopen (its audit trail: each reopen writes one `reopened` event for the status). */
export async function resolutionCycle(db: Db, ticketId: string): Promise<number> {
  const [row] = await db
    .select({ reopens: sql<number>`count(*)::int` })
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'reopened'), eq(ticketEvents.field, 'status')));
  return 1 + (row?.reopens ?? 0);
}

// The one-click link: `/rate/<token>?score=N`. The token names the ticket, the resolution cycle and
// the requester, with an expiry, signed with HMAC-SHA-256 under a key derived from the API's room
// token secret (a separate purpose label, so neither token verifies as the other).

export type RatingLinkClaims = { ticketId: string; cycle: number; requesterId: string; expiresAt: number };

const linkKey = (secret: string) => createHmac('sha256', secret).update('deskflow rating link v1').digest();
const b64 = (buf: Buffer | string) => Buffer.from(buf).toString('base64url');

export function signRatingToken(claims: RatingLinkClaims, secret: string): string {
  const body = b64(JSON.stringify([claims.ticketId, claims.cycle, claims.requesterId, claims.expiresAt]));
  return `${body}.${b64(createHmac('sha256', linkKey(secret)).update(body).digest())}`;
}

/** The claims of a genuine, unexpired token; null otherwise (whatever is wrong with it). */
export function verifyRatingToken(token: string, secret: string, now = Date.now()): RatingLinkClaims | null {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined || token.length > 400) return null;
  const expected = createHmac('sha256', linkKey(secret)).update(body).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  try {
    const [ticketId, cycle, requesterId, expiresAt] = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as [string, number, string, number];
    if (typeof ticketId !== 'string' || typeof requesterId !== 'string' || !Number.isInteger(cycle) || typeof expiresAt !== 'number' || expiresAt < now) return null;
    return { ticketId, cycle, requesterId, expiresAt };
  } catch {
    return null;
  }
}

/** The link the resolution mail carries for one score: `<appUrl>/rate/<token>?score=N`. */
export function ratingLink(appUrl: string, token: string, score: number): string {
  return `${appUrl.replace(/\/$/, '')}/rate/${token}?score=${score}`;
}

/** A token for the ticket's current resolution cycle (what the resolution mail calls). */
export async function issueRatingToken(db: Db, ticketId: string, secret: string, now = Date.now()): Promise<string | null> {
  const [ticket] = await db.select({ requesterId: tickets.requesterId }).from(tickets).where(eq(tickets.id, ticketId));
  if (!ticket) return null;
  return signRatingToken({ ticketId, cycle: await resolutionCycle(db, ticketId), requesterId: ticket.requesterId, expiresAt: now + RATING_LINK_TTL_MS }, secret);
}
