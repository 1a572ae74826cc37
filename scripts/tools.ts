/**
 * Provisions the external tools that tests and `npm start` need, through package
 * registries only (the Go module proxy, Maven Central), pinned by version and cached
 * per user under `<cache>/deskflow/<tool>-<version>/`, so a fresh clone (CI) reuses
 * them instead of rebuilding. Cached binaries are also linked from `.tools/`.
 *
 *   tsx scripts/tools.ts [all|temporal|test-server|wsproxy]
 *
 * Cache root: $DESKFLOW_CACHE_DIR, else $XDG_CACHE_HOME/deskflow, else ~/.cache/deskflow.
 *
 * Library use: every ensure* throws a ToolError whose message is ONE line saying what
 * is missing and how to fix it; print `err.message` and nothing else.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Temporal CLI (dev server + Web UI). v1.6+ has a `replace` that `go install` refuses. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';
/**
 * io.temporal:temporal-test-server on Maven Central. @temporalio/testing 1.24.0 (published
 * 2026-09-15) asks temporal.download for the "default" test server of its SDK version,
 * which serves the Java SDK release current then; no version is pinned in the TS sources.
 * 1.38.0 (jar built 2026-08-10) is the newest on Maven Central and predates 1.24.0, so it
 * is the nearest match. Keep in step with scripts/test-server/pom.xml.
 */
export const TEST_SERVER_VERSION = '1.38.0';
/** Neon's WebSocket→TCP proxy: newest commit (99ed92d, 2024-11-04) as a pseudo-version. */
export const WSPROXY_MODULE = 'github.com/neondatabase/wsproxy';
export const WSPROXY_VERSION = 'v0.0.0-20241104134926-99ed92dd75ba';

export const GO_MISSING_MESSAGE =
  'Go is needed to build the Temporal CLI: install Go 1.22+ (apt-get install golang) or set TEMPORAL_ADDRESS to an existing server';
export const JAVA_MISSING_MESSAGE =
  "Java 17+ is needed for Temporal's time-skipping test server: apt-get install openjdk-17-jre-headless";
export const MAVEN_MISSING_MESSAGE =
  "Maven is needed to fetch Temporal's time-skipping test server from Maven Central: apt-get install maven";
export const WSPROXY_GO_MISSING_MESSAGE =
  "Go is needed to build Neon's WebSocket proxy (wsproxy): install Go 1.22+ (apt-get install golang)";
export const POSTGRES_MISSING_MESSAGE =
  'PostgreSQL server binaries (initdb, postgres) not found: apt-get install postgresql, or set DESKFLOW_PG_BIN to their folder';

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

const defaultLog = (line: string): void => {
  process.stderr.write(`[tools] ${line}\n`);
};

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Per-user cache root for Deskflow's tools. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DESKFLOW_CACHE_DIR) return path.resolve(env.DESKFLOW_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return path.join(xdg ?? path.join(os.homedir(), '.cache'), 'deskflow');
}

/** Folder for one tool at one version, e.g. `~/.cache/deskflow/temporal-cli-1.5.1`. */
export function toolDir(tool: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `${tool}-${version}`);
}

// ---------------------------------------------------------------------------------------
// small helpers

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** Looks a command up on PATH without running it. */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, cmd);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Replaces `dest` with a symlink to `target` (atomically). Best effort. */
function linkInto(name: string, target: string): void {
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
function runWithProgress(cmd: string, args: string[], opts: RunOptions): Promise<{ ms: number; output: string }> {
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
      const err = new ToolError(
        `${opts.label} failed (${signal ? `signal ${signal}` : `exit ${code}`}) after ${fmtSeconds(ms)}: ${
          tail.slice(-3).join(' | ').slice(0, 400) || 'no output'
        }`,
      );
      (err as ToolError & { output?: string }).output = tail.join('\n');
      reject(err);
    });
  });
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
function removeStale(dir: string, prefix: string): void {
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
async function withLock<T>(lockFile: string, label: string, log: (line: string) => void, isDone: () => T | undefined, fn: () => Promise<T>): Promise<T> {
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

// ---------------------------------------------------------------------------------------
// Go

interface GoInfo {
  bin: string;
  version: [number, number, number];
  raw: string;
}

function findGo(): GoInfo | undefined {
  // PATH decides, as for any tool (.ci/run puts Go's official install folder on it).
  const candidates = [which('go')];
  for (const bin of candidates) {
    if (!bin || !isExecutable(bin)) continue;
    const res = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, GOTOOLCHAIN: 'local' } });
    const m = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(res.stdout ?? '');
    if (res.status === 0 && m) {
      return { bin, version: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], raw: res.stdout.trim() };
    }
  }
  return undefined;
}

function goAtLeast(go: GoInfo, major: number, minor: number): boolean {
  return go.version[0] > major || (go.version[0] === major && go.version[1] >= minor);
}

/** Temporal CLI 1.5.1's go.mod says `go 1.25.0`. */
const GO_MIN: [number, number] = [1, 25];
/** Toolchain fetched (as the Go module it is) when the local Go is older than GO_MIN. */
export const GO_TOOLCHAIN_VERSION = '1.25.14';

function goPlatform(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'armv6l' } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}-${arch}`;
}

/**
 * A Go at least GO_MIN. An older local Go (Debian bookworm's `golang` is 1.19) fetches
 * `golang.org/toolchain@v0.0.1-go<GO_TOOLCHAIN_VERSION>.<os>-<arch>` from the Go module
 * proxy — the module Go's own toolchain switching uses — into the cache, once.
 */
async function usableGo(local: GoInfo, missingMessage: string, log: (line: string) => void): Promise<GoInfo> {
  if (goAtLeast(local, GO_MIN[0], GO_MIN[1])) return local;
  const dir = toolDir('go', GO_TOOLCHAIN_VERSION);
  const bin = path.join(dir, 'bin', 'go');
  const check = (): GoInfo | undefined => {
    if (!isExecutable(bin)) return undefined;
    const res = spawnSync(bin, ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    return res.status === 0 ? { bin, version: [1, 25, 14], raw: res.stdout.trim() } : undefined;
  };
  const ready = check();
  if (ready) return ready;
  if (!goAtLeast(local, 1, 16)) throw new ToolError(`${missingMessage.replace(/:.*$/, '')}: found ${local.raw}, which is too old; install Go 1.22+`);
  const label = `go ${GO_TOOLCHAIN_VERSION}`;
  return withLock(`${dir}.lock`, label, log, check, async () => {
    const mod = `golang.org/toolchain@v0.0.1-go${GO_TOOLCHAIN_VERSION}.${goPlatform()}`;
    log(`${label}: ${local.raw.replace(/^go version /, '')} is older than go${GO_MIN.join('.')}; fetching ${mod} from the Go module proxy`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deskflow-go-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GO111MODULE: 'on', GOFLAGS: '' };
      const res = spawnSync(local.bin, ['mod', 'download', '-json', mod], { cwd: work, env, encoding: 'utf8', timeout: 600_000 });
      const info = (() => {
        try {
          return JSON.parse(res.stdout) as { Dir?: string; Error?: string };
        } catch {
          return {};
        }
      })();
      if (res.status !== 0 || !info.Dir) throw new ToolError(`${label}: go mod download ${mod} failed: ${(info.Error ?? res.stderr ?? '').trim().slice(0, 300)}`);
      const tmp = `${dir}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.cpSync(info.Dir, tmp, { recursive: true });
      // Module zips carry no file modes: make the tree writable (to remove it later) and the tools executable.
      const fix = (p: string): void => {
        const st = fs.statSync(p);
        if (st.isDirectory()) {
          fs.chmodSync(p, 0o755);
          for (const name of fs.readdirSync(p)) fix(path.join(p, name));
        } else {
          const exec = /[/\\](bin|pkg[/\\]tool[/\\][^/\\]+)[/\\][^/\\]+$/.test(p);
          fs.chmodSync(p, exec ? 0o755 : 0o644);
        }
      };
      fix(tmp);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const go = check();
    if (!go) throw new ToolError(`${label}: fetched, but ${bin} does not run`);
    log(`${label}: ready → ${bin}`);
    return go;
  });
}

/** Environment for `go install`/`go build`: pure Go, and exactly the toolchain chosen. */
function goEnv(_go: GoInfo, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', ...extra };
}

/** Quick probe whether the SDK could download its own server (only asked when Go is missing). */
export function hasInternet(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.request('https://temporal.download/', { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** `go install module/pkg@version` into `dir/<name>`, atomically. */
async function goInstall(
  go: GoInfo,
  pkgAtVersion: string,
  binName: string,
  dir: string,
  label: string,
  log: (line: string) => void,
  ldflags?: string,
): Promise<{ path: string; ms: number }> {
  fs.mkdirSync(dir, { recursive: true });
  removeStale(dir, '.build-');
  const gobin = path.join(dir, `.build-${process.pid}-${randomBytes(3).toString('hex')}`);
  fs.mkdirSync(gobin);
  try {
    const args = ['install', '-v', '-trimpath'];
    if (ldflags) args.push(`-ldflags=${ldflags}`);
    args.push(pkgAtVersion);
    log(`${label}: go install ${pkgAtVersion} (${go.raw.replace(/^go version /, '')})`);
    const { ms } = await runWithProgress(go.bin, args, {
      env: goEnv(go, { GOBIN: gobin }),
      cwd: dir,
      label,
      log,
      // `go install -v` prints each package as it is compiled; `go: downloading` each module.
      progress: { match: /^(go: downloading \S+ \S+|\S+)$/, unit: 'packages/modules' },
    });
    const built = path.join(gobin, binName);
    if (!isExecutable(built)) throw new ToolError(`${label}: go install finished but ${built} is missing`);
    const dest = path.join(dir, binName);
    fs.renameSync(built, dest);
    return { path: dest, ms };
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------
// Temporal CLI

function temporalCliVersionOk(bin: string): boolean {
  if (!isExecutable(bin)) return false;
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  // "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
  return res.status === 0 && new RegExp(`\\bversion ${TEMPORAL_CLI_VERSION.replace(/\./g, '\\.')}\\b`).test(res.stdout);
}

/**
 * Path to the Temporal CLI v1.5.1 (for `TestWorkflowEnvironment.createLocal` / the dev
 * server via `executable: { type: 'existing-path', path }`), building it with Go once.
 *
 * Resolves `undefined` only when Go is missing but the internet is reachable: the caller
 * then leaves `executable` unset so the SDK downloads its default CLI. With neither, throws
 * a ToolError carrying GO_MISSING_MESSAGE.
 */
export async function ensureTemporalCli(opts: EnsureOptions = {}): Promise<string | undefined> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('temporal-cli', TEMPORAL_CLI_VERSION);
  const bin = path.join(dir, 'temporal');
  const label = `temporal-cli ${TEMPORAL_CLI_VERSION}`;
  const ready = (): string | undefined => (temporalCliVersionOk(bin) ? bin : undefined);
  if (!ready()) {
    const go = findGo();
    if (!go) {
      if (await hasInternet()) {
        log('Go not found; leaving the Temporal CLI to the SDK’s own download');
        return undefined;
      }
      throw new ToolError(GO_MISSING_MESSAGE);
    }
    const usable = await usableGo(go, GO_MISSING_MESSAGE, log);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      log(`${label}: building from source with Go; the first build takes several minutes on 2 cores, later runs reuse it`);
      const { ms } = await goInstall(
        usable,
        `${TEMPORAL_CLI_MODULE}/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
        'temporal',
        dir,
        label,
        log,
        // as the release build does; without it `temporal --version` says 0.0.0-DEV
        `-s -w -X ${TEMPORAL_CLI_MODULE}/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      );
      if (!ready()) throw new ToolError(`${label}: built ${bin} but \`temporal --version\` does not report ${TEMPORAL_CLI_VERSION}`);
      log(`${label}: built in ${fmtSeconds(ms)} → ${bin}`);
      return bin;
    });
  }
  if (opts.link !== false) linkInto('temporal', bin);
  return bin;
}

// ---------------------------------------------------------------------------------------
// Temporal's Java time-skipping test server

/** `$JAVA_HOME/bin/java` if set and present, else `java` on PATH. */
function findJava(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  return which('java');
}

function javaMajor(java: string): number | undefined {
  const res = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${res.stderr ?? ''}${res.stdout ?? ''}`);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first; // "1.8.0_x" → 8
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function testServerWrapper(dir: string): string {
  const lib = path.join(dir, 'lib');
  // exec: the SDK kills the process it started; without exec it would kill sh and orphan java.
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION} (Maven Central io.temporal:temporal-test-server),
# written by scripts/tools.ts. Usage: test-server <port> [--enable-time-skipping]
if [ -n "\${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
# C1 only + serial GC: the SDK gives the server 5 s to listen; this starts in about 1 s.
exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \${DESKFLOW_TEST_SERVER_JAVA_OPTS:-} \\
  -cp ${shellQuote(`${lib}/*`)} io.temporal.testserver.TestServer "$@"
`;
}

function testServerReady(dir: string): boolean {
  const wrapper = path.join(dir, 'test-server');
  return isExecutable(wrapper) && fs.existsSync(path.join(dir, 'lib', `temporal-test-server-${TEST_SERVER_VERSION}.jar`));
}

/**
 * Path to an executable wrapper (`<cache>/temporal-test-server-1.38.0/test-server`) that
 * execs Java's `io.temporal.testserver.TestServer`, for
 * `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`.
 * Fetches the jars with Maven once.
 */
export async function ensureTestServer(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('temporal-test-server', TEST_SERVER_VERSION);
  const wrapper = path.join(dir, 'test-server');
  const label = `temporal-test-server ${TEST_SERVER_VERSION}`;
  const java = findJava();
  if (!java) throw new ToolError(JAVA_MISSING_MESSAGE);
  const ready = (): string | undefined => (testServerReady(dir) ? wrapper : undefined);
  if (!ready()) {
    const major = javaMajor(java);
    if (major !== undefined && major < 11) {
      throw new ToolError(`${JAVA_MISSING_MESSAGE.replace(/:.*$/, '')}: found Java ${major}; apt-get install openjdk-17-jre-headless`);
    }
    const mvn = which('mvn');
    if (!mvn) throw new ToolError(MAVEN_MISSING_MESSAGE);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      removeStale(path.dirname(dir), `${path.basename(dir)}.tmp-`);
      const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      fs.mkdirSync(tmp, { recursive: true });
      try {
        log(`${label}: fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central with mvn`);
        const { ms } = await runWithProgress(
          mvn,
          [
            '-B',
            '-f',
            path.join(PROJECT_ROOT, 'scripts', 'test-server', 'pom.xml'),
            `-Dtemporal-test-server.version=${TEST_SERVER_VERSION}`,
            'dependency:copy-dependencies',
            `-DoutputDirectory=${path.join(tmp, 'lib')}`,
            '-DincludeScope=runtime',
          ],
          { label, log, cwd: tmp, progress: { match: /^\[INFO\] Downloaded from /, unit: 'files downloaded' } },
        );
        if (!fs.existsSync(path.join(tmp, 'lib', `temporal-test-server-${TEST_SERVER_VERSION}.jar`))) {
          throw new ToolError(`${label}: mvn finished but temporal-test-server-${TEST_SERVER_VERSION}.jar is missing`);
        }
        fs.writeFileSync(path.join(tmp, 'test-server'), testServerWrapper(dir), { mode: 0o755 });
        fs.rmSync(dir, { recursive: true, force: true }); // a partial leftover, if any
        fs.renameSync(tmp, dir);
        log(`${label}: fetched in ${fmtSeconds(ms)} → ${wrapper}`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      return wrapper;
    });
  }
  // Keep the wrapper in step with this file (flags may change without a new server version).
  const expected = testServerWrapper(dir);
  if (fs.readFileSync(wrapper, 'utf8') !== expected) {
    const tmp = `${wrapper}.${process.pid}`;
    fs.writeFileSync(tmp, expected, { mode: 0o755 });
    fs.renameSync(tmp, wrapper);
  }
  if (opts.link !== false) linkInto('temporal-test-server', wrapper);
  return wrapper;
}

// ---------------------------------------------------------------------------------------
// Neon's WebSocket proxy

/**
 * Path to Neon's `github.com/neondatabase/wsproxy` at WSPROXY_VERSION, built once with Go.
 * The Go module proxy serves this module's go.mod and zip but not its `.info`, so
 * `go install pkg@version` refuses it; a throwaway module that requires the pinned version
 * and `go build -mod=mod` fetch the same source, checked against the checksum database.
 * It reads LISTEN_PORT, ALLOW_ADDR_REGEX, APPEND_PORT and PROMETHEUS_BIND (default ":2112" on
 * every interface: always set it). Run it through scripts/pg.ts startWsproxy().
 */
export async function ensureWsproxy(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('wsproxy', WSPROXY_VERSION);
  const bin = path.join(dir, 'wsproxy');
  const ready = (): string | undefined => (isExecutable(bin) ? bin : undefined);
  if (!ready()) {
    const local = findGo();
    if (!local) throw new ToolError(WSPROXY_GO_MISSING_MESSAGE);
    const go = await usableGo(local, WSPROXY_GO_MISSING_MESSAGE, log);
    await withLock(`${dir}.lock`, 'wsproxy', log, ready, async () => {
      fs.mkdirSync(dir, { recursive: true });
      removeStale(dir, '.build-');
      const work = path.join(dir, `.build-${process.pid}-${randomBytes(3).toString('hex')}`);
      fs.mkdirSync(work);
      try {
        fs.writeFileSync(path.join(work, 'go.mod'), `module deskflow.local/wsproxy-build\n\ngo 1.22\n\nrequire ${WSPROXY_MODULE} ${WSPROXY_VERSION}\n`);
        fs.writeFileSync(path.join(work, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${WSPROXY_MODULE}"\n`);
        log(`wsproxy: go build ${WSPROXY_MODULE}@${WSPROXY_VERSION} (${go.raw.replace(/^go version /, '')})`);
        const { ms } = await runWithProgress(go.bin, ['build', '-v', '-mod=mod', '-trimpath', '-ldflags=-s -w', '-o', path.join(work, 'wsproxy'), WSPROXY_MODULE], {
          env: goEnv(go, {}),
          cwd: work,
          label: 'wsproxy',
          log,
          progress: { match: /^(go: downloading \S+ \S+|\S+)$/, unit: 'packages/modules' },
        });
        fs.renameSync(path.join(work, 'wsproxy'), bin);
        log(`wsproxy: built in ${fmtSeconds(ms)} → ${bin}`);
        return bin;
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  }
  if (opts.link !== false) linkInto('wsproxy', bin);
  return bin;
}

// ---------------------------------------------------------------------------------------
// PostgreSQL (Debian's server packages; nothing to build)

function pgMajorOf(dir: string): number {
  const m = /postgresql\/(\d+)\//.exec(`${dir}/`);
  return m ? Number(m[1]) : 0;
}

/**
 * Folder holding PostgreSQL's server binaries (`initdb`, `postgres`, `pg_ctl`), newest
 * Debian version first: $DESKFLOW_PG_BIN, /usr/lib/postgresql/<N>/bin, then `initdb` on PATH.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ok = (dir: string): boolean => isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres'));
  if (env.DESKFLOW_PG_BIN) return ok(env.DESKFLOW_PG_BIN) ? path.resolve(env.DESKFLOW_PG_BIN) : undefined;
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(root);
  } catch {
    // not Debian-style
  }
  const dirs = versions.map((v) => path.join(root, v, 'bin')).filter(ok).sort((a, b) => pgMajorOf(b) - pgMajorOf(a));
  if (dirs[0]) return dirs[0];
  const initdb = which('initdb', env);
  if (initdb) {
    const dir = path.dirname(fs.realpathSync(initdb));
    if (ok(dir)) return dir;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------
// CLI

type Target = 'temporal' | 'test-server' | 'wsproxy' | 'postgres';

async function main(argv: string[]): Promise<number> {
  const arg = argv[0] ?? 'all';
  const valid = ['all', 'temporal', 'test-server', 'wsproxy'];
  if (!valid.includes(arg) || argv.length > 1) {
    process.stderr.write(`usage: tsx scripts/tools.ts [${valid.join('|')}]\n`);
    return 2;
  }
  const started = Date.now();
  process.stderr.write(`[tools] cache: ${cacheRoot()}\n`);
  const results = new Map<Target, string>();
  const errors: string[] = [];
  const attempt = async (target: Target, fn: () => Promise<string | undefined>): Promise<void> => {
    const t0 = Date.now();
    try {
      const p = await fn();
      results.set(target, `${p ?? '(SDK default download)'}  [${fmtSeconds(Date.now() - t0)}]`);
    } catch (err) {
      errors.push(err instanceof ToolError ? err.message : `${target}: ${err instanceof Error ? err.stack : String(err)}`);
    }
  };
  const jobs: Promise<void>[] = [];
  // The two Go builds share the CPUs, so run them one after the other; Maven is mostly I/O.
  if (arg === 'all' || arg === 'temporal' || arg === 'wsproxy') {
    jobs.push(
      (async () => {
        if (arg !== 'wsproxy') await attempt('temporal', () => ensureTemporalCli());
        if (arg !== 'temporal') await attempt('wsproxy', () => ensureWsproxy());
      })(),
    );
  }
  if (arg === 'all' || arg === 'test-server') jobs.push(attempt('test-server', () => ensureTestServer()));
  if (arg === 'all') {
    const bin = findPostgresBin();
    if (bin) results.set('postgres', bin);
    else errors.push(POSTGRES_MISSING_MESSAGE);
  }
  await Promise.all(jobs);
  for (const target of ['temporal', 'test-server', 'wsproxy', 'postgres'] as const) {
    const r = results.get(target);
    if (r) process.stdout.write(`${target.padEnd(12)} ${r}\n`);
  }
  for (const e of errors) process.stderr.write(`${e}\n`);
  process.stderr.write(`[tools] ${errors.length ? 'FAILED' : 'ready'} in ${fmtSeconds(Date.now() - started)}\n`);
  return errors.length ? 1 : 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
