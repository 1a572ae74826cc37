/**
 * The standalone worker (`npm run worker`, worker/main.ts) as a child process, so fault tests can
 * SIGKILL it mid-step and start another. Its workflow bundle is built once by the test process
 * and handed over as a file, so a restart takes a second or two, not a webpack build.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { workflowBundle } from '../worker/worker';

const root = fileURLToPath(new URL('..', import.meta.url));

export type WorkerProcessEnv = {
  TEMPORAL_ADDRESS: string;
  TEMPORAL_TASK_QUEUE: string;
  DATABASE_URL: string;
  NEON_WS_PROXY: string;
};

export async function prebuiltBundle(): Promise<string> {
  const { code } = await workflowBundle();
  const file = join(mkdtempSync(join(tmpdir(), 'deskflow-bundle-')), 'workflows.js');
  writeFileSync(file, code);
  return file;
}

export type WorkerProcess = {
  child: ChildProcess;
  output: () => string;
  /** SIGKILL: no shutdown, in-flight tasks are simply lost to Temporal's timeouts. */
  kill(): Promise<void>;
  /** SIGTERM: graceful shutdown. */
  stop(): Promise<void>;
};

export async function startWorkerProcess(env: WorkerProcessEnv, bundleFile: string, timeoutMs = 60_000): Promise<WorkerProcess> {
  // node itself with tsx's loader (not the tsx CLI, which runs the script in a grandchild a SIGKILL would miss).
  const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
    cwd: root,
    env: { ...process.env, ...env, DESKFLOW_WORKFLOW_BUNDLE: bundleFile, LOG_LEVEL: 'info', ROOMS_URL: undefined, INTERNAL_API_SECRET: undefined },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes('worker ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the worker process did not become ready: ${out.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    child,
    output: () => out,
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
