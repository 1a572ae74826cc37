/**
 * Single sign-on against a real OpenID provider (oidc-provider) over HTTP on loopback:
 * authorization code + PKCE, matching or provisioning by verified email, and the failure modes.
 */
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../api/admin/settings/schemas';
import { adminAudit, oidcAccounts, sessions, users } from '../../db/schema';
import { freePort } from '../../lib/ports';
import { demo, outcome, rawCall, startApi, type ApiHarness } from './support';

type Account = { email: string; email_verified: boolean; name: string };
const accounts: Record<string, Account> = {
  'alice-sub': { email: 'Alice.Example@example.com', email_verified: true, name: 'Alice Example' },
  'ivy-sub': { email: 'ivy.it@deskflow.test', email_verified: true, name: 'Ivy at the IdP' },
  'mallory-sub': { email: 'hana.hr@deskflow.test', email_verified: false, name: 'Not Hana' },
  'rosa-sub': { email: 'rosa.requester@deskflow.test', email_verified: true, name: 'Rosa' },
  'nina-sub': { email: 'nina@elsewhere.example', email_verified: true, name: 'Nina Newcomer' },
  'sam-sub': { email: 'sam.supervisor@deskflow.test', email_verified: true, name: 'Sam at the IdP' },
  'ada-sub': { email: 'ADMIN@deskflow.test', email_verified: true, name: 'Ada at the IdP' },
};

let api: ApiHarness;
let idp: Server;
let issuer: string;
/** Who "logs in" at the provider next. */
let nextLogin = 'alice-sub';

beforeAll(async () => {
  const apiPort = await freePort();
  const idpPort = await freePort();
  issuer = `http://127.0.0.1:${idpPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'deskflow',
        client_secret: 'deskflow-test-secret-0123456789',
        redirect_uris: [`http://127.0.0.1:${apiPort}/auth/oidc/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    findAccount: (_ctx, id) => (accounts[id] ? { accountId: id, claims: () => ({ sub: id, ...accounts[id] }) } : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => true },
    cookies: { keys: ['oidc-test-cookie-key-0123456789'] },
    jwks: { keys: [{ ...generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' }), use: 'sig', alg: 'RS256', kid: 'test' }] },
  });
  const callback = provider.callback();
  // The provider's login and consent pages, answered at once for `nextLogin` (a person clicking "allow").
  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: nextLogin } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: details.params.client_id as string });
    grant.addOIDCScope('openid email profile');
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  }
  idp = createServer((req, res) => {
    if (req.url?.startsWith('/interaction/')) interaction(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
    else void callback(req, res);
  });
  await new Promise<void>((resolve) => idp.listen(idpPort, '127.0.0.1', resolve));
  expect((idp.address() as AddressInfo).port).toBe(idpPort);

  api = await startApi({ port: apiPort, config: { oidc: { issuer, clientId: 'deskflow', clientSecret: 'deskflow-test-secret-0123456789', displayName: 'Example SSO' } } });
}, 120_000);

afterAll(async () => {
  await api?.stop();
  await new Promise((resolve) => idp?.close(resolve));
});

async function updateSettings(changes: Partial<Settings>) {
  await (await api.signIn(demo.admin)).api.admin.settings.update.mutate(changes);
}

type Jar = Map<string, Map<string, string>>;
const cookieHeader = (cookies: Map<string, string> | undefined): Record<string, string> => (cookies?.size ? { cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') } : {});

/** One request of a browser: sends the origin's cookies and keeps those it sets (dropping cleared ones). */
async function visit(url: string, jar: Jar): Promise<Response> {
  const origin = new URL(url).origin;
  const cookies = jar.get(origin) ?? new Map<string, string>();
  const response = await fetch(url, { redirect: 'manual', headers: cookieHeader(cookies) });
  for (const header of response.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [name, ...value] = pair!.split('=');
    if (/max-age=0/i.test(header)) cookies.delete(name!.trim());
    else cookies.set(name!.trim(), value.join('='));
  }
  jar.set(origin, cookies);
  return response;
}

const redirectOf = (response: Response, from: string) =>
  response.status >= 300 && response.status < 400 && response.headers.get('location') ? new URL(response.headers.get('location')!, from).toString() : null;

/** A browser: follows redirects by hand, keeping each origin's cookies. */
async function browse(startUrl: string, login: string) {
  nextLogin = login;
  const jar: Jar = new Map();
  let url = startUrl;
  const visited: string[] = [];
  for (let hop = 0; hop < 15; hop++) {
    visited.push(url);
    const response = await visit(url, jar);
    const next = redirectOf(response, url);
    const apiCookies = jar.get(api.url) ?? new Map<string, string>();
    // Stop where the API hands the browser back to the app.
    if (next && new URL(next).origin === 'http://app.deskflow.test') return { response, landedOn: next, visited, apiCookies };
    if (!next) return { response, landedOn: null, visited, apiCookies, body: await response.text() };
    url = next;
  }
  throw new Error(`too many redirects: ${visited.join(' → ')}`);
}

/**
 * Starts signing in as `login` in a new browser and stops before the API's callback: its URL (as
 * a person could copy it), the Set-Cookie of the start, and the browser's API cookies.
 */
async function startedFlow(login: string, returnTo = '/tickets') {
  nextLogin = login;
  const jar: Jar = new Map();
  let url = `${api.url}/auth/oidc/start?returnTo=${returnTo}`;
  const start = await visit(url, jar);
  const setCookie = start.headers.getSetCookie()[0];
  let next = redirectOf(start, url);
  for (let hop = 0; next && !next.startsWith(`${api.url}/auth/oidc/callback`); hop++) {
    if (hop > 15) throw new Error('too many redirects');
    url = next;
    next = redirectOf(await visit(url, jar), url);
  }
  if (!next) throw new Error(`the flow did not reach the callback (last: ${url})`);
  return { callback: next, setCookie, apiCookies: jar.get(api.url) ?? new Map<string, string>() };
}

describe('single sign-on with OpenID Connect', () => {
  it('announces itself and builds an authorization URL with PKCE (S256), state and nonce', async () => {
    expect((await api.client().auth.providers.query()).sso).toEqual({ name: 'Example SSO' });
    const { url } = await api.client().auth.ssoStart.mutate({ returnTo: '/tickets' });
    const authorize = new URL(url);
    expect(authorize.origin).toBe(issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${api.url}/auth/oidc/callback`);
  });

  it('creates no account while sign-up is off, or for an address outside the sign-up domains', async () => {
    const closed = await browse(`${api.url}/auth/oidc/start`, 'nina-sub');
    expect(closed.response.status).toBe(403);
    expect(JSON.parse(closed.body!)).toEqual({
      error: 'sign_up_closed',
      message: 'There is no Deskflow account for nina@elsewhere.example, and sign-up is turned off here; ask an administrator for an invitation.',
    });
    expect(closed.apiCookies.get('deskflow_session')).toBeUndefined();

    await updateSettings({ signUpEnabled: true, signUpDomains: ['example.com', 'deskflow.test'] });
    const elsewhere = await browse(`${api.url}/auth/oidc/start`, 'nina-sub');
    expect(elsewhere.response.status).toBe(403);
    expect(JSON.parse(elsewhere.body!)).toEqual({
      error: 'sign_up_domain',
      message: 'There is no Deskflow account for nina@elsewhere.example, and sign-up is open to addresses at example.com, deskflow.test only.',
    });
    expect(await api.db.select().from(users).where(eq(users.email, 'nina@elsewhere.example'))).toHaveLength(0);
    expect(await api.db.select().from(oidcAccounts).where(eq(oidcAccounts.subject, 'nina-sub'))).toHaveLength(0);
    await updateSettings({ signUpEnabled: false, signUpDomains: [] });
  });

  it('provisions a new requester from a verified email and signs them in with a session cookie', async () => {
    await updateSettings({ signUpEnabled: true, signUpDomains: ['example.com'] });
    const result = await browse(`${api.url}/auth/oidc/start?returnTo=/tickets`, 'alice-sub');
    expect(result.landedOn).toBe('http://app.deskflow.test/tickets');
    const session = result.apiCookies.get('deskflow_session');
    expect(session).toMatch(/^[a-z2-7]{32}$/);
    const me = await rawCall(api.url, 'auth.me', { headers: { cookie: `deskflow_session=${session}` } });
    expect(me.data).toMatchObject({ email: 'alice.example@example.com', name: 'Alice Example', role: 'requester' });
    const [link] = await api.db.select().from(oidcAccounts).where(eq(oidcAccounts.subject, 'alice-sub'));
    expect(link).toMatchObject({ issuer: `${issuer}`, email: 'alice.example@example.com' });
    const audit = await api.db.select().from(adminAudit).where(eq(adminAudit.action, 'user.provisioned'));
    expect(audit).toHaveLength(1);

    // The same subject comes back as the same person, even after the provider changes the address.
    accounts['alice-sub']!.email = 'alice@new-domain.example';
    const again = await browse(`${api.url}/auth/oidc/start`, 'alice-sub');
    const meAgain = await rawCall(api.url, 'auth.me', { headers: { cookie: `deskflow_session=${again.apiCookies.get('deskflow_session')}` } });
    expect((meAgain.data as { id: string }).id).toBe((me.data as { id: string }).id);
    expect(await api.db.select().from(users).where(eq(users.email, 'alice@new-domain.example'))).toHaveLength(0);
    await updateSettings({ signUpEnabled: false, signUpDomains: [] });
  });

  it('matches an existing account by verified email, keeping its role', async () => {
    const result = await browse(`${api.url}/auth/oidc/start`, 'ivy-sub');
    expect(result.landedOn).toBe('http://app.deskflow.test/');
    const me = await rawCall(api.url, 'auth.me', { headers: { cookie: `deskflow_session=${result.apiCookies.get('deskflow_session')}` } });
    expect(me.data).toMatchObject({ email: demo.itAgent, role: 'agent', name: 'Ivy Iyer' });
  });

  it('never links an administrator or supervisor by email unless an administrator allowed it', async () => {
    const admin = await api.signIn(demo.admin);
    expect(await admin.api.admin.settings.get.query()).toMatchObject({ oidcLinkPrivileged: false });
    for (const [login, email] of [
      ['sam-sub', demo.supervisor],
      ['ada-sub', demo.admin],
    ] as const) {
      const refused = await browse(`${api.url}/auth/oidc/start`, login);
      expect(refused.response.status).toBe(403);
      expect(JSON.parse(refused.body!)).toEqual({
        error: 'link_refused',
        message: `${email} has supervisor or administrator rights, so single sign-on does not take it over by email; sign in with your password, or ask an administrator to allow linking such accounts.`,
      });
      expect(refused.apiCookies.get('deskflow_session')).toBeUndefined();
      expect(await api.db.select().from(oidcAccounts).where(eq(oidcAccounts.subject, login))).toHaveLength(0);
    }

    const updated = await admin.api.admin.settings.update.mutate({ oidcLinkPrivileged: true });
    expect(updated.oidcLinkPrivileged).toBe(true);
    const linked = await browse(`${api.url}/auth/oidc/start`, 'sam-sub');
    expect(linked.landedOn).toBe('http://app.deskflow.test/');
    const me = await rawCall(api.url, 'auth.me', { headers: { cookie: `deskflow_session=${linked.apiCookies.get('deskflow_session')}` } });
    expect(me.data).toMatchObject({ email: demo.supervisor, role: 'supervisor' });

    // Turning it off again stops new links; one made while it was on stays.
    await admin.api.admin.settings.update.mutate({ oidcLinkPrivileged: false });
    expect((await browse(`${api.url}/auth/oidc/start`, 'sam-sub')).landedOn).toBe('http://app.deskflow.test/');
    expect((await browse(`${api.url}/auth/oidc/start`, 'ada-sub')).response.status).toBe(403);
  });

  it('refuses an unverified email instead of taking over the account that has it', async () => {
    const result = await browse(`${api.url}/auth/oidc/start`, 'mallory-sub');
    expect(result.response.status).toBe(403);
    expect(JSON.parse(result.body!)).toMatchObject({ error: 'email_unverified' });
    expect(result.apiCookies.get('deskflow_session')).toBeUndefined();
  });

  it('refuses a deactivated account', async () => {
    await api.setActive(demo.requester3, false);
    const result = await browse(`${api.url}/auth/oidc/start`, 'rosa-sub');
    expect(result.response.status).toBe(403);
    expect(JSON.parse(result.body!)).toMatchObject({ error: 'account_deactivated' });
    await api.setActive(demo.requester3, true);
  });

  it('uses each flow once: a replayed or forged callback is refused', async () => {
    const { callback, apiCookies } = await startedFlow('ivy-sub');
    expect((await fetch(callback, { redirect: 'manual', headers: cookieHeader(apiCookies) })).status).toBe(302);
    const replay = await fetch(callback, { redirect: 'manual', headers: cookieHeader(apiCookies) });
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'flow_expired' });
    const forged = new URL(callback);
    forged.searchParams.set('state', 'forged-state-value');
    expect((await fetch(forged, { redirect: 'manual', headers: cookieHeader(apiCookies) })).status).toBe(400);
  });

  it('binds each flow to the browser that started it with a short-lived, HttpOnly, path-limited cookie', async () => {
    const { setCookie } = await startedFlow('ivy-sub');
    expect(setCookie).toMatch(/^deskflow_oidc=[a-z2-7]{32,}; HttpOnly; SameSite=Lax; Path=\/auth\/oidc\/callback; Max-Age=600$/);
    // The typed client's start (for an app that sends the browser itself) sets the same cookie.
    const viaTrpc = await rawCall(api.url, 'auth.ssoStart', { type: 'mutation', input: { returnTo: '/tickets' } });
    expect(viaTrpc.status).toBe(200);
    expect(viaTrpc.headers.getSetCookie().find((cookie) => cookie.startsWith('deskflow_oidc='))).toMatch(/; HttpOnly; SameSite=Lax; Path=\/auth\/oidc\/callback; Max-Age=600$/);
  });

  it('signs nobody in when the callback URL is opened in another browser', async () => {
    const ivy = api.userId(demo.itAgent);
    const sessionsOfIvy = async () => (await api.db.select().from(sessions).where(eq(sessions.userId, ivy))).length;
    const before = await sessionsOfIvy();
    const victim = await startedFlow('ivy-sub');
    const attacker = await startedFlow('rosa-sub');

    // A browser without the cookie, and one with a cookie of its own flow (login CSRF).
    for (const headers of [{}, cookieHeader(attacker.apiCookies)]) {
      const elsewhere = await fetch(victim.callback, { redirect: 'manual', headers });
      expect(elsewhere.status).toBe(400);
      expect(await elsewhere.json()).toEqual({
        error: 'browser_mismatch',
        message: 'This sign-in was started in another browser (or this browser did not keep its cookie); start signing in again here.',
      });
      expect(elsewhere.headers.getSetCookie().some((cookie) => cookie.startsWith('deskflow_session='))).toBe(false);
      expect(elsewhere.headers.getSetCookie()).toContain('deskflow_oidc=; HttpOnly; SameSite=Lax; Path=/auth/oidc/callback; Max-Age=0');
    }
    expect(await sessionsOfIvy()).toBe(before);

    // The browser that started it still finishes, and its binding cookie is cleared.
    const finished = await fetch(victim.callback, { redirect: 'manual', headers: cookieHeader(victim.apiCookies) });
    expect(finished.status).toBe(302);
    expect(finished.headers.get('location')).toBe('http://app.deskflow.test/tickets');
    expect(finished.headers.getSetCookie()).toContain('deskflow_oidc=; HttpOnly; SameSite=Lax; Path=/auth/oidc/callback; Max-Age=0');
    expect(await sessionsOfIvy()).toBe(before + 1);
  });

  it('never redirects off our origins', async () => {
    expect((await fetch(`${api.url}/auth/oidc/start?returnTo=https://evil.example/phish`, { redirect: 'manual' })).status).toBe(400);
    expect((await fetch(`${api.url}/auth/oidc/start?returnTo=//evil.example`, { redirect: 'manual' })).status).toBe(400);
    expect(await outcome(api.client().auth.ssoStart.mutate({ returnTo: 'https://evil.example' }))).toBe('BAD_REQUEST');
    // As a query parameter: %09 is a tab once decoded, %5C a backslash; %2509 stays a literal "%09".
    for (const returnTo of [
      '/%09/evil.example',
      '/%5Cevil.example',
      '%5C/evil.example',
      '/%0D%0A/evil.example',
      'https:evil.example',
      'https://deskflow@evil.example',
      'http://127.0.0.1.evil.example',
      '%20//evil.example',
    ]) {
      const response = await fetch(`${api.url}/auth/oidc/start?returnTo=${returnTo}`, { redirect: 'manual' });
      expect(response.status, returnTo).toBe(400);
      expect(await response.json()).toMatchObject({ error: 'BAD_REQUEST', message: 'returnTo must be a path or a URL on a Deskflow origin.' });
    }
    const encoded = await fetch(`${api.url}/auth/oidc/start?returnTo=/%2509/evil.example`, { redirect: 'manual' });
    expect(encoded.status).toBe(302);
    expect(new URL(encoded.headers.get('location')!).origin).toBe(issuer);
  });
});
