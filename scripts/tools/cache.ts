/**
 * Where pinned tools are cached (per user, one folder per tool and version), the links from
 * the project's `.tools/`, and the lock that serialises provisioning one tool across processes.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmtSeconds } from './progress';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export { cacheRoot, toolDir } from '../../lib/cache-dir';

/** Replaces `dest` with a symlink to `target` (atomically). Best effort. */
export function linkInto(name: string, target: string): void {
  try {
    const dir = path.join(PROJECT_ROOT, '.tools');
    fs.mkdirSync(dir, { recursive: true });
    const dest = path.join(dir, name);
    const tmp = `${dest}.${process.pid}.${randomBytes(3).toString('hex')}`;
    fs.symlinkSync(target, tmp);
    fs.renameSync(tmp, dest);
  } catch {
    // a convenience only
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes `<prefix><pid>-…` leftovers in `dir` whose process is gone (killed mid-build). */
export function removeStale(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length).split('-')[0]);
    if (Number.isInteger(pid) && pid > 0 && !pidAlive(pid)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Serialises provisioning of one tool across processes (npm start, a test run and CI may
 * start together on 2 cores): a lock file holding the owner's pid, taken over when stale.
 * `isDone` is re-checked after waiting, so the waiter reuses the other process's result.
 */
export async function withLock<T>(lockFile: string, label: string, log: (line: string) => void, isDone: () => T | undefined, fn: () => Promise<T>): Promise<T> {
  fs.mkdirSync(path.dirname(lockFile), { recursive: true });
  let announced = false;
  const waitStarted = Date.now();
  let lastBeat = waitStarted;
  for (;;) {
    try {
      fs.writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number(fs.readFileSync(lockFile, 'utf8').trim());
      if (!owner || !pidAlive(owner)) {
        fs.rmSync(lockFile, { force: true });
        continue;
      }
      if (!announced) {
        log(`${label}: another process (pid ${owner}) is provisioning it; waiting`);
        announced = true;
      } else if (Date.now() - lastBeat >= 10_000) {
        lastBeat = Date.now();
        log(`${label}: still waiting for pid ${owner}, ${fmtSeconds(lastBeat - waitStarted)} elapsed`);
      }
      await sleep(2000);
      const done = isDone();
      if (done !== undefined) return done;
    }
  }
  try {
    const done = isDone();
    return done !== undefined ? done : await fn();
  } finally {
    fs.rmSync(lockFile, { force: true });
  }
}
