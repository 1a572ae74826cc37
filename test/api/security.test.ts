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

describe('abuse limits behind two proxies of ours', () => {
  let proxied: ApiHarness;
  beforeAll(async () => {
    proxied = await startApi({
      config: {
        trustProxy: 2,
        anonymousRateLimit: { capacity: 3, refillPerSecond: 0.01 },
        signInRateLimit: { capacity: 3, refillPerSecond: 0.01 },
        trpcMaxBatchSize: 3,
      },
    });
  }, 120_000);
  afterAll(() => proxied?.stop());

  /** As the outer proxy forwards it: whatever the client claimed, the client's address, then the outer proxy's. */
  const from = (client: string, claimed = `198.51.100.${Math.floor(Math.random() * 250)}`) => ({ 'x-forwarded-for': `${claimed}, ${client}, 10.0.0.${Math.floor(Math.random() * 250)}` });
  const providers = (headers: Record<string, string>) => rawCall(proxied.url, 'auth.providers', { headers });

  it('keys the client by the X-Forwarded-For entry our proxies vouch for, never the leftmost one the client wrote', async () => {
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await providers(from('203.0.113.10', `192.0.2.${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await providers(from('203.0.113.10'));
    expect(refused.error?.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.error?.data?.retryAfterSeconds).toBe(100);
    expect(refused.headers.get('retry-after')).toBe('100');
    expect((await providers(from('203.0.113.11'))).status).toBe(200);
  });

  it('keys IPv6 clients by their /64 and IPv4-mapped addresses as IPv4', async () => {
    for (const address of ['2001:db8:77:1::1', '2001:db8:77:1::2', '2001:db8:77:1:ffff:ffff:ffff:ffff']) expect((await providers(from(address))).status).toBe(200);
    expect((await providers(from('2001:db8:77:1::3'))).status).toBe(429);
    expect((await providers(from('2001:db8:77:2::1'))).status).toBe(200);
    for (const address of ['203.0.113.12', '::ffff:203.0.113.12', '203.0.113.12']) expect((await providers(from(address))).status).toBe(200);
    expect((await providers(from('::ffff:203.0.113.12'))).status).toBe(429);
  });

  it('throttles sign-in per account as well, whatever the address', async () => {
    const attempt = (email: string, password: string, address: string) => rawCall(proxied.url, 'auth.signIn', { type: 'mutation', input: { email, password }, headers: from(address) });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await attempt(demo.requester, `guess-number-${i}`, `203.0.113.${20 + i}`)).status);
    expect(statuses).toEqual([401, 401, 401]);
    // The right password, from a fresh address and in other letter case: the account's bucket is empty.
    const refused = await attempt(demo.requester.toUpperCase(), PASSWORD, '203.0.113.30');
    expect(refused.status).toBe(429);
    expect(refused.error?.message).toBe('Too many sign-in attempts for this account: retry in 100 s.');
    expect(refused.error?.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 100 });
    expect(refused.headers.get('retry-after')).toBe('100');
    // Other accounts are not affected.
    expect((await attempt(demo.requester2, PASSWORD, '203.0.113.31')).status).toBe(200);
  });

  it('charges failed authentications to the address: guessing tokens or cookies is throttled', async () => {
    const bogus = { authorization: 'Bearer dfk_not-a-token-anyone-was-given' };
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await rawCall(proxied.url, 'auth.me', { headers: { ...bogus, ...from('203.0.113.40') } })).status);
    expect(statuses).toEqual([401, 401, 401]);
    const refused = await rawCall(proxied.url, 'auth.me', { headers: { cookie: 'deskflow_session=abcdefghijklmnopqrstuvwxyz234567', ...from('203.0.113.40') } });
    expect(refused.status).toBe(429);
    expect(refused.error?.data).toMatchObject({ code: 'TOO_MANY_REQUESTS', retryAfterSeconds: 100 });

    // Attachment downloads too, on the same bucket.
    const download = await fetch(`${proxied.url}/attachments/${crypto.randomUUID()}`, { headers: { ...bogus, ...from('203.0.113.40') } });
    expect(download.status).toBe(429);
    expect(download.headers.get('retry-after')).toBe('100');
    expect(await download.json()).toEqual({ error: 'TOO_MANY_REQUESTS', message: 'Too many requests: retry in 100 s.' });
    const downloads = [];
    for (let i = 0; i < 4; i++) downloads.push((await fetch(`${proxied.url}/attachments/${crypto.randomUUID()}`, { headers: { ...bogus, ...from('203.0.113.41') } })).status);
    expect(downloads).toEqual([401, 401, 401, 429]);

    // A valid credential from that address is limited by its own bucket, not the address's.
    const { token } = await proxied.signIn(demo.itAgent);
    expect((await rawCall(proxied.url, 'auth.me', { headers: { authorization: `Bearer ${token}`, ...from('203.0.113.40') } })).status).toBe(200);
  });

  it('refuses a batch of more calls than TRPC_MAX_BATCH_SIZE with a clear 400', async () => {
    const batch = (n: number) => fetch(`${proxied.url}/trpc/${Array(n).fill('auth.providers').join(',')}?batch=1&input={}`, { headers: from('203.0.113.50') });
    const tooMany = await batch(4);
    expect(tooMany.status).toBe(400);
    const body = (await tooMany.json()) as { error: unknown };
    expect(decodeOutput(body.error)).toMatchObject({
      message: 'A batched request may hold at most 3 calls; this one has 4. Send the others in another request.',
      data: { code: 'BAD_REQUEST', httpStatus: 400 },
    });
    // Encoded commas count as well.
    expect((await fetch(`${proxied.url}/trpc/${Array(4).fill('auth.providers').join('%2C')}?batch=1&input={}`, { headers: from('203.0.113.51') })).status).toBe(400);
    expect((await batch(3)).status).toBe(200);
  });
});

describe('batching', () => {
  it('the typed client splits what a page asks at once into batches the server accepts', async () => {
    const { api: client } = await api.signIn(demo.itAgent);
    const results = await Promise.all(Array.from({ length: 60 }, () => client.auth.me.query()));
    expect(results.every((me) => me.email === demo.itAgent)).toBe(true);
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
    const response = await fetch(`${api.url}/trpc/auth.signIn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { email: 'a@b.c', password: 'x'.repeat(2 * 1024 * 1024) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as { error: unknown };
    expect(decodeOutput(body.error)).toMatchObject({ data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } });
  });
});
