/**
 * Records ticket workflow histories from real runs (dev server, PGlite, worker, API over HTTP)
 * into test/fixtures/histories/, for the replay test (test/workflows/replay.test.ts). Every
 * fixture proves that today's workflow code still replays tickets started by the code that
 * recorded it, so changes to running workflows must sit behind patched().
 *
 *   npx tsx scripts/record-histories.ts --label v1 [scenario ...]
 *
 * `--label` names the workflow code version in the file names (v0 = the walking skeleton,
 * v1 = the full lifecycle). Without scenarios it records all of them. Existing fixtures are
 * never overwritten: they are the histories of older code.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import proto from '@temporalio/proto';
import { startStack, type Stack } from '../test/support/stack';
import { installTemporalRuntime } from '../worker/worker';
import { PROJECT_ROOT } from './tools';

type Scenario = {
  description: string;
  /** Drives one or more tickets; returns the workflow ids whose histories to keep. */
  run(stack: Stack): Promise<string[]>;
};

/**
 * Plain JSON of a history (longs and bytes as strings, enums by name); historyFromPlain in
 * test/support/histories.ts reads it back. (@temporalio/common's historyToJSON trips over two
 * protobufjs copies in this install.)
 */
function historyToPlain(history: proto.temporal.api.history.v1.IHistory): unknown {
  const { History } = proto.temporal.api.history.v1;
  return History.toObject(History.fromObject(history), { longs: String, enums: String, bytes: String });
}

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

const scenarios: Record<string, Scenario> = {
  'created-assigned': {
    description: 'a requester creates an IT ticket; triage routes it and assigns an agent',
    async run(stack) {
      const { api } = await stack.signIn('rita.requester@deskflow.test');
      const ticket = await api.ticket.create.mutate({ title: 'Laptop will not boot', description: 'Black screen after the update this morning.', urgency: 'high' });
      await until('assignment', async () => (await api.ticket.get.query({ id: ticket.id })).status === 'assigned');
      return [`ticket-${ticket.number}`];
    },
  },
};

const { values, positionals } = parseArgs({ options: { label: { type: 'string' } }, allowPositionals: true });
if (!values.label || !/^v\d+$/.test(values.label)) {
  process.stderr.write('record-histories: pass --label vN (the workflow code version these histories come from)\n');
  process.exit(2);
}
const chosen = positionals.length > 0 ? positionals : Object.keys(scenarios);
for (const name of chosen) {
  if (!scenarios[name]) {
    process.stderr.write(`record-histories: unknown scenario "${name}"; known: ${Object.keys(scenarios).join(', ')}\n`);
    process.exit(2);
  }
}

const dir = join(PROJECT_ROOT, 'test/fixtures/histories');
mkdirSync(dir, { recursive: true });
installTemporalRuntime();
process.stdout.write('starting a dev server, PGlite, the worker and the API…\n');
const stack = await startStack();
try {
  for (const name of chosen) {
    const file = join(dir, `${values.label}-${name}.json`);
    if (existsSync(file)) {
      process.stdout.write(`  ${name}: ${file} exists, kept\n`);
      continue;
    }
    process.stdout.write(`  ${name}: ${scenarios[name]!.description}\n`);
    const workflowIds = await scenarios[name]!.run(stack);
    const histories = [];
    for (const workflowId of workflowIds) {
      const history = await stack.env.client.workflow.getHandle(workflowId).fetchHistory();
      histories.push({ workflowId, history: historyToPlain(history) });
    }
    writeFileSync(file, `${JSON.stringify({ label: values.label, scenario: name, description: scenarios[name]!.description, recordedAt: new Date().toISOString(), histories }, null, 1)}\n`);
    process.stdout.write(`  ${name}: wrote ${file} (${histories.length} histories, ${histories.reduce((n, h) => n + ((h.history as { events?: unknown[] }).events?.length ?? 0), 0)} events)\n`);
  }
} finally {
  await stack.stop();
}
