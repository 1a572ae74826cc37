/**
 * The one protocol of Deskflow's live rooms, shared by the rooms worker (workerd), the API, the
 * workflow worker and every client. zod-validated discriminated unions:
 *   - ClientFrame: what a client may send to a room (inbound),
 *   - ServerFrame: what a room sends to a client (outbound),
 *   - RoomPush / LiveEvent: what the API and workflow activities POST into a room,
 *   - StoreMessageResult / MessagesPage: the API's internal answers to the rooms.
 * The frames between rooms and clients, and what they carry (stored messages, live events), are
 * defined in frames.ts in zod/mini (a browser joining a room loads no full zod) and re-exported
 * here; the API-facing schemas below are full zod, built from them.
 * No imports besides zod and the shared vocabulary (domain/): this module is bundled into the worker.
 */
import { z } from 'zod';
import {
  AfterId,
  ClientFrame,
  ClientId,
  Id,
  LiveEvent,
  MessageBody,
  NotificationsFrame,
  StoredMessage,
  Uuid,
  describeIssue,
  type Decoded,
  type LiveEventKind,
  type ParsedClientFrame,
  type ServerFrame,
} from './frames';

export * from './frames';

/** A frame bigger than this (UTF-8 bytes) is refused with a `too_large` error. */
export const MAX_FRAME_BYTES = 8 * 1024;
/** Per connection token bucket: refill rate and burst. */
export const RATE_PER_SECOND = 10;
export const RATE_BURST = 20;
/** A connection that has more than this many frames refused for rate within the window is closed. */
export const FLOOD_MAX_DROPPED = 20;
export const FLOOD_WINDOW_MS = 10_000;
/** Latest messages a joining client receives, and most messages in one replay page. */
export const WELCOME_HISTORY = 50;
export const REPLAY_PAGE = 200;

// ---------------------------------------------------------------------------------------------
// The API's internal answers to the rooms
// ---------------------------------------------------------------------------------------------

/** Body of `POST /internal/rooms/tickets/:ticketId/messages`. */
export const StoreMessageInput = z.object({
  authorId: Uuid,
  body: MessageBody,
  internal: z.boolean().default(false),
  ai: z.boolean().default(false),
  clientId: ClientId,
});
export type StoreMessageInput = z.input<typeof StoreMessageInput>;

/**
 * Answer to a store. `previousId` is the id of the ticket's comment just before this one (0 for
 * the first), read under the ticket's lock, so a room can tell whether it missed anything;
 * null when `created` is false (a resend of an already stored message).
 */
export const StoreMessageResult = z.object({
  message: StoredMessage,
  previousId: z.nullable(AfterId),
  created: z.boolean(),
});
export type StoreMessageResult = z.infer<typeof StoreMessageResult>;

/** Answer of `GET /internal/rooms/tickets/:ticketId/messages`: oldest first. */
export const MessagesPage = z.object({ messages: z.array(StoredMessage), hasMore: z.boolean() });
export type MessagesPage = z.infer<typeof MessagesPage>;

/** Most users one access query names (rooms ask in chunks). */
export const MAX_ACCESS_USERS = 100;

/**
 * What one user may do in a room now, as the API decides it (domain/access.ts): `see` — may be
 * in the room at all (an active user who sees the ticket; staff of the queue's department; the
 * channel's own user); `staff` — may see internal notes and staff-only events there (staff of
 * the ticket; in a channel, a user who is staff somewhere: the worker addresses such events to
 * the ticket's staff only).
 */
export const RoomAccess = z.object({ userId: Uuid, see: z.boolean(), staff: z.boolean() });
export type RoomAccess = z.infer<typeof RoomAccess>;

/** Answer of `GET /internal/rooms/access?room=<name>&users=<id>,<id>,…`: one entry per user asked about. */
export const RoomAccessAnswer = z.object({ users: z.array(RoomAccess) });
export type RoomAccessAnswer = z.infer<typeof RoomAccessAnswer>;

// ---------------------------------------------------------------------------------------------
// Live events and pushes into rooms
// ---------------------------------------------------------------------------------------------

/** Kinds only agents receive (SLA state is the service desk's business, not the requester's). */
export const AGENT_ONLY_EVENT_KINDS: ReadonlySet<LiveEventKind> = new Set(['sla_warning', 'sla_breach']);

export function isAgentOnlyEvent(event: Pick<LiveEvent, 'kind' | 'internal'>): boolean {
  return event.internal || AGENT_ONLY_EVENT_KINDS.has(event.kind);
}

/** What `worker/rooms-notifier.ts` publishes: a live event plus the users whose channels also get it. */
export const PublishableEvent = z.intersection(LiveEvent, z.object({ notify: z.array(Uuid).max(50).default([]) }));
export type PublishableEvent = z.input<typeof PublishableEvent>;

/** Body of an internal HTTP POST into a room (bearer INTERNAL_API_SECRET). */
export const RoomPush = z.discriminatedUnion('type', [
  z.object({ type: z.literal('event'), event: LiveEvent }),
  /**
   * A message stored outside the room (the tRPC/REST comment procedures), to deliver live; or a
   * held message staff released (`released`), now delivered to everyone who had not seen it.
   */
  z.object({ type: z.literal('message'), message: StoredMessage, previousId: z.nullable(AfterId), released: z.boolean().optional() }),
  /**
   * Who may do what may have changed: the room asks the API again about its connected users
   * (only `userId` when given) and closes or downgrades their connections. Into a user's channel
   * (`userId` = its user) it is also forwarded to every room that user is connected to.
   */
  z.object({ type: z.literal('access_changed'), userId: z.optional(Uuid) }),
  /** From a ticket or queue room to a user's channel: that user's first connection there opened, or their last closed. */
  z.object({ type: z.literal('membership'), userId: Uuid, room: z.string().min(1).max(100), connected: z.boolean() }),
  /** A message was deleted by its author or hidden by staff (api/comments/moderation.ts): the ticket room drops it from its buffer and tells everyone. */
  z.object({ type: z.literal('message_removed'), ticketId: Uuid, messageId: Id }),
  /** Into a user's channel only: their unread notification count changed (notifications written or read); passed on as is. */
  NotificationsFrame,
]);
export type RoomPush = z.input<typeof RoomPush>;

export const RoomPushResult = z.object({ delivered: z.number().int().nonnegative(), duplicate: z.boolean() });
export type RoomPushResult = z.infer<typeof RoomPushResult>;

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

const utf8 = new TextEncoder();

/** UTF-8 size of a frame, without encoding strings that are obviously small or large. */
export function frameBytes(frame: string | ArrayBuffer | ArrayBufferView): number {
  if (typeof frame !== 'string') return frame.byteLength;
  if (frame.length * 3 <= MAX_FRAME_BYTES) return frame.length; // at most 3 bytes per UTF-16 unit
  if (frame.length > MAX_FRAME_BYTES) return frame.length * 2; // certainly over; exact size irrelevant
  return utf8.encode(frame).length;
}

/** Turns one raw WebSocket frame from a client into a typed frame, or says why not. Never throws. */
export function decodeClientFrame(raw: string | ArrayBuffer | ArrayBufferView): Decoded<ParsedClientFrame> {
  if (frameBytes(raw) > MAX_FRAME_BYTES) return { ok: false, code: 'too_large', message: `frames are limited to ${MAX_FRAME_BYTES} bytes` };
  if (typeof raw !== 'string') return { ok: false, code: 'bad_frame', message: 'frames must be JSON text, not binary' };
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_frame', message: 'frame is not valid JSON' };
  }
  const parsed = ClientFrame.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'bad_frame', message: describeIssue(parsed.error) };
  return { ok: true, frame: parsed.data };
}

export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}
