/**
 * The demo organisation signs in with a published password, so it belongs in the embedded
 * database only: with DATABASE_URL nothing is seeded unless SEED_DEMO=always, and then not
 * with the default password.
 */
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { ConfigError, deskflowSettings } from '../../deskflow.config';
import { seedDemoStep } from '../../scripts/startup';
import { freshPglite, postgresKind } from '../../dev-support/databases';

const postgres = postgresKind();
afterAll(() => postgres.stop());

const DATABASE_URL = 'postgres://deskflow:secret@db.example.com:5432/deskflow';

async function userCount(database: Database): Promise<number> {
  const [row] = await database.db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row!.n;
}

async function seededWith(database: Database, env: Record<string, string>) {
  try {
    return { seeded: await seedDemoStep(database.db, deskflowSettings(env)), users: await userCount(database) };
  } finally {
    await database.close();
  }
}

describe('seeding the demo organisation at start-up', () => {
  it('seeds the embedded PGlite database by default (SEED_DEMO=auto)', async () => {
    expect(await seededWith(await freshPglite(), {})).toEqual({ seeded: true, users: expect.any(Number) as number });
  });

  it('seeds nothing into PostgreSQL (DATABASE_URL) with SEED_DEMO=auto, or with never', async () => {
    expect(await seededWith(await postgres.open(), { DATABASE_URL })).toEqual({ seeded: false, users: 0 });
    expect(await seededWith(await postgres.open(), { DATABASE_URL, SEED_DEMO: 'never', DEMO_PASSWORD: 'a-private-demo-password' })).toEqual({ seeded: false, users: 0 });
  });

  it('seeds PostgreSQL only when SEED_DEMO=always says so, with a password of its own', async () => {
    const result = await seededWith(await postgres.open(), { DATABASE_URL, SEED_DEMO: 'always', DEMO_PASSWORD: 'a-private-demo-password' });
    expect(result.seeded).toBe(true);
    expect(result.users).toBeGreaterThan(5);
  });

  it('refuses the default demo password with DATABASE_URL, named in one line', () => {
    for (const env of [
      { DATABASE_URL, SEED_DEMO: 'always' },
      { DATABASE_URL, SEED_DEMO: 'always', DEMO_PASSWORD: 'deskflow-demo' },
    ]) {
      let error: unknown;
      try {
        deskflowSettings(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/^DEMO_PASSWORD: /);
      expect((error as Error).message).not.toContain('\n');
    }
    // The embedded database keeps the published default (Quick start).
    expect(deskflowSettings({ SEED_DEMO: 'always' }).DEMO_PASSWORD).toBe('deskflow-demo');
  });
});
