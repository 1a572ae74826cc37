/**
 * Start-up steps shared by `npm start` and `npm run admin:create`: the data folder, the
 * generated secrets kept in it, the database opened and migrated, the demo organisation.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, eq } from 'drizzle-orm';
import { databaseOptionsFromSettings, openDatabase, type ConnectionErrorLogger, type Database, type Db } from '../db/client';
import { users } from '../db/schema';
import { seedDemo } from '../db/seed';
import type { SentenceEmbedder } from '../lib/sentence-embedder';
import { ConfigError, type DeskflowSettings } from '../deskflow.config';

export type Secrets = { roomTokenSecret: string; internalSecret: string };

/** DATA_DIR holds the embedded database and the secrets: its owner only (0700), also when it exists already. */
export function prepareDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) === 0) return;
  try {
    chmodSync(dir, 0o700);
  } catch (error) {
    throw new ConfigError(
      `DATA_DIR ${dir} is readable by other users and cannot be made private (${(error as NodeJS.ErrnoException).code ?? String(error)}): chmod 700 it as its owner, or point DATA_DIR at a folder of your own`,
    );
  }
}

export function loadSecrets(settings: Pick<DeskflowSettings, 'DATA_DIR' | 'ROOM_TOKEN_SECRET' | 'INTERNAL_API_SECRET'>): Secrets {
  // Embedded mode keeps generated secrets beside the data, so tokens survive a restart.
  const file = join(settings.DATA_DIR, 'secrets.json');
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Record<keyof Secrets, string>>) : {};
  const secrets = {
    roomTokenSecret: settings.ROOM_TOKEN_SECRET ?? stored.roomTokenSecret ?? randomBytes(32).toString('hex'),
    internalSecret: settings.INTERNAL_API_SECRET ?? stored.internalSecret ?? randomBytes(32).toString('hex'),
  };
  // `mode` applies only when the file is created: an older or copied file is tightened too.
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  chmodSync(file, 0o600);
  return secrets;
}

type SeedSettings = Pick<DeskflowSettings, 'SEED_DEMO' | 'DATABASE_URL' | 'DEMO_PASSWORD'>;

/**
 * The demo organisation signs in with a known password: by default it goes only into the
 * embedded database; DATABASE_URL gets it only with SEED_DEMO=always (and a DEMO_PASSWORD of its
 * own, which deskflow.config.ts enforces).
 */
export function demoSeedWanted(settings: SeedSettings): boolean {
  return settings.SEED_DEMO === 'always' || (settings.SEED_DEMO === 'auto' && !settings.DATABASE_URL);
}

/** Opens the database npm start uses (DATABASE_URL, or PGlite under DATA_DIR) and applies pending migrations. */
export async function openMigratedDatabase(settings: Pick<DeskflowSettings, 'DATABASE_URL' | 'NEON_WS_PROXY' | 'DATA_DIR'>, logger?: ConnectionErrorLogger): Promise<Database> {
  const database = await openDatabase(databaseOptionsFromSettings(settings, logger));
  try {
    await database.migrate();
  } catch (error) {
    await database.close().catch(() => undefined);
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new ConfigError(`cannot migrate the database (${reason}): check DATABASE_URL${settings.NEON_WS_PROXY ? ' and NEON_WS_PROXY' : ''}`);
  }
  return database;
}

/** Seeds the demo organisation into an empty database when wanted; returns whether it did. */
export async function seedDemoStep(db: Db, settings: SeedSettings, embedder?: SentenceEmbedder): Promise<boolean> {
  return demoSeedWanted(settings) && (await seedDemo(db, settings.DEMO_PASSWORD, { embedder }));
}

export async function hasActiveAdmin(db: Db): Promise<boolean> {
  const [admin] = await db
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, 'admin'), eq(users.active, true)))
    .limit(1);
  return Boolean(admin);
}
