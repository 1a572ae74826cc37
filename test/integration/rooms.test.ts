/**
 * Live ticket rooms in the real runtime: the rooms worker under `wrangler dev` (workerd), the
 * API's internal endpoints on Node, and PGlite. Clients are real WebSockets (partysocket + ws).
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { storeComment } from '../../api/comments/store';
import { toStoredMessage } from '../../api/internal/rooms';
import type { Database } from '../../db/client';
import { comments, departments, notifications, ticketEvents, ticketIntake, tickets, ticketWatchers, users } from '../../db/schema';
import { connectTicketRoom, RoomError, type RoomClient } from '../../realtime/client';
import { freePort } from '../../lib/ports';
import { RoomsStartError, startRooms } from '../../realtime/dev';
import { CloseCode, MAX_FRAME_BYTES, type LiveEventInput, type RoomAccessAnswer, type ServerFrame } from '../../realtime/protocol';
import { queueRoomName, ticketRoomName, userRoomName } from '../../realtime/token';
import { ticketActivities } from '../../worker/activities/tickets';
import { createRoomsNotifier, RoomsPushError } from '../../worker/rooms-notifier';
import type { TicketRowPatch } from '../../workflows/types';
import { pgliteKind, postgresKind } from '../../dev-support/databases';
import { startRoomsHarness, type HarnessUser, type RoomsHarness } from '../../dev-support/rooms-harness';

const TYPING_TTL_MS = 1000;
/** The rooms' periodic re-check: longer than any pushed change takes to act (5 s), so tests tell the two apart. */
const ACCESS_RECHECK_MS = 10_000;
let h: RoomsHarness;
const postgres = postgresKind();

beforeAll(async () => {
  h = await startRoomsHarness({ typingTtlMs: TYPING_TTL_MS, accessRecheckMs: ACCESS_RECHECK_MS });
});

afterEach(() => {
  h.faults.status = null;
  delete h.faults.onlyMethod;
  // Every frame any room sent in the test matched the protocol's outbound schema.
  expect(h.closeClients()).toEqual([]);
});

afterAll(async () => {
  await h?.stop();
  await postgres.stop();
});

const store = (ticketId: string, author: HarnessUser, body: string, extra: { internal?: boolean; ai?: boolean } = {}) =>
  storeComment(h.db, { ticketId, authorId: author.id, body, internal: extra.internal ?? false, ai: extra.ai ?? false, clientId: crypto.randomUUID() });

const storedIds = async (ticketId: string) => (await h.db.select({ id: comments.id }).from(comments).where(eq(comments.ticketId, ticketId)).orderBy(asc(comments.id))).map((r) => r.id);

const bodies = (client: RoomClient) => client.messages.map((m) => m.body);

/** Message ids in the order a client received them: welcome and sync history, live messages, acks of its own. */
const arrivals = (client: RoomClient) =>
  client.frames.flatMap((f) => {
    if (f.type === 'welcome' || f.type === 'history') return f.type === 'welcome' ? f.history.map((m) => m.id) : f.messages.map((m) => m.id);
    if (f.type === 'message') return [f.message.id];
    if (f.type === 'ack') return [f.id];
    return [];
  });

const closeCodes = (client: RoomClient) => client.closes.map((c) => c.code);

/** Frames of a type a client received so far. */
const received = <T extends ServerFrame['type']>(client: RoomClient, type: T) => client.framesOf(type);

/** Waits until `check` passes (polling), for state that arrives over the network. */
async function eventually(check: () => void, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
}

function statusEvent(ticketId: string, overrides: Partial<LiveEventInput> = {}): LiveEventInput {
  return {
    id: `wf-${crypto.randomUUID()}#1/status`,
    ticketId,
    ticketNumber: 1001,
    departmentSlug: 'it',
    at: new Date().toISOString(),
    kind: 'status',
    from: 'new',
    to: 'assigned',
    ...overrides,
  } as LiveEventInput;
}

describe('joining a ticket room', () => {
  test('a joining user gets the latest messages oldest first, and who is present; a requester gets no internal notes', async () => {
    const ticketId = await h.createTicket();
    await store(ticketId, h.people.requester, 'my printer is on fire');
    await store(ticketId, h.people.agent, 'looking into it');
    await store(ticketId, h.people.agent, 'customer sounds stressed', { internal: true });
    await store(ticketId, h.people.agent, 'please step away from the printer');

    const agent = await h.join(h.people.agent, ticketId);
    expect(bodies(agent)).toEqual(['my printer is on fire', 'looking into it', 'customer sounds stressed', 'please step away from the printer']);
    expect(agent.welcome!.you).toMatchObject({ userId: h.people.agent.id, role: 'agent', internal: true });

    const requester = await h.join(h.people.requester, ticketId);
    expect(bodies(requester)).toEqual(['my printer is on fire', 'looking into it', 'please step away from the printer']);
    expect(requester.welcome!.present.map((p) => p.userId).sort()).toEqual([h.people.agent.id, h.people.requester.id].sort());
    expect(requester.welcome!.limits.maxFrameBytes).toBe(MAX_FRAME_BYTES);
  });

  test('a long conversation: a new joiner gets the latest 50 messages', async () => {
    const ticketId = await h.createTicket();
    for (let i = 1; i <= 60; i++) await store(ticketId, h.people.requester, `line ${i}`);
    const client = await h.join(h.people.agent, ticketId);
    expect(bodies(client)).toEqual(Array.from({ length: 50 }, (_, i) => `line ${i + 11}`));
    expect(client.welcome!.lastId).toBe((await storedIds(ticketId)).at(-1));
  });

  test('when the API cannot load the conversation the client is told and let in once it is back', async () => {
    const ticketId = await h.createTicket();
    await store(ticketId, h.people.requester, 'hello?');
    h.faults.status = 503;
    const client = h.connect(ticketRoomName(ticketId), await h.token(h.people.requester, ticketRoomName(ticketId)));
    await eventually(() => expect(received(client, 'error').map((e) => e.code)).toContain('unavailable'));
    await eventually(() => expect(client.closes.map((c) => c.code)).toContain(CloseCode.tryAgainLater));
    h.faults.status = null;
    const welcome = await client.ready;
    expect(welcome.history.map((m) => m.body)).toEqual(['hello?']);
  });
});

describe('auth at the edge', () => {
  const path = (room: string, token?: string) => `/parties/room/${room}${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;

  test('no token, a forged, tampered or expired token, or one for another room: 401', async () => {
    const ticketId = await h.createTicket();
    const room = ticketRoomName(ticketId);
    const valid = await h.token(h.people.requester, room);
    const [claims, signature] = valid.split('.');
    const escalated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(claims!, 'base64url').toString()), role: 'agent', internal: true })).toString('base64url');

    const attempts = {
      missing: await h.rawUpgrade(path(room)),
      empty: await h.rawUpgrade(path(room, '')),
      garbage: await h.rawUpgrade(path(room, 'not-a-token')),
      forged: await h.rawUpgrade(path(room, await h.token(h.people.requester, room, { secret: 'another-secret-0123456789abcdef0123456789' }))),
      tampered: await h.rawUpgrade(path(room, `${escalated}.${signature}`)),
      expired: await h.rawUpgrade(path(room, await h.token(h.people.requester, room, { ttlSeconds: -1 }))),
      otherRoom: await h.rawUpgrade(path(room, await h.token(h.people.requester, ticketRoomName(await h.createTicket())))),
    };
    for (const [name, attempt] of Object.entries(attempts)) expect({ name, status: attempt.status }).toEqual({ name, status: 401 });
    expect(JSON.parse(attempts.expired.body)).toEqual({ error: 'unauthorized', reason: 'expired' });
    expect(JSON.parse(attempts.missing.body)).toEqual({ error: 'unauthorized', reason: 'missing' });

    const ok = await h.rawUpgrade(path(room, valid));
    expect(ok.status).toBe(101);
    ok.socket!.close();
  });

  test('queue rooms are for agents and user channels for their user: 403 otherwise; unknown rooms 404', async () => {
    const queue = queueRoomName('it');
    expect((await h.rawUpgrade(path(queue, await h.token(h.people.requester, queue)))).status).toBe(403);
    const agentChannel = userRoomName(h.people.agent.id);
    expect((await h.rawUpgrade(path(agentChannel, await h.token(h.people.requester, agentChannel)))).status).toBe(403);
    expect((await h.rawUpgrade(path('lobby', await h.token(h.people.agent, 'lobby')))).status).toBe(404);
    expect((await h.rawUpgrade(path('ticket-123', await h.token(h.people.agent, 'ticket-123')))).status).toBe(404);
    const own = await h.rawUpgrade(path(agentChannel, await h.token(h.people.agent, agentChannel)));
    expect(own.status).toBe(101);
    own.socket!.close();
  });

  test('the client helper reports a refused token and does not keep retrying', async () => {
    const ticketId = await h.createTicket();
    const client = h.connect(ticketRoomName(ticketId), await h.token(h.people.requester, ticketRoomName(ticketId), { ttlSeconds: -1 }));
    await expect(client.ready).rejects.toMatchObject({ code: 'http_401' });
    expect(client.socket.shouldReconnect).toBe(false);
  });

  test('pushes into rooms need the internal bearer secret', async () => {
    const url = `${h.roomsUrl}/parties/room/${ticketRoomName(await h.createTicket())}`;
    const body = JSON.stringify({ type: 'event', event: statusEvent(crypto.randomUUID()) });
    expect((await fetch(url, { method: 'POST', body })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body, headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await fetch(url, { method: 'POST', body, headers: { authorization: h.internalSecret } })).status).toBe(401);
    expect((await fetch(url, { headers: { authorization: `Bearer ${h.internalSecret}` } })).status).toBe(405);
    const authorized = { method: 'POST', headers: { authorization: `Bearer ${h.internalSecret}` } };
    expect((await fetch(url, { ...authorized, body: 'not json' })).status).toBe(400);
    expect((await fetch(url, { ...authorized, body: JSON.stringify({ type: 'event', event: { kind: 'status' } }) })).status).toBe(400);
    expect((await fetch(url, { ...authorized, body: JSON.stringify({ type: 'event', event: statusEvent(crypto.randomUUID()), padding: 'x'.repeat(70_000) }) })).status).toBe(413);
    expect((await fetch(`${h.roomsUrl}/parties/room/lobby`, { ...authorized, body })).status).toBe(404);
  });
});

describe('messages', () => {
  test('two clients see each other’s messages, each stored with its id and server time before delivery', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);

    const arriving = agent.next('message');
    const ack = await requester.sendMessage({ body: 'it is still burning' });
    const { message } = await arriving;
    expect(message).toMatchObject({
      id: ack.id,
      createdAt: ack.createdAt,
      body: 'it is still burning',
      internal: false,
      ai: false,
      author: { id: h.people.requester.id, name: 'Rita Requester', role: 'requester' },
    });

    const reply = requester.next('message');
    const agentAck = await agent.sendMessage({ body: 'fire brigade is on its way' });
    expect((await reply).message.id).toBe(agentAck.id);

    const rows = await h.db.select().from(comments).where(eq(comments.ticketId, ticketId)).orderBy(asc(comments.id));
    expect(rows.map((r) => [r.id, r.body, r.createdAt.toISOString()])).toEqual([
      [ack.id, 'it is still burning', ack.createdAt],
      [agentAck.id, 'fire brigade is on its way', agentAck.createdAt],
    ]);
    // The sender gets an ack, not an echo of its own message.
    expect(received(requester, 'message').map((f) => f.message.id)).toEqual([agentAck.id]);
    expect(bodies(requester)).toEqual(['it is still burning', 'fire brigade is on its way']);
  });

  test('an internal note reaches agents only, live, on join and on replay', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agent2 = await h.join(h.people.agent2, ticketId);

    const note = agent2.next('message');
    await agent.sendMessage({ body: 'check the toner, might be arson', internal: true });
    expect((await note).message).toMatchObject({ body: 'check the toner, might be arson', internal: true });
    const publicReply = requester.next('message');
    await agent.sendMessage({ body: 'we are on it' });
    expect((await publicReply).message.body).toBe('we are on it');
    expect(bodies(requester)).toEqual(['we are on it']); // in-order delivery: the note would have come first

    const rejoined = await h.join(h.people.requester, ticketId);
    expect(bodies(rejoined)).toEqual(['we are on it']);
    const replayed = await h.join(h.people.requester, ticketId, { lastSeenId: 0 });
    expect(bodies(replayed)).toEqual(['we are on it']);
    expect(JSON.stringify(requester.frames) + JSON.stringify(rejoined.frames) + JSON.stringify(replayed.frames)).not.toContain('arson');
  });

  test('a requester cannot post internal notes or AI-flagged messages; nothing is stored or delivered', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    await expect(requester.sendMessage({ body: 'sneaky', internal: true })).rejects.toMatchObject({ code: 'forbidden' });
    await expect(requester.sendMessage({ body: 'sneaky ai', ai: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await storedIds(ticketId)).toEqual([]);
    const sentinel = agent.next('message');
    await requester.sendMessage({ body: 'honest' });
    expect((await sentinel).message.body).toBe('honest');
    expect(bodies(agent)).toEqual(['honest']);
  });

  test('a message an agent sends from an AI suggestion carries the ai flag to staff only, live, on join and in lists', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agent2 = await h.join(h.people.agent2, ticketId);
    const toRequester = requester.next('message');
    const toAgent2 = agent2.next('message');
    const ack = await agent.sendMessage({ body: 'Have you tried turning it off and on again?', ai: true });
    expect((await toAgent2).message).toMatchObject({ id: ack.id, ai: true });
    const seenByRequester = (await toRequester).message;
    expect(seenByRequester.id).toBe(ack.id);
    expect(seenByRequester).not.toHaveProperty('ai');
    const [row] = await h.db.select().from(comments).where(eq(comments.id, ack.id));
    expect(row!.ai).toBe(true);
    // Through the API too (tRPC input), and in every list and history.
    const viaApi = await (await h.signIn(h.people.agent)).comment.add.mutate({ ticketId, body: 'Drafted by the assistant: restart the spooler.', ai: true });
    expect(viaApi.ai).toBe(true);
    await eventually(() => expect(requester.messages.map((m) => m.id)).toContain(viaApi.id));
    expect(requester.messages.some((m) => 'ai' in m)).toBe(false);
    expect((await h.join(h.people.requester, ticketId)).welcome!.history.some((m) => 'ai' in m)).toBe(false);
    expect((await h.join(h.people.agent2, ticketId)).welcome!.history.filter((m) => m.ai).map((m) => m.id)).toEqual([ack.id, viaApi.id]);
    const requesterList = await (await h.signIn(h.people.requester)).comment.list.query({ ticketId });
    expect(requesterList.comments.map((c) => c.id)).toEqual([ack.id, viaApi.id]);
    expect(requesterList.comments.some((c) => 'ai' in c)).toBe(false);
    expect((await (await h.signIn(h.people.agent2)).comment.list.query({ ticketId })).comments.map((c) => c.ai)).toEqual([true, true]);
  });

  test('a resend with the same clientId is stored and delivered once', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const first = await requester.sendMessage({ body: 'once', clientId: 'msg-1' });
    const second = await requester.sendMessage({ body: 'once', clientId: 'msg-1' });
    expect(second).toEqual(first);
    const sentinel = agent.next('message', (f) => f.message.body === 'after');
    await requester.sendMessage({ body: 'after' });
    await sentinel;
    expect(bodies(agent)).toEqual(['once', 'after']);
    expect(await storedIds(ticketId)).toHaveLength(2);
  });

  test('when the API cannot store a message nobody receives it; the resend after recovery is stored once', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    h.faults.status = 503;
    h.faults.onlyMethod = 'POST';
    const failure = await requester.sendMessage({ body: 'are you there?', clientId: 'retry-me' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoomError);
    expect(failure).toMatchObject({ code: 'unavailable', retryable: true });
    expect(await storedIds(ticketId)).toEqual([]);

    h.faults.status = null;
    const arriving = agent.next('message');
    const ack = await requester.sendMessage({ body: 'are you there?', clientId: 'retry-me' });
    expect((await arriving).message.id).toBe(ack.id);
    expect(await storedIds(ticketId)).toEqual([ack.id]);
    expect(received(agent, 'message')).toHaveLength(1);
  });

  test('messages sent at the same time reach everyone in id order, without gaps or duplicates', async () => {
    const ticketId = await h.createTicket();
    const clients = [await h.join(h.people.requester, ticketId), await h.join(h.people.agent, ticketId), await h.join(h.people.agent2, ticketId)];
    await Promise.all(clients.flatMap((client, c) => Array.from({ length: 8 }, (_, i) => client.sendMessage({ body: `client ${c} message ${i}` }))));
    const ids = await storedIds(ticketId);
    expect(ids).toHaveLength(24);
    for (const client of clients) {
      await eventually(() => expect(client.messages.map((m) => m.id)).toEqual(ids));
      // Frames arrived in increasing id order (nobody saw a newer message before an older one).
      const live = received(client, 'message').map((f) => f.message.id);
      expect(live).toEqual([...live].sort((a, b) => a - b));
    }
  });

  test('a message stored outside the room is pushed live; a push that went missing is filled in, in order', async () => {
    const ticketId = await h.createTicket();
    const agent = await h.join(h.people.agent, ticketId);
    const first = await store(ticketId, h.people.requester, 'sent by e-mail');
    const second = await store(ticketId, h.people.requester, 'and another e-mail');
    // Only the second is pushed: the room notices the gap and fetches the first.
    const result = await h.notifier.publishMessage(toStoredMessage(second.comment), second.previousId);
    expect(result.rooms[0]).toMatchObject({ delivered: 1, duplicate: false });
    await eventually(() => expect(bodies(agent)).toEqual(['sent by e-mail', 'and another e-mail']));
    expect(received(agent, 'message').map((f) => f.message.id)).toEqual([first.comment.id, second.comment.id]);

    const again = await h.notifier.publishMessage(toStoredMessage(second.comment), second.previousId);
    expect(again.rooms[0]).toMatchObject({ delivered: 0, duplicate: true });
    const sentinel = agent.next('message');
    await h.join(h.people.requester, ticketId).then((r) => r.sendMessage({ body: 'sentinel' }));
    await sentinel;
    expect(received(agent, 'message')).toHaveLength(3);
  });
});

describe('when things go wrong', () => {
  test('a message to a ticket that no longer exists is refused with not_found', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    await h.db.delete(tickets).where(eq(tickets.id, ticketId));
    await expect(requester.sendMessage({ body: 'hello?' })).rejects.toMatchObject({ code: 'not_found', retryable: false });
  });

  test('when the room cannot fetch a gap, it still acks the stored message and delivers everything in order once the API is back', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const byMail = await store(ticketId, h.people.agent, 'sent by e-mail, push lost');
    h.faults.status = 503;
    h.faults.onlyMethod = 'GET';
    const ack = await requester.sendMessage({ body: 'did you get my mail?' });
    expect(ack.id).toBeGreaterThan(byMail.comment.id);
    h.faults.status = null;
    await eventually(() => expect(received(agent, 'message').map((f) => f.message.id)).toEqual([byMail.comment.id, ack.id]));
    await eventually(() => expect(bodies(requester)).toEqual(['sent by e-mail, push lost', 'did you get my mail?']));
  });

  test('startRooms refuses a busy port or weak secrets in one line, before starting anything', async () => {
    const busy = Number(new URL(h.roomsUrl).port);
    const options = { apiInternalUrl: h.internalUrl, roomTokenSecret: h.roomTokenSecret, internalSecret: h.internalSecret, log: () => undefined };
    await expect(startRooms({ ...options, port: busy })).rejects.toThrow(new RoomsStartError(`port ${busy} on 127.0.0.1 is in use: stop whatever listens there or set ROOMS_PORT to another port`));
    await expect(startRooms({ ...options, port: await freePort(), roomTokenSecret: 'short' })).rejects.toThrow(/ROOM_TOKEN_SECRET must be at least 32 characters/);
    await expect(startRooms({ ...options, port: await freePort(), internalSecret: `${'a'.repeat(40)} $HOME` })).rejects.toThrow(/INTERNAL_API_SECRET may only contain/);
  });

  test('stopping the rooms ends wrangler and every process it started', async () => {
    const rooms = await startRooms({ port: await freePort(), apiInternalUrl: h.internalUrl, roomTokenSecret: h.roomTokenSecret, internalSecret: h.internalSecret, log: () => undefined });
    expect((await fetch(`${rooms.url}/health`)).status).toBe(200);
    const groupAlive = () => {
      try {
        process.kill(-rooms.pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    expect(groupAlive()).toBe(true);
    await rooms.stop();
    expect(groupAlive()).toBe(false);
    await expect(fetch(`${rooms.url}/health`)).rejects.toThrow();
  });
});

describe('reconnecting', () => {
  test('a client reconnecting with its last-seen id receives exactly what it missed, in order', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    await requester.sendMessage({ body: 'one' });
    await eventually(() => expect(bodies(agent)).toEqual(['one']));
    const lastSeen = requester.lastId;
    requester.close();

    await agent.sendMessage({ body: 'two' });
    await agent.sendMessage({ body: 'secret', internal: true });
    await agent.sendMessage({ body: 'three' });

    const back = await h.join(h.people.requester, ticketId, { lastSeenId: lastSeen });
    expect(back.welcome!.history.map((m) => m.body)).toEqual(['two', 'three']);
    const agentBack = await h.join(h.people.agent, ticketId, { lastSeenId: lastSeen });
    expect(agentBack.welcome!.history.map((m) => m.body)).toEqual(['two', 'secret', 'three']);
    const upToDate = await h.join(h.people.agent, ticketId, { lastSeenId: agentBack.lastId });
    expect(upToDate.welcome!.history).toEqual([]);
  });

  test('a client far behind gets everything it missed across pages, oldest first', async () => {
    const ticketId = await h.createTicket();
    for (let i = 1; i <= 250; i++) await store(ticketId, h.people.agent, `update ${i}`);
    const ids = await storedIds(ticketId);
    await h.join(h.people.agent2, ticketId); // the room now holds only the latest messages in memory
    const behind = await h.join(h.people.requester, ticketId, { lastSeenId: ids[9]! });
    expect(behind.welcome!.hasMore).toBe(true);
    await eventually(() => expect(behind.messages.map((m) => m.id)).toEqual(ids.slice(10)));
    expect(received(behind, 'history').length).toBeGreaterThanOrEqual(1);
  });

  test('an automatic reconnect fills the gap without duplicates and resends what was in flight', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    await agent.sendMessage({ body: 'before' });
    await eventually(() => expect(bodies(requester)).toEqual(['before']));

    requester.reconnect();
    const during = agent.sendMessage({ body: 'during' });
    const inFlight = requester.sendMessage({ body: 'sent while reconnecting', clientId: 'in-flight' });
    await Promise.all([during, inFlight]);
    await agent.sendMessage({ body: 'after' });

    await eventually(() => expect(bodies(requester).sort()).toEqual(['after', 'before', 'during', 'sent while reconnecting']));
    expect(requester.connections).toBe(2);
    expect(requester.messages.map((m) => m.id)).toEqual(await storedIds(ticketId));
    expect(await storedIds(ticketId)).toHaveLength(4);
  });
});

describe('typing, presence and read markers', () => {
  test('typing start and stop reach the others, not the typist', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const started = agent.next('typing');
    requester.typing('start');
    expect(await started).toMatchObject({ userId: h.people.requester.id, name: 'Rita Requester', state: 'start' });
    const stopped = agent.next('typing');
    requester.typing('stop');
    expect(await stopped).toMatchObject({ userId: h.people.requester.id, state: 'stop' });
    expect(received(requester, 'typing')).toEqual([]);
  });

  test('typing stops by itself when not refreshed, and when the message is sent', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const firstStart = agent.next('typing', (f) => f.state === 'start');
    requester.typing('start');
    await firstStart;
    const startedAt = Date.now();
    await agent.next('typing', (f) => f.state === 'stop', TYPING_TTL_MS * 4);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(TYPING_TTL_MS * 0.8);

    const started = agent.next('typing', (f) => f.state === 'start');
    requester.typing('start');
    await started;
    const stopped = agent.next('typing', (f) => f.state === 'stop', TYPING_TTL_MS / 2);
    await requester.sendMessage({ body: 'done typing' });
    await stopped;
  });

  test('typing an internal note shows to agents only; a late joiner sees who is typing', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agent2 = await h.join(h.people.agent2, ticketId);
    const seen = agent2.next('typing');
    agent.typing('start', true);
    expect(await seen).toMatchObject({ userId: h.people.agent.id, state: 'start', internal: true });
    const lateAgent = await h.join(h.people.agent2, ticketId);
    expect(lateAgent.welcome!.typing).toEqual([{ userId: h.people.agent.id, name: 'Ada Agent' }]);
    const lateRequester = await h.join(h.people.requester, ticketId);
    expect(lateRequester.welcome!.typing).toEqual([]);
    const sentinel = requester.next('message');
    await agent.sendMessage({ body: 'public' });
    await sentinel;
    expect(received(requester, 'typing')).toEqual([]);
    const forbidden = requester.next('error');
    requester.typing('start', true);
    expect((await forbidden).code).toBe('forbidden');
  });

  test('presence: online on join, away and back, offline when the last connection leaves', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const joined = requester.next('presence');
    const agent = await h.join(h.people.agent, ticketId);
    expect(await joined).toMatchObject({ user: { userId: h.people.agent.id, role: 'agent' }, state: 'online' });

    const away = requester.next('presence');
    agent.setPresence('away');
    expect((await away).state).toBe('away');
    const backOnline = requester.next('presence');
    const secondTab = await h.join(h.people.agent, ticketId);
    expect((await backOnline).state).toBe('online');
    expect(secondTab.welcome!.present.find((p) => p.userId === h.people.agent.id)!.state).toBe('online');

    const awayAgain = requester.next('presence');
    secondTab.close(); // the remaining tab is still away
    expect((await awayAgain).state).toBe('away');
    const offline = requester.next('presence');
    agent.close();
    expect(await offline).toMatchObject({ user: { userId: h.people.agent.id }, state: 'offline' });
  });

  test('read markers reach the others; a marker on an internal note stays among agents', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agent2 = await h.join(h.people.agent2, ticketId);
    const question = await requester.sendMessage({ body: 'any news?' });
    const note = await agent.sendMessage({ body: 'escalate to facilities', internal: true });

    const seenByRequester = requester.next('read');
    agent.markRead(question.id);
    expect(await seenByRequester).toEqual({ type: 'read', userId: h.people.agent.id, messageId: question.id });

    const seenByAgent = agent.next('read');
    requester.markRead(question.id);
    expect((await seenByAgent).userId).toBe(h.people.requester.id);

    const noteRead = agent2.next('read', (f) => f.messageId === note.id);
    agent.markRead(note.id);
    await noteRead;
    const lateAgent = await h.join(h.people.agent2, ticketId);
    expect(lateAgent.welcome!.reads).toContainEqual({ userId: h.people.agent.id, messageId: note.id });
    const late = await h.join(h.people.requester, ticketId);
    // The agent's marker is on the note: the requester hears only that the agent is past the question.
    expect(late.welcome!.reads).toEqual([
      { userId: h.people.agent.id, messageId: question.id },
      { userId: h.people.requester.id, messageId: question.id },
    ]);

    const refused = requester.next('error');
    requester.markRead(note.id); // the requester cannot even learn the note exists
    expect((await refused).code).toBe('not_found');
    const unknown = agent.next('error');
    agent.markRead(note.id + 1000);
    expect((await unknown).code).toBe('not_found');
    expect(received(requester, 'read').map((r) => r.messageId)).toEqual([question.id]);
  });

  test('reading up to an internal note shows requesters "seen" on the public messages before it, and never the note', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agent2 = await h.join(h.people.agent2, ticketId);
    const question = await requester.sendMessage({ body: 'is anyone there?' });
    const note = await agent2.sendMessage({ body: 'I will call them', internal: true });

    const staffMarker = agent2.next('read');
    const publicMarker = requester.next('read');
    agent.markRead(note.id); // straight to the note: the agent is past the question too
    expect(await staffMarker).toEqual({ type: 'read', userId: h.people.agent.id, messageId: note.id });
    expect(await publicMarker).toEqual({ type: 'read', userId: h.people.agent.id, messageId: question.id });
    expect((await h.join(h.people.requester, ticketId)).welcome!.reads).toEqual([{ userId: h.people.agent.id, messageId: question.id }]);
    expect((await h.join(h.people.agent2, ticketId)).welcome!.reads).toEqual([{ userId: h.people.agent.id, messageId: note.id }]);

    // A later note moves nothing the requester can see; the next public message does.
    const secondNote = await agent2.sendMessage({ body: 'no answer on the phone', internal: true });
    const staffSecond = agent2.next('read');
    agent.markRead(secondNote.id);
    await staffSecond;
    const reply = await agent2.sendMessage({ body: 'We are looking into it.' });
    const publicReply = requester.next('read');
    agent.markRead(reply.id);
    expect(await publicReply).toEqual({ type: 'read', userId: h.people.agent.id, messageId: reply.id });
    expect(received(requester, 'read').map((r) => r.messageId)).toEqual([question.id, reply.id]);
  });
});

describe('live events', () => {
  test('a status change reaches the ticket room, the department queue and the users’ channels; SLA events reach agents only', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const queue = h.connect(queueRoomName('it'), await h.token(h.people.agent2, queueRoomName('it')));
    const requesterChannel = h.connect(userRoomName(h.people.requester.id), await h.token(h.people.requester, userRoomName(h.people.requester.id)));
    const agentChannel = h.connect(userRoomName(h.people.agent.id), await h.token(h.people.agent, userRoomName(h.people.agent.id)));
    await Promise.all([queue.ready, requesterChannel.ready, agentChannel.ready]);

    const status = statusEvent(ticketId, { actorId: h.people.agent.id });
    const everywhere = [requester, agent, queue, requesterChannel, agentChannel].map((c) => c.next('event'));
    const result = await h.notifier.publish({ ...status, notify: [h.people.requester.id, h.people.agent.id] });
    expect(result.rooms.map((r) => r.room).sort()).toEqual([ticketRoomName(ticketId), queueRoomName('it'), userRoomName(h.people.requester.id), userRoomName(h.people.agent.id)].sort());
    for (const frame of await Promise.all(everywhere)) expect(frame.event).toMatchObject({ id: status.id, kind: 'status', from: 'new', to: 'assigned', ticketId });

    const breach: LiveEventInput = {
      id: `wf#9/sla`,
      ticketId,
      ticketNumber: 1001,
      departmentSlug: 'it',
      at: new Date().toISOString(),
      kind: 'sla_breach',
      target: 'first_response',
      dueAt: new Date().toISOString(),
    };
    const agentsSee = [agent, queue, agentChannel].map((c) => c.next('event', (f) => f.event.kind === 'sla_breach'));
    const breachResult = await h.notifier.publish({ ...breach, notify: [h.people.requester.id, h.people.agent.id] });
    await Promise.all(agentsSee);
    expect(breachResult.rooms.find((r) => r.room === userRoomName(h.people.requester.id))!.delivered).toBe(0);

    const assignment = statusEvent(ticketId, { id: 'wf#10/assign', kind: 'assignment', assigneeId: h.people.agent.id, assigneeName: 'Ada Agent' } as Partial<LiveEventInput>);
    const sentinels = [requester, requesterChannel].map((c) => c.next('event', (f) => f.event.kind === 'assignment'));
    await h.notifier.publish({ ...assignment, notify: [h.people.requester.id] });
    await Promise.all(sentinels);
    for (const client of [requester, requesterChannel]) expect(received(client, 'event').map((f) => f.event.kind)).toEqual(['status', 'assignment']);
  });

  test('a retried push is delivered once', async () => {
    const ticketId = await h.createTicket();
    const agent = await h.join(h.people.agent, ticketId);
    const event = statusEvent(ticketId, { kind: 'priority', from: 'high', to: 'critical' } as Partial<LiveEventInput>);
    const first = await h.notifier.publish(event);
    const retry = await h.notifier.publish(event);
    expect(first.rooms.every((r) => !r.duplicate)).toBe(true);
    expect(retry.rooms.every((r) => r.duplicate && r.delivered === 0)).toBe(true);
    const sentinel = agent.next('event', (f) => f.event.id === 'sentinel');
    await h.notifier.publish(statusEvent(ticketId, { id: 'sentinel' }));
    await sentinel;
    expect(received(agent, 'event').map((f) => f.event.id)).toEqual([event.id, 'sentinel']);
  });

  test('publishing fails loudly when a room cannot be reached or refuses, so the activity retries', async () => {
    const ticketId = await h.createTicket();
    const wrongSecret = createRoomsNotifier({ roomsUrl: h.roomsUrl, internalSecret: 'x'.repeat(64) });
    await expect(wrongSecret.publish(statusEvent(ticketId))).rejects.toThrow(/HTTP 401/);
    const nowhere = createRoomsNotifier({ roomsUrl: 'http://127.0.0.1:9', internalSecret: h.internalSecret, timeoutMs: 2000 });
    await expect(nowhere.publish(statusEvent(ticketId))).rejects.toBeInstanceOf(RoomsPushError);
    await expect(h.notifier.publish({ ...statusEvent(ticketId), kind: 'status', to: 'on_fire' } as unknown as LiveEventInput)).rejects.toThrow();

    const misrouted = await fetch(`${h.roomsUrl}/parties/room/${ticketRoomName(await h.createTicket())}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${h.internalSecret}` },
      body: JSON.stringify({ type: 'event', event: statusEvent(ticketId) }),
    });
    expect(misrouted.status).toBe(400);
  });
});

describe('robustness', () => {
  test('malformed, unknown, invalid, binary and oversized frames get error frames; the room keeps working', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const raw = [
      'not json',
      '{"type":"nope"}',
      '{"type":"message"}',
      'null',
      '[]',
      '"message"',
      JSON.stringify({ type: 'message', clientId: 'has spaces', body: 'x' }),
      JSON.stringify({ type: 'message', clientId: 'c1', body: '   ' }),
      JSON.stringify({ type: 'message', clientId: 'c2', body: 'x'.repeat(4001) }),
      JSON.stringify({ type: 'read', messageId: -1 }),
      JSON.stringify({ type: 'sync', afterId: 1.5 }),
      JSON.stringify({ type: 'presence', state: 'invisible' }),
      `{"type":"message","clientId":"c3","body":"${'é'.repeat(4100)}"}`, // ~4100 characters, but over 8 KB in UTF-8
      'x'.repeat(MAX_FRAME_BYTES + 1),
    ];
    const errors: string[] = [];
    const off = requester.onFrame((f) => f.type === 'error' && errors.push(f.code));
    for (const frame of raw) requester.socket.send(frame);
    requester.socket.send(new Uint8Array([1, 2, 3]));
    await eventually(() => expect(errors).toHaveLength(raw.length + 1));
    off();
    expect(errors).toEqual([...Array<string>(12).fill('bad_frame'), 'too_large', 'too_large', 'bad_frame']);

    const arriving = agent.next('message');
    await requester.sendMessage({ body: 'still alive?' });
    expect((await arriving).message.body).toBe('still alive?');
    expect(await storedIds(ticketId)).toHaveLength(1);
  });

  test('a flooding connection is rate-limited, then disconnected with 1008; others are unaffected', async () => {
    const ticketId = await h.createTicket();
    const flooder = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agent2 = await h.join(h.people.agent2, ticketId);
    for (let i = 0; i < 200; i++) flooder.socket.send(JSON.stringify({ type: 'typing', state: i % 2 ? 'stop' : 'start' }));
    await eventually(() => expect(flooder.closes.map((c) => c.code)).toContain(CloseCode.policy));
    expect(received(flooder, 'error').map((e) => e.code)).toContain('rate_limited');
    expect(flooder.socket.shouldReconnect).toBe(false);
    // At most the burst got through before the limit.
    expect(received(agent, 'typing').length).toBeLessThanOrEqual(22);

    const arriving = agent2.next('message');
    await agent.sendMessage({ body: 'business as usual' });
    expect((await arriving).message.body).toBe('business as usual');
  });

  test('a short burst over the limit is only slowed down', async () => {
    const ticketId = await h.createTicket();
    const eager = await h.join(h.people.requester, ticketId);
    for (let i = 0; i < 25; i++) eager.socket.send(JSON.stringify({ type: 'presence', state: i % 2 ? 'online' : 'away' }));
    await eventually(() => expect(received(eager, 'error').map((e) => e.code)).toEqual(['rate_limited']));
    await new Promise((resolve) => setTimeout(resolve, 600));
    const ack = await eager.sendMessage({ body: 'sorry, my cat walked on the keyboard' });
    expect(ack.id).toBeGreaterThan(0);
    expect(eager.closes).toEqual([]);
  });

  test('a dropped message is named in its rate_limited error, so nothing is lost silently', async () => {
    const ticketId = await h.createTicket();
    const eager = await h.join(h.people.agent, ticketId);
    const clientIds = Array.from({ length: 26 }, (_, i) => `burst-${i}`);
    for (const clientId of clientIds) eager.socket.send(JSON.stringify({ type: 'message', clientId, body: clientId }));
    const answered = () => [...received(eager, 'ack').map((a) => a.clientId), ...received(eager, 'error').flatMap((e) => (e.code === 'rate_limited' && e.clientId ? [e.clientId] : []))];
    await eventually(() => expect(answered().sort()).toEqual([...clientIds].sort()));
    const acked = received(eager, 'ack')
      .map((a) => a.id)
      .sort((a, b) => a - b);
    expect(acked.length).toBeGreaterThanOrEqual(20);
    expect(acked.length).toBeLessThan(26);
    expect(await storedIds(ticketId)).toEqual(acked);
  });

  test('the client helper paces itself to the room’s rate: a long burst is all stored, none refused', async () => {
    const ticketId = await h.createTicket();
    const chatty = await h.join(h.people.agent, ticketId);
    const listener = await h.join(h.people.agent2, ticketId);
    const acks = await Promise.all(Array.from({ length: 30 }, (_, i) => chatty.sendMessage({ body: `line ${i}` })));
    expect(new Set(acks.map((a) => a.id)).size).toBe(30);
    expect(received(chatty, 'error')).toEqual([]);
    await eventually(() => expect(bodies(listener)).toEqual(Array.from({ length: 30 }, (_, i) => `line ${i}`)));
  });

  test('queue rooms and user channels take presence only', async () => {
    const queue = h.connect(queueRoomName('it'), await h.token(h.people.agent, queueRoomName('it')));
    await queue.ready;
    const refused = queue.next('error');
    queue.send({ type: 'message', clientId: 'q1', body: 'hello queue' });
    expect((await refused).code).toBe('unsupported');
    expect(queue.setPresence('away')).toBe(true);
  });
});

describe('the internal API the rooms use', () => {
  const call = (path: string, init: RequestInit & { auth?: string | null } = {}) =>
    fetch(`${h.internalUrl}/internal${path}`, {
      ...init,
      headers: { 'content-type': 'application/json', ...(init.auth !== null && { authorization: init.auth ?? `Bearer ${h.internalSecret}` }) },
    });
  const post = (ticketId: string, body: unknown, auth?: string | null) => call(`/rooms/tickets/${ticketId}/messages`, { method: 'POST', body: JSON.stringify(body), auth });

  test('is served on its own listener: the public API answers 404 for /internal/*', async () => {
    const ticketId = await h.createTicket();
    const viaPublic = await fetch(`${h.apiUrl}/internal/rooms/tickets/${ticketId}/messages`, { headers: { authorization: `Bearer ${h.internalSecret}` } });
    expect(viaPublic.status).toBe(404);
    expect(await viaPublic.json()).toEqual({ error: 'NOT_FOUND', message: 'No such endpoint.' });
    expect((await call(`/rooms/tickets/${ticketId}/messages`)).status).toBe(200);
  });

  test('refuses a missing or wrong bearer secret', async () => {
    const ticketId = await h.createTicket();
    expect((await call(`/rooms/tickets/${ticketId}/messages`, { auth: null })).status).toBe(401);
    expect((await call(`/rooms/tickets/${ticketId}/messages`, { auth: `Bearer ${h.internalSecret}x` })).status).toBe(401);
    expect((await call(`/rooms/tickets/${ticketId}/messages`, { auth: h.internalSecret })).status).toBe(401);
    expect((await post(ticketId, { authorId: h.people.agent.id, body: 'x', clientId: 'a' }, 'Bearer nope')).status).toBe(401);
    expect(await storedIds(ticketId)).toEqual([]);
  });

  test('stores messages idempotently and validates them', async () => {
    const ticketId = await h.createTicket();
    const created = await post(ticketId, { authorId: h.people.agent.id, body: 'hi', internal: false, ai: true, clientId: 'k1' });
    expect(created.status).toBe(201);
    const stored = (await created.json()) as { message: { id: number; ai: boolean }; previousId: number; created: boolean };
    expect(stored).toMatchObject({ previousId: 0, created: true, message: { ai: true } });
    const resent = await post(ticketId, { authorId: h.people.agent.id, body: 'hi', clientId: 'k1' });
    expect(resent.status).toBe(200);
    expect(await resent.json()).toMatchObject({ created: false, previousId: null, message: { id: stored.message.id } });

    expect((await post(crypto.randomUUID(), { authorId: h.people.agent.id, body: 'hi', clientId: 'k2' })).status).toBe(404);
    expect((await post(ticketId, { authorId: crypto.randomUUID(), body: 'hi', clientId: 'k2' })).status).toBe(404);
    expect((await post(ticketId, { authorId: h.people.requester.id, body: 'psst', internal: true, clientId: 'k3' })).status).toBe(403);
    expect((await post(await h.createTicket(), { authorId: h.people.agent.id, body: 'hi', clientId: 'k1' })).status).toBe(409);
    const invalid = await post(ticketId, { authorId: 'me', body: '', clientId: 'no spaces allowed' });
    expect(invalid.status).toBe(400);
    expect(Object.keys(((await invalid.json()) as { fieldErrors: object }).fieldErrors).sort()).toEqual(['authorId', 'body', 'clientId']);
    expect((await post('not-a-uuid', { authorId: h.people.agent.id, body: 'hi', clientId: 'k4' })).status).toBe(400);
    expect((await call(`/rooms/tickets/${ticketId}/messages`, { method: 'POST', body: '{' })).status).toBe(400);
    expect(await storedIds(ticketId)).toEqual([stored.message.id]);
  });

  test('lists the latest or the next messages oldest first, internal notes only when asked and never for a requester', async () => {
    const ticketId = await h.createTicket();
    const a = await store(ticketId, h.people.requester, 'a');
    await store(ticketId, h.people.agent, 'b', { internal: true });
    const c = await store(ticketId, h.people.agent, 'c');
    const list = async (query: string) => {
      const response = await call(`/rooms/tickets/${ticketId}/messages?${query}`);
      expect(response.status).toBe(200);
      const page = (await response.json()) as { messages: { body: string }[]; hasMore: boolean };
      return [page.messages.map((m) => m.body).join(''), page.hasMore];
    };
    expect(await list('')).toEqual(['ac', false]);
    expect(await list('internal=1')).toEqual(['abc', false]);
    expect(await list('internal=1&limit=2')).toEqual(['bc', true]);
    expect(await list(`internal=1&after=${a.comment.id}&limit=1`)).toEqual(['b', true]);
    expect(await list(`after=${a.comment.id}`)).toEqual(['c', false]);
    expect(await list(`after=${c.comment.id}&internal=1`)).toEqual(['', false]);
    expect(await list(`internal=1&viewer=${h.people.requester.id}`)).toEqual(['ac', false]);
    expect(await list(`internal=1&viewer=${h.people.agent.id}`)).toEqual(['abc', false]);
    expect((await call(`/rooms/tickets/${ticketId}/messages?viewer=${crypto.randomUUID()}`)).status).toBe(403);
    expect((await call(`/rooms/tickets/${crypto.randomUUID()}/messages`)).status).toBe(404);
    expect((await call(`/rooms/tickets/${ticketId}/messages?limit=0`)).status).toBe(400);
    expect((await call(`/rooms/tickets/${ticketId}/messages?after=-1`)).status).toBe(400);
  });

  test('answers what each user may do in a room now, by the one rule', async () => {
    const ticketId = await h.createTicket();
    const access = async (room: string, ...ids: string[]) => {
      const response = await call(`/rooms/access?room=${room}&users=${ids.join(',')}`);
      expect(response.status).toBe(200);
      return ((await response.json()) as RoomAccessAnswer).users.map((u) => [u.userId, u.see, u.staff]);
    };
    const { requester, otherRequester, agent } = h.people;
    const nobody = crypto.randomUUID();
    expect(await access(ticketRoomName(ticketId), requester.id, otherRequester.id, agent.id, nobody)).toEqual([
      [requester.id, true, false],
      [otherRequester.id, false, false],
      [agent.id, true, true],
      [nobody, false, false],
    ]);
    expect(await access(ticketRoomName(crypto.randomUUID()), agent.id)).toEqual([[agent.id, false, false]]);
    expect(await access(queueRoomName('it'), agent.id, requester.id)).toEqual([
      [agent.id, true, true],
      [requester.id, false, false],
    ]);
    expect(await access(userRoomName(requester.id), requester.id, agent.id)).toEqual([
      [requester.id, true, false],
      [agent.id, false, false],
    ]);
    expect(await access(userRoomName(agent.id), agent.id)).toEqual([[agent.id, true, true]]);
    expect((await call(`/rooms/access?room=lobby&users=${agent.id}`)).status).toBe(404);
    expect((await call(`/rooms/access?room=${ticketRoomName(ticketId)}&users=me`)).status).toBe(400);
    expect((await call(`/rooms/access?room=${ticketRoomName(ticketId)}`)).status).toBe(400);
    expect((await call(`/rooms/access?room=${ticketRoomName(ticketId)}&users=${agent.id}`, { auth: null })).status).toBe(401);
  });
});

describe('end to end with the API', () => {
  test('users sign in, get room tokens from realtime.token and chat; a requester gets no internal notes and no room for others’ tickets', async () => {
    const ticketId = await h.createTicket(h.people.requester);
    const requesterApi = await h.signIn(h.people.requester);
    const agentApi = await h.signIn(h.people.agent);
    const requesterGrant = await requesterApi.realtime.token.mutate({ ticketId });
    const agentGrant = await agentApi.realtime.token.mutate({ ticketId });
    expect(requesterGrant).toMatchObject({ room: ticketRoomName(ticketId), url: h.roomsUrl });

    const requester = connectTicketRoom({ url: requesterGrant.url, ticketId, token: requesterGrant.token, WebSocket });
    const agent = connectTicketRoom({ url: agentGrant.url, ticketId, token: agentGrant.token, WebSocket });
    try {
      expect((await requester.ready).you).toMatchObject({ userId: h.people.requester.id, internal: false });
      expect((await agent.ready).you).toMatchObject({ userId: h.people.agent.id, internal: true });

      const toAgent = agent.next('message');
      const ack = await requester.sendMessage({ body: 'hello from the web app' });
      expect((await toAgent).message).toMatchObject({ id: ack.id, author: { id: h.people.requester.id } });
      await agent.sendMessage({ body: 'internal: replace the fuser', internal: true });
      const toRequester = requester.next('message');
      await agent.sendMessage({ body: 'a technician is on the way' });
      expect((await toRequester).message.body).toBe('a technician is on the way');
      expect(bodies(requester)).toEqual(['hello from the web app', 'a technician is on the way']);
    } finally {
      requester.close();
      agent.close();
    }

    const outsider = await h.signIn(h.people.otherRequester);
    await expect(outsider.realtime.token.mutate({ ticketId })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });
});

describe('token expiry', () => {
  test('a connection is closed when its token expires; the client comes back with a fresh token and misses nothing', async () => {
    const ticketId = await h.createTicket();
    const room = ticketRoomName(ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    let issued = 0;
    // Signed here, as the API would: the first token expires within two seconds, later ones in ten minutes.
    const requester = h.connect(room, () => h.token(h.people.requester, room, { ttlSeconds: issued++ === 0 ? 2 : 600 }));
    await requester.ready;
    await agent.sendMessage({ body: 'before' });
    await eventually(() => expect(bodies(requester)).toEqual(['before']));

    // While the requester is being re-admitted the agent keeps talking, and the requester's own message is in flight.
    const during = await new Promise<Promise<unknown>[]>((resolve) =>
      requester.socket.addEventListener(
        'close',
        () =>
          resolve([agent.sendMessage({ body: 'during 1' }).then(() => agent.sendMessage({ body: 'during 2' })), requester.sendMessage({ body: 'mine, in flight', clientId: 'in-flight-at-expiry' })]),
        { once: true },
      ),
    );
    expect(requester.closes[0]).toEqual({ code: CloseCode.tokenExpired, reason: 'token expired' });
    await Promise.all(during);
    await agent.sendMessage({ body: 'after' });

    const ids = await storedIds(ticketId);
    expect(ids).toHaveLength(5);
    await eventually(() => expect(requester.messages.map((m) => m.id)).toEqual(ids));
    expect(arrivals(requester)).toEqual(ids); // each once, in order, across the reconnect
    expect(bodies(requester).sort()).toEqual(['after', 'before', 'during 1', 'during 2', 'mine, in flight']);
    expect(requester.connections).toBe(2);
    expect(issued).toBe(2);
  });

  test('without a token provider the client stops at expiry and says why', async () => {
    const ticketId = await h.createTicket();
    const room = ticketRoomName(ticketId);
    const client = h.connect(room, await h.token(h.people.requester, room, { ttlSeconds: 2 }));
    await client.ready;
    await eventually(() => expect(closeCodes(client)).toContain(CloseCode.tokenExpired), 5000);
    expect(client.socket.shouldReconnect).toBe(false);
    await expect(client.sendMessage({ body: 'too late' })).rejects.toMatchObject({ code: 'token_expired' });
    expect(await storedIds(ticketId)).toEqual([]);
  });
});

describe('access changes reach open connections', () => {
  let hr: { id: string; slug: string };
  let admin: Awaited<ReturnType<RoomsHarness['signIn']>>;
  const moveTicket = (ticketId: string, seq: number, set: TicketRowPatch) =>
    ticketActivities(h.db, h.notifier).applyTicketChange({ ticketId, seq, dedupeKey: `test-${ticketId}#${seq}`, set, kind: 'reclassified', actorId: null, source: 'workflow' });

  beforeAll(async () => {
    const [row] = await h.db.insert(departments).values({ slug: 'hr', name: 'HR' }).returning();
    hr = row!;
    admin = await h.signIn(await h.createUser('Adam Admin', 'admin'));
  });

  test('deactivating a user closes their connections in every room within seconds, and their unexpired tokens stop working', async () => {
    const user = await h.createUser('Dee Activated', 'agent');
    const [first, second] = [await h.createTicket(), await h.createTicket()];
    const colleague = await h.join(h.people.agent, first);
    const theirs = [
      await h.join(user, first),
      await h.join(user, second),
      h.connect(queueRoomName('it'), await h.token(user, queueRoomName('it'))),
      h.connect(userRoomName(user.id), await h.token(user, userRoomName(user.id))),
    ];
    await Promise.all(theirs.map((c) => c.ready));
    const offline = colleague.next('presence', (f) => f.user.userId === user.id && f.state === 'offline', 5000);

    await admin.admin.users.deactivate.mutate({ id: user.id });
    await eventually(() => theirs.forEach((c) => expect(closeCodes(c)).toEqual([CloseCode.accessRevoked])), 5000);
    for (const c of theirs) {
      expect(c.socket.shouldReconnect).toBe(false);
      expect(received(c, 'error').map((e) => e.code)).toContain('forbidden');
    }
    await offline;
    expect(colleague.closes).toEqual([]);
    // Signed and unexpired, but the room asks the API on every connect.
    await expect(h.join(user, first)).rejects.toMatchObject({ code: 'access_revoked' });
  });

  test('a role change downgrades a staff connection: it reconnects with a fresh token and gets no more internal notes', async () => {
    const user = await h.createUser('Rolf Role', 'agent');
    const ticketId = await h.createTicket(user); // they filed it: once a requester, still theirs to see
    const api = await h.signIn(user);
    const client = h.connect(ticketRoomName(ticketId), () => api.realtime.token.mutate({ ticketId }));
    expect((await client.ready).you.internal).toBe(true);
    const queue = h.connect(queueRoomName('it'), await h.token(user, queueRoomName('it')));
    await queue.ready;

    await admin.admin.users.update.mutate({ id: user.id, role: 'requester' });
    await eventually(() => expect(client.connections).toBe(2), 5000);
    expect(client.closes[0]).toMatchObject({ code: CloseCode.accessChanged });
    expect(client.welcome!.you.internal).toBe(false);
    await eventually(() => expect(closeCodes(queue)).toEqual([CloseCode.accessRevoked]), 5000);

    const agent = await h.join(h.people.agent, ticketId);
    await agent.sendMessage({ body: 'between us agents', internal: true });
    const reply = client.next('message');
    await agent.sendMessage({ body: 'for everyone' });
    expect((await reply).message.body).toBe('for everyone');
    expect(JSON.stringify(client.frames)).not.toContain('between us agents');
  });

  test('taking a further department away (extraDepartmentIds) closes its tickets’ rooms for them', async () => {
    const user = await h.createUser('Hanna HR', 'agent', hr.id);
    await admin.admin.users.update.mutate({ id: user.id, extraDepartmentIds: [h.department.id] });
    const ticketId = await h.createTicket(); // an IT ticket
    const client = await h.join(user, ticketId);
    expect(client.welcome!.you.internal).toBe(true);
    await admin.admin.users.update.mutate({ id: user.id, extraDepartmentIds: [] });
    await eventually(() => expect(closeCodes(client)).toEqual([CloseCode.accessRevoked]), 5000);
  });

  test('moving a ticket to another department, or away from its assignee, closes those who lost it; the requester stays', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const itAgent = await h.join(h.people.agent, ticketId);
    const hrAgent = await h.createUser('Hal HR', 'agent', hr.id);

    // As the worker's activity writes it: to HR, assigned to an IT agent (staff through the assignment).
    await moveTicket(ticketId, 1, { departmentId: hr.id, assigneeId: h.people.agent2.id });
    await eventually(() => expect(closeCodes(itAgent)).toEqual([CloseCode.accessRevoked]), 5000);
    const assignee = await h.join(h.people.agent2, ticketId);
    const hrStaff = await h.join(hrAgent, ticketId);
    expect([assignee.welcome!.you.internal, hrStaff.welcome!.you.internal]).toEqual([true, true]);

    await moveTicket(ticketId, 2, { assigneeId: null });
    await eventually(() => expect(closeCodes(assignee)).toEqual([CloseCode.accessRevoked]), 5000);
    expect(requester.closes).toEqual([]);
    expect(hrStaff.closes).toEqual([]);
    await expect(h.join(h.people.agent, ticketId)).rejects.toMatchObject({ code: 'access_revoked' });
  });

  test('a change nobody announces (a watcher removed) is caught by the periodic re-check', async () => {
    const ticketId = await h.createTicket();
    await h.db.insert(ticketWatchers).values({ ticketId, userId: h.people.otherRequester.id });
    const watcher = await h.join(h.people.otherRequester, ticketId);
    await h.db.delete(ticketWatchers).where(and(eq(ticketWatchers.ticketId, ticketId), eq(ticketWatchers.userId, h.people.otherRequester.id)));
    await eventually(() => expect(closeCodes(watcher)).toEqual([CloseCode.accessRevoked]), ACCESS_RECHECK_MS * 2 + 2000);
  });
});

describe('messages from authors who may not post them', () => {
  const refusal = (client: RoomClient, clientId: string) => received(client, 'error').filter((e) => e.clientId === clientId);

  test('a deactivated author: a clear error, nothing stored or delivered, no retry; then the room closes them', async () => {
    const user = await h.createUser('Ivy Inactive', 'requester');
    const ticketId = await h.createTicket(user);
    const client = await h.join(user, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    await h.db.update(users).set({ active: false }).where(eq(users.id, user.id)); // before any room hears of it
    const failure = await client.sendMessage({ body: 'still here?', clientId: 'inactive-1' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RoomError);
    expect(failure).toMatchObject({ code: 'forbidden', retryable: false, message: expect.stringContaining('deactivated') });
    await eventually(() => expect(closeCodes(client)).toEqual([CloseCode.accessRevoked]), 5000);
    expect(refusal(client, 'inactive-1')).toHaveLength(1);
    expect(await storedIds(ticketId)).toEqual([]);
    expect(received(agent, 'message')).toEqual([]);
  });

  test('an author whose ticket moved out of their scope: refused, nothing stored, then closed', async () => {
    const ticketId = await h.createTicket();
    const agent = await h.join(h.people.agent2, ticketId);
    const requester = await h.join(h.people.requester, ticketId);
    const [elsewhere] = await h.db
      .insert(departments)
      .values({ slug: `facilities-${crypto.randomUUID().slice(0, 8)}`, name: 'Facilities' })
      .returning();
    await h.db.update(tickets).set({ departmentId: elsewhere!.id }).where(eq(tickets.id, ticketId));
    const failure = await agent.sendMessage({ body: 'on it', clientId: 'moved-1' }).catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'forbidden', retryable: false, message: expect.stringContaining('no longer has access') });
    await eventually(() => expect(closeCodes(agent)).toEqual([CloseCode.accessRevoked]), 5000);
    expect(refusal(agent, 'moved-1')).toHaveLength(1);
    expect(await storedIds(ticketId)).toEqual([]);
    expect(received(requester, 'message')).toEqual([]);
  });

  test('a requester cannot post an internal note, even with a token that claims staff powers', async () => {
    const ticketId = await h.createTicket();
    const room = ticketRoomName(ticketId);
    const requester = h.connect(room, await h.token(h.people.requester, room, { internal: true }));
    expect((await requester.ready).you.internal).toBe(false); // the room asked the API
    const agent = await h.join(h.people.agent, ticketId);
    await expect(requester.sendMessage({ body: 'psst', internal: true, clientId: 'claim-1' })).rejects.toMatchObject({ code: 'forbidden', retryable: false });
    await expect(requester.sendMessage({ body: 'psst ai', ai: true })).rejects.toMatchObject({ code: 'forbidden' });
    expect(await storedIds(ticketId)).toEqual([]);
    const arriving = agent.next('message');
    const ack = await requester.sendMessage({ body: 'a public question' });
    expect((await arriving).message.id).toBe(ack.id);
    expect(await storedIds(ticketId)).toEqual([ack.id]);
    expect(requester.closes).toEqual([]);
  });

  test('an agent who only filed an HR ticket is a requester in its room: their internal notes are refused', async () => {
    const [hr] = await h.db
      .insert(departments)
      .values({ slug: `people-${crypto.randomUUID().slice(0, 8)}`, name: 'People' })
      .returning();
    const filer = await h.createUser('Ada Filer', 'agent'); // an IT agent
    const ticketId = await h.createTicket(filer, hr!.id);
    const api = await h.signIn(filer);
    const viaApi = h.connect(ticketRoomName(ticketId), () => api.realtime.token.mutate({ ticketId }));
    expect((await viaApi.ready).you.internal).toBe(false);
    const claimed = h.connect(ticketRoomName(ticketId), await h.token(filer, ticketRoomName(ticketId), { internal: true }));
    expect((await claimed.ready).you.internal).toBe(false);
    for (const client of [viaApi, claimed]) await expect(client.sendMessage({ body: 'note to self', internal: true })).rejects.toMatchObject({ code: 'forbidden', retryable: false });
    expect(await storedIds(ticketId)).toEqual([]);
    const ack = await viaApi.sendMessage({ body: 'any news on my request?' });
    expect(await storedIds(ticketId)).toEqual([ack.id]);
  });
});

describe.each([pgliteKind, postgres])('the comment store on $name', (kind) => {
  let database: Database;
  let ticketIds: string[];
  let authorId: string;

  beforeAll(async () => {
    database = await kind.open();
    const [author] = await database.db.insert(users).values({ email: 'ada@example.test', name: 'Ada', role: 'agent' }).returning();
    authorId = author!.id;
    ticketIds = [];
    for (const key of ['a', 'b']) {
      const [intake] = await database.db.insert(ticketIntake).values({ requesterId: authorId, idempotencyKey: key }).returning();
      await database.db
        .insert(tickets)
        .values({ id: intake!.id, number: intake!.number, title: 't', description: 'd', urgency: 'low', priority: 'low', requesterId: authorId, workflowId: `ticket-${intake!.number}` });
      ticketIds.push(intake!.id);
    }
  });
  afterAll(() => database?.close());

  test('concurrent stores on one ticket commit in id order: each names the one before it, so a room never skips one', async () => {
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => storeComment(database.db, { ticketId: ticketIds[i % 2]!, authorId, body: `m${i}`, internal: false, ai: false, clientId: `concurrent-${i}` })),
    );
    for (const ticketId of ticketIds) {
      const chain = results.filter((r) => r.comment.ticketId === ticketId).sort((a, b) => a.comment.id - b.comment.id);
      expect(chain).toHaveLength(20);
      expect(chain.map((r) => r.previousId)).toEqual([0, ...chain.slice(0, -1).map((r) => r.comment.id)]);
    }
  });

  test('concurrent resends of one clientId store it once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, () => storeComment(database.db, { ticketId: ticketIds[0]!, authorId, body: 'once', internal: false, ai: false, clientId: 'resent' })));
    expect(new Set(results.map((r) => r.comment.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await database.db.select().from(comments).where(eq(comments.clientId, 'resent'))).toHaveLength(1);
  });
});

describe('one conversation: every message takes one path', () => {
  const addEvents = (ticketId: string) =>
    h.db
      .select()
      .from(ticketEvents)
      .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, 'comment_added')))
      .orderBy(asc(ticketEvents.id));
  const notificationsOf = (ticketId: string) => h.db.select().from(notifications).where(eq(notifications.ticketId, ticketId)).orderBy(asc(notifications.id));
  const numberOf = async (ticketId: string) => (await h.db.select({ number: tickets.number }).from(tickets).where(eq(tickets.id, ticketId)))[0]!.number;

  test('a message from the API appears live in the room once; a room message is audited, notifies and is listed', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const agentApi = await h.signIn(h.people.agent);

    const live = requester.next('message');
    const posted = await agentApi.comment.add.mutate({ ticketId, body: 'Sent from the web form' });
    expect((await live).message).toMatchObject({ id: posted.id, body: 'Sent from the web form' });
    const note = await agentApi.comment.add.mutate({ ticketId, body: 'note: check the fuser', internal: true });
    await eventually(() => expect(agent.messages.map((m) => m.id)).toEqual([posted.id, note.id]));

    const sentinel = agent.next('message', (f) => f.message.body === 'thanks, it works');
    const ack = await requester.sendMessage({ body: 'thanks, it works' });
    await sentinel;
    // Exactly once each, whatever path: the agent saw the API's two and the requester's one; the requester not the note.
    expect(received(agent, 'message').map((f) => f.message.id)).toEqual([posted.id, note.id, ack.id]);
    expect(received(requester, 'message').map((f) => f.message.id)).toEqual([posted.id]);

    expect((await addEvents(ticketId)).map((e) => [(e.newValue as { commentId: number }).commentId, e.actorId])).toEqual([
      [posted.id, h.people.agent.id],
      [note.id, h.people.agent.id],
      [ack.id, h.people.requester.id],
    ]);
    const link = `/tickets/${await numberOf(ticketId)}`;
    // The requester is told about the agent's public message (not the note, not their own message).
    expect((await notificationsOf(ticketId)).map((n) => ({ userId: n.userId, kind: n.kind, link: n.data.link }))).toEqual([{ userId: h.people.requester.id, kind: 'message', link }]);
    expect((await (await h.signIn(h.people.requester)).comment.list.query({ ticketId })).comments.map((c) => c.id)).toEqual([posted.id, ack.id]);
  });

  test('an agent’s room message records its mentions and notifies the mentioned and the watchers', async () => {
    const ticketId = await h.createTicket();
    await h.db.insert(ticketWatchers).values({ ticketId, userId: h.people.otherRequester.id });
    const agent = await h.join(h.people.agent, ticketId);
    const handle = h.people.agent2.email.split('@')[0];
    const ack = await agent.sendMessage({ body: `@${handle} can you bring a new toner?` });
    const rows = await notificationsOf(ticketId);
    expect(rows.map((n) => [n.userId, n.kind]).sort()).toEqual(
      [
        [h.people.agent2.id, 'mention'],
        [h.people.requester.id, 'message'],
        [h.people.otherRequester.id, 'message'],
      ].sort(),
    );
    expect(rows.every((n) => n.data.commentId === ack.id && n.body.includes('new toner'))).toBe(true);
    expect((await (await h.signIn(h.people.agent2)).comment.mentions.query()).map((m) => m.commentId)).toContain(ack.id);
  });

  test('a message screening flags is held: staff see it marked held, requesters never, until staff release it; a rejected one reaches nobody', async () => {
    const ticketId = await h.createTicket();
    await h.db.insert(ticketWatchers).values({ ticketId, userId: h.people.otherRequester.id });
    const author = await h.join(h.people.requester, ticketId);
    const watcher = await h.join(h.people.otherRequester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    const spam = 'Congratulations, you have won! Click here to claim your prize.';

    const toAgent = agent.next('message');
    const held = await author.sendMessage({ body: spam });
    expect((await toAgent).message).toMatchObject({ id: held.id, held: true });
    // The watcher gets the next public message, and not the held one before it.
    const marker = watcher.next('message');
    const agentAck = await agent.sendMessage({ body: 'We are looking into it.' });
    expect((await marker).message.id).toBe(agentAck.id);
    expect(received(watcher, 'message').map((f) => f.message.id)).toEqual([agentAck.id]);
    expect((await h.join(h.people.otherRequester, ticketId)).welcome!.history.map((m) => m.id)).toEqual([agentAck.id]);
    const watcherApi = await h.signIn(h.people.otherRequester);
    expect((await watcherApi.comment.list.query({ ticketId })).comments.map((c) => c.id)).toEqual([agentAck.id]);
    const agentApi = await h.signIn(h.people.agent);
    expect((await agentApi.comment.list.query({ ticketId })).comments.map((c) => [c.id, c.held])).toEqual([
      [held.id, true],
      [agentAck.id, false],
    ]);
    const reviewers = (await notificationsOf(ticketId)).filter((n) => n.kind === 'review_needed').map((n) => n.userId);
    // No assignee: the department's active agents and supervisors (other tests of this file add some).
    const itStaff = await h.db
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.departmentId, h.department.id), eq(users.active, true), inArray(users.role, ['agent', 'supervisor'])));
    expect(reviewers.sort()).toEqual(itStaff.map((u) => u.id).sort());
    expect(reviewers).toEqual(expect.arrayContaining([h.people.agent.id, h.people.agent2.id]));
    expect((await addEvents(ticketId)).find((e) => (e.newValue as { commentId: number }).commentId === held.id)?.newValue).toMatchObject({ held: true });

    // Requesters cannot review; staff release it: delivered live, once, and listed.
    expect(await outcomeOf(watcherApi.comment.release.mutate({ id: held.id }))).toBe('FORBIDDEN');
    const released = watcher.next('message', (f) => f.message.id === held.id);
    expect(await agentApi.comment.release.mutate({ id: held.id })).toMatchObject({ id: held.id, state: 'released' });
    expect((await released).message).not.toHaveProperty('held');
    expect((await watcherApi.comment.list.query({ ticketId })).comments.map((c) => c.id)).toEqual([held.id, agentAck.id]);
    expect((await notificationsOf(ticketId)).filter((n) => n.kind === 'message' && n.data.commentId === held.id).map((n) => n.userId)).toEqual([h.people.otherRequester.id]);
    expect(await outcomeOf(agentApi.comment.reject.mutate({ id: held.id }))).toBe('CONFLICT');

    // Another one, rejected: listed to nobody, never delivered to the watcher.
    const second = await author.sendMessage({ body: spam });
    expect(await agentApi.comment.reject.mutate({ id: second.id, reason: 'spam' })).toMatchObject({ state: 'rejected' });
    expect((await agentApi.comment.list.query({ ticketId })).comments.map((c) => c.id)).not.toContain(second.id);
    const last = watcher.next('message', (f) => f.message.body === 'closing the loop');
    await agent.sendMessage({ body: 'closing the loop' });
    await last;
    expect(received(watcher, 'message').map((f) => f.message.id)).not.toContain(second.id);
    expect(received(watcher, 'message').filter((f) => f.message.id === held.id)).toHaveLength(1);
  });

  test('when the database refuses part of a message nothing is half-stored; the resend after recovery is stored once, with its audit', async () => {
    const ticketId = await h.createTicket();
    const requester = await h.join(h.people.requester, ticketId);
    const agent = await h.join(h.people.agent, ticketId);
    // The comment insert would succeed; the audit insert beside it fails: the whole message is refused.
    await h.db.execute(sql`alter table ticket_events rename to ticket_events_away`);
    let failure: unknown;
    try {
      failure = await requester.sendMessage({ body: 'is anyone there?', clientId: 'db-retry' }).catch((error: unknown) => error);
    } finally {
      await h.db.execute(sql`alter table ticket_events_away rename to ticket_events`);
    }
    expect(failure).toBeInstanceOf(RoomError);
    expect(failure).toMatchObject({ code: 'unavailable', retryable: true });
    expect(await storedIds(ticketId)).toEqual([]);

    const arriving = agent.next('message');
    const ack = await requester.sendMessage({ body: 'is anyone there?', clientId: 'db-retry' });
    expect((await arriving).message.id).toBe(ack.id);
    expect(await storedIds(ticketId)).toEqual([ack.id]);
    expect((await addEvents(ticketId)).map((e) => (e.newValue as { commentId: number }).commentId)).toEqual([ack.id]);
  });
});

async function outcomeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
    return 'OK';
  } catch (error) {
    return (error as { data?: { code?: string } }).data?.code ?? String(error);
  }
}
