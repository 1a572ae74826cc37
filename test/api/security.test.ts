/** CSRF, CORS, security headers, rate limits, body limits and error hygiene, over real HTTP. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeOutput, demo, PASSWORD, rawCall, startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 120_000);
afterAll(() => api?.stop());

async function cookieFor(email: string) {
  const response = await rawCall(api.url, 'auth.signIn', { type: 'mutation', input: { email, password: PASSWORD } });
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}

describe('CSRF: cookie-authenticated changes must come from a Deskflow origin', () => {
  it('refuses a change without Origin or from another site, accepts our own origins', async () => {
    const cookie = await cookieFor(demo.requester);
    const input = { title: 'Monitor flickers', description: 'Since the update.' };
    const none = await rawCall(api.url, 'ticket.create', { type: 'mutation', input, headers: { cookie } });
    expect(none.status).toBe(403);
    expect(none.error?.message).toMatch(/Cross-site request refused/);
    const evil = await rawCall(api.url, 'ticket.create', { type: 'mutation', input, headers: { cookie, origin: 'https://evil.example' } });
    expect(evil.status).toBe(403);
    const spoofedReferer = await rawCall(api.url, 'auth.signOut', { type: 'mutation', headers: { cookie, referer: 'https://evil.example/page' } });
    expect(spoofedReferer.status).toBe(403);

    // Reads need no Origin; changes from the app's origin pass the check.
    expect((await rawCall(api.url, 'auth.me', { headers: { cookie } })).status).toBe(200);
    const fromApp = await rawCall(api.url, 'auth.signOut', { type: 'mutation', headers: { cookie, origin: 'http://app.deskflow.test' } });
    expect(fromApp.status).toBe(200);
  });

  it('does not apply to bearer tokens, which a browser never attaches by itself', async () => {
    const { token } = await api.signIn(demo.requester2);
    const response = await rawCall(api.url, 'auth.signOut', { type: 'mutation', headers: { authorization: `Bearer ${token}`, origin: 'https://evil.example' } });
    expect(response.status).toBe(200);
  });
});

describe('CORS allowlist and security headers', () => {
  it('answers a preflight from an allowed origin, and not from others', async () => {
    const preflight = (origin: string) =>
      fetch(`${api.url}/trpc/ticket.create`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' } });
    const allowed = await preflight('http://app.deskflow.test');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.deskflow.test');
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('sends the usual security headers', async () => {
    const response = await fetch(`${api.url}/health`);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('SAMEORIGIN');
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=/);
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('rate limits', () => {
  let limited: ApiHarness;
  beforeAll(async () => {
    limited = await startApi({ config: { rateLimit: { capacity: 5, refillPerSecond: 0.5 }, anonymousRateLimit: { capacity: 4, refillPerSecond: 0.1 } } });
  }, 120_000);
  afterAll(() => limited?.stop());

  it('gives each session a token bucket with RateLimit headers, then 429 with a retry time', async () => {
    const { token } = await limited.signIn(demo.itAgent);
    const headers = { authorization: `Bearer ${token}` };
    const first = await rawCall(limited.url, 'auth.me', { headers });
    expect(first.headers.get('ratelimit-policy')).toBe('"default";q=5;w=10');
    expect(first.headers.get('ratelimit')).toMatch(/^"default";r=4;t=\d+$/);
    for (let i = 0; i < 4; i++) expect((await rawCall(limited.url, 'auth.me', { headers })).status).toBe(200);
    const refused = await rawCall(limited.url, 'auth.me', { headers });
    expect(refused.status).toBe(429);
    expect(refused.error?.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.error?.data?.retryAfterSeconds).toBe(2);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('ratelimit')).toMatch(/^"default";r=0;t=\d+$/);

    // Another session of another user has its own bucket.
    const other = await limited.signIn(demo.itAgent2);
    expect((await rawCall(limited.url, 'auth.me', { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(200);
  });

  it('limits unauthenticated calls (sign-in attempts) per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) {
      statuses.push((await rawCall(limited.url, 'auth.signIn', { type: 'mutation', input: { email: 'guess@deskflow.test', password: `guess-${i}` } })).status);
    }
    // The two sign-ins of the test above came from this address too: 4 per bucket, refilling slowly.
    expect(statuses).toEqual([401, 401, 429, 429]);
    const refused = await rawCall(limited.url, 'auth.signIn', { type: 'mutation', input: { email: demo.admin, password: PASSWORD } });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('ratelimit-policy')).toBe('"anonymous";q=4;w=40');
  });
});

describe('bodies and errors', () => {
  it('answers malformed JSON and unknown procedures with 4xx, no stack or SQL', async () => {
    const malformed = await fetch(`${api.url}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"json":' });
    expect(malformed.status).toBe(400);
    const unknown = await fetch(`${api.url}/trpc/nope.nothing`);
    expect(unknown.status).toBe(404);
    for (const text of [await malformed.text(), await unknown.text()]) {
      expect(text).not.toMatch(/at .*\.ts:\d+|stack|select |insert into/i);
    }
  });

  // Last: the server closes the connection of a body it refused half-way.
  it('refuses an oversized JSON body with 413 before parsing it', async () => {
    const response = await fetch(`${api.url}/trpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json: { email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) } }) });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: unknown };
    expect(decodeOutput(body.error)).toMatchObject({ data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } });
  });
});
