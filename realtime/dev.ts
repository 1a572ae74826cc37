/**
 * Runs the rooms worker locally: `wrangler dev` (workerd) as a child process group, on
 * loopback, with the secrets in a temporary env file rather than on the command line.
 * Used by `npm start`, the tests and the benchmark. DESKFLOW_ROOMS_LOG_LEVEL=debug shows
 * everything wrangler logs (default: warnings and errors, including the rooms' own).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { freePort, portIsFree } from '../lib/ports';

export type StartRoomsOptions = {
  port: number;
  /** Base URL of the API's internal endpoints (rooms call `<url>/internal/rooms/...`). */
  apiInternalUrl: string;
  roomTokenSecret: string;
  internalSecret: string;
  /** Durable Object storage folder. Default: a temporary folder, removed on stop. */
  persistTo?: string;
  /** Typing indicator expiry in ms (default 6000). */
  typingTtlMs?: number;
  /** How often rooms re-check their connected users' access with the API, in ms (default 60000). */
  accessRecheckMs?: number;
  /** Where progress goes, one readable line at a time. Default: stderr with a "[rooms]" prefix. */
  log?: (line: string) => void;
  /** Give up if the rooms do not answer within this time. Default 90 s. */
  startupTimeoutMs?: number;
};

export type RoomsHandle = {
  /** http://127.0.0.1:<port>: clients connect to ws://…/parties/room/<room>. */
  url: string;
  /** Process id of wrangler, also its process group id. */
  pid: number;
  /** Stops wrangler and every process it started. Safe to call twice. */
  stop(): Promise<void>;
};

export class RoomsStartError extends Error {
  override name = 'RoomsStartError';
}

const root = fileURLToPath(new URL('..', import.meta.url));
const wranglerBin = join(root, 'node_modules', '.bin', 'wrangler');
const configPath = fileURLToPath(new URL('./wrangler.jsonc', import.meta.url));
const HOST = '127.0.0.1';
// dotenv would mangle quotes, "$" and newlines; secrets from `openssl rand -hex 32` are fine.
const SAFE_VALUE = /^[A-Za-z0-9_\-+/=.~:]+$/;

function assertSafe(name: string, value: string, minLength = 1) {
  if (value.length < minLength) throw new RoomsStartError(`${name} must be at least ${minLength} characters (openssl rand -hex 32)`);
  if (!SAFE_VALUE.test(value)) throw new RoomsStartError(`${name} may only contain letters, digits and - _ + / = . ~ : (openssl rand -hex 32)`);
}

// Banner and box-drawing lines, the log-file notice, and the "Network connection lost" that
// workerd reports whenever a client closes its socket while wrangler dev proxies it (not an error).
const noise = /^[\s─│╭╮╰╯┌┐└┘]*$|wrangler \d+\.\d+\.\d+|^\s*update available|Logs were written to|Uncaught Error: Network connection lost\.\s*$/i;

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number, signal: NodeJS.Signals) {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startRooms(options: StartRoomsOptions): Promise<RoomsHandle> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[rooms] ${line}\n`));
  const { port } = options;
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RoomsStartError(`ROOMS_PORT must be a port number, got ${port}`);
  assertSafe('ROOM_TOKEN_SECRET', options.roomTokenSecret, 32);
  assertSafe('INTERNAL_API_SECRET', options.internalSecret, 32);
  assertSafe('API_INTERNAL_URL', options.apiInternalUrl);
  if (!(await portIsFree(port))) throw new RoomsStartError(`port ${port} on ${HOST} is in use: stop whatever listens there or set ROOMS_PORT to another port`);

  const scratch = await mkdtemp(join(tmpdir(), 'deskflow-rooms-'));
  const instance = crypto.randomUUID();
  const envFile = join(scratch, 'rooms.env');
  const vars: Record<string, string> = {
    ROOM_TOKEN_SECRET: options.roomTokenSecret,
    INTERNAL_API_SECRET: options.internalSecret,
    API_INTERNAL_URL: options.apiInternalUrl,
    ROOMS_INSTANCE: instance,
  };
  if (options.typingTtlMs !== undefined) vars.TYPING_TTL_MS = String(Math.round(options.typingTtlMs));
  if (options.accessRecheckMs !== undefined) vars.ACCESS_RECHECK_MS = String(Math.round(options.accessRecheckMs));
  await writeFile(
    envFile,
    Object.entries(vars)
      .map(([k, v]) => `${k}=${v}\n`)
      .join(''),
    { mode: 0o600 },
  );
  const persistTo = options.persistTo ?? join(scratch, 'state');
  const inspectorPort = await freePort();

  const started = Date.now();
  log(`starting wrangler dev on ${HOST}:${port}`);
  const child = spawn(
    wranglerBin,
    [
      'dev',
      '--config',
      configPath,
      '--ip',
      HOST,
      '--port',
      String(port),
      '--inspector-port',
      String(inspectorPort),
      '--inspector-ip',
      HOST,
      '--persist-to',
      persistTo,
      '--env-file',
      envFile,
      '--show-interactive-dev-session=false',
      '--log-level',
      process.env.DESKFLOW_ROOMS_LOG_LEVEL ?? 'warn',
    ],
    {
      cwd: root,
      detached: true, // own process group: stop() ends wrangler, workerd and anything else it started
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        CI: '1',
        CLOUDFLARE_CF_FETCH_ENABLED: 'false', // no request.cf download (offline, and slower start)
        WRANGLER_SEND_METRICS: 'false',
        WRANGLER_SEND_ERROR_REPORTS: 'false',
        WRANGLER_HIDE_BANNER: 'true',
        WRANGLER_LOG_PATH: join(scratch, 'logs'),
        WRANGLER_REGISTRY_PATH: join(scratch, 'registry'),
        WRANGLER_CI_DISABLE_CONFIG_WATCHING: 'true',
        NO_COLOR: '1',
        FORCE_COLOR: '0',
      },
    },
  );
  const pid = child.pid;
  if (pid === undefined) {
    await rm(scratch, { recursive: true, force: true });
    throw new RoomsStartError(`could not start ${wranglerBin}: is wrangler installed (npm install)?`);
  }

  const tail: string[] = [];
  let stopping: Promise<void> | null = null;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (raw) => {
      const line = stripVTControlCharacters(raw).trimEnd();
      // Once stopping, wrangler's shutdown chatter (e.g. esbuild's "service is no longer running") is not news.
      if (!line.trim() || noise.test(line) || stopping) return;
      tail.push(line);
      if (tail.length > 40) tail.shift();
      log(line);
    });
  }
  let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    }),
  );
  const onParentExit = () => killGroup(pid, 'SIGKILL');
  process.once('exit', onParentExit);

  const stop = () =>
    (stopping ??= (async () => {
      process.removeListener('exit', onParentExit);
      killGroup(pid, 'SIGTERM');
      const deadline = Date.now() + 5000;
      while (groupAlive(pid) && Date.now() < deadline) await sleep(50);
      if (groupAlive(pid)) killGroup(pid, 'SIGKILL');
      while (groupAlive(pid)) await sleep(20);
      await exit;
      await rm(scratch, { recursive: true, force: true });
    })());

  const url = `http://${HOST}:${port}`;
  const deadline = started + (options.startupTimeoutMs ?? 90_000);
  try {
    for (;;) {
      if (exited) throw new RoomsStartError(`wrangler dev exited (${(exited as { code: number | null }).code ?? 'signal'}) before the rooms answered:\n${tail.join('\n')}`);
      if (Date.now() > deadline) throw new RoomsStartError(`the rooms did not answer on ${url} within ${Math.round((deadline - started) / 1000)} s:\n${tail.join('\n')}`);
      const health = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) })
        .then((r) => (r.ok ? (r.json() as Promise<{ instance?: string; problem?: string | null }>) : null))
        .catch(() => null);
      if (health?.instance === instance) {
        if (health.problem) throw new RoomsStartError(health.problem);
        break;
      }
      if (health) throw new RoomsStartError(`something else answers on ${url}: set ROOMS_PORT to a free port`);
      await sleep(150);
    }
  } catch (error) {
    await stop();
    throw error;
  }
  log(`rooms ready at ${url} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { url, pid, stop };
}
