/**
 * Opens Deskflow's database: PGlite embedded under DATA_DIR by default, or PostgreSQL through
 * Neon's serverless driver (Pool over WebSocket) when DATABASE_URL is set.
 */
import { chmodSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite, type PGliteOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { Pool, neonConfig, type PoolClient } from '@neondatabase/serverless';
import type { ExtractTablesWithRelations } from 'drizzle-orm';
import { drizzle as drizzleNeon } from 'drizzle-orm/neon-serverless';
import { migrate as migrateNeon } from 'drizzle-orm/neon-serverless/migrator';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { pino } from 'pino';
import ws from 'ws';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = PgTransaction<PgQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir: string | undefined /* undefined = in memory */ }
  | { kind: 'postgres'; url: string; wsProxy?: string | undefined; maxConnections?: number; logger?: ConnectionErrorLogger };

/** Where a pooled connection's errors go: the process's pino logger fits (by default one named deskflow-db). */
export type ConnectionErrorLogger = { warn(fields: Record<string, unknown>, message: string): void };

export type Database = {
  db: Db;
  kind: DatabaseOptions['kind'];
  /** Runs pending migrations from db/migrations. */
  migrate(): Promise<void>;
  /** A cheap round trip, for readiness checks. */
  ping(): Promise<void>;
  close(): Promise<void>;
};

const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.kind === 'pglite') {
    if (!options.dataDir) return wrapPglite(await createPglite());
    // Database files are nobody else's business; DATA_DIR itself too if this creates it.
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(options.dataDir, 0o700);
    const unlock = lockPgliteDir(options.dataDir);
    try {
      const database = wrapPglite(await createPglite({ dataDir: options.dataDir }));
      return { ...database, close: () => database.close().finally(unlock) };
    } catch (error) {
      unlock();
      throw error;
    }
  }
  configureNeon(options.wsProxy);
  const pool = new Pool({ connectionString: options.url, max: options.maxConnections ?? 10 });
  // A connection dying (server restart, failover, proxy gone) must not crash the process. The pool
  // hears about it only while the client is idle; while one is checked out (a transaction) its
  // 'error' event has no listener unless we add one for the connection's whole life. The query in
  // flight fails with the error either way, and the pool discards the client and reconnects; the
  // error is logged here once per connection (the pool re-emits an idle client's error: not again).
  const logger = options.logger ?? pino({ name: 'deskflow-db', level: process.env.LOG_LEVEL || 'info' });
  const server = serverOf(options.url);
  const checkedOut = new WeakSet<PoolClient>();
  pool.on('acquire', (client: PoolClient) => checkedOut.add(client));
  pool.on('release', (_error: unknown, client: PoolClient) => checkedOut.delete(client));
  pool.on('error', () => undefined);
  pool.on('connect', (client: PoolClient) =>
    client.on('error', (error: Error) =>
      logger.warn(
        {
          err: error,
          ...server,
          connection: checkedOut.has(client) ? 'checked out (its query fails with this error)' : 'idle in the pool',
          pool: { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount },
        },
        'database connection lost; the pool discards it and reconnects on demand',
      ),
    ),
  );
  const db = drizzleNeon(pool, { schema });
  return {
    db: db as unknown as Db,
    kind: 'postgres',
    migrate: () => migrateNeon(db, { migrationsFolder }),
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

/** A PGlite with the extensions Deskflow's migrations create (pgvector for semantic search). */
export function createPglite(options: Omit<PGliteOptions, 'extensions'> = {}): Promise<PGlite> {
  return PGlite.create({ ...options, extensions: { vector } });
}

/** Deskflow's database API over an open PGlite instance (also used to open copies of a snapshot). */
export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client, { schema });
  return {
    db: db as unknown as Db,
    kind: 'pglite',
    migrate: () => migratePglite(db, { migrationsFolder }),
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

/**
 * PGlite takes no lock of its own, and two processes writing one folder corrupt it (npm start and
 * admin:create, say): a `<folder>.lock` file holds the owner's pid; a dead owner's lock is taken over.
 */
function lockPgliteDir(dataDir: string): () => void {
  const file = `${dataDir}.lock`;
  const pid = String(process.pid);
  for (;;) {
    try {
      writeFileSync(file, pid, { flag: 'wx', mode: 0o600 });
      return () => {
        try {
          if (readFileSync(file, 'utf8') === pid) unlinkSync(file);
        } catch {
          // gone already
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
    if (holder > 0 && processAlive(holder))
      throw new DatabaseInUseError(`the embedded database in ${dataDir} is open in another process (pid ${holder}, npm start?): stop it first (or delete ${file} if no Deskflow runs)`);
    unlinkSync(file);
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Host, port and database of a connection URL for logs; never its credentials. */
function serverOf(url: string): { host?: string; database?: string } {
  try {
    const parsed = new URL(url);
    return { host: parsed.host, database: decodeURIComponent(parsed.pathname.slice(1)) || undefined };
  } catch {
    return {};
  }
}

/**
 * Node 20 has no global WebSocket. Against Neon itself the defaults are right; in front of a
 * plain PostgreSQL, Neon's wsproxy speaks unencrypted WebSocket and pipelining must be off.
 */
function configureNeon(wsProxy: string | undefined) {
  neonConfig.webSocketConstructor = ws;
  if (wsProxy) {
    neonConfig.wsProxy = (host, port) => `${wsProxy}/v1?address=${host}:${port}`;
    neonConfig.useSecureWebSocket = false;
    neonConfig.pipelineTLS = false;
    neonConfig.pipelineConnect = false;
  }
}

export function databaseOptionsFromSettings(settings: { DATABASE_URL?: string | undefined; NEON_WS_PROXY?: string | undefined; DATA_DIR: string }, logger?: ConnectionErrorLogger): DatabaseOptions {
  return settings.DATABASE_URL
    ? { kind: 'postgres', url: settings.DATABASE_URL, wsProxy: settings.NEON_WS_PROXY, ...(logger && { logger }) }
    : { kind: 'pglite', dataDir: join(settings.DATA_DIR, 'pglite') };
}
