/**
 * The rooms' protocol module and the room's in-memory building blocks, without a runtime.
 */
import { describe, expect, test } from 'vitest';
import {
  ClientFrame,
  LiveEvent,
  MAX_FRAME_BYTES,
  PublishableEvent,
  RoomAccessAnswer,
  RoomPush,
  decodeClientFrame,
  decodeServerFrame,
  encodeFrame,
  frameBytes,
  isAgentOnlyEvent,
  type ServerFrame,
  type StoredMessage,
} from '../../realtime/protocol';
import { Batcher, FloodGuard, MessageLog, RecentIds, TokenBucket } from '../../realtime/room-state';
import { constantTimeEqual, parseRoomName, queueRoomName, signRoomToken, ticketRoomName, userRoomName, verifyRoomToken } from '../../realtime/token';

const ticketId = '0b9b4d1e-5c3a-4f7e-9a3b-2f1d6c8e7a90';
const userId = '6f1c2d3e-4b5a-4c6d-8e7f-9a0b1c2d3e4f';

const message = (id: number, internal = false): StoredMessage => ({
  id,
  ticketId,
  author: { id: userId, name: 'Ada', role: 'agent' },
  body: `m${id}`,
  internal,
  ai: false,
  createdAt: new Date(1_700_000_000_000 + id).toISOString(),
  clientId: null,
});

describe('inbound frames', () => {
  test('each kind of frame parses, with defaults filled in', () => {
    const ok = (raw: unknown) => {
      const decoded = decodeClientFrame(JSON.stringify(raw));
      if (!decoded.ok) throw new Error(decoded.message);
      return decoded.frame;
    };
    expect(ok({ type: 'message', clientId: 'a-1_B', body: 'hello' })).toEqual({ type: 'message', clientId: 'a-1_B', body: 'hello', internal: false, ai: false });
    expect(ok({ type: 'typing', state: 'start' })).toEqual({ type: 'typing', state: 'start', internal: false });
    expect(ok({ type: 'presence', state: 'away' })).toEqual({ type: 'presence', state: 'away' });
    expect(ok({ type: 'read', messageId: 7 })).toEqual({ type: 'read', messageId: 7 });
    expect(ok({ type: 'sync', afterId: 0 })).toEqual({ type: 'sync', afterId: 0 });
    expect(ok({ type: 'typing', state: 'stop', extra: 'ignored', __proto__: null })).toEqual({ type: 'typing', state: 'stop', internal: false });
  });

  test.each([
    ['not JSON', 'hello', /JSON/],
    ['a JSON string', '"message"', /expected object/i],
    ['null', 'null', /expected object/i],
    ['an unknown type', '{"type":"shout"}', /type/],
    ['a message without body', '{"type":"message","clientId":"x"}', /body/],
    ['a blank body', '{"type":"message","clientId":"x","body":" \\n "}', /blank/],
    ['a body over 4000 characters', JSON.stringify({ type: 'message', clientId: 'x', body: 'a'.repeat(4001) }), /body/],
    ['a clientId with spaces', '{"type":"message","clientId":"a b","body":"x"}', /clientId/],
    ['a clientId over 64 characters', JSON.stringify({ type: 'message', clientId: 'x'.repeat(65), body: 'x' }), /clientId/],
    ['a negative message id', '{"type":"read","messageId":-3}', /messageId/],
    ['a fractional after id', '{"type":"sync","afterId":2.5}', /afterId/],
    ['an unknown presence', '{"type":"presence","state":"invisible"}', /state/],
    ['internal as a string', '{"type":"message","clientId":"x","body":"x","internal":"yes"}', /internal/],
  ])('%s is a bad frame with a short reason', (_name, raw, reason) => {
    const decoded = decodeClientFrame(raw);
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.code).toBe('bad_frame');
    expect(decoded.message).toMatch(reason);
    expect(decoded.message.length).toBeLessThanOrEqual(200);
  });

  test('the 8 KB limit counts UTF-8 bytes, not characters', () => {
    const frameOf = (body: string) => JSON.stringify({ type: 'message', clientId: 'x', body });
    const overhead = frameOf('').length;
    const exactly = 'a'.repeat(MAX_FRAME_BYTES - overhead);
    expect(frameBytes(frameOf(exactly))).toBe(MAX_FRAME_BYTES);
    expect(decodeClientFrame(frameOf(exactly)).ok).toBe(false); // within the size, but the body is over 4000 characters
    expect(decodeClientFrame(frameOf(exactly))).toMatchObject({ code: 'bad_frame' });
    expect(decodeClientFrame(frameOf(exactly + 'a'))).toMatchObject({ code: 'too_large' });
    const euros = '€'.repeat(2800); // 2800 characters, 8400 bytes
    expect(frameBytes(frameOf(euros))).toBe(overhead + 8400);
    expect(decodeClientFrame(frameOf(euros))).toMatchObject({ code: 'too_large' });
    expect(decodeClientFrame(frameOf('€'.repeat(2000)))).toMatchObject({ ok: true });
  });

  test('binary frames are refused, and oversized binary ones as too large', () => {
    expect(decodeClientFrame(new TextEncoder().encode('{"type":"sync","afterId":1}'))).toMatchObject({ ok: false, code: 'bad_frame' });
    expect(decodeClientFrame(new ArrayBuffer(MAX_FRAME_BYTES + 1))).toMatchObject({ ok: false, code: 'too_large' });
  });

  test('deeply nested or huge-number JSON does not throw', () => {
    expect(decodeClientFrame('['.repeat(4000) + ']'.repeat(4000))).toMatchObject({ ok: false, code: 'bad_frame' });
    expect(decodeClientFrame('{"type":"read","messageId":1e400}')).toMatchObject({ ok: false, code: 'bad_frame' });
  });

  test('ClientFrame.parse is what clients use before sending', () => {
    expect(() => ClientFrame.parse({ type: 'message', clientId: '', body: 'x' })).toThrow();
  });
});

describe('outbound frames', () => {
  test('every server frame round-trips through encode and decode', () => {
    const frames: ServerFrame[] = [
      {
        type: 'welcome',
        room: ticketRoomName(ticketId),
        you: { userId, name: 'Ada', role: 'agent', internal: true, connectionId: 'c1' },
        history: [message(1), message(2, true)],
        hasMore: false,
        lastId: 2,
        present: [{ userId, name: 'Ada', role: 'agent', state: 'online' }],
        typing: [],
        reads: [{ userId, messageId: 1 }],
        limits: { maxFrameBytes: MAX_FRAME_BYTES, typingTtlMs: 6000, ratePerSecond: 10, burst: 20 },
      },
      { type: 'history', messages: [message(3)], hasMore: true, lastId: 3 },
      { type: 'message', message: message(4) },
      { type: 'ack', clientId: 'abc', id: 4, createdAt: message(4).createdAt },
      { type: 'typing', userId, name: 'Ada', state: 'start', internal: false },
      { type: 'presence', user: { userId, name: 'Ada', role: 'agent' }, state: 'offline' },
      { type: 'read', userId, messageId: 4 },
      { type: 'error', code: 'rate_limited', message: 'slow down' },
    ];
    for (const frame of frames) expect(decodeServerFrame(encodeFrame(frame))).toEqual({ ok: true, frame });
    expect(decodeServerFrame('{"type":"message","message":{"id":1}}')).toMatchObject({ ok: false, code: 'bad_frame' });
  });
});

describe('live events', () => {
  const base = { id: 'wf#1/status', ticketId, ticketNumber: 1000, departmentSlug: 'it', at: new Date().toISOString() };

  test('each kind validates its own fields', () => {
    expect(LiveEvent.parse({ ...base, kind: 'status', from: 'new', to: 'assigned' })).toMatchObject({ kind: 'status', actorId: null, internal: false });
    expect(LiveEvent.parse({ ...base, kind: 'assignment', assigneeId: userId, assigneeName: 'Ada' })).toMatchObject({ previousAssigneeId: null });
    expect(LiveEvent.parse({ ...base, kind: 'sla_warning', target: 'resolution', dueAt: base.at, elapsedPercent: 80 }).kind).toBe('sla_warning');
    expect(() => LiveEvent.parse({ ...base, kind: 'status', to: 'exploded', from: null })).toThrow();
    expect(() => LiveEvent.parse({ ...base, kind: 'priority', from: 'low' })).toThrow();
    expect(() => LiveEvent.parse({ ...base, kind: 'sla_breach', target: 'lunch', dueAt: base.at })).toThrow();
    expect(() => LiveEvent.parse({ ...base, id: '', kind: 'status', from: null, to: 'new' })).toThrow();
  });

  test('SLA events and events marked internal are for agents only', () => {
    const status = LiveEvent.parse({ ...base, kind: 'status', from: 'new', to: 'assigned' });
    expect(isAgentOnlyEvent(status)).toBe(false);
    expect(isAgentOnlyEvent({ ...status, internal: true })).toBe(true);
    expect(isAgentOnlyEvent(LiveEvent.parse({ ...base, kind: 'sla_breach', target: 'first_response', dueAt: base.at }))).toBe(true);
    expect(isAgentOnlyEvent(LiveEvent.parse({ ...base, kind: 'sla_warning', target: 'first_response', dueAt: base.at, elapsedPercent: 80 }))).toBe(true);
  });

  test('a publishable event lists the users to notify', () => {
    expect(PublishableEvent.parse({ ...base, kind: 'priority', from: 'low', to: 'high' })).toMatchObject({ notify: [] });
    expect(() => PublishableEvent.parse({ ...base, kind: 'priority', from: 'low', to: 'high', notify: ['bob'] })).toThrow();
  });
});

describe('access changes', () => {
  test('pushes that make rooms re-check access, and the API’s answer', () => {
    expect(RoomPush.parse({ type: 'access_changed' })).toEqual({ type: 'access_changed' });
    expect(RoomPush.parse({ type: 'access_changed', userId })).toEqual({ type: 'access_changed', userId });
    expect(RoomPush.safeParse({ type: 'access_changed', userId: 'someone' }).success).toBe(false);
    expect(RoomPush.parse({ type: 'membership', userId, room: ticketRoomName(ticketId), connected: true })).toMatchObject({ connected: true });
    expect(RoomPush.safeParse({ type: 'membership', userId, room: ticketRoomName(ticketId) }).success).toBe(false);
    expect(RoomAccessAnswer.parse({ users: [{ userId, see: true, staff: false }] }).users).toHaveLength(1);
    expect(RoomAccessAnswer.safeParse({ users: [{ userId, see: true }] }).success).toBe(false);
  });
});

describe('unread notification counts', () => {
  test('are pushed into a user channel and reach its clients as they are', () => {
    expect(RoomPush.parse({ type: 'notifications', unread: 3 })).toEqual({ type: 'notifications', unread: 3 });
    expect(RoomPush.safeParse({ type: 'notifications', unread: -1 }).success).toBe(false);
    expect(RoomPush.safeParse({ type: 'notifications', unread: 1.5 }).success).toBe(false);
    expect(decodeServerFrame(encodeFrame({ type: 'notifications', unread: 0 }))).toEqual({ ok: true, frame: { type: 'notifications', unread: 0 } });
  });
});

describe('names and secrets', () => {
  test('room names', () => {
    expect(parseRoomName(ticketRoomName(ticketId))).toEqual({ kind: 'ticket', ticketId });
    expect(parseRoomName(queueRoomName('it'))).toEqual({ kind: 'queue', departmentSlug: 'it' });
    expect(parseRoomName(userRoomName(userId))).toEqual({ kind: 'user', userId });
    for (const bad of ['ticket-1', 'ticket-', `ticket-${ticketId.toUpperCase()}`, 'queue-', 'queue-IT', 'queue-a/b', 'user-bob', 'lobby', '', `ticket-${ticketId}-x`])
      expect(parseRoomName(bad)).toBeNull();
  });

  test('constant-time comparison', () => {
    expect(constantTimeEqual('Bearer abc', 'Bearer abc')).toBe(true);
    expect(constantTimeEqual('Bearer abc', 'Bearer abd')).toBe(false);
    expect(constantTimeEqual('Bearer abc', 'Bearer ab')).toBe(false);
    expect(constantTimeEqual('', 'x')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  test('room tokens: forged, tampered, expired and misdirected ones are refused', async () => {
    const secret = 'unit-secret-0123456789abcdef0123456789';
    const room = ticketRoomName(ticketId);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const token = await signRoomToken({ sub: userId, name: 'Rita', role: 'requester', room, internal: false, exp }, secret);
    expect(await verifyRoomToken(token, secret, room)).toMatchObject({ ok: true, claims: { sub: userId, internal: false } });
    expect(await verifyRoomToken(token, `${secret}x`, room)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyRoomToken(token, secret, ticketRoomName(userId))).toEqual({ ok: false, reason: 'wrong_room' });
    expect(await verifyRoomToken(token, secret, room, exp)).toEqual({ ok: false, reason: 'expired' });
    const [body, signature] = token.split('.');
    const escalated = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(body!, 'base64url').toString()), internal: true })).toString('base64url');
    expect(await verifyRoomToken(`${escalated}.${signature}`, secret, room)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(await verifyRoomToken(null, secret, room)).toEqual({ ok: false, reason: 'missing' });
    expect(await verifyRoomToken('a.b.c', secret, room)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('room building blocks', () => {
  test('token bucket: a burst, then the refill rate', () => {
    const bucket = new TokenBucket(10, 20, 0);
    const taken = Array.from({ length: 25 }, () => bucket.take(0)).filter(Boolean).length;
    expect(taken).toBe(20);
    expect(bucket.take(50)).toBe(false); // half a token
    expect(bucket.take(100)).toBe(true); // one token after 100 ms
    expect(bucket.take(100)).toBe(false);
    expect(Array.from({ length: 30 }, () => bucket.take(10_000)).filter(Boolean).length).toBe(20); // never above the burst
  });

  test('flood guard: warns at most once a second, disconnects past the limit within the window', () => {
    const guard = new FloodGuard(3, 1000);
    expect(guard.drop(0)).toEqual({ warn: true, disconnect: false });
    expect(guard.drop(10)).toEqual({ warn: false, disconnect: false });
    expect(guard.drop(20)).toEqual({ warn: false, disconnect: false });
    expect(guard.drop(30)).toEqual({ warn: false, disconnect: true });
    const slow = new FloodGuard(3, 1000);
    for (let t = 0; t < 10_000; t += 600) expect(slow.drop(t).disconnect).toBe(false);
  });

  test('batcher: one lookup in flight; keys asked meanwhile go together in the next, at most maxBatch each', async () => {
    const calls: string[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const batcher = new Batcher<string, number>(async (keys) => {
      calls.push(keys);
      if (calls.length === 1) await gate;
      if (keys.includes('boom')) throw new Error('lookup failed');
      return new Map(keys.filter((k) => k !== 'missing').map((k) => [k, k.length]));
    }, 2);
    const first = batcher.get('a');
    const waiting = [batcher.get('bb'), batcher.get('ccc'), batcher.get('bb'), batcher.get('dddd')];
    release();
    expect(await first).toBe(1);
    expect(await Promise.all(waiting)).toEqual([2, 3, 2, 4]);
    expect(calls).toEqual([['a'], ['bb', 'ccc'], ['dddd']]);
    await expect(batcher.get('missing')).rejects.toThrow(/no answer/);
    await expect(batcher.get('boom')).rejects.toThrow('lookup failed');
    expect(await batcher.get('ok')).toBe(2); // a failed batch does not stop the next
  });

  test('recent ids forget the oldest first', () => {
    const ids = new RecentIds(2);
    expect([ids.add('a'), ids.add('a'), ids.add('b'), ids.add('c'), ids.add('a'), ids.add('c')]).toEqual([true, false, true, true, true, false]);
  });

  test('message log: a held message is for staff only until released', () => {
    const log = new MessageLog(10);
    log.reset([message(1), { ...message(2), held: true }, message(3)], true);
    expect(log.after(0, false, 10).messages.map((m) => m.id)).toEqual([1, 3]);
    expect(log.latest(false, 10)!.map((m) => m.id)).toEqual([1, 3]);
    expect(log.after(0, true, 10).messages.map((m) => [m.id, m.held ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    expect(log.replace(message(2))).toBe(true);
    expect(log.after(0, false, 10).messages.map((m) => m.id)).toEqual([1, 2, 3]);
    expect(log.replace(message(7))).toBe(false);
  });

  test('message log: ordered appends, what it covers, what each viewer may see', () => {
    const log = new MessageLog(4);
    expect(log.append(message(1))).toBe(false); // not loaded
    log.reset([message(5), message(6, true)], false);
    expect(log.lastId).toBe(6);
    expect(log.covers(4)).toBe(true);
    expect(log.covers(3)).toBe(false);
    expect(log.append(message(6))).toBe(false);
    expect(log.append(message(8))).toBe(true);
    // A requester's view: no internal notes, and no staff-only `ai` flag.
    const withoutAi = ({ ai: _ai, ...rest }: StoredMessage) => rest;
    expect(log.after(4, false, 10)).toEqual({ messages: [withoutAi(message(5)), withoutAi(message(8))], hasMore: false });
    expect(log.after(4, false, 10).messages.some((m) => 'ai' in m)).toBe(false);
    expect(log.after(4, true, 2)).toEqual({ messages: [message(5), message(6, true)], hasMore: true });
    expect(log.latest(true, 2)!.map((m) => m.id)).toEqual([6, 8]);
    expect(log.latest(false, 3)).toBeNull(); // only 2 visible and older ones may exist
    log.append(message(9));
    log.append(message(10));
    expect(log.get(5)).toBeUndefined(); // trimmed to capacity
    expect(log.covers(5)).toBe(true);
    expect(log.covers(4)).toBe(false);

    const complete = new MessageLog(10);
    complete.reset([message(1, true)], true);
    expect(complete.latest(false, 50)).toEqual([]);
    const empty = new MessageLog(10);
    empty.reset([], false);
    expect(empty.lastId).toBe(0);
    expect(empty.covers(0)).toBe(true);
  });
});
