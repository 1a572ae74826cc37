/**
 * The profile (auth.profile / auth.updateProfile) on the API over HTTP, on PGlite: the name and
 * timezone persist (and auth.me shows the new name at once, cached principal or not); a zone that
 * is not IANA's is refused beside its field; and the daily digest moves to 08:00 in the new zone.
 * The digest has no Schedule per user: the `deskflow-mail-digest` Schedule runs
 * `enqueueDueDigests` every quarter hour, which reads each user's zone then; so the test asks it,
 * at instants either side of 08:00 in the old and the new zone, what it would queue.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { enqueueDueDigests } from '../../db/mail-outbox';
import { businessCalendars, DEFAULT_CALENDAR_NAME, mailOutbox, notificationPreferences, notifications, users } from '../../db/schema';
import { hashPassword } from '../../lib/password';
import { PASSWORD, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let passwordHash: string;

beforeAll(async () => {
  api = await startApi();
  passwordHash = await hashPassword(PASSWORD);
  // The organisation's timezone is its default business calendar's (db/seed-sla.ts gives it Europe/London).
  await api.db.insert(businessCalendars).values({ name: DEFAULT_CALENDAR_NAME, timezone: 'Europe/London', alwaysOpen: true, weeklyHours: [], holidays: [] });
}, 180_000);
afterAll(() => api?.stop());

/** A requester of their own, signed in (no other test reads or changes their profile). */
async function person(): Promise<{ id: string; email: string; api: DeskflowClient }> {
  const email = `profile-${crypto.randomUUID().slice(0, 8)}@deskflow.test`;
  const [row] = await api.db.insert(users).values({ email, name: 'Pat Profile', role: 'requester', passwordHash }).returning({ id: users.id });
  return { id: row!.id, email, api: (await api.signIn(email)).api };
}

type FieldErrors = Record<string, string[] | undefined>;
async function fieldErrors(call: Promise<unknown>): Promise<{ code: string; fields: FieldErrors }> {
  try {
    await call;
  } catch (error) {
    const data = (error as { data?: { code?: string; zodError?: { fieldErrors: FieldErrors } | null } }).data;
    return { code: data?.code ?? 'none', fields: data?.zodError?.fieldErrors ?? {} };
  }
  return { code: 'OK', fields: {} };
}

describe('the profile', () => {
  it('starts on the organisation’s timezone, saves name and timezone, and shows the new name at once', async () => {
    const pat = await person();
    expect(await pat.api.auth.me.query()).toMatchObject({ name: 'Pat Profile' }); // caches the principal

    const before = await pat.api.auth.profile.query();
    expect(before).toEqual({ id: pat.id, email: pat.email, name: 'Pat Profile', timezone: null, organisationTimezone: 'Europe/London', digestHour: 8 });

    const saved = await pat.api.auth.updateProfile.mutate({ name: '  Pat Berlin  ', timezone: 'europe/berlin' });
    expect(saved).toMatchObject({ name: 'Pat Berlin', timezone: 'Europe/Berlin', organisationTimezone: 'Europe/London' });
    expect(await pat.api.auth.profile.query()).toMatchObject({ name: 'Pat Berlin', timezone: 'Europe/Berlin' });
    const [row] = await api.db.select({ name: users.name, timezone: users.timezone }).from(users).where(eq(users.id, pat.id));
    expect(row).toEqual({ name: 'Pat Berlin', timezone: 'Europe/Berlin' });
    expect(await pat.api.auth.me.query()).toMatchObject({ name: 'Pat Berlin' });

    // A field left out stays; null goes back to the organisation's zone.
    expect(await pat.api.auth.updateProfile.mutate({ timezone: null })).toMatchObject({ name: 'Pat Berlin', timezone: null });
  });

  it('refuses a zone that is not IANA’s, and an empty name, with BAD_REQUEST beside the field, saving nothing', async () => {
    const pat = await person();
    for (const timezone of ['Mars/Olympus_Mons', '+01:00', 'CEST', '']) {
      const refused = await fieldErrors(pat.api.auth.updateProfile.mutate({ name: 'Not saved', timezone }));
      expect(refused.code, timezone).toBe('BAD_REQUEST');
      expect(refused.fields.timezone?.[0], timezone).toMatch(timezone === '' ? /must not be empty/ : /is not an IANA timezone/);
    }
    const empty = await fieldErrors(pat.api.auth.updateProfile.mutate({ name: '   ' }));
    expect(empty).toEqual({ code: 'BAD_REQUEST', fields: { name: ['must not be empty'] } });
    expect(await pat.api.auth.profile.query()).toMatchObject({ name: 'Pat Profile', timezone: null });
    expect(await outcome(api.client().auth.updateProfile.mutate({ timezone: 'UTC' }))).toBe('UNAUTHORIZED');
  });

  it('is the REST route GET|PATCH /api/me/profile too', async () => {
    const pat = await person();
    const { token } = await api.signIn(pat.email);
    const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
    const patched = await fetch(`${api.url}/api/me/profile`, { method: 'PATCH', headers, body: JSON.stringify({ timezone: 'Asia/Tokyo' }) });
    expect(patched.status).toBe(200);
    const read = await fetch(`${api.url}/api/me/profile`, { headers });
    expect(await read.json()).toMatchObject({ timezone: 'Asia/Tokyo', organisationTimezone: 'Europe/London' });
    const bad = await fetch(`${api.url}/api/me/profile`, { method: 'PATCH', headers, body: JSON.stringify({ timezone: 'Nowhere/Special' }) });
    expect(bad.status).toBe(400);
  });

  it('moves the daily digest to 08:00 in the new timezone', async () => {
    const pat = await person();
    await api.db.insert(notificationPreferences).values({ userId: pat.id, kind: 'assigned', inApp: true, email: 'daily_digest' });
    // Something for the digest: written the evening before (the digest looks back 24 hours).
    await api.db.insert(notifications).values({
      userId: pat.id,
      kind: 'assigned',
      title: 'Ticket #1 was assigned to you',
      body: 'Printer on floor 3',
      data: {},
      dedupeKey: `profile-test:${pat.id}`,
      createdAt: new Date('2026-12-01T20:00:00Z'),
    });
    const digestsOf = async () =>
      api.db
        .select({ key: mailOutbox.idempotencyKey })
        .from(mailOutbox)
        .where(and(eq(mailOutbox.userId, pat.id), eq(mailOutbox.kind, 'digest')));

    // Now in New York: 08:05 in London (the organisation's zone, which Pat followed) is 03:05 there, 12:30 UTC 07:30.
    await pat.api.auth.updateProfile.mutate({ timezone: 'America/New_York' });
    await enqueueDueDigests(api.db, new Date('2026-12-02T08:05:00Z'));
    await enqueueDueDigests(api.db, new Date('2026-12-02T12:30:00Z'));
    expect(await digestsOf()).toEqual([]);
    // 13:05 UTC is 08:05 in New York: the digest of New York's 2 December.
    await enqueueDueDigests(api.db, new Date('2026-12-02T13:05:00Z'));
    expect(await digestsOf()).toEqual([{ key: `digest:${pat.id}:2026-12-02` }]);
  });
});
