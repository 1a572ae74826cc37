/**
 * Room tokens: short-lived, HMAC-SHA256-signed claims the API issues and rooms verify at the
 * edge without a database round trip. Web Crypto only, so the same code runs in Node and workerd.
 * Format: base64url(JSON claims) "." base64url(HMAC(claims part)).
 */
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { z } from 'zod';

export const RoomClaims = z.object({
  /** User id. */
  sub: z.uuid(),
  name: z.string(),
  role: z.enum(['requester', 'agent', 'supervisor', 'admin']),
  /** The room this token opens, e.g. "ticket-<uuid>". */
  room: z.string().min(1),
  /** May see internal notes and agent-only events. */
  internal: z.boolean(),
  /** Expiry, seconds since the epoch. */
  exp: z.number().int(),
});
export type RoomClaims = z.infer<typeof RoomClaims>;

export const ROOM_TOKEN_TTL_SECONDS = 10 * 60;

const encoder = new TextEncoder();

function importKey(secret: string) {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
}

export async function signRoomToken(claims: RoomClaims, secret: string): Promise<string> {
  const body = encodeBase64urlNoPadding(encoder.encode(JSON.stringify(RoomClaims.parse(claims))));
  const signature = await crypto.subtle.sign('HMAC', await importKey(secret), encoder.encode(body));
  return `${body}.${encodeBase64urlNoPadding(new Uint8Array(signature))}`;
}

export type RoomTokenCheck = { ok: true; claims: RoomClaims } | { ok: false; reason: 'missing' | 'malformed' | 'bad_signature' | 'expired' | 'wrong_room' };

export async function verifyRoomToken(token: string | null | undefined, secret: string, room: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<RoomTokenCheck> {
  if (!token) return { ok: false, reason: 'missing' };
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined) return { ok: false, reason: 'malformed' };
  // Copied into its own ArrayBuffer: the DOM's BufferSource type (the browser console checks this file too) refuses a shared one.
  let signatureBytes: Uint8Array<ArrayBuffer>;
  let bodyBytes: Uint8Array;
  try {
    signatureBytes = new Uint8Array(decodeBase64urlIgnorePadding(signature));
    bodyBytes = decodeBase64urlIgnorePadding(body);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  // crypto.subtle.verify compares in constant time.
  const valid = await crypto.subtle.verify('HMAC', await importKey(secret), signatureBytes, encoder.encode(body));
  if (!valid) return { ok: false, reason: 'bad_signature' };
  let parsed: ReturnType<typeof RoomClaims.safeParse>;
  try {
    parsed = RoomClaims.safeParse(JSON.parse(new TextDecoder().decode(bodyBytes)));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!parsed.success) return { ok: false, reason: 'malformed' };
  if (parsed.data.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  if (parsed.data.room !== room) return { ok: false, reason: 'wrong_room' };
  return { ok: true, claims: parsed.data };
}

export const ticketRoomName = (ticketId: string) => `ticket-${ticketId}`;
/** The agents' live queue of one department, e.g. "queue-it". */
export const queueRoomName = (departmentSlug: string) => `queue-${departmentSlug}`;
/** One user's notification channel. */
export const userRoomName = (userId: string) => `user-${userId}`;

export type RoomName = { kind: 'ticket'; ticketId: string } | { kind: 'queue'; departmentSlug: string } | { kind: 'user'; userId: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const roomPatterns = {
  ticket: new RegExp(`^ticket-(${UUID})$`),
  queue: /^queue-([a-z0-9][a-z0-9_-]{0,62})$/,
  user: new RegExp(`^user-(${UUID})$`),
};

/** The kind of room a name opens, or null for a name no room answers to. */
export function parseRoomName(name: string): RoomName | null {
  let match = roomPatterns.ticket.exec(name);
  if (match) return { kind: 'ticket', ticketId: match[1]! };
  match = roomPatterns.queue.exec(name);
  if (match) return { kind: 'queue', departmentSlug: match[1]! };
  match = roomPatterns.user.exec(name);
  if (match) return { kind: 'user', userId: match[1]! };
  return null;
}

/**
 * Compares two secrets in time that depends only on their lengths, never on where they differ.
 * Portable (Node and workerd) for the bearer secret between the API, the worker and the rooms.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  const length = Math.max(left.length, right.length);
  let diff = left.length ^ right.length;
  for (let i = 0; i < length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}
