/**
 * A real PostgreSQL (Debian's server binaries) and Neon's WebSocket proxy for tests and
 * benchmarks, each a child process on 127.0.0.1 that `stop()` ends (and that is ended on
 * process exit, SIGINT/SIGTERM/SIGHUP, or — through a tiny watchdog — when this process is
 * killed outright).
 *
 *   const pg = await startPostgres();                 // pg.url = postgres://deskflow:…@127.0.0.1:PORT/deskflow
 *   const proxy = await startWsproxy({ pgPort: pg.port });
 *   neonConfigFor(proxy.wsProxyHost);                 // then new Pool({ connectionString: pg.url })
 *   …
 *   await proxy.stop(); await pg.stop();
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { neonConfig } from '@neondatabase/serverless';
import ws from 'ws';
import { freePort } from '../lib/ports';
import { POSTGRES_MISSING_MESSAGE, ToolError, ensureWsproxy, findPostgresBin } from './tools';

export interface PostgresOptions {
  /** TCP port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** Database to create (default `deskflow`). */
  database?: string;
  /** Superuser name (default `deskflow`); its password is random unless given. */
  user?: string;
  password?: string;
  /** Extra `-c name=value` server settings, e.g. `{ max_connections: '200' }`. */
  settings?: Record<string, string>;
}

export interface PostgresHandle {
  /** `postgres://user:password@127.0.0.1:port/database` */
  url: string;
  host: '127.0.0.1';
  port: number;
  database: string;
  user: string;
  password: string;
  /** The postmaster's pid. */
  pid: number;
  /** Temporary folder holding the cluster (`data/`) and its socket; removed by stop(). */
  dir: string;
  /** Fast shutdown, then SIGKILL after 10 s; removes the data. Idempotent. */
  stop(): Promise<void>;
}

export interface WsproxyOptions {
  /** Only this Postgres port may be reached (regex pinned to it); any loopback port when omitted. */
  pgPort?: number;
  /** Port to listen on (127.0.0.1 only); a free one when omitted. */
  port?: number;
}

export interface WsproxyHandle {
  /** `127.0.0.1:PORT`: pass to neonConfigFor(). */
  wsProxyHost: string;
  port: number;
  pid: number;
  /** The ALLOW_ADDR_REGEX it runs with. */
  allowAddrRegex: string;
  /** SIGTERM, then SIGKILL after 5 s. Idempotent. */
  stop(): Promise<void>;
}

// ---------------------------------------------------------------------------------------
// child bookkeeping: nothing outlives us

interface Tracked {
  child: ChildProcess;
  /** Synchronous last-resort cleanup (exit handler / signals). */
  killSync(): void;
}

const live = new Set<Tracked>();
let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const t of live) t.killSync();
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    const handler = (): void => {
      for (const t of live) t.killSync();
      live.clear();
      // Restore the default behaviour if nobody else handles this signal.
      process.removeListener(signal, handler);
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.on(signal, handler);
  }
}

/**
 * A detached `sh` that, once this process is gone (e.g. a test worker SIGKILLed), ends the
 * service and removes its files. Killed by a normal stop().
 */
function spawnWatchdog(pid: number, signal: 'INT' | 'TERM', cleanupDir?: string): ChildProcess {
  const rm = cleanupDir ? `; rm -rf '${cleanupDir.replace(/'/g, `'\\''`)}'` : '';
  const script =
    `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done; ` +
    `kill -${signal} ${pid} 2>/dev/null; i=0; while kill -0 ${pid} 2>/dev/null && [ $i -lt 20 ]; do sleep 0.5; i=$((i+1)); done; ` +
    `kill -KILL ${pid} 2>/dev/null${rm}`;
  const dog = spawn('sh', ['-c', script], { detached: true, stdio: 'ignore' });
  dog.unref();
  return dog;
}

/** Ends a detached watchdog and its `sleep`. */
function killGroup(dog: ChildProcess): void {
  try {
    if (dog.pid !== undefined) process.kill(-dog.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

function waitExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (exited(child)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  if (exited(child)) return;
  child.kill(signal);
  if (await waitExit(child, graceMs)) return;
  child.kill('SIGKILL');
  await waitExit(child, 5000);
}

/** Keeps the last lines a child printed, for error messages. */
function captureTail(child: ChildProcess, max = 40): { lines: string[]; onLine(fn: (line: string) => void): void } {
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let partial = '';
  const onData = (chunk: Buffer): void => {
    const parts = (partial + chunk.toString('utf8')).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      if (lines.length > max) lines.shift();
      for (const fn of listeners) fn(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  return { lines, onLine: (fn) => listeners.push(fn) };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

// ---------------------------------------------------------------------------------------
// PostgreSQL

interface RunAs {
  /** Prefix that runs a command as the unprivileged owner (empty when we are not root). */
  prefix: string[];
  uid?: number;
  gid?: number;
}

/**
 * Postgres refuses to run as root. As root, run it as the `postgres` system user (created
 * by Debian's postgresql package) through setpriv, which execs (so the pid we hold is the
 * postmaster's); runuser as a fallback.
 */
function runAsUnprivileged(): RunAs {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string): number | undefined => {
    const res = spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
    return res.status === 0 ? Number(res.stdout.trim()) : undefined;
  };
  const uid = id('-u');
  const gid = id('-g');
  if (uid === undefined || gid === undefined) {
    throw new ToolError('running as root, and PostgreSQL refuses root: create the postgres user (apt-get install postgresql creates it)');
  }
  if (spawnSync('setpriv', ['--version']).status === 0) {
    return { prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'], uid, gid };
  }
  return { prefix: ['runuser', '-u', 'postgres', '--'], uid, gid };
}

function chownTree(dir: string, uid: number, gid: number): void {
  fs.chownSync(dir, uid, gid);
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, uid, gid);
    else fs.chownSync(p, uid, gid);
  }
}

function runSync(cmd: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; what: string }): void {
  const [file, ...args] = cmd as [string, ...string[]];
  const res = spawnSync(file, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: 120_000 });
  if (res.status !== 0) {
    const out = `${res.stdout ?? ''}${res.stderr ?? ''}`.trim().split('\n').slice(-5).join(' | ');
    throw new Error(`${opts.what} failed (${res.error ? res.error.message : `exit ${res.status}`}): ${out}`);
  }
}

/**
 * Starts a throwaway PostgreSQL cluster on 127.0.0.1 (fsync off: for tests and benchmarks,
 * never for data you keep), with SCRAM password auth over TCP (the Neon driver needs a
 * password), and creates the database.
 */
export async function startPostgres(opts: PostgresOptions = {}): Promise<PostgresHandle> {
  const bin = findPostgresBin();
  if (!bin) throw new ToolError(POSTGRES_MISSING_MESSAGE);
  const runAs = runAsUnprivileged();
  const user = opts.user ?? 'deskflow';
  const database = opts.database ?? 'deskflow';
  const password = opts.password ?? randomBytes(12).toString('hex');
  const port = opts.port ?? (await freePort());

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'deskflow-pg-'));
  const dataDir = path.join(dir, 'data');
  const pwfile = path.join(dir, 'pwfile');
  fs.writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  fs.chmodSync(dir, 0o700);
  if (runAs.uid !== undefined && runAs.gid !== undefined) chownTree(dir, runAs.uid, runAs.gid);

  const cleanupDir = (): void => fs.rmSync(dir, { recursive: true, force: true });
  // Locale-independent children: the machine's LANG may name a locale that is not installed.
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8', PGTZ: 'UTC' };
  delete env.PGDATA;

  try {
    runSync(
      [
        ...runAs.prefix,
        path.join(bin, 'initdb'),
        '-D',
        dataDir,
        '-U',
        user,
        `--pwfile=${pwfile}`,
        '--auth-local=trust',
        '--auth-host=scram-sha-256',
        '-E',
        'UTF8',
        '--locale=C.UTF-8',
        '--no-sync',
        '--no-instructions',
      ],
      { cwd: dir, env, what: 'initdb' },
    );
  } catch (err) {
    cleanupDir();
    throw err;
  }
  fs.rmSync(pwfile, { force: true });

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    unix_socket_directories: dir,
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    password_encryption: 'scram-sha-256',
    log_min_messages: 'warning',
    ...opts.settings,
  };
  const args = ['-D', dataDir, '-p', String(port)];
  for (const [k, v] of Object.entries(settings)) args.push('-c', `${k}=${v}`);
  const [file, ...prefixArgs] = [...runAs.prefix, path.join(bin, 'postgres'), ...args] as [string, ...string[]];
  installHooks();
  const child = spawn(file, prefixArgs, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureTail(child);
  const pid = child.pid;
  if (pid === undefined) {
    cleanupDir();
    throw new Error(`could not start postgres: ${out.lines.join(' | ')}`);
  }
  const dog = spawnWatchdog(pid, 'INT', dir);
  const tracked: Tracked = {
    child,
    killSync: () => {
      try {
        if (!exited(child)) child.kill('SIGKILL'); // its backends exit when the postmaster dies
      } catch {
        // gone
      }
      // Leave the folder to the watchdog: backends may still hold files for a moment.
    },
  };
  live.add(tracked);

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await stopChild(child, 'SIGINT', 10_000); // SIGINT = fast shutdown
      live.delete(tracked);
      killGroup(dog);
      cleanupDir();
    })());

  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`postgres did not become ready within 30 s: ${out.lines.slice(-5).join(' | ')}`)), 30_000);
      out.onLine((line) => {
        if (/ready to accept connections/.test(line)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`postgres exited during start-up (${signal ?? `exit ${code}`}): ${out.lines.slice(-5).join(' | ')}`));
      });
    });
    runSync([path.join(bin, 'createdb'), '-h', '127.0.0.1', '-p', String(port), '-U', user, database], {
      cwd: dir,
      env: { ...env, PGPASSWORD: password },
      what: `createdb ${database}`,
    });
  } catch (err) {
    await stop();
    throw err;
  }

  return {
    url: `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`,
    host: '127.0.0.1',
    port,
    database,
    user,
    password,
    pid,
    dir,
    stop,
  };
}

// ---------------------------------------------------------------------------------------
// Neon's WebSocket proxy

/** Loopback only: `127.0.0.1` or `localhost`, at `pgPort` or any port. */
export function loopbackAllowRegex(pgPort?: number): string {
  return `^(127\\.0\\.0\\.1|localhost):${pgPort === undefined ? '[0-9]+' : String(pgPort)}$`;
}

/**
 * Runs the wsproxy from ensureWsproxy() on 127.0.0.1, allowed to reach loopback Postgres
 * only. URL format: `ws://127.0.0.1:PORT/v1?address=HOST:PORT` (see neonConfigFor).
 */
export async function startWsproxy(opts: WsproxyOptions = {}): Promise<WsproxyHandle> {
  const bin = await ensureWsproxy();
  const port = opts.port ?? (await freePort());
  const allowAddrRegex = loopbackAllowRegex(opts.pgPort);
  // Neon's wsproxy also serves Prometheus metrics, by default on ":2112" (every interface,
  // and a second instance dies on the clash): keep it on a free loopback port.
  const metricsPort = await freePort();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    LISTEN_PORT: `127.0.0.1:${port}`,
    PROMETHEUS_BIND: `127.0.0.1:${metricsPort}`,
    ALLOW_ADDR_REGEX: allowAddrRegex,
    APPEND_PORT: '',
    USE_HOST_HEADER: 'false',
    LOG_TRAFFIC: 'false',
    LOG_CONN_INFO: process.env.DESKFLOW_WSPROXY_LOG === '1' ? 'true' : 'false',
  };
  installHooks();
  const child = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = captureTail(child);
  if (process.env.DESKFLOW_WSPROXY_LOG === '1') out.onLine((line) => process.stderr.write(`[wsproxy] ${line}\n`));
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start wsproxy (${bin})`);
  const dog = spawnWatchdog(pid, 'TERM');
  const tracked: Tracked = {
    child,
    killSync: () => {
      try {
        if (!exited(child)) child.kill('SIGKILL');
      } catch {
        // gone
      }
      killGroup(dog); // nothing left for it to clean
    },
  };
  live.add(tracked);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      await stopChild(child, 'SIGTERM', 5000);
      live.delete(tracked);
      killGroup(dog);
    })());

  const deadline = Date.now() + 10_000;
  for (;;) {
    if (exited(child)) {
      await stop();
      throw new Error(`wsproxy exited during start-up: ${out.lines.slice(-5).join(' | ')}`);
    }
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`wsproxy did not listen on 127.0.0.1:${port} within 10 s: ${out.lines.slice(-5).join(' | ')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return { wsProxyHost: `127.0.0.1:${port}`, port, pid, allowAddrRegex, stop };
}

/**
 * Points `@neondatabase/serverless` (process-wide `neonConfig`) at a local wsproxy over
 * plain ws://: `${wsProxyHost}/v1?address=${host}:${port}`, no TLS, no pipelining (Postgres
 * uses SCRAM here, not cleartext), and the `ws` package (Node 20 has no global WebSocket).
 */
export function neonConfigFor(wsProxyHost: string): typeof neonConfig {
  neonConfig.wsProxy = (host: string, port: number | string) => `${wsProxyHost}/v1?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
  neonConfig.webSocketConstructor = ws;
  return neonConfig;
}
