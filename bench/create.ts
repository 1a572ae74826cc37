/**
 * bench:create — creates tickets through tRPC against the running stack (`npm start`) and reports
 * throughput and p50/p99 latency to "created" (the mutation returned) and to "assigned" (the
 * workflow persisted an assignee), beside a baseline from the same run: starting the same number
 * of no-op workflows on the same Temporal server (to "started" and to "completed").
 *
 *   npm run bench:create -- [--tickets 1000] [--concurrency 16 | --rate 2] [--api http://127.0.0.1:3000]
 *
 * --concurrency N keeps N creates in flight (closed loop: the most the stack can take);
 * --rate R creates R tickets per second on a fixed schedule (open loop: latency at a given load).
 *
 * Env: TEMPORAL_ADDRESS (default 127.0.0.1:7233), DEMO_PASSWORD (default deskflow-demo).
 * Start the stack with its per-session request limit lifted, or the bench measures the limiter:
 *   RATE_LIMIT_CAPACITY=1000000 RATE_LIMIT_REFILL_PER_SECOND=1000000 npm start
 * The per-requester ticket limit is raised through the admin API for the run and restored after.
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createDeskflowClient, type DeskflowClient } from '../api/client';
import { demoUsers } from '../db/seed';
import { installTemporalRuntime } from '../worker/worker';
import { ms, paced, pool, progress, summarize, table } from './support/stats';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    rate: { type: 'string' },
    api: { type: 'string', default: 'http://127.0.0.1:3000' },
  },
});
const total = Number(values.tickets);
const concurrency = Number(values.concurrency);
const rate = values.rate === undefined ? null : Number(values.rate);
if (rate !== null && !(rate > 0)) throw new Error('--rate must be a positive number of tickets per second');
/** Runs the creates the chosen way: paced at --rate, or --concurrency in flight. */
const drive = (task: (i: number) => Promise<void>, onDone: (done: number) => void) => (rate === null ? pool(total, concurrency, task, onDone) : paced(total, rate, task, onDone));
const load = rate === null ? `at concurrency ${concurrency}` : `at ${rate}/s`;
const temporalAddress = process.env.TEMPORAL_ADDRESS || '127.0.0.1:7233';
const password = process.env.DEMO_PASSWORD || 'deskflow-demo';

type Sample = { created: number; assigned: number };

async function signInRequesters(): Promise<DeskflowClient[]> {
  const requesters = demoUsers.filter((user) => user.role === 'requester');
  return Promise.all(
    requesters.map(async (user) => {
      const { token } = await createDeskflowClient(values.api).auth.signIn.mutate({ email: user.email, password });
      return createDeskflowClient(values.api, token);
    }),
  );
}

async function benchTickets(clients: DeskflowClient[]): Promise<{ samples: Sample[]; seconds: number }> {
  const created: { id: string; api: DeskflowClient; t0: number; created: number }[] = [];
  const runId = Date.now().toString(36);
  const started = performance.now();
  await drive(
    async (i) => {
      const api = clients[i % clients.length]!;
      const t0 = Date.now();
      const ticket = await api.ticket.create.mutate({
        title: `Bench ticket ${i}: laptop will not charge`,
        description: 'The charger light stays off; tried another socket. (bench:create)',
        urgency: 'medium',
        idempotencyKey: `bench-${runId}-${i}`,
      });
      created.push({ id: ticket.id, api, t0, created: Date.now() - t0 });
    },
    progress('tickets created', total),
  );
  const seconds = (performance.now() - started) / 1000;
  // The audit event's time is when the workflow wrote the assignment, so polling speed and later
  // writes to the ticket do not skew it. Tickets that triage sends to the human queue (low confidence) or screening holds are not
  // auto-assigned: they are counted, not timed.
  const samples: Sample[] = [];
  let notAutoAssigned = 0;
  await pool(
    created.length,
    concurrency,
    async (i) => {
      const { id, api, t0, created: createdMs } = created[i]!;
      const giveUpAt = Date.now() + 30_000;
      while (Date.now() < giveUpAt) {
        const { events } = await api.ticket.history.query({ id });
        const assigned = events.find((e) => e.kind === 'assigned');
        if (assigned) {
          samples.push({ created: createdMs, assigned: assigned.createdAt.getTime() - t0 });
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      notAutoAssigned += 1;
    },
    progress('tickets assigned', total),
  );
  if (notAutoAssigned > 0) process.stderr.write(`${notAutoAssigned} tickets were not auto-assigned within 30 s (human triage queue or held by screening)\n`);
  return { samples, seconds };
}

async function benchNoopWorkflows(): Promise<{ samples: Sample[]; seconds: number }> {
  installTemporalRuntime();
  const taskQueue = `bench-noop-${Date.now()}`;
  const nativeConnection = await NativeConnection.connect({ address: temporalAddress });
  const worker = await Worker.create({ connection: nativeConnection, taskQueue, workflowsPath: fileURLToPath(new URL('./noop-workflow.ts', import.meta.url)) });
  const connection = await Connection.connect({ address: temporalAddress });
  const client = new Client({ connection });
  const samples: Sample[] = [];
  let seconds = 0;
  await worker.runUntil(async () => {
    const started = performance.now();
    await drive(
      async (i) => {
        const t0 = Date.now();
        const handle = await client.workflow.start('noopWorkflow', { taskQueue, workflowId: `${taskQueue}-${i}` });
        const created = Date.now() - t0;
        await handle.result();
        samples.push({ created, assigned: Date.now() - t0 });
      },
      progress('no-op workflows', total),
    );
    seconds = (performance.now() - started) / 1000;
  });
  await connection.close();
  await nativeConnection.close();
  return { samples, seconds };
}

const admin = createDeskflowClient(values.api, (await createDeskflowClient(values.api).auth.signIn.mutate({ email: 'admin@deskflow.test', password })).token);
const { ticketRateLimit } = await admin.admin.settings.get.query();
await admin.admin.settings.update.mutate({ ticketRateLimit: { max: 10_000, windowHours: 1 } });
const clients = await signInRequesters();
process.stderr.write(`bench:create — ${total} tickets ${load} against ${values.api}, Temporal at ${temporalAddress}\n`);
let tickets: Awaited<ReturnType<typeof benchTickets>>;
try {
  tickets = await benchTickets(clients);
} catch (error) {
  if ((error as { data?: { code?: string } }).data?.code === 'TOO_MANY_REQUESTS') {
    process.stderr.write('bench:create: rate-limited; start the stack with RATE_LIMIT_CAPACITY=1000000 RATE_LIMIT_REFILL_PER_SECOND=1000000\n');
    process.exit(1);
  }
  throw error;
} finally {
  await admin.admin.settings.update.mutate({ ticketRateLimit });
}
const baseline = await benchNoopWorkflows();

const row = (label: string, run: { samples: Sample[]; seconds: number }, first: string, second: string) => {
  const a = summarize(run.samples.map((s) => s.created));
  const b = summarize(run.samples.map((s) => s.assigned));
  return [label, `${(run.samples.length / run.seconds).toFixed(1)}/s`, `${first} p50 ${ms(a.p50)}`, `p99 ${ms(a.p99)}`, `${second} p50 ${ms(b.p50)}`, `p99 ${ms(b.p99)}`];
};
process.stdout.write(
  `\n${table([
    [`run (${total}, ${load})`, 'throughput', 'first step', '', 'second step', ''],
    row('tickets via tRPC', tickets, 'created', 'assigned'),
    row('no-op workflows (baseline)', baseline, 'started', 'completed'),
  ])}\n`,
);
