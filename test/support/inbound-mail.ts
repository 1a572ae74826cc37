/**
 * The inbound mail stack on real components: a Temporal dev server with the worker (whose
 * mailbox workflow watches a GreenMail IMAP mailbox), PGlite with the demo organisation, the
 * API with the push endpoint, and the internal listener the mailbox hands mail to. Refusals go
 * through the API's Mailer seam into `sent`.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Worker } from '@temporalio/worker';
import { sql } from 'drizzle-orm';
import { pino } from 'pino';
import { createApp } from '../../api/app';
import { createDeskflowClient } from '../../api/client';
import { apiConfigFromSettings } from '../../api/config';
import { createInternalApp } from '../../api/internal/app';
import { createInboundMailService, type InboundMailConfig } from '../../api/inbound-mail/service';
import type { Mail } from '../../api/mail';
import { createServices, type AppDeps } from '../../api/trpc';
import { seedDemo } from '../../db/seed';
import { deskflowSettings, parseImapUrl, type ImapMailboxSettings } from '../../deskflow.config';
import { freshPglite } from '../../dev-support/databases';
import { startDevServer } from '../../dev-support/stack';
import { ensureMailboxWorkflows } from '../../worker/mailboxes';
import { createDeskflowWorker, installTemporalRuntime } from '../../worker/worker';
import { startGreenMail } from './greenmail';
import { freePort } from './start-process';

export const PASSWORD = 'correct-horse-battery';
export const PUSH_SECRET = 'test-push-secret-0123456789abcdef0123456789';
export const SUPPORT_FOLDER = 'Support';
const INTERNAL_SECRET = 'test-internal-secret-0123456789abcdef012345';

export async function startInboundMailStack(options: { config?: Partial<InboundMailConfig> } = {}) {
  installTemporalRuntime();
  const env = await startDevServer();
  const database = await freshPglite();
  await seedDemo(database.db, PASSWORD);
  const db = database.db;
  const greenmail = await startGreenMail();
  const mailbox = parseImapUrl(greenmail.imapUrl) as ImapMailboxSettings;
  // A second folder, watched by a workflow of its own, for the UIDVALIDITY test.
  const session = await greenmail.imap();
  await session.mailboxCreate(SUPPORT_FOLDER);
  await session.logout();
  const supportMailbox = parseImapUrl(greenmail.folderUrl(SUPPORT_FOLDER)) as ImapMailboxSettings;
  const logger = pino({ level: process.env.DESKFLOW_DEBUG_MAIL ? 'debug' : 'silent' });
  const sent: Mail[] = [];
  const mailer = { send: async (mail: Mail) => void sent.push(mail) };
  const taskQueue = `deskflow-mail-test-${crypto.randomUUID()}`;
  const limits = {
    rateLimit: { capacity: 100_000, refillPerSecond: 10_000 },
    anonymousRateLimit: { capacity: 100_000, refillPerSecond: 10_000 },
    signInRateLimit: { capacity: 100_000, refillPerSecond: 10_000 },
  };
  const appDeps: AppDeps = { db, temporal: env.client, taskQueue, roomTokenSecret: 'test-room-secret-0123456789abcdef0123456789', roomsUrl: 'http://127.0.0.1:1', logger, mailer };
  const services = createServices(appDeps, { ...apiConfigFromSettings(deskflowSettings({})), ...limits });
  const config: InboundMailConfig = {
    maxBytes: 25 * 1024 * 1024,
    allowedDomains: ['allowed.test'],
    ownAddresses: ['deskflow@example.com', greenmail.address],
    senderRatePerHour: 4,
    attachmentMaxBytes: 10 * 1024 * 1024,
    ...options.config,
  };
  const inbound = createInboundMailService({ db, temporal: env.client, taskQueue, logger, mailer, storage: services.storage, config });

  const app = createApp({
    ...appDeps,
    ping: async () => void (await db.execute(sql`select 1`)),
    inboundMail: inbound,
    inboundMailSecret: PUSH_SECRET,
    config: { ...limits, principalCacheSeconds: 0 },
    web: false,
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const internalPort = await freePort();
  const internal = serve({
    fetch: createInternalApp({ db, internalSecret: INTERNAL_SECRET, temporal: env.client, mail: { service: inbound, maxBytes: config.maxBytes, logger } }).fetch,
    hostname: '127.0.0.1',
    port: internalPort,
  });
  await new Promise<void>((resolve) => internal.once('listening', () => resolve()));

  const mailDeps = { mailboxes: [mailbox, supportMailbox], apiInternalUrl: `http://127.0.0.1:${internalPort}`, internalSecret: INTERNAL_SECRET, waitSeconds: 2, maxBytes: config.maxBytes };
  const newWorker = () => createDeskflowWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, db, temporal: env.client, inbound: mailDeps });
  let worker: Worker = await newWorker();
  let workerRun = worker.run();
  await ensureMailboxWorkflows(env.client, taskQueue, [mailbox.key, supportMailbox.key]);

  return {
    db,
    env,
    url,
    greenmail,
    mailbox,
    supportMailbox,
    sent,
    client: (token?: string) => createDeskflowClient(url, token),
    async signIn(email: string) {
      const { token } = await createDeskflowClient(url).auth.signIn.mutate({ email, password: PASSWORD });
      return createDeskflowClient(url, token);
    },
    /** The push endpoint, as a mail provider's inbound hook calls it. */
    async push(raw: string | Uint8Array, secret = PUSH_SECRET) {
      const response = await fetch(`${url}/mail/inbound`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'message/rfc822' }, body: raw });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    /** Stops the worker at once (its running activity is abandoned, as when the process dies) and starts a new one. */
    async restartWorker(between?: () => Promise<void>) {
      worker.shutdown();
      await workerRun;
      await between?.();
      worker = await newWorker();
      workerRun = worker.run();
    },
    async stop() {
      worker.shutdown();
      await workerRun;
      await new Promise((resolve) => server.close(resolve));
      await new Promise((resolve) => internal.close(resolve));
      await greenmail.stop();
      await database.close();
      await env.teardown();
    },
  };
}

export type InboundMailStack = Awaited<ReturnType<typeof startInboundMailStack>>;

let counter = 0;

/** A raw RFC 822 message (CRLF line ends). */
export function rawMail(fields: {
  from: string;
  subject: string;
  body?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  to?: string;
  headers?: Record<string, string>;
  contentType?: string;
}): string {
  const messageId = fields.messageId ?? `<test-${Date.now()}-${++counter}@mail.example.net>`;
  const lines = [
    `From: ${fields.from}`,
    `To: ${fields.to ?? 'desk@example.com'}`,
    `Subject: ${fields.subject}`,
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    ...(fields.inReplyTo ? [`In-Reply-To: ${fields.inReplyTo}`] : []),
    ...(fields.references ? [`References: ${fields.references}`] : []),
    ...Object.entries(fields.headers ?? {}).map(([key, value]) => `${key}: ${value}`),
    `Content-Type: ${fields.contentType ?? 'text/plain; charset=utf-8'}`,
    '',
    fields.body ?? 'Hello,\n\nplease help.',
  ];
  return lines.join('\r\n').replace(/(?<!\r)\n/g, '\r\n');
}
