/**
 * The frames between a room and its clients (what realtime/client.ts sends and receives), in
 * zod/mini: zod's tree-shakable build, so a browser that joins a room downloads only the checks
 * these schemas use (the console's first page carries the notification channel; full zod there
 * cost ~20 KB gzipped). The schemas are the same zod core objects as full zod's: protocol.ts
 * re-exports them and builds the API-facing schemas (full zod) from them, so rooms, API, worker
 * and clients share one definition. Error messages are zod's English ones wherever full zod is
 * also loaded (rooms, API, tests); a browser without it reports "Invalid input" (it only records
 * a bad frame, and validates what it sends before sending).
 */
import * as z from 'zod/mini';
import { priorities, roles, slaTargets, ticketStatuses } from '../domain/vocabulary';

/** Longest message body, in characters (the frame limit still applies). */
export const MAX_BODY_CHARS = 4000;

/** A typing indicator the client does not refresh within this time is stopped by the room. */
export const DEFAULT_TYPING_TTL_MS = 6000;

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
export const Uuid = z.uuid();
export const Id = z.number().check(z.int(), z.positive(), z.maximum(Number.MAX_SAFE_INTEGER));
export const AfterId = z.number().check(z.int(), z.minimum(0), z.maximum(Number.MAX_SAFE_INTEGER));
export const Timestamp = z.iso.datetime({ offset: true });

export const ClientId = z.string().check(z.minLength(1), z.maxLength(64), z.regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, "-" and "_" only'));

export const MessageBody = z.string().check(
  z.minLength(1),
  z.maxLength(MAX_BODY_CHARS),
  z.refine((body) => body.trim().length > 0, 'must not be blank'),
);

// ---------------------------------------------------------------------------------------------
// Stored messages (ticket comments)
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
  ai: z.optional(z.boolean()),
  createdAt: Timestamp,
  clientId: z.nullable(z.string()),
  /** Held by screening for staff review: delivered to the ticket's staff only, until released. */
  held: z.optional(z.boolean()),
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

// ---------------------------------------------------------------------------------------------
// Live events: pushed by workflow activities into ticket, queue and user rooms
// ---------------------------------------------------------------------------------------------

const eventBase = {
  /** Idempotency id, e.g. "<workflow id>#<seq>/status": a retried push is delivered once. */
  id: z.string().check(z.minLength(1), z.maxLength(200)),
  ticketId: Uuid,
  ticketNumber: z.number().check(z.int(), z.nonnegative()),
  departmentSlug: z.nullable(z.string().check(z.minLength(1), z.maxLength(63))),
  at: Timestamp,
  actorId: z._default(z.nullable(Uuid), null),
  /** Force agent-only delivery even for a kind requesters may see. */
  internal: z._default(z.boolean(), false),
};

export const LiveEvent = z.discriminatedUnion('kind', [
  z.object({ ...eventBase, kind: z.literal('status'), from: z.nullable(z.enum(ticketStatuses)), to: z.enum(ticketStatuses) }),
  z.object({
    ...eventBase,
    kind: z.literal('assignment'),
    assigneeId: z.nullable(Uuid),
    assigneeName: z.nullable(z.string()),
    previousAssigneeId: z._default(z.nullable(Uuid), null),
  }),
  z.object({ ...eventBase, kind: z.literal('priority'), from: z.nullable(z.enum(priorities)), to: z.enum(priorities) }),
  z.object({ ...eventBase, kind: z.literal('sla_warning'), target: z.enum(slaTargets), dueAt: Timestamp, elapsedPercent: z.number().check(z.minimum(0), z.maximum(1000)) }),
  z.object({ ...eventBase, kind: z.literal('sla_breach'), target: z.enum(slaTargets), dueAt: Timestamp }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
export type LiveEventInput = z.input<typeof LiveEvent>;
export type LiveEventKind = LiveEvent['kind'];

/**
 * A user's unread notification count, as the API's `notification.unreadCount` answers it now: pushed
 * by the API and the worker into the user's channel whenever notifications are written or read,
 * and sent by the channel to each of that user's connections (the badge of the notification center).
 */
export const NotificationsFrame = z.object({ type: z.literal('notifications'), unread: z.number().check(z.int(), z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)) });
export type NotificationsFrame = z.infer<typeof NotificationsFrame>;

// ---------------------------------------------------------------------------------------------
// Inbound: client → room
// ---------------------------------------------------------------------------------------------

export const PresenceState = z.enum(['online', 'away']);
export type PresenceState = z.infer<typeof PresenceState>;
export const TypingState = z.enum(['start', 'stop']);

export const ClientFrame = z.discriminatedUnion('type', [
  /** Post a message; `clientId` makes a resend idempotent. */
  z.object({ type: z.literal('message'), clientId: ClientId, body: MessageBody, internal: z._default(z.boolean(), false), ai: z._default(z.boolean(), false) }),
  /** Typing indicator; refresh `start` at least every typing TTL. `internal`: writing an internal note. */
  z.object({ type: z.literal('typing'), state: TypingState, internal: z._default(z.boolean(), false) }),
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
    you: z.extend(RoomUser, { internal: z.boolean(), connectionId: z.string() }),
    /** Messages the client has not seen: the latest ones, or those after its last-seen id. Oldest first. */
    history: z.array(StoredMessage),
    /** More messages after `history` than one page: send `sync` with `lastId` to get them. */
    hasMore: z.boolean(),
    /** Newest message id this client has now seen (use as last-seen id when reconnecting). */
    lastId: AfterId,
    present: z.array(z.extend(RoomUser, { state: PresenceState })),
    typing: z.array(z.pick(RoomUser, { userId: true, name: true })),
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
  z.object({ type: z.literal('error'), code: ErrorCode, message: z.string(), clientId: z.optional(ClientId), retryable: z.optional(z.boolean()) }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;
export type ServerFrameOf<T extends ServerFrame['type']> = Extract<ServerFrame, { type: T }>;

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

export type Decoded<T> = { ok: true; frame: T } | { ok: false; code: 'bad_frame' | 'too_large'; message: string };

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
export function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid frame';
  const path = issue.path.map(String).join('.');
  return (path ? `${path}: ${issue.message}` : issue.message).slice(0, 200);
}
