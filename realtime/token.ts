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

// Room names live in room-names.ts (clients use them without this module's zod); re-exported for the API and the rooms.
export { parseRoomName, queueRoomName, ticketRoomName, userRoomName, type RoomName } from './room-names';

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
