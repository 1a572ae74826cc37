/**
 * The production driver path end to end on this machine: a real PostgreSQL, Neon's
 * WebSocket proxy in front of it, `@neondatabase/serverless`'s Pool and drizzle's
 * neon-serverless adapter on top (scripts/pg.ts).
 */
import { Pool } from '@neondatabase/serverless';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-serverless';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { neonConfigFor, startPostgres, startWsproxy, type PostgresHandle, type WsproxyHandle } from '../../scripts/pg';

let pg: PostgresHandle | undefined;
let proxy: WsproxyHandle | undefined;
let pool: Pool | undefined;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Opens a WebSocket through the proxy to `address` and reports the HTTP status of the upgrade. */
function upgradeStatus(wsProxyHost: string, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = new WebSocket(`ws://${wsProxyHost}/v1?address=${encodeURIComponent(address)}`);
    sock.on('open', () => {
      sock.terminate();
      resolve(101);
    });
    sock.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      sock.terminate();
    });
    sock.on('error', reject);
  });
}

beforeAll(async () => {
  pg = await startPostgres();
  proxy = await startWsproxy({ pgPort: pg.port });
  neonConfigFor(proxy.wsProxyHost);
  pool = new Pool({ connectionString: pg.url, max: 2 });
}, 180_000); // a first run may build the proxy with Go

afterAll(async () => {
  await pool?.end();
  await proxy?.stop();
  await pg?.stop();
  for (const pid of [proxy?.pid, pg?.pid]) if (pid !== undefined) expect(alive(pid)).toBe(false);
});

describe('Postgres through the Neon WebSocket proxy', () => {
  it('runs select 1 via Pool and via drizzle', async () => {
    const { rows } = await pool!.query<{ one: number }>('select 1 as one');
    expect(rows).toEqual([{ one: 1 }]);
    const db = drizzle({ client: pool! });
    const result = await db.execute<{ two: number }>(sql`select 1 + 1 as two`);
    expect(result.rows[0]?.two).toBe(2);
  });

  it('commits and rolls back transactions', async () => {
    const db = drizzle({ client: pool! });
    await db.execute(sql`create table harness_items (id serial primary key, name text not null unique)`);
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into harness_items (name) values ('kept')`);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.execute(sql`insert into harness_items (name) values ('discarded')`);
        await tx.execute(sql`insert into harness_items (name) values ('kept')`); // unique violation
      }),
    ).rejects.toThrow();
    const { rows } = await db.execute<{ name: string }>(sql`select name from harness_items order by id`);
    expect(rows.map((r) => r.name)).toEqual(['kept']);
  });

  it('refuses to proxy anywhere but the allowed loopback Postgres', async () => {
    const host = proxy!.wsProxyHost;
    expect(await upgradeStatus(host, `127.0.0.1:${pg!.port}`)).toBe(101);
    // All rejected by ALLOW_ADDR_REGEX before any dial (and 127.0.0.2 is loopback anyway).
    expect(await upgradeStatus(host, `127.0.0.2:${pg!.port}`)).toBe(400);
    expect(await upgradeStatus(host, `127.0.0.1:${pg!.port + 1}`)).toBe(400);
    expect(await upgradeStatus(host, `db.deskflow.invalid:5432`)).toBe(400);
    expect(await upgradeStatus(host, `127.0.0.1:${pg!.port}.deskflow.invalid:5432`)).toBe(400);

    const other = new Pool({ connectionString: `postgres://deskflow:${pg!.password}@127.0.0.2:${pg!.port}/deskflow`, connectionTimeoutMillis: 5000 });
    other.on('error', () => {});
    await expect(other.query('select 1')).rejects.toThrow();
    await other.end().catch(() => {});
  });
});
