/**
 * The API's internal endpoints for the live rooms. Rooms never touch Postgres: they read a
 * ticket's messages and store new ones here, authenticated with the shared bearer secret
 * (INTERNAL_API_SECRET). Served at `/internal` on the internal listener (./app.ts), never on the public port.
 *
 *   GET  /rooms/tickets/:ticketId/messages?after=<id>&limit=<n>&internal=<0|1>&viewer=<userId>
 *   POST /rooms/tickets/:ticketId/messages  { authorId, body, internal, ai, clientId }
 *        — the one message path (api/comments/post.ts): screened, stored, audited, notified, and
 *          the workflow signalled; the room delivers it live itself (so no push back into it).
 *          503 when the message was stored but the workflow could not be told: the room's
 *          client resends with the same clientId, which signals again.
 *   GET  /rooms/access?room=<room name>&users=<userId>,<userId>,…   (what each may do there now)
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Db } from '../../db/client';
import { tickets, users } from '../../db/schema';
import { MAX_ACCESS_USERS, REPLAY_PAGE, StoreMessageInput, WELCOME_HISTORY, type MessagesPage, type RoomAccessAnswer, type StoreMessageResult } from '../../realtime/protocol';
import { parseRoomName } from '../../realtime/token';
import { capabilitiesFor } from '../../domain/access';
import { personOf } from '../access';
import { sessionUserColumns, toSessionUser } from '../auth/session';
import { postMessage, ReplySignalError, toStoredMessage } from '../comments/post';
import { notifyUnreadChanged } from '../notifications/service';
import type { RoomsAccessNotifier } from './rooms-push';
import { CommentError, listComments } from '../comments/store';
import { roomAccess } from './room-access';

/** `temporal`: to tell tickets' workflows about public messages stored from the rooms. */
export type RoomsInternalDeps = {
  db: Db;
  internalSecret: string;
  temporal: TemporalClient;
  /** Pushes unread notification counts into user channels after a message notified people (absent: clients read them on reconnect). */
  rooms?: Pick<RoomsAccessNotifier, 'unreadChanged'>;
  /** Starts the delivery of the notification mails a message queued (api/mail.ts createMailDispatcher); absent: the worker's reconcile schedule does. */
  dispatchMail?: (outboxIds: readonly number[]) => Promise<void>;
};

export { toStoredMessage };

const TicketParams = z.object({ ticketId: z.uuid() });

const ListQuery = z.object({
  after: z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(REPLAY_PAGE).default(WELCOME_HISTORY),
  internal: z.enum(['0', '1']).default('0'),
  viewer: z.uuid().optional(),
});

const AccessQuery = z.object({
  room: z.string().min(1).max(100),
  users: z
    .string()
    .transform((list) => [...new Set(list.split(','))])
    .pipe(z.array(z.uuid()).min(1).max(MAX_ACCESS_USERS)),
});

const digest = (value: string) => createHash('sha256').update(value).digest();

function invalid(c: Context, error: z.ZodError) {
  return c.json({ error: 'invalid_request', message: 'invalid request', fieldErrors: z.flattenError(error).fieldErrors }, 400);
}

export function createRoomsInternalApp(deps: RoomsInternalDeps): Hono {
  const { db } = deps;
  const expected = digest(`Bearer ${deps.internalSecret}`);
  const app = new Hono();

  app.use('*', async (c, next) => {
    // Hash both sides so the comparison is constant-time whatever the lengths.
    const given = digest(c.req.header('authorization') ?? '');
    if (!timingSafeEqual(given, expected)) return c.json({ error: 'unauthorized', message: 'missing or wrong internal bearer secret' }, 401);
    await next();
  });

  app.onError((error, c) => {
    console.error('rooms internal endpoint failed:', error);
    return c.json({ error: 'internal', message: 'internal error' }, 500);
  });

  app.get('/rooms/tickets/:ticketId/messages', async (c) => {
    const params = TicketParams.safeParse(c.req.param());
    if (!params.success) return invalid(c, params.error);
    const query = ListQuery.safeParse(c.req.query());
    if (!query.success) return invalid(c, query.error);
    const { ticketId } = params.data;
    let includeInternal = query.data.internal === '1';
    const exists = await ticketExists(db, ticketId);
    if (!exists) return c.json({ error: 'not_found', message: 'ticket not found' }, 404);
    if (query.data.viewer) {
      // The viewer as they stand to this ticket now, whatever their room token said.
      const caps = await viewerCapabilities(db, query.data.viewer, ticketId);
      if (!caps?.see) return c.json({ error: 'forbidden', message: 'the viewer has no access to this ticket' }, 403);
      if (!caps.staff) includeInternal = false;
    }
    const page = await listComments(db, { ticketId, after: query.data.after, limit: query.data.limit, includeInternal });
    // Without internal notes, the page is a requester's view: no held messages (listComments) and no `ai` flag.
    return c.json({ messages: page.comments.map((m) => toStoredMessage(m, { staff: includeInternal })), hasMore: page.hasMore } satisfies MessagesPage);
  });

  app.get('/rooms/access', async (c) => {
    const query = AccessQuery.safeParse(c.req.query());
    if (!query.success) return invalid(c, query.error);
    const room = parseRoomName(query.data.room);
    if (!room) return c.json({ error: 'not_found', message: 'no such room' }, 404);
    return c.json({ users: await roomAccess(db, room, query.data.users) } satisfies RoomAccessAnswer);
  });

  app.post('/rooms/tickets/:ticketId/messages', bodyLimit({ maxSize: 64 * 1024, onError: (c) => c.json({ error: 'too_large', message: 'body too large' }, 413) }), async (c) => {
    const params = TicketParams.safeParse(c.req.param());
    if (!params.success) return invalid(c, params.error);
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return c.json({ error: 'invalid_request', message: 'body must be JSON' }, 400);
    }
    const body = StoreMessageInput.safeParse(json);
    if (!body.success) return invalid(c, body.error);
    try {
      const { rooms } = deps;
      const unreadChanged = rooms ? (ids: string[]) => notifyUnreadChanged({ db, services: { rooms } }, ids) : undefined;
      const result = await postMessage({ db, temporal: deps.temporal, room: null, unreadChanged, dispatchMail: deps.dispatchMail }, { ticketId: params.data.ticketId, ...body.data });
      const answer: StoreMessageResult = { message: toStoredMessage(result.comment), previousId: result.previousId, created: result.created };
      return c.json(answer, result.created ? 201 : 200);
    } catch (error) {
      if (error instanceof ReplySignalError) {
        console.error('rooms internal endpoint: a stored message was not signalled:', error.cause);
        return c.json({ error: 'unavailable', message: error.message }, 503);
      }
      if (!(error instanceof CommentError)) throw error;
      switch (error.code) {
        case 'ticket_not_found':
          return c.json({ error: 'not_found', message: error.message }, 404);
        case 'author_not_found':
          return c.json({ error: 'not_found', message: error.message }, 404);
        case 'forbidden':
          return c.json({ error: 'forbidden', message: error.message }, 403);
        case 'client_id_conflict':
          return c.json({ error: 'conflict', message: error.message }, 409);
      }
    }
  });

  return app;
}

/** What a user may do on a ticket (null: no such active user), from the one rule in domain/access.ts. */
async function viewerCapabilities(db: Db, userId: string, ticketId: string) {
  const [row] = await db
    .select({
      user: sessionUserColumns,
      ticket: { requesterId: tickets.requesterId, departmentId: tickets.departmentId, assigneeId: tickets.assigneeId },
      watching: sql<boolean>`exists (select 1 from ticket_watchers w where w.ticket_id = ${tickets.id} and w.user_id = ${users.id})`,
    })
    .from(users)
    .innerJoin(tickets, eq(tickets.id, ticketId))
    .where(eq(users.id, userId));
  if (!row?.user.active) return null;
  return capabilitiesFor(personOf(toSessionUser(row.user)), { ...row.ticket, watching: row.watching });
}

async function ticketExists(db: Db, ticketId: string): Promise<boolean> {
  const [row] = await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.id, ticketId));
  return Boolean(row);
}
