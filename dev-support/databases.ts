/**
 * The two databases Deskflow runs on, for tests that must hold on both: embedded PGlite and a
 * real PostgreSQL reached the production way, through Neon's serverless driver and wsproxy.
 */
import { Pool } from '@neondatabase/serverless';
import { createPglite, openDatabase, wrapPglite, type ConnectionErrorLogger, type Database } from '../db/client';
import { neonConfigFor, startPostgres, startWsproxy, type PostgresHandle, type WsproxyHandle } from '../scripts/pg';

export type DatabaseKind = {
  name: string;
  /** A fresh, migrated, empty database (on PostgreSQL, its connections' errors go to `logger` when given). */
  open(options?: { logger?: ConnectionErrorLogger }): Promise<Database>;
  stop(): Promise<void>;
};

let pgliteTemplate: Promise<Blob> | undefined;

/** A fresh in-memory PGlite with every migration applied, copied from a snapshot made once per test process. */
export async function freshPglite(): Promise<Database> {
  pgliteTemplate ??= (async () => {
    const client = await createPglite();
    await wrapPglite(client).migrate();
    const snapshot = await client.dumpDataDir('none');
    await client.close();
    return snapshot;
  })();
  return wrapPglite(await createPglite({ loadDataDir: await pgliteTemplate }));
}

export const pgliteKind: DatabaseKind = { name: 'PGlite', open: freshPglite, async stop() {} };

/** One PostgreSQL cluster and proxy per test file; each open() creates a new database in it. */
export function postgresKind(): DatabaseKind {
  let server: Promise<{ pg: PostgresHandle; proxy: WsproxyHandle }> | undefined;
  let count = 0;
  const boot = () =>
    (server ??= (async () => {
      const pg = await startPostgres();
      const proxy = await startWsproxy({ pgPort: pg.port });
      neonConfigFor(proxy.wsProxyHost);
      return { pg, proxy };
    })());
  return {
    name: 'PostgreSQL via the Neon driver',
    async open(options) {
      const { pg, proxy } = await boot();
      const name = `t${process.pid}_${++count}`;
      const admin = new Pool({ connectionString: pg.url });
      await admin.query(`create database ${name}`);
      await admin.end();
      const url = new URL(pg.url);
      url.pathname = `/${name}`;
      const database = await openDatabase({ kind: 'postgres', url: url.toString(), wsProxy: proxy.wsProxyHost, ...(options?.logger && { logger: options.logger }) });
      await database.migrate();
      return database;
    },
    async stop() {
      if (!server) return;
      const { pg, proxy } = await server;
      await proxy.stop();
      await pg.stop();
    },
  };
}
