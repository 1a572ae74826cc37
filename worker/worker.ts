/** Builds the Deskflow worker: ticket workflows plus their activities on one task queue. */
import { fileURLToPath } from 'node:url';
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker, type LogLevel, type NativeConnection, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { Db } from '../db/client';
import { createActivities } from './activities';

export const workflowsPath = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let runtimeInstalled = false;

/** The SDK logs every worker state change at INFO; Deskflow wants its own output readable. Once per process. */
export function installTemporalRuntime(level: LogLevel = 'WARN'): void {
  if (runtimeInstalled) return;
  Runtime.install({ logger: new DefaultLogger(level) });
  runtimeInstalled = true;
}

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles the workflow code once per process (webpack takes a few seconds). */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  installTemporalRuntime();
  bundle ??= bundleWorkflowCode({ workflowsPath, logger: Runtime.instance().logger });
  return bundle;
}

export type WorkerOptions = {
  connection: NativeConnection;
  namespace: string;
  taskQueue: string;
  db: Db;
};

export async function createDeskflowWorker(options: WorkerOptions): Promise<Worker> {
  installTemporalRuntime();
  return Worker.create({
    connection: options.connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: createActivities({ db: options.db }),
  });
}
