/** The persistence layer behaves the same on PGlite and on PostgreSQL through the Neon driver. */
import { eq, sql, type SQL } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiToken, TooManyApiTokens } from '../../api/auth/api-tokens';
import { isUnavailable } from '../../api/errors';
import { createSession, generateSessionToken, invalidateSession, SESSION_TTL_MS, sessionIdFromToken, validateSessionToken } from '../../api/auth/session';
import type { Database } from '../../db/client';
import { apiTokens, sessions, ticketEvents, ticketIntake, tickets, users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { createActivities } from '../../worker/activities';
import { pgliteKind, postgresKind } from '../../dev-support/databases';

const postgres = postgresKind();
afterAll(() => postgres.stop());

describe.each([pgliteKind, postgres])('on $name', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await kind.open();
    await seedDemo(database.db, 'a-demo-password');
  });
  afterEach(() => database.close());

  const requester = async () => (await database.db.select().from(users).where(eq(users.email, 'rita.requester@deskflow.test')))[0]!;

  it('migrates from empty and re-running migrations changes nothing', async () => {
    await database.migrate();
    const [{ count }] = (await database.db.select({ count: sql<number>`count(*)::int` }).from(users)) as [{ count: number }];
    expect(count).toBeGreaterThan(5);
  });

  it('seeds the demo organisation only into an empty database', async () => {
    expect(await seedDemo(database.db, 'another-password')).toBe(false);
    const agents = await database.db.select().from(users).where(eq(users.role, 'agent'));
    expect(agents.length).toBeGreaterThanOrEqual(4);
  });

  it('stores only the SHA-256 of a session token and slides its expiry while in use', async () => {
    const user = await requester();
    const token = generateSessionToken();
    await createSession(database.db, token, user.id);
    const [stored] = await database.db.select().from(sessions).where(eq(sessions.userId, user.id));
    expect(stored!.id).toBe(sessionIdFromToken(token));
    expect(stored!.id).not.toContain(token);

    // Ten days left: validation extends it to a full period again.
    await database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() + 10 * 86_400_000) })
      .where(eq(sessions.id, stored!.id));
    const validated = await validateSessionToken(database.db, token);
    expect(validated?.user.email).toBe(user.email);
    expect(validated!.session.expiresAt.getTime()).toBeGreaterThan(Date.now() + SESSION_TTL_MS - 60_000);

    await invalidateSession(database.db, stored!.id);
    expect(await validateSessionToken(database.db, token)).toBeNull();
  });

  it('rejects and deletes an expired session, and a session of a deactivated user', async () => {
    const user = await requester();
    const expired = generateSessionToken();
    await createSession(database.db, expired, user.id);
    await database.db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.id, sessionIdFromToken(expired)));
    expect(await validateSessionToken(database.db, expired)).toBeNull();
    expect(
      await database.db
        .select()
        .from(sessions)
        .where(eq(sessions.id, sessionIdFromToken(expired))),
    ).toHaveLength(0);

    const live = generateSessionToken();
    await createSession(database.db, live, user.id);
    await database.db.update(users).set({ active: false }).where(eq(users.id, user.id));
    expect(await validateSessionToken(database.db, live)).toBeNull();
  });

  it('stops concurrent API token creations at the per-person limit', async () => {
    const user = await requester();
    const create = (i: number) =>
      createApiToken(database.db, { userId: user.id, name: `script ${i}`, scopes: ['read'], expiresInDays: 1 }, 3).then(
        () => 'created',
        (error: unknown) => (error instanceof TooManyApiTokens ? 'refused' : Promise.reject(error)),
      );
    const outcomes = await Promise.all(Array.from({ length: 8 }, (_, i) => create(i)));
    expect(outcomes.filter((outcome) => outcome === 'created')).toHaveLength(3);
    expect(await database.db.$count(apiTokens, eq(apiTokens.userId, user.id))).toBe(3);
  });

  it('reserves one ticket number per requester and idempotency key, however often it is asked', async () => {
    const user = await requester();
    const reserve = () => database.db.insert(ticketIntake).values({ requesterId: user.id, idempotencyKey: 'same-key-123' }).onConflictDoNothing().returning();
    const results = await Promise.all([reserve(), reserve(), reserve()]);
    expect(results.flat()).toHaveLength(1);
    const rows = await database.db.select().from(ticketIntake).where(eq(ticketIntake.requesterId, user.id));
    expect(rows).toHaveLength(1);
  });

  it('applies a lifecycle change once, even when the same activity runs twice at the same time', async () => {
    const user = await requester();
    const [intake] = await database.db.insert(ticketIntake).values({ requesterId: user.id, idempotencyKey: 'change-once-1' }).returning();
    const activities = createActivities({ db: database.db });
    await activities.insertTicket({ ticketId: intake!.id, number: intake!.number, title: 'Broken dock', description: 'USB-C dock dead', urgency: 'low', requesterId: user.id, dedupeKey: 'w#created' });
    const change = {
      ticketId: intake!.id,
      seq: 1,
      dedupeKey: 'w#1',
      kind: 'triaged' as const,
      set: { status: 'triaged' as const, priority: 'high' as const },
      actorId: null,
      source: 'workflow' as const,
    };
    await Promise.all([activities.applyTicketChange(change), activities.applyTicketChange(change)]);
    const events = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, intake!.id));
    expect(events.map((e) => `${e.kind}:${e.field ?? ''}`).sort()).toEqual(['created:', 'triaged:priority', 'triaged:status']);
    const [row] = await database.db.select().from(tickets).where(eq(tickets.id, intake!.id));
    expect(row).toMatchObject({ status: 'triaged', priority: 'high', lifecycleSeq: 1 });
  });
});

describe('on PostgreSQL, a connection dropped mid-transaction', () => {
  it('fails that transaction with an error, logs it, does not take the process down, and the next query reconnects', async () => {
    const logged: { fields: Record<string, unknown>; message: string }[] = [];
    const database = await postgres.open({ logger: { warn: (fields, message) => void logged.push({ fields, message }) } });
    // Both drivers answer raw SQL with { rows }; Deskflow's Db type leaves the result open.
    const rows = async <T>(query: SQL) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows;
    try {
      // The backend dies while the transaction waits on it, as in a database restart or failover.
      const inFlight = database.db.transaction(async (tx) => {
        await tx.execute(sql`select pg_sleep(30) /* deskflow-dropped-tx */`);
      });
      const outcome = inFlight.then(
        () => 'committed',
        (error: unknown) => error,
      );
      await expect
        .poll(async () => (await rows<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where query like '%deskflow-dropped-tx%' and pid <> pg_backend_pid()`))[0]!.n, {
          timeout: 10_000,
        })
        .toBe(1);
      await database.db.execute(sql`select pg_terminate_backend(pid) from pg_stat_activity where query like '%deskflow-dropped-tx%' and pid <> pg_backend_pid()`);
      // Drizzle reports the failed rollback; the dropped connection is in its cause, which the API
      // answers as SERVICE_UNAVAILABLE and activities retry.
      const failure = await outcome;
      expect(failure).toBeInstanceOf(Error);
      expect(isUnavailable(failure)).toBe(true);
      // The dead connection's 'error' event (unhandled, it used to crash the process here) is
      // logged, with where it happened and never the URL's credentials.
      await expect.poll(() => logged.length, { timeout: 5_000 }).toBe(1);
      expect(logged[0]!.message).toMatch(/database connection lost/);
      expect(logged[0]!.fields).toMatchObject({ err: expect.any(Error), connection: expect.stringMatching(/^checked out/), database: expect.stringMatching(/^t\d+_\d+$/) });
      expect(JSON.stringify(logged[0]!.fields)).not.toMatch(/password|postgres:\/\//);
      expect(await rows(sql`select 1 as one`)).toEqual([{ one: 1 }]);
    } finally {
      await database.close();
    }
  });
});
