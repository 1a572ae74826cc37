/**
 * The whole Deskflow stack in one test process, on real components: a Temporal dev server
 * (the pinned CLI), PGlite, the worker and the API over real HTTP.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { createDeskflowClient } from '../api/client';
import type { Database } from '../db/client';
import { seedDemo } from '../db/seed';
import { createLogger } from '../lib/logger';
import { ensureTemporalCli } from '../scripts/tools';
import { searchAttributes } from '../temporal.config';
import { freshPglite } from './databases';
import { createDeskflowWorker } from '../worker/worker';

export const TEST_PASSWORD = 'correct-horse-battery';
export const ROOM_SECRET = 'test-room-secret-0123456789abcdef0123456789';

export type Stack = Awaited<ReturnType<typeof startStack>>;

export async function startDevServer() {
  const path = await ensureTemporalCli();
  return TestWorkflowEnvironment.createLocal({
    // Without a local build (no Go, but internet) the SDK downloads its own CLI.
    server: { ...(path ? { executable: { type: 'existing-path' as const, path } } : {}), ip: '127.0.0.1', searchAttributes: Object.values(searchAttributes) },
  });
}

export async function startStack(options: { database?: Database; env?: TestWorkflowEnvironment } = {}) {
  const env = options.env ?? (await startDevServer());
  const database = options.database ?? (await freshPglite());
  await seedDemo(database.db, TEST_PASSWORD);
  const taskQueue = `deskflow-test-${crypto.randomUUID()}`;
  const logger = createLogger('silent');
  const worker: Worker = await createDeskflowWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, db: database.db, temporal: env.client });
  const workerRun = worker.run();
  const app = createApp({ db: database.db, temporal: env.client, taskQueue, roomTokenSecret: ROOM_SECRET, roomsUrl: 'http://127.0.0.1:1', logger, ping: database.ping });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    env,
    database,
    db: database.db,
    taskQueue,
    client: (token?: string) => createDeskflowClient(url, token),
    async signIn(email: string) {
      const { token, user } = await createDeskflowClient(url).auth.signIn.mutate({ email, password: TEST_PASSWORD });
      return { token, user, api: createDeskflowClient(url, token) };
    },
    async stop() {
      await new Promise((resolve) => server.close(resolve));
      worker.shutdown();
      await workerRun;
      if (!options.database) await database.close();
      if (!options.env) await env.teardown();
    },
  };
}
