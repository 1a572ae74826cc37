/**
 * Mailpit (SMTP mail catcher with a web UI and a REST API), built from its Go module at a pinned
 * version and cached like the Temporal CLI. `npm start` runs it when SMTP_URL is unset; the mail
 * tests run it to read back what Deskflow sent (GET /api/v1/messages).
 *
 * The Go module carries the web UI's sources, not its compiled assets (Mailpit's release build
 * makes them with npm and esbuild first), so this does the same before `go build`: the mail list
 * at / works. Two departures, because the npm registry reachable here lacks two packages: the API
 * documentation page (/api/v1/, which needs `rapidoc`) is left out, and Sass is the plain `sass`
 * package instead of the optional `sass-embedded`. If the UI still cannot be built, Mailpit is
 * built without it (SMTP and the REST API work; / says "File not found") and a line says so.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { linkInto, removeStale, toolDir, withLock } from './cache';
import { isExecutable, which } from './find';
import { findGo, goEnv, goModDownload, usableGo } from './go';
import { ToolError, defaultLog, fmtSeconds, runWithProgress, type EnsureOptions } from './progress';

export const MAILPIT_MODULE = 'github.com/axllent/mailpit';
export const MAILPIT_VERSION = '1.33.1';

export const MAILPIT_GO_MISSING_MESSAGE = 'Go is needed to build Mailpit (the embedded mail catcher): install Go 1.22+ (apt-get install golang) or set SMTP_URL to a mail server of yours';

/** Mailpit 1.33's go.mod says `go 1.26.0`: an older local Go fetches this toolchain once. */
const MAILPIT_GO: { min: [number, number]; toolchain: string } = { min: [1, 26], toolchain: '1.26.8' };

function mailpitVersionOk(bin: string): boolean {
  if (!isExecutable(bin)) return false;
  const res = spawnSync(bin, ['version', '--no-release-check'], { encoding: 'utf8', timeout: 30_000 });
  // "mailpit v1.33.1 compiled with go1.26.8 on linux/amd64"
  return res.status === 0 && res.stdout.includes(`v${MAILPIT_VERSION} `);
}

/** Path to Mailpit v1.33.1 with its web UI, built once (npm + esbuild for the UI, then `go build`; progress every ~10 s). */
export async function ensureMailpit(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('mailpit', `${MAILPIT_VERSION}-ui`);
  const bin = path.join(dir, 'mailpit');
  const label = `mailpit ${MAILPIT_VERSION}`;
  const ready = (): string | undefined => (mailpitVersionOk(bin) ? bin : undefined);
  if (!ready()) {
    const local = findGo();
    if (!local) throw new ToolError(MAILPIT_GO_MISSING_MESSAGE);
    const go = await usableGo(local, MAILPIT_GO_MISSING_MESSAGE, log, MAILPIT_GO);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      fs.mkdirSync(dir, { recursive: true });
      removeStale(dir, '.build-');
      const work = path.join(dir, `.build-${process.pid}-${randomBytes(3).toString('hex')}`);
      fs.mkdirSync(work);
      try {
        const started = Date.now();
        const src = path.join(work, 'src');
        const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'deskflow-mailpit-'));
        try {
          fs.cpSync(goModDownload(go, `${MAILPIT_MODULE}@v${MAILPIT_VERSION}`, scratch, label), src, { recursive: true });
        } finally {
          fs.rmSync(scratch, { recursive: true, force: true });
        }
        makeWritable(src);
        await buildWebUi(src, label, log);
        log(`${label}: building the server with Go; the first build takes several minutes on 2 cores (SQLite in pure Go), later runs reuse it`);
        await runWithProgress(go.bin, ['build', '-v', '-trimpath', `-ldflags=-s -w -X ${MAILPIT_MODULE}/config.Version=v${MAILPIT_VERSION}`, '-o', path.join(work, 'mailpit'), '.'], {
          env: goEnv(go, { GOFLAGS: '-mod=mod' }),
          cwd: src,
          label,
          log,
          progress: { match: /^(go: downloading \S+ \S+|\S+)$/, unit: 'packages/modules' },
        });
        fs.renameSync(path.join(work, 'mailpit'), bin);
        if (!ready()) throw new ToolError(`${label}: built ${bin} but \`mailpit version\` does not report v${MAILPIT_VERSION}`);
        log(`${label}: built in ${fmtSeconds(Date.now() - started)} → ${bin}`);
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
      return bin;
    });
  }
  if (opts.link !== false) linkInto('mailpit', bin);
  return bin;
}

/** Module zips carry no file modes: make the copy writable so the build can write into it and it can be removed. */
function makeWritable(root: string): void {
  fs.chmodSync(root, 0o755);
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) fs.chmodSync(path.join(entry.parentPath, entry.name), entry.isDirectory() ? 0o755 : 0o644);
}

/** Mailpit's `npm run build` (esbuild: Vue + Sass → server/ui/dist, embedded by go:embed), minus the two packages this registry lacks. */
async function buildWebUi(src: string, label: string, log: (line: string) => void): Promise<void> {
  const npm = which('npm');
  if (!npm) {
    log(`${label}: npm not found, building without the web UI (SMTP and the REST API work)`);
    return;
  }
  const pkgPath = path.join(src, 'package.json');
  const pkg = JSON.parse(fs.readFileSync(pkgPath, 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
  delete pkg.dependencies.rapidoc;
  // Only the bundler and its plugins are needed; the linters and Playwright are Mailpit's own checks.
  pkg.devDependencies = Object.fromEntries(Object.entries(pkg.devDependencies).filter(([name]) => /esbuild|vue|sass|@types/.test(name)));
  fs.writeFileSync(pkgPath, JSON.stringify(pkg, null, 2));
  fs.rmSync(path.join(src, 'package-lock.json'), { force: true });
  const configPath = path.join(src, 'esbuild.config.mjs');
  const config = fs.readFileSync(configPath, 'utf8').replace(/entryPoints: \[[^\]]*\]/, 'entryPoints: ["server/ui-src/app.js"]');
  fs.writeFileSync(configPath, config);
  try {
    log(`${label}: building the web UI (npm install, esbuild)`);
    await runWithProgress(npm, ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--legacy-peer-deps', '--loglevel=error'], { cwd: src, label, log });
    await runWithProgress(npm, ['run', 'build'], { cwd: src, label, log, env: { ...process.env, MINIFY: 'true' } });
  } catch (err) {
    log(`${label}: the web UI did not build (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); building without it (SMTP and the REST API work)`);
  }
  fs.rmSync(path.join(src, 'node_modules'), { recursive: true, force: true });
}
