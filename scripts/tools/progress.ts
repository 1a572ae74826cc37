/**
 * What provisioning shows: progress lines (a heartbeat with elapsed time and a count while a
 * long build runs) and ToolError, whose one-line message says what is missing and how to fix it.
 */
import { spawn } from 'node:child_process';

/** A provisioning problem whose message is one line: what is wrong and how to fix it. */
export class ToolError extends Error {
  override name = 'ToolError';
}

export interface EnsureOptions {
  /** Progress lines; defaults to stderr with a `[tools]` prefix. */
  log?: (line: string) => void;
  /** Link the binary from `.tools/` in the project (default true). */
  link?: boolean;
}

export const defaultLog = (line: string): void => {
  process.stderr.write(`[tools] ${line}\n`);
};

export function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  label: string;
  log: (line: string) => void;
  /** Lines that count as progress, e.g. packages compiled or artifacts downloaded. */
  progress?: { match: RegExp; unit: string };
  heartbeatMs?: number;
}

/**
 * Runs a long command, keeping its output (the tail is shown on failure) and printing a
 * heartbeat line every ~10 s with the elapsed time and a progress count.
 */
export function runWithProgress(cmd: string, args: string[], opts: RunOptions): Promise<{ ms: number; output: string }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const tail: string[] = [];
    let count = 0;
    let last = '';
    let partial = '';
    const onData = (chunk: Buffer): void => {
      const text = partial + chunk.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      for (const raw of lines) {
        const line = raw.trimEnd();
        if (!line) continue;
        tail.push(line);
        if (tail.length > 60) tail.shift();
        if (opts.progress?.match.test(line)) {
          count++;
          last = line;
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setInterval(() => {
      const what = opts.progress ? `, ${count} ${opts.progress.unit}${last ? ` (last: ${last.slice(0, 90)})` : ''}` : '';
      opts.log(`${opts.label}: still working, ${fmtSeconds(Date.now() - started)} elapsed${what}`);
    }, opts.heartbeatMs ?? 10_000);
    timer.unref();
    child.on('error', (err) => {
      clearInterval(timer);
      reject(new ToolError(`${opts.label}: could not run ${cmd}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearInterval(timer);
      if (partial) tail.push(partial);
      const ms = Date.now() - started;
      if (code === 0) {
        resolve({ ms, output: tail.join('\n') });
        return;
      }
      const err = new ToolError(`${opts.label} failed (${signal ? `signal ${signal}` : `exit ${code}`}) after ${fmtSeconds(ms)}: ${tail.slice(-3).join(' | ').slice(0, 400) || 'no output'}`);
      (err as ToolError & { output?: string }).output = tail.join('\n');
      reject(err);
    });
  });
}
