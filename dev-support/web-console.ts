/**
 * Builds the web console (web/ → web/dist) with Vite when its sources changed: a hash of web/'s
 * sources, what they import from the rest of the repository and the lockfile, kept beside
 * web/dist. Used by `npm start` and the browser tests.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIR = join(repoRoot, 'web');
export const WEB_DIST = join(WEB_DIR, 'dist');
const HASH_FILE = join(WEB_DIR, '.dist-source-hash');

/** What the console's build depends on besides web/ itself. */
const SHARED_SOURCES = ['domain', 'api/client.ts', 'api/transformer.ts', 'realtime/client.ts', 'realtime/frames.ts', 'realtime/room-names.ts', 'realtime/room-state.ts', 'package-lock.json'];

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => !['dist', 'node_modules'].includes(entry.name) && !entry.name.startsWith('.'))
    .flatMap((entry) => filesUnder(join(path, entry.name)));
}

export function webSourceHash(): string {
  const hash = createHash('sha256');
  const files = [WEB_DIR, ...SHARED_SOURCES.map((p) => join(repoRoot, p))].flatMap(filesUnder).sort();
  for (const file of files) hash.update(relative(repoRoot, file)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex');
}

const run = promisify(execFile);

export type WebBuildOutcome = { kind: 'up-to-date' } | { kind: 'built'; seconds: number } | { kind: 'failed'; error: Error; previousBuild: boolean };

/** Builds the console unless the last build is of the same sources. Never throws: the API runs without a console. */
export async function ensureWebConsoleBuilt(options: { log?: (line: string) => void; force?: boolean } = {}): Promise<WebBuildOutcome> {
  const log = options.log ?? (() => undefined);
  const hash = webSourceHash();
  const built = existsSync(join(WEB_DIST, 'index.html'));
  if (!options.force && built && existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8').trim() === hash) return { kind: 'up-to-date' };
  log(built ? 'web console sources changed: rebuilding it with Vite' : 'building the web console with Vite (first start)');
  const started = performance.now();
  try {
    // In a child process with NODE_ENV=production: a build inside this process would inherit its NODE_ENV (vitest's "test" gives React's development build).
    await run(process.execPath, [join(repoRoot, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(WEB_DIR, 'vite.config.ts'), '--logLevel', 'warn'], {
      cwd: repoRoot,
      env: { ...process.env, NODE_ENV: 'production' },
    });
    writeFileSync(HASH_FILE, `${hash}\n`);
    return { kind: 'built', seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    // execFile's error carries the build's own output: say that, not just "Command failed".
    const output = typeof error === 'object' && error !== null && 'stderr' in error ? String(error.stderr).trim() : '';
    const failure = output ? new Error(output) : error instanceof Error ? error : new Error(String(error));
    return { kind: 'failed', error: failure, previousBuild: existsSync(join(WEB_DIST, 'index.html')) };
  }
}
