/**
 * `npm run worker`: a standalone Deskflow worker process (ticket workflows, their activities and
 * the maintenance schedules) for deployments that run workers apart from the API — and for the
 * fault tests, which kill it. Reads TEMPORAL_ADDRESS (required: it joins an existing server) and
 * DATABASE_URL (PostgreSQL through the Neon driver; PGlite lets only one process open its data,
 * so a separate worker needs PostgreSQL). Live room events when ROOMS_URL and
 * INTERNAL_API_SECRET are set. DESKFLOW_WORKFLOW_BUNDLE: a prebuilt workflow bundle file. Sends
 * the outbox's mail over SMTP_URL (MAIL_FROM, MAIL_FROM_NAME; links on APP_URL/PUBLIC_URL); without
 * SMTP_URL its mail deliveries fail as "no SMTP server configured" (visible to admins).
 */
import { createLogger } from '../lib/logger';
import { databaseOptionsFromSettings, openDatabase } from '../db/client';
import { ConfigError, deskflowSettings, type DeskflowSettings } from '../deskflow.config';
import { temporalSettings } from '../temporal.config';
import { startWorker } from './start';

async function main() {
  const settings = deskflowSettings();
  const temporal = temporalSettings();
  const logger = createLogger(settings.LOG_LEVEL, 'deskflow-worker');
  if (!temporal.address) throw new ConfigError('TEMPORAL_ADDRESS is not set: a standalone worker joins an existing Temporal server (npm start runs its own worker)');
  if (!settings.DATABASE_URL) throw new ConfigError('DATABASE_URL is not set: a standalone worker needs PostgreSQL (PGlite lets only one process open its data; npm start runs its own worker)');
  const address = temporal.address;

  const database = await openDatabase(databaseOptionsFromSettings(settings, logger));
  await database.migrate().catch((error: unknown) => {
    throw new ConfigError(
      `cannot migrate the database (${error instanceof Error ? error.message.split('\n')[0] : String(error)}): check DATABASE_URL${settings.NEON_WS_PROXY ? ' and NEON_WS_PROXY' : ''}`,
    );
  });
  const {
    connection,
    liveEvents,
    running,
    stop: stopWorker,
  } = await startWorker({
    temporal: { ...temporal, address },
    db: database.db,
    registerSearchAttributes: true,
    rooms: settings.ROOMS_URL && settings.INTERNAL_API_SECRET ? { roomsUrl: settings.roomsUrl, internalSecret: settings.INTERNAL_API_SECRET } : undefined,
    workflowBundlePath: process.env.DESKFLOW_WORKFLOW_BUNDLE,
    mail: settings.SMTP_URL ? { smtpUrl: settings.SMTP_URL, from: settings.MAIL_FROM, fromName: settings.MAIL_FROM_NAME, appUrl: settings.appUrl, publicUrl: settings.publicUrl } : undefined,
    inbound: mailboxDeps(settings),
    sentenceModelDir: settings.sentenceModelDir,
    log: (line) => logger.info(line),
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping: finishing the tasks in hand');
    stopWorker().catch(() => undefined); // a failed run is reported where it is awaited, below
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);

  logger.info({ taskQueue: temporal.taskQueue, address, liveEvents }, 'worker ready');
  await running;
  await connection.close();
  await database.close();
}

/** IMAP mailboxes hand their mail to the API's internal listener (API_INTERNAL_URL), which needs the shared INTERNAL_API_SECRET. */
function mailboxDeps(settings: DeskflowSettings) {
  if (settings.MAIL_IMAP_URL.length === 0) return undefined;
  if (!settings.INTERNAL_API_SECRET || !settings.API_INTERNAL_URL)
    throw new ConfigError('MAIL_IMAP_URL is set, so this worker hands mail to the API: set API_INTERNAL_URL (the internal listener) and INTERNAL_API_SECRET too');
  return {
    mailboxes: settings.MAIL_IMAP_URL,
    apiInternalUrl: settings.apiInternalUrl,
    internalSecret: settings.INTERNAL_API_SECRET,
    waitSeconds: settings.MAIL_IMAP_WAIT_SECONDS,
    maxBytes: settings.MAIL_MAX_BYTES,
  };
}

main().catch((error: unknown) => {
  process.stderr.write(`deskflow-worker: ${error instanceof ConfigError ? error.message : `failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exit(1);
});
