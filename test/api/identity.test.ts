import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTokens, emailTokens, sessions, users } from '../../db/schema';
import { demo, outcome, PASSWORD, rawCall, startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 120_000);
afterAll(() => api?.stop());

const linkToken = (text: string) => /reset-password\?token=([A-Za-z0-9%_-]+)/.exec(text)?.[1];

describe('password sign-in and sessions', () => {
  it('signs in, answers me, and refuses a wrong password or unknown email with the same message', async () => {
    const { token, user, api: client } = await api.signIn(demo.requester);
    expect(token).toMatch(/^[a-z2-7]{32}$/);
    expect(user.email).toBe(demo.requester);
    const me = await client.auth.me.query();
    expect(me).toMatchObject({ email: demo.requester, role: 'requester', via: 'session', scopes: null });

    const wrong = await api
      .client()
      .auth.signIn.mutate({ email: demo.requester, password: 'not-the-password' })
      .catch((e: Error) => e);
    const unknown = await api
      .client()
      .auth.signIn.mutate({ email: 'nobody@deskflow.test', password: 'whatever-it-is' })
      .catch((e: Error) => e);
    expect((wrong as { data?: { code: string } }).data?.code).toBe('UNAUTHORIZED');
    expect((unknown as Error).message).toBe((wrong as Error).message);
  });

  it('stores only the SHA-256 of a session token', async () => {
    const { token } = await api.signIn(demo.requester2);
    const rows = await api.db.select().from(sessions);
    expect(rows.some((row) => row.id === token)).toBe(false);
    expect(rows.some((row) => row.id.length === 64)).toBe(true);
  });

  it('sign-out ends this session; sign-out-everywhere ends all of them', async () => {
    const first = await api.signIn(demo.requester3);
    const second = await api.signIn(demo.requester3);
    const third = await api.signIn(demo.requester3);
    await first.api.auth.signOut.mutate();
    expect(await outcome(first.api.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(second.api.auth.me.query())).toBe('OK');
    const result = await second.api.auth.signOutEverywhere.mutate();
    expect(result.sessionsEnded).toBe(2);
    expect(await outcome(second.api.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(third.api.auth.me.query())).toBe('UNAUTHORIZED');
  });

  it('slides a session forward when it nears expiry, and refuses an expired one', async () => {
    const { api: client } = await api.signIn(demo.itAgent);
    const mine = (
      await api.db
        .select()
        .from(sessions)
        .where(eq(sessions.userId, api.userId(demo.itAgent)))
    )[0]!;
    await api.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() + 60_000) })
      .where(eq(sessions.id, mine.id));
    const me = await client.auth.me.query();
    expect(me.sessionExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 24 * 3600_000);

    // A session past its expiry is refused and deleted.
    const other = await api.signIn(demo.itAgent);
    const [expiring] = await api.db
      .select()
      .from(sessions)
      .where(and(eq(sessions.userId, api.userId(demo.itAgent)), ne(sessions.id, mine.id)));
    await api.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, expiring!.id));
    expect(await outcome(other.api.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await api.db.select().from(sessions).where(eq(sessions.id, expiring!.id))).toHaveLength(0);
  });

  it('changes the password: checks the current one, keeps this session, ends the others', async () => {
    const email = demo.hrAgent;
    const here = await api.signIn(email);
    const elsewhere = await api.signIn(email);
    expect(await outcome(here.api.auth.changePassword.mutate({ currentPassword: 'wrong-password', newPassword: 'a-brand-new-password' }))).toBe('BAD_REQUEST');
    const short = await here.api.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'short' }).catch((e: { data?: { zodError?: { fieldErrors: Record<string, string[]> } } }) => e);
    expect((short as { data?: { zodError?: { fieldErrors: Record<string, string[]> } } }).data?.zodError?.fieldErrors.newPassword).toEqual(['must be at least 10 characters']);

    const result = await here.api.auth.changePassword.mutate({ currentPassword: PASSWORD, newPassword: 'a-brand-new-password' });
    expect(result.otherSessionsEnded).toBe(1);
    expect(await outcome(here.api.auth.me.query())).toBe('OK');
    expect(await outcome(elsewhere.api.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(api.signIn(email))).toBe('UNAUTHORIZED');
    expect(await outcome(api.signIn(email, 'a-brand-new-password'))).toBe('OK');
  });
});

describe('password reset by emailed link', () => {
  it('answers the same for unknown addresses and sends nothing', async () => {
    const before = api.mails().length;
    const answer = await api.client().auth.requestPasswordReset.mutate({ email: 'ghost@deskflow.test' });
    expect(answer.message).toMatch(/If that address has an account/);
    expect(api.mails()).toHaveLength(before);
  });

  it('mails a single-use link that sets a new password, signs in and ends old sessions', async () => {
    const email = demo.itAgent2;
    const old = await api.signIn(email);
    const answer = await api.client().auth.requestPasswordReset.mutate({ email: email.toUpperCase() });
    expect(answer.message).toMatch(/If that address has an account/);
    const mail = api.mails().at(-1)!;
    expect(mail.to).toBe(email);
    expect(mail.text).toContain('http://app.deskflow.test/reset-password?token=');
    const token = decodeURIComponent(linkToken(mail.text)!);
    expect(await api.db.select().from(emailTokens).where(eq(emailTokens.id, token))).toHaveLength(0); // stored hashed

    const session = await api.client().auth.resetPassword.mutate({ token, newPassword: 'reset-to-something-new' });
    expect(session.user.email).toBe(email);
    expect(await outcome(old.api.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(api.signIn(email, 'reset-to-something-new'))).toBe('OK');
    // Single use.
    expect(await outcome(api.client().auth.resetPassword.mutate({ token, newPassword: 'and-once-more-please' }))).toBe('BAD_REQUEST');
  });

  it('refuses an expired link and voids older links when a new one is sent', async () => {
    const email = demo.requester;
    await api.client().auth.requestPasswordReset.mutate({ email });
    const first = decodeURIComponent(linkToken(api.mails().at(-1)!.text)!);
    await api.client().auth.requestPasswordReset.mutate({ email });
    const second = decodeURIComponent(linkToken(api.mails().at(-1)!.text)!);
    expect(await outcome(api.client().auth.resetPassword.mutate({ token: first, newPassword: 'password-from-old-link' }))).toBe('BAD_REQUEST');
    await api.db
      .update(emailTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(emailTokens.userId, api.userId(email)));
    const expired = await api
      .client()
      .auth.resetPassword.mutate({ token: second, newPassword: 'password-from-new-link' })
      .catch((e: Error) => e);
    expect((expired as Error).message).toMatch(/invalid, expired or already used/);
    expect(await outcome(api.signIn(email))).toBe('OK'); // password unchanged
  });

  it('mails one address at most three links in a row, answering the same after that', async () => {
    const email = demo.itAgent;
    const sentTo = () => api.mails().filter((m) => m.to === email).length;
    const before = sentTo();
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push((await api.client().auth.requestPasswordReset.mutate({ email: i % 2 ? email.toUpperCase() : email })).message);
    expect(new Set(answers).size).toBe(1);
    expect(sentTo() - before).toBe(3);
    expect(api.logLines.some((line) => line.msg === 'password reset mail not sent: too many asked for this address recently')).toBe(true);
  });
});

describe('links in mail stay out of the log', () => {
  const loggedMails = () => api.logLines.filter((line) => line.mail).map((line) => line.mail as { to: string; text: string });

  it('logs a password-reset mail with its token redacted', async () => {
    await api.client().auth.requestPasswordReset.mutate({ email: demo.supervisor });
    const token = decodeURIComponent(linkToken(api.mails().at(-1)!.text)!);
    expect(JSON.stringify(api.logLines)).not.toContain(token);
    const logged = loggedMails().at(-1)!;
    expect(logged.to).toBe(demo.supervisor);
    expect(logged.text).toContain('http://app.deskflow.test/reset-password?token=[redacted]');
  });

  it('hands the inviting admin the invitation link, logs the mail without it, and voids it on resend', async () => {
    const admin = await api.signIn(demo.admin);
    const invited = await admin.api.admin.users.invite.mutate({ email: 'Nora.New@example.com', name: 'Nora New', role: 'agent' });
    expect(invited.invitation.link).toMatch(/^http:\/\/app\.deskflow\.test\/reset-password\?token=[a-z2-7]{40,}$/);
    expect(invited.invitation.expiresAt.getTime()).toBeGreaterThan(Date.now() + 6 * 24 * 3600_000);
    expect(api.mails().at(-1)!.text).toContain(invited.invitation.link);
    const first = new URL(invited.invitation.link).searchParams.get('token')!;
    expect(JSON.stringify(api.logLines)).not.toContain(first);
    expect(loggedMails().at(-1)!.text).toContain('reset-password?token=[redacted]');

    const resent = await admin.api.admin.users.resendInvitation.mutate({ id: invited.id });
    const second = new URL(resent.invitation.link).searchParams.get('token')!;
    expect(second).not.toBe(first);
    expect(JSON.stringify(api.logLines)).not.toContain(second);
    expect(await outcome(api.client().auth.resetPassword.mutate({ token: first, newPassword: 'from-the-first-link' }))).toBe('BAD_REQUEST');
    const session = await api.client().auth.resetPassword.mutate({ token: second, newPassword: 'from-the-second-link' });
    expect(session.user).toMatchObject({ email: 'nora.new@example.com', role: 'agent' });

    // Accepted: another invitation would be a way for an admin to set this person's password.
    const again = await admin.api.admin.users.resendInvitation.mutate({ id: invited.id }).catch((e: Error) => e);
    expect((again as { data?: { code: string } }).data?.code).toBe('BAD_REQUEST');
    expect((again as Error).message).toMatch(/already chosen a password/);
    expect(await outcome(api.signIn('nora.new@example.com', 'from-the-second-link'))).toBe('OK');
  });
});

describe('self sign-up', () => {
  it('is refused while an admin has not enabled it', async () => {
    const refused = await api
      .client()
      .auth.signUp.mutate({ email: 'new.person@example.com', name: 'New Person' })
      .catch((e: Error) => e);
    expect((refused as { data?: { code: string } }).data?.code).toBe('FORBIDDEN');
    expect((refused as Error).message).toMatch(/turned off/);
    expect(await api.client().auth.providers.query()).toEqual({ password: true, signUp: false, sso: null });
  });

  it('when enabled, verifies the address by a link that sets the password; domains can be restricted', async () => {
    const admin = await api.signIn(demo.admin);
    await admin.api.admin.settings.update.mutate({ signUpEnabled: true, signUpDomains: ['example.com'] });
    expect(await outcome(api.client().auth.signUp.mutate({ email: 'someone@elsewhere.org', name: 'Someone' }))).toBe('FORBIDDEN');

    const answer = await api.client().auth.signUp.mutate({ email: 'New.Person@example.com', name: 'New Person' });
    expect(answer.message).toMatch(/Check your inbox/);
    const [created] = await api.db.select().from(users).where(eq(users.email, 'new.person@example.com'));
    expect(created).toMatchObject({ role: 'requester', passwordHash: null });
    // No password yet: signing in is impossible until the link is used.
    expect(await outcome(api.signIn('new.person@example.com', 'anything-at-all'))).toBe('UNAUTHORIZED');
    const token = decodeURIComponent(linkToken(api.mails().at(-1)!.text)!);
    const session = await api.client().auth.resetPassword.mutate({ token, newPassword: 'my-first-password' });
    expect(session.user).toMatchObject({ email: 'new.person@example.com', role: 'requester' });

    // Signing up again with the same address creates nothing and tells the owner instead.
    await api.client().auth.signUp.mutate({ email: 'new.person@example.com', name: 'Impostor' });
    expect(await api.db.select().from(users).where(eq(users.email, 'new.person@example.com'))).toHaveLength(1);
    expect(api.mails().at(-1)!.subject).toBe('You already have a Deskflow account');
    await admin.api.admin.settings.update.mutate({ signUpEnabled: false });
  });
});

describe('API tokens', () => {
  it('are shown once, stored hashed, act within their scopes, and stop working when revoked', async () => {
    const agent = await api.signIn(demo.itAgent);
    const created = await agent.api.auth.tokens.create.mutate({ name: 'monitoring', scopes: ['read'], expiresInDays: 30 });
    expect(created.token).toMatch(/^dfk_/);
    const [stored] = await api.db.select().from(apiTokens).where(eq(apiTokens.id, created.id));
    expect(stored!.tokenHash).not.toContain(created.token);
    expect(stored!.tokenHash).toHaveLength(64);

    const integration = api.client(created.token);
    expect(await integration.auth.me.query()).toMatchObject({ email: demo.itAgent, via: 'apiToken', scopes: ['read'] });
    expect(await outcome(integration.ticket.list.query({}))).toBe('OK');
    const noWrite = await integration.ticket.create.mutate({ title: 'From a script', description: 'x' }).catch((e: Error) => e);
    expect((noWrite as { data?: { code: string } }).data?.code).toBe('FORBIDDEN');
    expect((noWrite as Error).message).toMatch(/lacks the "write" scope/);
    // Tokens never manage accounts, whatever their scopes.
    expect(await outcome(integration.auth.tokens.list.query())).toBe('FORBIDDEN');

    const listed = await agent.api.auth.tokens.list.query();
    expect(listed.find((t) => t.id === created.id)).toMatchObject({ name: 'monitoring', prefix: created.token.slice(0, 10), revokedAt: null });
    expect(JSON.stringify(listed)).not.toContain(created.token);

    await agent.api.auth.tokens.revoke.mutate({ id: created.id });
    expect(await outcome(integration.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(agent.api.auth.tokens.revoke.mutate({ id: created.id }))).toBe('NOT_FOUND');
  });

  it('expire, and cannot carry the admin scope unless their owner is an admin', async () => {
    const agent = await api.signIn(demo.itAgent);
    expect(await outcome(agent.api.auth.tokens.create.mutate({ name: 'too much', scopes: ['admin'] }))).toBe('FORBIDDEN');
    const created = await agent.api.auth.tokens.create.mutate({ name: 'short-lived', scopes: ['read', 'write'], expiresInDays: 1 });
    await api.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(apiTokens.id, created.id));
    expect(await outcome(api.client(created.token).auth.me.query())).toBe('UNAUTHORIZED');

    const admin = await api.signIn(demo.admin);
    const adminToken = await admin.api.auth.tokens.create.mutate({ name: 'provisioning', scopes: ['read', 'write'] });
    // An admin's token without the admin scope cannot administer.
    expect(await outcome(api.client(adminToken.token).admin.users.list.query())).toBe('FORBIDDEN');
    const full = await admin.api.auth.tokens.create.mutate({ name: 'provisioning-admin', scopes: ['read', 'admin'] });
    expect(await outcome(api.client(full.token).admin.users.list.query())).toBe('OK');
  });
});

describe('API tokens per person', () => {
  it('are at most API_TOKENS_PER_USER active ones; revoked and expired ones do not count', async () => {
    const sam = await api.signIn(demo.supervisor);
    const create = (name: string) => sam.api.auth.tokens.create.mutate({ name, scopes: ['read'] });
    const created = [];
    for (let i = 0; i < 20; i++) created.push(await create(`script ${i}`));
    const refused = await create('one too many').catch((e: Error & { data?: { code: string } }) => e);
    expect((refused as { data?: { code: string } }).data?.code).toBe('BAD_REQUEST');
    expect((refused as Error).message).toBe('You already hold 20 active API tokens, the most one person may have; revoke one you no longer use first.');

    await sam.api.auth.tokens.revoke.mutate({ id: created[0]!.id });
    const replacement = await create('replacement');
    expect(await outcome(create('again one too many'))).toBe('BAD_REQUEST');
    await api.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1) })
      .where(eq(apiTokens.id, created[1]!.id));
    expect(await outcome(create('after one expired'))).toBe('OK');

    // Others are not affected, and concurrent creations do not slip past the limit.
    const ivy = await api.signIn(demo.itAgent);
    const before = (await ivy.api.auth.tokens.list.query()).filter((t) => !t.revokedAt && t.expiresAt > new Date()).length;
    const burst = await Promise.all(Array.from({ length: 25 - before }, (_, i) => outcome(ivy.api.auth.tokens.create.mutate({ name: `burst ${i}`, scopes: ['read'] }))));
    expect(burst.filter((result) => result === 'OK')).toHaveLength(20 - before);
    expect(replacement.token).toMatch(/^dfk_/);
  });
});

describe('deactivation', () => {
  it('ends sessions, revokes API tokens and blocks sign-in until reactivated', async () => {
    const target = await api.signIn(demo.requester2);
    const token = await target.api.auth.tokens.create.mutate({ name: 'script', scopes: ['read'] });
    const admin = await api.signIn(demo.admin);
    const live = await api.db
      .select()
      .from(sessions)
      .where(eq(sessions.userId, api.userId(demo.requester2)));
    await admin.api.admin.users.deactivate.mutate({ id: api.userId(demo.requester2) });
    expect(await outcome(target.api.auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(api.client(token.token).auth.me.query())).toBe('UNAUTHORIZED');
    expect(await outcome(api.signIn(demo.requester2))).toBe('UNAUTHORIZED');
    expect(await outcome(admin.api.admin.users.deactivate.mutate({ id: api.userId(demo.admin) }))).toBe('BAD_REQUEST');
    await admin.api.admin.users.reactivate.mutate({ id: api.userId(demo.requester2) });
    expect(await outcome(api.signIn(demo.requester2))).toBe('OK');
    const audit = await admin.api.admin.audit.query({ targetType: 'user', targetId: api.userId(demo.requester2) });
    expect(audit.map((entry) => entry.action)).toEqual(['user.reactivated', 'user.deactivated']);
    expect(audit[1]!.details).toMatchObject({ sessionsEnded: live.length, tokensRevoked: 1 });
  });
});

describe('cookies', () => {
  it('sign-in sets an HttpOnly SameSite session cookie that authenticates reads', async () => {
    const response = await rawCall(api.url, 'auth.signIn', { type: 'mutation', input: { email: demo.requester3, password: PASSWORD } });
    expect(response.status).toBe(200);
    const cookie = response.headers.getSetCookie()[0]!;
    expect(cookie).toMatch(/^deskflow_session=[a-z2-7]+; HttpOnly; SameSite=Lax; Path=\/; Max-Age=\d+$/);
    const me = await rawCall(api.url, 'auth.me', { headers: { cookie: cookie.split(';')[0]! } });
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ email: demo.requester3 });
  });
});
