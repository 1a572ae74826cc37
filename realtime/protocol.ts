/**
 * The one protocol of Deskflow's live rooms, shared by the rooms worker (workerd), the API, the
 * workflow worker and every client. zod-validated discriminated unions:
 *   - ClientFrame: what a client may send to a room (inbound),
 *   - ServerFrame: what a room sends to a client (outbound),
 *   - RoomPush / LiveEvent: what the API and workflow activities POST into a room,
 *   - StoreMessageResult / MessagesPage: the API's internal answers to the rooms.
 * No imports besides zod and the shared vocabulary (domain/): this module is bundled into the worker.
 */
import { z } from 'zod';
import { priorities, roles, slaTargets, ticketStatuses } from '../domain/vocabulary';

/** A frame bigger than this (UTF-8 bytes) is refused with a `too_large` error. */
export const MAX_FRAME_BYTES = 8 * 1024;
/** Longest message body, in characters (the frame limit still applies). */
export const MAX_BODY_CHARS = 4000;
/** A typing indicator the client does not refresh within this time is stopped by the room. */
export const DEFAULT_TYPING_TTL_MS = 6000;
/** Per connection token bucket: refill rate and burst. */
export const RATE_PER_SECOND = 10;
export const RATE_BURST = 20;
/** A connection that has more than this many frames refused for rate within the window is closed. */
export const FLOOD_MAX_DROPPED = 20;
export const FLOOD_WINDOW_MS = 10_000;
/** Latest messages a joining client receives, and most messages in one replay page. */
export const WELCOME_HISTORY = 50;
export const REPLAY_PAGE = 200;

/** WebSocket close codes the rooms use. */
export const CloseCode = {
  /** Policy violation: flooding. The client must not reconnect on its own. */
  policy: 1008,
  /** Unexpected failure inside the room. */
  internalError: 1011,
  /** The API is unreachable; try again later (clients reconnect with backoff). */
  tryAgainLater: 1013,
  /** The room token expired: reconnect with a fresh one (the client asks its token provider). */
  tokenExpired: 4001,
  /**
   * What this user may see here changed (e.g. they lost staff powers on the ticket): reconnect,
   * with a fresh token, to a welcome and history that match what they may see now.
   */
  accessChanged: 4002,
  /** This user may no longer be in this room (deactivated, or the ticket moved out of their reach). Do not reconnect. */
  accessRevoked: 4003,
} as const;

export const Role = z.enum(roles);
const Uuid = z.uuid();
const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const AfterId = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Timestamp = z.iso.datetime({ offset: true });

export const ClientId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only');

export const MessageBody = z
  .string()
  .min(1)
  .max(MAX_BODY_CHARS)
  .refine((body) => body.trim().length > 0, 'must not be blank');

// ---------------------------------------------------------------------------------------------
// Stored messages (ticket comments) and the API's internal answers
// ---------------------------------------------------------------------------------------------

export const MessageAuthor = z.object({ id: Uuid, name: z.string(), role: Role });

/** A ticket comment as stored in Postgres: the only kind of message a room ever delivers. */
export const StoredMessage = z.object({
  id: Id,
  ticketId: Uuid,
  author: MessageAuthor,
  body: z.string(),
  internal: z.boolean(),
  /** Sent from an AI suggestion: carried to staff only (requesters' views never have it). */
  ai: z.boolean().optional(),
  createdAt: Timestamp,
  clientId: z.string().nullable(),
  /** Held by screening for staff review: delivered to the ticket's staff only, until released. */
  held: z.boolean().optional(),
});
export type StoredMessage = z.infer<typeof StoredMessage>;

/** Whether only staff may see a message (an internal note, or one held for review). */
export function isStaffOnlyMessage(message: Pick<StoredMessage, 'internal' | 'held'>): boolean {
  return message.internal || message.held === true;
}

/** A message as a viewer without staff powers sees it: without the staff-only `ai` flag. */
export function forRequesters(message: StoredMessage): StoredMessage {
  const { ai: _ai, ...rest } = message;
  return rest;
}

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
  previousId: AfterId.nullable(),
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
// Live events: pushed by workflow activities into ticket, queue and user rooms
// ---------------------------------------------------------------------------------------------

const eventBase = {
  /** Idempotency id, e.g. "<workflow id>#<seq>/status": a retried push is delivered once. */
  id: z.string().min(1).max(200),
  ticketId: Uuid,
  ticketNumber: z.number().int().nonnegative(),
  departmentSlug: z.string().min(1).max(63).nullable(),
  at: Timestamp,
  actorId: Uuid.nullable().default(null),
  /** Force agent-only delivery even for a kind requesters may see. */
  internal: z.boolean().default(false),
};

export const LiveEvent = z.discriminatedUnion('kind', [
  z.object({ ...eventBase, kind: z.literal('status'), from: z.enum(ticketStatuses).nullable(), to: z.enum(ticketStatuses) }),
  z.object({
    ...eventBase,
    kind: z.literal('assignment'),
    assigneeId: Uuid.nullable(),
    assigneeName: z.string().nullable(),
    previousAssigneeId: Uuid.nullable().default(null),
  }),
  z.object({ ...eventBase, kind: z.literal('priority'), from: z.enum(priorities).nullable(), to: z.enum(priorities) }),
  z.object({ ...eventBase, kind: z.literal('sla_warning'), target: z.enum(slaTargets), dueAt: Timestamp, elapsedPercent: z.number().min(0).max(1000) }),
  z.object({ ...eventBase, kind: z.literal('sla_breach'), target: z.enum(slaTargets), dueAt: Timestamp }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
export type LiveEventInput = z.input<typeof LiveEvent>;
export type LiveEventKind = LiveEvent['kind'];

/** Kinds only agents receive (SLA state is the service desk's business, not the requester's). */
export const AGENT_ONLY_EVENT_KINDS: ReadonlySet<LiveEventKind> = new Set(['sla_warning', 'sla_breach']);

export function isAgentOnlyEvent(event: Pick<LiveEvent, 'kind' | 'internal'>): boolean {
  return event.internal || AGENT_ONLY_EVENT_KINDS.has(event.kind);
}

/**
 * A user's unread notification count, as the API's `notification.unreadCount` answers it now: pushed
 * by the API and the worker into the user's channel whenever notifications are written or read,
 * and sent by the channel to each of that user's connections (the badge of the notification center).
 */
export const NotificationsFrame = z.object({ type: z.literal('notifications'), unread: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) });
export type NotificationsFrame = z.infer<typeof NotificationsFrame>;

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
  z.object({ type: z.literal('message'), message: StoredMessage, previousId: AfterId.nullable(), released: z.boolean().optional() }),
  /**
   * Who may do what may have changed: the room asks the API again about its connected users
   * (only `userId` when given) and closes or downgrades their connections. Into a user's channel
   * (`userId` = its user) it is also forwarded to every room that user is connected to.
   */
  z.object({ type: z.literal('access_changed'), userId: Uuid.optional() }),
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
// Inbound: client → room
// ---------------------------------------------------------------------------------------------

export const PresenceState = z.enum(['online', 'away']);
export type PresenceState = z.infer<typeof PresenceState>;
export const TypingState = z.enum(['start', 'stop']);

export const ClientFrame = z.discriminatedUnion('type', [
  /** Post a message; `clientId` makes a resend idempotent. */
  z.object({ type: z.literal('message'), clientId: ClientId, body: MessageBody, internal: z.boolean().default(false), ai: z.boolean().default(false) }),
  /** Typing indicator; refresh `start` at least every typing TTL. `internal`: writing an internal note. */
  z.object({ type: z.literal('typing'), state: TypingState, internal: z.boolean().default(false) }),
  z.object({ type: z.literal('presence'), state: PresenceState }),
  /** Read marker: the newest message this user has read. */
  z.object({ type: z.literal('read'), messageId: Id }),
  /** Ask for the messages after an id (answered by a `history` frame). */
  z.object({ type: z.literal('sync'), afterId: AfterId }),
]);
export type ClientFrame = z.input<typeof ClientFrame>;
export type ParsedClientFrame = z.infer<typeof ClientFrame>;

// ---------------------------------------------------------------------------------------------
// Outbound: room → client
// ---------------------------------------------------------------------------------------------

export const RoomUser = z.object({ userId: Uuid, name: z.string(), role: Role });
export type RoomUser = z.infer<typeof RoomUser>;

export const ErrorCode = z.enum([
  /** Not JSON, not a known frame, or invalid fields. */
  'bad_frame',
  /** Over MAX_FRAME_BYTES. */
  'too_large',
  /** Over the connection's rate; the frame was dropped. */
  'rate_limited',
  /** Not allowed for this user (e.g. a requester posting an internal note). */
  'forbidden',
  'not_found',
  /** The frame is valid but this kind of room does not handle it. */
  'unsupported',
  /** The API could not be reached; nothing was stored. Safe to resend with the same clientId. */
  'unavailable',
  'internal',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ServerFrame = z.discriminatedUnion('type', [
  /** First frame of every connection. */
  z.object({
    type: z.literal('welcome'),
    room: z.string(),
    you: RoomUser.extend({ internal: z.boolean(), connectionId: z.string() }),
    /** Messages the client has not seen: the latest ones, or those after its last-seen id. Oldest first. */
    history: z.array(StoredMessage),
    /** More messages after `history` than one page: send `sync` with `lastId` to get them. */
    hasMore: z.boolean(),
    /** Newest message id this client has now seen (use as last-seen id when reconnecting). */
    lastId: AfterId,
    present: z.array(RoomUser.extend({ state: PresenceState })),
    typing: z.array(RoomUser.pick({ userId: true, name: true })),
    reads: z.array(z.object({ userId: Uuid, messageId: Id })),
    limits: z.object({ maxFrameBytes: z.number(), typingTtlMs: z.number(), ratePerSecond: z.number(), burst: z.number() }),
  }),
  /** Answer to `sync`. */
  z.object({ type: z.literal('history'), messages: z.array(StoredMessage), hasMore: z.boolean(), lastId: AfterId }),
  /** A message someone else posted, after the API stored it. */
  z.object({ type: z.literal('message'), message: StoredMessage }),
  /** Your message is stored. */
  z.object({ type: z.literal('ack'), clientId: ClientId, id: Id, createdAt: Timestamp }),
  z.object({ type: z.literal('typing'), userId: Uuid, name: z.string(), state: TypingState, internal: z.boolean() }),
  z.object({ type: z.literal('presence'), user: RoomUser, state: z.enum(['online', 'away', 'offline']) }),
  z.object({ type: z.literal('read'), userId: Uuid, messageId: Id }),
  z.object({ type: z.literal('event'), event: LiveEvent }),
  /** A message left the conversation (deleted or hidden): remove it from the screen. */
  z.object({ type: z.literal('message_removed'), messageId: Id }),
  /** In a user's channel: the user's unread notification count now. */
  NotificationsFrame,
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string(), clientId: ClientId.optional(), retryable: z.boolean().optional() }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

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

export type Decoded<T> = { ok: true; frame: T } | { ok: false; code: 'bad_frame' | 'too_large'; message: string };

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

/** Parses a frame a room sent (clients validate what they receive). */
export function decodeServerFrame(raw: string): Decoded<ServerFrame> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, code: 'bad_frame', message: 'frame is not valid JSON' };
  }
  const parsed = ServerFrame.safeParse(json);
  if (!parsed.success) return { ok: false, code: 'bad_frame', message: describeIssue(parsed.error) };
  return { ok: true, frame: parsed.data };
}

/** One short line for the first issue: the field path and what is wrong with it. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid frame';
  const path = issue.path.map(String).join('.');
  return (path ? `${path}: ${issue.message}` : issue.message).slice(0, 200);
}

export function encodeFrame(frame: ServerFrame): string {
  return JSON.stringify(frame);
}
