/** Runs `npm start`'s entry (scripts/start.ts) as a real process group, as a terminal would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export { freePort, portIsFree } from '../../lib/ports';

export type StartedProcess = {
  child: ChildProcess;
  output: () => string;
  stderr: () => string;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
  /** Ctrl-C: SIGINT to the whole process group. */
  interrupt(): void;
};

export function runStart(env: Record<string, string | undefined>): StartedProcess {
  // Exactly what `npm start` runs: one Node process with tsx's loader, so Ctrl-C reaches our handler.
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.ts'], { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    output: () => stdout,
    stderr: () => stderr,
    exited,
    interrupt: () => {
      try {
        process.kill(-child.pid!, 'SIGINT');
      } catch {
        // already gone
      }
    },
  };
}

export async function waitForOutput(started: StartedProcess, text: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!started.output().includes(text)) {
    if (started.child.exitCode !== null) throw new Error(`start exited early (${started.child.exitCode}):\n${started.output()}\n${started.stderr()}`);
    if (Date.now() > deadline) throw new Error(`no "${text}" within ${timeoutMs} ms:\n${started.output()}\n${started.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
