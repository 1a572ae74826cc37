/**
 * `npm start`: the whole helpdesk on one machine. Embedded defaults: PGlite under DATA_DIR,
 * a Temporal dev server (SQLite under DATA_DIR, Web UI on :8233) and the rooms under
 * `wrangler dev`, and Mailpit (SMTP on :1025, its UI on :8025) catching every mail; the worker
 * and the API run in this process. TEMPORAL_ADDRESS, DATABASE_URL and SMTP_URL switch to external
 * services. Ctrl-C stops everything.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createApp, createInboundMailServiceFromApp } from '../api/app';
import { apiConfigFromSettings } from '../api/config';
import { createServices } from '../api/trpc';
import { createInternalApp } from '../api/internal/app';
import { createMailDispatcher } from '../api/mail';
import { createRoomsAccessNotifier } from '../api/internal/rooms-push';
import { createLogger, type Logger } from '../lib/logger';
import { sentenceEmbedder } from '../lib/sentence-embedder';
import { DatabaseInUseError, type Database } from '../db/client';
import { demoUsers } from '../db/seed';
import { seedDemoHistory } from '../db/seed-history';
import { ConfigError, deskflowSettings, type DeskflowSettings } from '../deskflow.config';
import { searchAttributes, temporalSettings, type TemporalSettings } from '../temporal.config';
import { startWorker } from '../worker/start';
import { connectClient } from '../worker/temporal-connections';
import { RoomsStartError, startRooms } from '../realtime/dev';
import { demoSeedWanted, hasActiveAdmin, loadSecrets, openMigratedDatabase, prepareDataDir, seedDemoStep, type Secrets } from './startup';
import { ensureSentenceModel, ensureTemporalCli, GO_MISSING_MESSAGE, ToolError } from './tools';
import { ensureWebConsoleBuilt, type WebBuildOutcome } from '../dev-support/web-console';
import { portOr, startMailpit } from '../dev-support/mailpit';

const say = (line: string) => process.stdout.write(`${line}\n`);
const step = (line: string) => say(`  • ${line}`);

const children: ChildProcess[] = [];
const cleanups: (() => Promise<unknown> | unknown)[] = [];

async function main() {
  const settings = deskflowSettings();
  const temporal = temporalSettings();
  const logger = createLogger(settings.LOG_LEVEL);
  prepareDataDir(settings.DATA_DIR);
  const secrets = loadSecrets(settings);
  say('Deskflow is starting…');
  // The console builds (when its sources changed) while Temporal, the database and the worker start.
  const webBuild = ensureWebConsoleBuilt({ log: step });

  await assertPortsFree([
    ['API_PORT', settings.API_PORT],
    ['INTERNAL_PORT', settings.INTERNAL_PORT],
    ['ROOMS_PORT', settings.ROOMS_PORT],
    ...(temporal.address
      ? []
      : ([
          ['TEMPORAL_DEV_PORT', temporal.devServer.port],
          ['TEMPORAL_UI_PORT', temporal.devServer.uiPort],
        ] as [string, number][])),
  ]);

  const address = temporal.address ?? (await startTemporalDevServer(temporal, settings));
  const { client, connection } = await connectClient({ ...temporal, address });
  cleanups.push(() => connection.close());
  // Semantic search's sentence model, converted into the cache once (minutes, the first time only).
  if (!settings.SENTENCE_MODEL_DIR) await ensureSentenceModel({ log: step });

  const database = await openDatabaseStep(settings, logger);
  // The starter knowledge base is embedded as it is seeded (about a second for its 40 articles).
  const embedder = await sentenceEmbedder(settings.sentenceModelDir).catch((error: unknown) => {
    step(`semantic search is off: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  });
  if (await seedDemoStep(database.db, settings, embedder)) {
    step('seeded the demo organisation');
    if (settings.DEMO_HISTORY_TICKETS > 0) {
      const started = Date.now();
      await seedDemoHistory(database.db, { tickets: settings.DEMO_HISTORY_TICKETS, onProgress: step });
      step(`seeded ${settings.DEMO_HISTORY_TICKETS} tickets of demo history for the reports in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    }
  }
  const mail = await mailStep(settings);

  step('bundling workflows and starting the worker');
  const worker = await startWorker({
    temporal: { ...temporal, address },
    db: database.db,
    connected: { client, connection },
    registerSearchAttributes: Boolean(temporal.address),
    // Live events: pushes made before the rooms are up are retried by their activities.
    rooms: { roomsUrl: settings.roomsUrl, internalSecret: secrets.internalSecret },
    mail: { smtpUrl: mail.smtpUrl, from: settings.MAIL_FROM, fromName: settings.MAIL_FROM_NAME, appUrl: settings.appUrl, publicUrl: settings.publicUrl, ratingLinkSecret: secrets.roomTokenSecret },
    // Each IMAP mailbox's workflow hands its mail to the internal listener below.
    inbound: {
      mailboxes: settings.MAIL_IMAP_URL,
      apiInternalUrl: settings.apiInternalUrl,
      internalSecret: secrets.internalSecret,
      waitSeconds: settings.MAIL_IMAP_WAIT_SECONDS,
      maxBytes: settings.MAIL_MAX_BYTES,
    },
    ai: settings.ai,
    sentenceModelDir: settings.sentenceModelDir,
    log: step,
  });
  cleanups.unshift(() => worker.stop());

  await webConsoleStep(webBuild);

  const appDeps = {
    db: database.db,
    temporal: client,
    taskQueue: temporal.taskQueue,
    roomTokenSecret: secrets.roomTokenSecret,
    roomsUrl: settings.roomsUrl,
    internalSecret: secrets.internalSecret, // tells the rooms about users' access changes
    logger,
  };
  // One inbound mail service for both paths: the push endpoint (MAIL_INBOUND_SECRET) and the mailbox workflows (internal listener).
  const inboundMail = createInboundMailServiceFromApp(appDeps, createServices(appDeps, apiConfigFromSettings(settings)), settings);
  const app = createApp({ ...appDeps, ping: database.ping, inboundMail });
  listen(app.fetch, settings.API_HOST, settings.API_PORT);
  step(`API listening on http://${settings.API_HOST}:${settings.API_PORT}`);
  // The rooms' endpoints: a listener of their own (loopback by default), never the public port.
  const roomsPush = createRoomsAccessNotifier({ roomsUrl: settings.roomsUrl, internalSecret: secrets.internalSecret, logger });
  const dispatchMail = createMailDispatcher({ db: database.db, temporal: client, taskQueue: temporal.taskQueue, logger });
  listen(
    createInternalApp({
      db: database.db,
      internalSecret: secrets.internalSecret,
      temporal: client,
      rooms: roomsPush,
      dispatchMail,
      mail: { service: inboundMail, maxBytes: settings.MAIL_MAX_BYTES, logger },
    }).fetch,
    settings.INTERNAL_HOST,
    settings.INTERNAL_PORT,
  );
  step(`internal endpoints (rooms) listening on http://${settings.INTERNAL_HOST}:${settings.INTERNAL_PORT}/internal`);

  await startRoomsStep(settings, secrets);

  say('');
  say('Deskflow is up:');
  say(`  API          http://${settings.API_HOST}:${settings.API_PORT}/trpc   (health: /health, readiness: /ready)`);
  say(`  Web console  http://${settings.API_HOST}:${settings.API_PORT}/`);
  say(`  Rooms        ${settings.roomsUrl}`);
  if (!temporal.address) say(`  Temporal UI  http://127.0.0.1:${temporal.devServer.uiPort}   (filter e.g. TicketStatus="assigned")`);
  else say(`  Temporal     ${temporal.address} (namespace ${temporal.namespace})`);
  if (mail.uiUrl) say(`  Mail UI      ${mail.uiUrl}   (Mailpit: every mail the desk sends; SMTP ${mail.smtpUrl}; set SMTP_URL for real mail)`);
  else say(`  Mail         ${mail.shown}   (from ${settings.MAIL_FROM_NAME} <${settings.MAIL_FROM}>)`);
  say(`  AI           ${settings.ai ? `${settings.ai.model} at ${settings.ai.baseUrl} (offline fallback)` : 'offline (set AI_BASE_URL and AI_MODEL for an OpenAI-compatible model)'}`);
  say(`  Database     ${database.kind === 'pglite' ? `PGlite in ${join(settings.DATA_DIR, 'pglite')}` : 'PostgreSQL via DATABASE_URL'}`);
  if (demoSeedWanted(settings)) {
    say(`  Demo users   ${demoUsers.map((u) => u.email).join(', ')}`);
    // Never print a production password into a log: with DATABASE_URL, the operator set it.
    say(
      `  Password     ${settings.DATABASE_URL ? '(as set in DEMO_PASSWORD)' : `${settings.DEMO_PASSWORD}${process.env.DEMO_PASSWORD ? '' : '   (set DEMO_PASSWORD before the first start to choose another)'}`}`,
    );
  }
  if (!(await hasActiveAdmin(database.db))) say('  First admin  none yet: npm run admin:create -- --email you@example.com --name "Your Name"');
  say('Press Ctrl-C to stop.');
}

function listen(fetch: (request: Request) => Response | Promise<Response>, hostname: string, port: number) {
  const server = serve({ fetch, hostname, port }) as HttpServer;
  cleanups.unshift(
    () =>
      new Promise((resolve) => {
        server.close(resolve);
        // close() waits for every keep-alive connection: end idle ones now, busy ones after a grace period.
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      }),
  );
}

async function assertPortsFree(ports: [string, number][]) {
  for (const [name, port] of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const probe = createServer()
        .once('error', () => resolve(false))
        .once('listening', () => probe.close(() => resolve(true)))
        .listen(port, '127.0.0.1');
    });
    if (!free) throw new ConfigError(`port ${port} (${name}) is already in use: stop whatever holds it (another npm start?) or set ${name} to a free port`);
  }
}

async function startTemporalDevServer(temporal: TemporalSettings, settings: DeskflowSettings): Promise<string> {
  const cli = await ensureTemporalCli({ log: (line) => step(line) });
  if (!cli) throw new ToolError(GO_MISSING_MESSAGE);
  const { port, uiPort } = temporal.devServer;
  step(`starting the Temporal dev server on 127.0.0.1:${port} (UI :${uiPort}, history in ${join(settings.DATA_DIR, 'temporal.db')})`);
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--ui-port',
    String(uiPort),
    '--db-filename',
    join(settings.DATA_DIR, 'temporal.db'),
    '--namespace',
    temporal.namespace,
    '--log-level',
    'error',
  ];
  for (const key of Object.values(searchAttributes)) args.push('--search-attribute', `${key.name}=${key.type === 'INT' ? 'Int' : key.type === 'DATETIME' ? 'Datetime' : 'Keyword'}`);
  const child = spawnChild(cli, args, 'temporal');
  const address = `127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (child.exitCode !== null) throw new ConfigError(`the Temporal dev server exited (code ${child.exitCode}); see its output above`);
      const probe = await connectClient({ ...temporal, address }).catch(() => undefined);
      if (!probe) return false;
      try {
        await probe.client.workflowService.getSystemInfo({});
        return true;
      } finally {
        await probe.connection.close();
      }
    },
    60_000,
    'the Temporal dev server did not become reachable within 60 s',
  );
  return address;
}

/**
 * Where mail goes: SMTP_URL, or else Mailpit, started here on loopback (SMTP :1025 and UI :8025, or
 * free ports when those are taken), keeping its mail in DATA_DIR across restarts.
 */
async function mailStep(settings: DeskflowSettings): Promise<{ smtpUrl: string; uiUrl: string | null; shown: string }> {
  if (settings.SMTP_URL) {
    const url = new URL(settings.SMTP_URL);
    // Shown without its credentials.
    const shown = `${url.protocol}//${url.host}`;
    step(`mail goes to ${shown} (SMTP_URL)`);
    return { smtpUrl: settings.SMTP_URL, uiUrl: null, shown };
  }
  const [smtpPort, uiPort] = [await portOr(1025), await portOr(8025)];
  step(`starting Mailpit (SMTP 127.0.0.1:${smtpPort}, UI :${uiPort}); set SMTP_URL to send real mail`);
  const mailpit = await startMailpit({ smtpPort, uiPort, database: join(settings.DATA_DIR, 'mailpit.db'), log: step, detached: true });
  const child = mailpit.child();
  children.push(child);
  // Waits for its exit, so its ports are free once Deskflow has stopped.
  cleanups.push(() => mailpit.stop());
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`mailpit stopped unexpectedly (${signal ?? `exit ${code}`}); shutting down.`);
      void stop(1);
    }
  });
  return { smtpUrl: mailpit.smtpUrl, uiUrl: mailpit.uiUrl, shown: mailpit.smtpUrl };
}

/** Rebuilds the console only when its sources changed; a failed build never stops the API. */
async function webConsoleStep(build: Promise<WebBuildOutcome>) {
  const outcome = await build;
  if (outcome.kind === 'up-to-date') step('web console up to date (web/dist)');
  else if (outcome.kind === 'built') step(`web console built in ${outcome.seconds.toFixed(1)} s`);
  else if (outcome.previousBuild) step(`the web console did not build (${outcome.error.message.split('\n')[0]}); serving the previous build — run \`npm run build:web\` to see why`);
  else step(`the web console did not build and there is no earlier build: / answers 503 until \`npm run build:web\` succeeds (${outcome.error.message.split('\n')[0]})`);
}

async function openDatabaseStep(settings: DeskflowSettings, logger: Logger): Promise<Database> {
  step(settings.DATABASE_URL ? 'connecting to PostgreSQL (DATABASE_URL) through the Neon driver' : `opening PGlite in ${join(settings.DATA_DIR, 'pglite')}`);
  const database = await openMigratedDatabase(settings, logger);
  cleanups.push(() => database.close());
  step('database migrated');
  return database;
}

async function startRoomsStep(settings: DeskflowSettings, secrets: Secrets) {
  step(`starting rooms under wrangler dev on 127.0.0.1:${settings.ROOMS_PORT}`);
  const rooms = await startRooms({
    port: settings.ROOMS_PORT,
    apiInternalUrl: settings.apiInternalUrl,
    roomTokenSecret: secrets.roomTokenSecret,
    internalSecret: secrets.internalSecret,
    persistTo: join(settings.DATA_DIR, 'wrangler'),
    log: (line) => step(line),
  });
  cleanups.unshift(() => rooms.stop());
}

function spawnChild(command: string, args: string[], name: string): ChildProcess {
  // Own process group, so stopping kills the child's children too.
  const child = spawn(command, args, { stdio: ['ignore', 'inherit', 'inherit'], detached: true });
  children.push(child);
  child.once('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} stopped unexpectedly (${signal ?? `exit ${code}`}); shutting down.`);
      void stop(1);
    }
  });
  return child;
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, message: string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch((error: unknown) => (error instanceof ConfigError ? Promise.reject(error) : false))) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new ConfigError(message);
}

let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  if (cleanups.length > 0 || children.length > 0) say('Stopping Deskflow…');
  for (const cleanup of cleanups)
    await Promise.resolve()
      .then(cleanup)
      .catch(() => undefined);
  killChildren();
  process.exit(code);
}

function killChildren() {
  for (const child of children) {
    if (child.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
    }
  }
}

// A second Ctrl-C stops at once, without waiting for the tasks in hand.
const onSignal = () => {
  if (!stopping) return void stop(0);
  say('Stopping now.');
  killChildren();
  process.exit(130);
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);
process.once('exit', killChildren);

main().catch(async (error: unknown) => {
  if (error instanceof ConfigError || error instanceof ToolError || error instanceof RoomsStartError || error instanceof DatabaseInUseError) process.stderr.write(`deskflow: ${error.message}\n`);
  else process.stderr.write(`deskflow: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
});
