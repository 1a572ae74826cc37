/**
 * bench:mail — pushes inbound mails (new tickets, then replies to them) through the push endpoint
 * (POST /mail/inbound, the raw message as the body) and reports mails per second and
 * mail-to-ticket latency p50/p99 (the endpoint answers once the ticket or the message is stored
 * and its workflow told), beside the same tickets and replies made through tRPC
 * (`ticket.create`, `comment.add`) in the same run, on the same stack.
 *
 *   npm run bench:mail -- [--mails 1000] [--replies 0.3] [--concurrency 8]
 *
 * Self-contained: a Temporal dev server (the pinned CLI), PGlite with the demo organisation,
 * the worker and the API over HTTP, all in this process. The per-requester ticket limit is lifted
 * for the run, and so is the per-sender mail rate. Mails come from the demo requesters; replies
 * thread by References.
 */
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { serve } from '@hono/node-server';
import { inArray, sql } from 'drizzle-orm';
import { createApp } from '../api/app';
import { createDeskflowClient, type DeskflowClient } from '../api/client';
import { tickets } from '../db/schema';
import { seedDemo } from '../db/seed';
import { freshPglite } from '../dev-support/databases';
import { startDevServer } from '../dev-support/stack';
import { mailHost, ticketMessageId } from '../domain/mail-threading';
import { deskflowSettings } from '../deskflow.config';
import { createLogger } from '../lib/logger';
import { createDeskflowWorker, installTemporalRuntime } from '../worker/worker';
import { ms, pool, progress, summarize, table } from './support/stats';

const { values } = parseArgs({ options: { mails: { type: 'string', default: '1000' }, replies: { type: 'string', default: '0.3' }, concurrency: { type: 'string', default: '8' } } });
const total = Number(values.mails);
const replyShare = Number(values.replies);
const concurrency = Number(values.concurrency);
const replies = Math.round(total * replyShare);
const newMails = total - replies;
const PASSWORD = 'bench-password-123';
const SECRET = 'bench-push-secret-0123456789abcdef0123456789';
const requesters = ['rita.requester@deskflow.test', 'raj.requester@deskflow.test', 'rosa.requester@deskflow.test'];

function rawMail(from: string, subject: string, body: string, messageId: string, references?: string): string {
  return [
    `From: ${from}`,
    'To: desk@example.com',
    `Subject: ${subject}`,
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    ...(references ? [`In-Reply-To: ${references}`, `References: ${references}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    body,
  ].join('\r\n');
}

async function main() {
  // Three requesters send every mail: lift the per-sender loop limit (MAIL_SENDER_RATE_PER_HOUR) for the run.
  process.env.MAIL_SENDER_RATE_PER_HOUR = '100000';
  installTemporalRuntime();
  process.stderr.write('starting the stack (Temporal dev server, PGlite, worker, API)…\n');
  const env = await startDevServer();
  const database = await freshPglite();
  await seedDemo(database.db, PASSWORD);
  const logger = createLogger('silent');
  const taskQueue = `bench-mail-${crypto.randomUUID()}`;
  const worker = await createDeskflowWorker({ connection: env.nativeConnection, namespace: env.namespace ?? 'default', taskQueue, db: database.db, temporal: env.client });
  const workerRun = worker.run();
  const lifted = { capacity: 1_000_000, refillPerSecond: 1_000_000 };
  const app = createApp({
    db: database.db,
    temporal: env.client,
    taskQueue,
    roomTokenSecret: 'bench-room-secret-0123456789abcdef0123456789',
    roomsUrl: 'http://127.0.0.1:1',
    logger,
    ping: async () => void (await database.db.execute(sql`select 1`)),
    inboundMailSecret: SECRET,
    config: { rateLimit: lifted, anonymousRateLimit: lifted, signInRateLimit: lifted },
    web: false,
  });
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const signIn = async (email: string) => createDeskflowClient(url, (await createDeskflowClient(url).auth.signIn.mutate({ email, password: PASSWORD })).token);
  const admin = await signIn('admin@deskflow.test');
  await admin.admin.settings.update.mutate({ ticketRateLimit: { max: 10_000, windowHours: 1 } });
  const clients: DeskflowClient[] = await Promise.all(requesters.map(signIn));
  const runId = Date.now().toString(36);

  const push = async (raw: string) => {
    const response = await fetch(`${url}/mail/inbound`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}`, 'content-type': 'message/rfc822' }, body: raw });
    const answer = (await response.json()) as { outcome?: string; ticketId?: string };
    if (!response.ok || !answer.outcome || !['ticket_created', 'reply_added'].includes(answer.outcome)) throw new Error(`push answered ${response.status}: ${JSON.stringify(answer)}`);
    return answer;
  };

  // Mail: new tickets, then replies to them.
  const mailTickets: string[] = [];
  const mailNew: number[] = [];
  let started = performance.now();
  await pool(
    newMails,
    concurrency,
    async (i) => {
      const t0 = performance.now();
      const answer = await push(
        rawMail(
          requesters[i % requesters.length]!,
          `Bench mail ${i}: laptop will not charge`,
          'The charger light stays off; tried another socket. (bench:mail)',
          `<bench-${runId}-${i}@mail.example.net>`,
        ),
      );
      mailNew.push(performance.now() - t0);
      mailTickets[i] = answer.ticketId!;
    },
    progress('mails → tickets', newMails),
  );
  const mailNewSeconds = (performance.now() - started) / 1000;
  // Replies thread by the ticket's root Message-ID, on the host of Deskflow's own address, as outbound mail writes it.
  const numberOf = new Map((await database.db.select({ id: tickets.id, number: tickets.number }).from(tickets).where(inArray(tickets.id, mailTickets))).map((row) => [row.id, row.number]));
  const threadHost = mailHost(deskflowSettings().MAIL_FROM);
  const mailReply: number[] = [];
  started = performance.now();
  await pool(
    replies,
    concurrency,
    async (i) => {
      const target = i % newMails;
      const t0 = performance.now();
      await push(
        rawMail(
          requesters[target % requesters.length]!,
          `Re: Bench mail ${target}`,
          `Still not charging (reply ${i}).\r\n\r\nOn Monday, the desk wrote:\r\n> Try another cable`,
          `<bench-${runId}-reply-${i}@mail.example.net>`,
          ticketMessageId(numberOf.get(mailTickets[target]!)!, threadHost),
        ),
      );
      mailReply.push(performance.now() - t0);
    },
    progress('mails → replies', replies),
  );
  const mailReplySeconds = (performance.now() - started) / 1000;

  // The same through tRPC.
  const trpcTickets: { id: string; client: DeskflowClient }[] = [];
  const trpcNew: number[] = [];
  started = performance.now();
  await pool(
    newMails,
    concurrency,
    async (i) => {
      const client = clients[i % clients.length]!;
      const t0 = performance.now();
      const ticket = await client.ticket.create.mutate({
        title: `Bench tRPC ${i}: laptop will not charge`,
        description: 'The charger light stays off; tried another socket. (bench:mail)',
        idempotencyKey: `bench-${runId}-${i}`,
      });
      trpcNew.push(performance.now() - t0);
      trpcTickets[i] = { id: ticket.id, client };
    },
    progress('tRPC ticket.create', newMails),
  );
  const trpcNewSeconds = (performance.now() - started) / 1000;
  const trpcReply: number[] = [];
  started = performance.now();
  await pool(
    replies,
    concurrency,
    async (i) => {
      const target = trpcTickets[i % newMails]!;
      const t0 = performance.now();
      await target.client.comment.add.mutate({ ticketId: target.id, body: `Still not charging (reply ${i}).` });
      trpcReply.push(performance.now() - t0);
    },
    progress('tRPC comment.add', replies),
  );
  const trpcReplySeconds = (performance.now() - started) / 1000;

  const row = (label: string, samples: number[], seconds: number) => {
    const s = summarize(samples);
    return [label, String(s.count), `${(s.count / seconds).toFixed(1)}/s`, ms(s.p50), ms(s.p99)];
  };
  process.stdout.write(
    `\n${table([
      ['path', 'count', 'throughput', 'p50', 'p99'],
      row('mail → new ticket (push)', mailNew, mailNewSeconds),
      row('tRPC ticket.create', trpcNew, trpcNewSeconds),
      row('mail → reply (push)', mailReply, mailReplySeconds),
      row('tRPC comment.add', trpcReply, trpcReplySeconds),
    ])}\n\nall mails: ${total} in ${(mailNewSeconds + mailReplySeconds).toFixed(1)} s = ${(total / (mailNewSeconds + mailReplySeconds)).toFixed(1)} mails/s (concurrency ${concurrency})\n`,
  );

  await new Promise((resolve) => server.close(resolve));
  worker.shutdown();
  await workerRun;
  await database.close();
  await env.teardown();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench:mail failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
