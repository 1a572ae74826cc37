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
import { defaultSentenceModelDir } from '../lib/sentence-model';
import { ensureTemporalCli } from '../scripts/tools';
import { searchAttributes } from '../temporal.config';
import { freePort } from '../lib/ports';
import { freshPglite } from './databases';
import type { MailSettings } from '../worker/mail/transport';
import type { AiProvider } from '../worker/ai/provider';
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

/**
 * `mail`: the worker sends the outbox's mail there (e.g. dev-support/mailpit.ts); without it queued mail is not sent.
 * `model`: an external AI provider for the worker (e.g. over dev-support/recorded-llm.ts); without it every AI step is offline.
 */
export async function startStack(options: { database?: Database; env?: TestWorkflowEnvironment; mail?: Omit<MailSettings, 'publicUrl'>; model?: AiProvider } = {}) {
  const env = options.env ?? (await startDevServer());
  const database = options.database ?? (await freshPglite());
  await seedDemo(database.db, TEST_PASSWORD);
  const taskQueue = `deskflow-test-${crypto.randomUUID()}`;
  const logger = createLogger('silent');
  // The API's address is known before it listens, so the worker's mail links can point at it.
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const mail = options.mail ? { ...options.mail, publicUrl: url, ratingLinkSecret: ROOM_SECRET } : undefined;
  const worker: Worker = await createDeskflowWorker({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    db: database.db,
    temporal: env.client,
    mail,
    model: options.model,
    sentenceModelDir: process.env.SENTENCE_MODEL_DIR ?? defaultSentenceModelDir(),
  });
  const workerRun = worker.run();
  const app = createApp({
    db: database.db,
    temporal: env.client,
    taskQueue,
    roomTokenSecret: ROOM_SECRET,
    roomsUrl: 'http://127.0.0.1:1',
    logger,
    ping: database.ping,
    ...(options.mail && { config: { publicUrl: url, appUrl: options.mail.appUrl } }),
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  if ((server.address() as AddressInfo).port !== port) throw new Error('the API took another port');

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
