/**
 * The API (api/app.ts) over real HTTP for the lifecycle tests, on the database, Temporal client
 * and task queue the test brings, with rate limits high enough that the tests are not what gets
 * limited.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { createApp } from '../../api/app';
import { createDeskflowClient } from '../../api/client';
import type { AppDeps } from '../../api/trpc';

export async function serveLifecycleApi(deps: AppDeps) {
  const app = createApp({
    ...deps,
    ping: async () => void (await deps.db.execute(sql`select 1`)),
    config: {
      rateLimit: { capacity: 10_000, refillPerSecond: 1000 },
      anonymousRateLimit: { capacity: 10_000, refillPerSecond: 1000 },
      signInRateLimit: { capacity: 10_000, refillPerSecond: 1000 },
      principalCacheSeconds: 0,
      ...deps.config,
    },
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (token?: string) => createDeskflowClient(url, token);
  return {
    url,
    client,
    async signIn(email: string, password: string) {
      const { token, user } = await client().auth.signIn.mutate({ email, password });
      return { token, user, api: client(token) };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type LifecycleApi = Awaited<ReturnType<typeof serveLifecycleApi>>;
