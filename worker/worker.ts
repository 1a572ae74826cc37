/** Builds the Deskflow worker: ticket workflows plus their activities on one task queue. */
import { fileURLToPath } from 'node:url';
import type { Client } from '@temporalio/client';
import { IllegalStateError } from '@temporalio/common';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type LogLevel, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Db } from '../db/client';
import { createActivities, type Notifier } from './activities';
import type { MailboxDeps } from './activities/mailbox';
import type { AiProvider } from './ai/provider';
import { createMailTransport, type MailSettings } from './mail/transport';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/**
 * The SDK logs every worker state change at INFO; Deskflow wants its own output readable. Once per
 * process; if something (a test environment) already created the runtime, that one stays.
 */
export function installTemporalRuntime(level: LogLevel = 'WARN'): void {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({ logger: new DefaultLogger(level) });
  } catch (error) {
    if (!(error instanceof IllegalStateError)) throw error;
  }
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/**
 * Bundles the workflow code once per process (webpack takes a few seconds). Every cached workflow evaluates its own
 * copy of each module in the bundle, so the ES modules are concatenated into one scope (webpack's scope hoisting):
 * ~30 KB less per cached ticket than one wrapper, export table and getter set per module (bench/README.md).
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  installTemporalRuntime();
  bundle ??= bundleWorkflowCode({
    workflowsPath,
    logger: Runtime.instance().logger,
    webpackConfigHook: (config) => ({ ...config, optimization: { ...config.optimization, concatenateModules: true } }),
  });
  return bundle;
}

export type WorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
  /** Live events into the rooms (worker/rooms-notifier.ts); none when rooms are not configured. */
  notifier?: Notifier;
  /** A client for the maintenance activities (the sla-reconcile schedule signals ticket workflows). */
  temporal: Client;
  /** AI steps; the shipped offline provider by default. */
  ai?: AiProvider;
  /** Outgoing mail (SMTP_URL, or the embedded Mailpit); none: queued mail is not sent by this worker. */
  mail?: MailSettings;
  /** Prebuilt workflow code (e.g. from a deploy step); bundled on start otherwise. */
  workflowCode?: string;
  /** IMAP mailboxes to watch (MAIL_IMAP_URL) and where to hand their mail; none: mailbox workflows have nothing to do. */
  inbound?: MailboxDeps;
  /** Ticket workflows kept in memory between tasks (each ~0.5-1 MB); others are replayed from history when they wake. */
  maxCachedWorkflows?: number;
  /** The sentence model's folder for knowledge base embeddings (settings.sentenceModelDir); the default cache otherwise. */
  sentenceModelDir?: string;
};

/** Keeps a worker holding 10,000 open tickets under 1.5 GiB (see bench/README.md, Timers). */
export const DEFAULT_MAX_CACHED_WORKFLOWS = 1000;

export async function createDeskflowWorker(options: WorkerOptions): Promise<Worker> {
  installTemporalRuntime();
  // One SMTP transport per worker, shared by every delivery activity.
  const mail = options.mail ? createMailTransport(options.mail) : undefined;
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: options.workflowCode ? { code: options.workflowCode } : await workflowBundle(),
    maxCachedWorkflows: options.maxCachedWorkflows ?? DEFAULT_MAX_CACHED_WORKFLOWS,
    activities: createActivities({
      db: options.db,
      notifier: options.notifier,
      temporal: options.temporal,
      ai: options.ai,
      mail,
      inbound: options.inbound,
      sentenceModelDir: options.sentenceModelDir,
    }),
  });
}
