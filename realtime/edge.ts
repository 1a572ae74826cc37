/**
 * The worker's entry in front of the rooms: `/health`, room tokens verified at the edge (no
 * database round trip), the identity handed on to the room in a header, and the internal
 * bearer secret checked on pushes.
 */
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from '@oslojs/encoding';
import { routePartykitRequest, type Lobby } from 'partyserver';
import { MAX_PUSH_BYTES, misconfigured, type RoomsEnv } from './env';
import { discardBody, json } from './http';
import { RoomClaims, constantTimeEqual, parseRoomName, verifyRoomToken } from './token';

const IDENTITY_HEADER = 'x-deskflow-identity';

export const edge = {
  async fetch(request: Request, env: RoomsEnv): Promise<Response> {
    const url = new URL(request.url);
    if (url.pathname === '/health') return json({ status: 'ok', instance: env.ROOMS_INSTANCE ?? null, problem: misconfigured(env) });
    const response = await routePartykitRequest<RoomsEnv>(request, env, {
      onBeforeConnect: (req, lobby) => authorizeConnection(req, lobby, env),
      onBeforeRequest: (req, lobby) => authorizePush(req, lobby, env),
    });
    return response ?? json({ error: 'not_found', message: 'not found' }, 404);
  },
} satisfies ExportedHandler<RoomsEnv>;

async function authorizeConnection(request: Request, lobby: Lobby<RoomsEnv>, env: RoomsEnv): Promise<Request | Response> {
  const room = parseRoomName(lobby.name);
  if (!room) return json({ error: 'not_found', message: 'no such room' }, 404);
  const problem = misconfigured(env);
  if (problem) return json({ error: 'misconfigured', message: problem }, 500);
  const url = new URL(request.url);
  const check = await verifyRoomToken(url.searchParams.get('token'), env.ROOM_TOKEN_SECRET!, lobby.name);
  if (!check.ok) {
    const reason = check.reason === 'expired' || check.reason === 'missing' ? check.reason : 'invalid';
    return json({ error: 'unauthorized', reason }, 401);
  }
  const { claims } = check;
  if (room.kind === 'queue' && !claims.internal) return json({ error: 'forbidden', message: 'queue rooms are for agents' }, 403);
  if (room.kind === 'user' && claims.sub !== room.userId) return json({ error: 'forbidden', message: 'not your channel' }, 403);
  // The token stays out of the room; connection ids are the room's choice, never the client's.
  url.searchParams.delete('token');
  url.searchParams.set('_pk', crypto.randomUUID());
  const headers = new Headers(request.headers);
  headers.set(IDENTITY_HEADER, encodeIdentity(claims));
  return new Request(url.toString(), { method: request.method, headers });
}

async function authorizePush(request: Request, lobby: Lobby<RoomsEnv>, env: RoomsEnv): Promise<Request | Response> {
  const refusal = ((): Response | null => {
    if (!env.INTERNAL_API_SECRET) return json({ error: 'misconfigured', message: 'rooms are misconfigured: INTERNAL_API_SECRET is not set' }, 500);
    if (!constantTimeEqual(request.headers.get('authorization') ?? '', `Bearer ${env.INTERNAL_API_SECRET}`)) {
      return json({ error: 'unauthorized', message: 'missing or wrong internal bearer secret' }, 401);
    }
    if (!parseRoomName(lobby.name)) return json({ error: 'not_found', message: 'no such room' }, 404);
    if (request.method !== 'POST') return json({ error: 'method_not_allowed', message: 'POST a room push' }, 405);
    if (Number(request.headers.get('content-length') ?? '0') > MAX_PUSH_BYTES) return json({ error: 'too_large', message: `pushes are limited to ${MAX_PUSH_BYTES} bytes` }, 413);
    return null;
  })();
  if (refusal) {
    await discardBody(request);
    return refusal;
  }
  const headers = new Headers(request.headers);
  headers.delete(IDENTITY_HEADER);
  return new Request(request, { headers });
}

function encodeIdentity(claims: RoomClaims): string {
  return encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify(claims)));
}

/** In the room: who the edge let in (null if the request did not pass the edge). */
export function readIdentity(request: Request): RoomClaims | null {
  const header = request.headers.get(IDENTITY_HEADER);
  if (!header) return null;
  try {
    const parsed = RoomClaims.safeParse(JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(header))));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
