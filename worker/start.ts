/**
 * Starting a Deskflow worker, for both `npm start` (scripts/start.ts, beside the API) and
 * `npm run worker` (worker/main.ts, standalone): the Temporal connections, the search attributes
 * and schedules, the rooms notifier for live events, the workflow bundle, and the running worker.
 */
import { readFileSync } from 'node:fs';
import type { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import type { Db } from '../db/client';
import type { AiModelSettings } from '../deskflow.config';
import type { TemporalSettings } from '../temporal.config';
import { createOpenAICompatibleProvider } from './ai/openai-compatible-provider';
import type { MailSettings } from './mail/transport';
import { createRoomsNotifier } from './rooms-notifier';
import type { MailboxDeps } from './activities/mailbox';
import { ensureMailboxWorkflows } from './mailboxes';
import { ensureMisuseSchedule, ensureReportSubscriptionSchedules, ensureSchedules } from './schedules';
import { ensureSearchAttributes } from './search-attributes';
import { connectClient, connectWorker } from './temporal-connections';
import { createDeskflowWorker } from './worker';

export type StartWorkerOptions = {
  temporal: TemporalSettings & { address: string };
  db: Db;
  /** A client already connected (npm start shares the API's); connected here otherwise. */
  connected?: { client: Client; connection: Connection };
  /** Register the search attributes (on an existing server; the embedded dev server starts with them). */
  registerSearchAttributes: boolean;
  /** Where live events go; none: the worker runs without them. */
  rooms?: { roomsUrl: string; internalSecret: string };
  /** IMAP mailboxes (MAIL_IMAP_URL) to watch, each by a workflow of its own, and the API's internal listener their mail goes to. */
  inbound?: MailboxDeps;
  /** A prebuilt workflow bundle file (DESKFLOW_WORKFLOW_BUNDLE); bundled at start otherwise. */
  workflowBundlePath?: string;
  /** Outgoing mail: SMTP_URL (or the embedded Mailpit), sender, link origins. */
  mail?: MailSettings;
  /** The model endpoint of the AI features (AI_BASE_URL…); none: offline. */
  ai?: AiModelSettings | null;
  /** The sentence model's folder (settings.sentenceModelDir): ticket embeddings for similar tickets and the misuse report. */
  sentenceModelDir?: string;
  log: (line: string) => void;
};

export type StartedWorker = {
  client: Client;
  connection: Connection;
  worker: Worker;
  liveEvents: boolean;
  /** Settles when the worker has stopped. */
  running: Promise<void>;
  /** Finishes the tasks in hand, then stops. */
  stop(): Promise<void>;
};

export async function startWorker(options: StartWorkerOptions): Promise<StartedWorker> {
  const { temporal } = options;
  const { client, connection } = options.connected ?? (await connectClient(temporal));
  if (options.registerSearchAttributes) await ensureSearchAttributes(connection, temporal.namespace, options.log);
  await ensureSchedules(client, temporal.taskQueue, options.log);
  await ensureMisuseSchedule(client, options.db, temporal.taskQueue, options.log);
  await ensureReportSubscriptionSchedules(client, options.db, temporal.taskQueue, options.log);

  const notifier = options.rooms ? createRoomsNotifier(options.rooms) : undefined;
  const worker = await createDeskflowWorker({
    connection: await connectWorker(temporal),
    namespace: temporal.namespace,
    taskQueue: temporal.taskQueue,
    db: options.db,
    temporal: client,
    notifier,
    inbound: options.inbound,
    workflowCode: options.workflowBundlePath ? readFileSync(options.workflowBundlePath, 'utf8') : undefined,
    mail: options.mail,
    model: options.ai ? createOpenAICompatibleProvider(options.ai) : undefined,
    sentenceModelDir: options.sentenceModelDir,
  });
  const running = worker.run();
  if (options.inbound && options.inbound.mailboxes.length > 0)
    await ensureMailboxWorkflows(
      client,
      temporal.taskQueue,
      options.inbound.mailboxes.map((m) => m.key),
      options.log,
    );
  return {
    client,
    connection,
    worker,
    liveEvents: Boolean(notifier),
    running,
    async stop() {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    },
  };
}
