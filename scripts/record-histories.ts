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
import type { WorkflowHandle } from '@temporalio/client';
import { and, eq } from 'drizzle-orm';
import { businessCalendars, departments, settings, slaPolicies, ticketEmbeddings, ticketEvents, tickets, users } from '../db/schema';
import { seedSla } from '../db/seed-sla';
import {
  assignUpdate,
  claimUpdate,
  confirmResolutionUpdate,
  escalateUpdate,
  linkUpdate,
  mergeUpdate,
  publicReplySignal,
  reclassifyUpdate,
  reopenUpdate,
  reviewUpdate,
  stateQuery,
  ticketWorkflowId,
  transitionUpdate,
  triageUpdate,
  unassignUpdate,
  type PublicReply,
} from '../workflows/messages';
import type { ticketWorkflow } from '../workflows/ticket/workflow';
import { startRecordedLlm } from '../dev-support/recorded-llm';
import { startStack, type Stack } from '../dev-support/stack';
import { createOpenAICompatibleProvider } from '../worker/ai/openai-compatible-provider';
import { installTemporalRuntime } from '../worker/worker';
import { PROJECT_ROOT } from './tools';

type Scenario = {
  description: string;
  /**
   * Needs an external model: the worker then gets the OpenAI-compatible provider over the
   * recorded-response server (test/fixtures/llm/), for every scenario of that run.
   */
  model?: boolean;
  /** Drives one or more tickets; returns the workflow ids whose histories to keep (`id@runId` for an earlier run). */
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

type Actor = { id: string; role: 'requester' | 'agent' | 'supervisor' | 'admin'; departmentId: string | null; staffDepartmentIds: string[] };

async function actor(stack: Stack, email: string): Promise<Actor> {
  const [user] = await stack.db.select().from(users).where(eq(users.email, email));
  if (!user) throw new Error(`no user ${email}`);
  return { id: user.id, role: user.role, departmentId: user.departmentId, staffDepartmentIds: user.role === 'requester' || !user.departmentId ? [] : [user.departmentId] };
}

const row = async (stack: Stack, id: string) => (await stack.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;

/**
 * Creates a ticket through the API and waits until it is routed; when triage was unsure (the
 * shipped model's call) and `triageIfUnsure`, a supervisor triages it to IT by hand.
 */
async function open(stack: Stack, email: string, title: string, description: string, triageIfUnsure = true) {
  const { api } = await stack.signIn(email);
  const ticket = await api.ticket.create.mutate({ title, description, urgency: 'high' });
  await until('routing', async () => {
    const r = await row(stack, ticket.id);
    return r.assigneeId !== null || r.needsTriage || r.heldForReview;
  });
  const handle = stack.env.client.workflow.getHandle<typeof ticketWorkflow>(ticketWorkflowId(ticket.number));
  if (triageIfUnsure && (await row(stack, ticket.id)).needsTriage) {
    const it = (await stack.db.select().from(departments).where(eq(departments.slug, 'it')))[0]!;
    // A ticket with no department yet is the admins' to triage (domain/access.ts).
    await handle.executeUpdate(triageUpdate, { args: [{ actor: await actor(stack, 'admin@deskflow.test'), departmentId: it.id, category: 'Hardware', priority: 'high' }] });
    await until('assignment', async () => (await row(stack, ticket.id)).assigneeId !== null);
  }
  const assigneeId = (await row(stack, ticket.id)).assigneeId;
  const assignee = assigneeId ? await actor(stack, (await stack.db.select().from(users).where(eq(users.id, assigneeId)))[0]!.email) : null;
  return { ticket, handle, assignee };
}

async function setLifecycle(stack: Stack, values: Record<string, unknown>) {
  const [current] = await stack.db.select().from(settings).where(eq(settings.key, 'lifecycle'));
  const value = { ...(current?.value as object), ...values };
  await stack.db.insert(settings).values({ key: 'lifecycle', value }).onConflictDoUpdate({ target: settings.key, set: { value } });
}

const reply = (handle: WorkflowHandle<typeof ticketWorkflow>, author: Actor, commentId: number) =>
  handle.signal(publicReplySignal, { commentId, authorId: author.id, authorRole: author.role, at: new Date().toISOString() } satisfies PublicReply);

const scenarios: Record<string, Scenario> = {
  'created-assigned': {
    description: 'a requester creates an IT ticket; triage routes it and assigns an agent',
    async run(stack) {
      const { ticket } = await open(stack, 'rita.requester@deskflow.test', 'Laptop will not boot', 'Black screen after the update this morning.');
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'worked-and-closed': {
    description: 'in progress, waiting on the customer, replies both ways, resolved, closed by the requester',
    async run(stack) {
      const { ticket, handle, assignee } = await open(stack, 'raj.requester@deskflow.test', 'Monitor flickers', 'The second screen flickers every few seconds.');
      const agent = assignee ?? (await actor(stack, 'sam.supervisor@deskflow.test'));
      const requester = await actor(stack, 'raj.requester@deskflow.test');
      await handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'in_progress', reason: 'looking into it' }] });
      await reply(handle, agent, 1);
      await handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'waiting_on_customer' }] });
      await reply(handle, requester, 2);
      await until('the reply to resume it', async () => (await row(stack, ticket.id)).status === 'in_progress');
      await handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved', reason: 'cable replaced' }] });
      await handle.executeUpdate(confirmResolutionUpdate, { args: [{ actor: requester }] });
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'sla-escalated': {
    description: 'first response breached on a 24x7 policy: warning, breach, escalation levels 1 and 2 (priority raised)',
    async run(stack) {
      const group = `record-${Date.now()}`;
      const [calendar] = await stack.db
        .insert(businessCalendars)
        .values({ name: `24x7 ${group}`, timezone: 'UTC', alwaysOpen: true })
        .returning();
      await stack.db.insert(slaPolicies).values({
        name: `Record ${group}`,
        requesterGroup: group,
        calendarId: calendar!.id,
        firstResponseSeconds: 6,
        nextResponseSeconds: 600,
        resolutionSeconds: 36_000,
        escalation: [
          { level: 1, target: 'any', trigger: { atPercent: 80 }, notify: ['assignee'], raisePriority: false, reassignToEscalationGroup: false },
          { level: 2, target: 'any', trigger: { atPercent: 100 }, notify: ['supervisor'], raisePriority: true, reassignToEscalationGroup: false },
        ],
      });
      await stack.db
        .update(users)
        .set({ groups: [group] })
        .where(eq(users.email, 'rosa.requester@deskflow.test'));
      const { ticket } = await open(stack, 'rosa.requester@deskflow.test', 'Projector broken', 'Meeting room 3, board meeting at noon.');
      await until('escalation level 2', async () => (await row(stack, ticket.id)).escalationLevel === 2, 30_000);
      await stack.db.update(users).set({ groups: [] }).where(eq(users.email, 'rosa.requester@deskflow.test'));
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'held-and-rejected': {
    description: 'screening holds spam for review; an admin rejects it',
    async run(stack) {
      const { ticket, handle } = await open(
        stack,
        'rita.requester@deskflow.test',
        'Limited time offer!!! Buy now',
        'Click here for casino bonuses https://spam.example/a https://spam.example/b https://spam.example/c',
      );
      await handle.executeUpdate(reviewUpdate, { args: [{ actor: await actor(stack, 'admin@deskflow.test'), decision: 'reject', reason: 'spam' }] });
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'triaged-by-hand': {
    description: 'triage is not confident enough; an admin triages the ticket by hand and it is routed',
    async run(stack) {
      await setLifecycle(stack, { triageMinConfidence: 0.999 });
      const { ticket, handle } = await open(stack, 'raj.requester@deskflow.test', 'Something odd with my account', 'Not sure who handles this.', false);
      await setLifecycle(stack, { triageMinConfidence: 0.5 });
      const hr = (await stack.db.select().from(departments).where(eq(departments.slug, 'hr')))[0]!;
      await handle.executeUpdate(triageUpdate, {
        args: [{ actor: await actor(stack, 'admin@deskflow.test'), departmentId: hr.id, category: 'HR Support', priority: 'medium', reason: 'payroll account' }],
      });
      await until('assignment', async () => (await row(stack, ticket.id)).assigneeId !== null);
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'triaged-by-second-opinion': {
    description: 'the offline model is unsure; the external model names a known category more surely and routing follows it',
    model: true,
    async run(stack) {
      await setLifecycle(stack, { triageMinConfidence: 0.9 });
      const { ticket } = await open(stack, 'raj.requester@deskflow.test', 'Something odd with my desk', 'Not sure who handles this.', false);
      await setLifecycle(stack, { triageMinConfidence: 0.5 });
      const [opinion] = await stack.db
        .select()
        .from(ticketEvents)
        .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'ai_second_opinion')));
      if (!(opinion?.newValue as { adopted?: boolean } | undefined)?.adopted) throw new Error('the second opinion was not adopted: the scenario records nothing new');
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'reopened-and-reassigned': {
    description: 'resolved, reopened by the requester, unassigned, claimed, reassigned, escalated by hand',
    async run(stack) {
      const { ticket, handle } = await open(stack, 'rita.requester@deskflow.test', 'Outlook crashes on start', 'Since the last update.');
      const sam = await actor(stack, 'sam.supervisor@deskflow.test');
      await handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: 'resolved' }] });
      await handle.executeUpdate(reopenUpdate, { args: [{ actor: await actor(stack, 'rita.requester@deskflow.test'), reason: 'crashed again' }] });
      await handle.executeUpdate(unassignUpdate, { args: [{ actor: sam, reason: 'rebalancing' }] });
      const otto = await actor(stack, 'otto.it@deskflow.test');
      await handle.executeUpdate(claimUpdate, { args: [{ actor: otto }] });
      await handle.executeUpdate(assignUpdate, { args: [{ actor: otto, assigneeId: (await actor(stack, 'nia.it@deskflow.test')).id, reason: 'Nia knows Outlook' }] });
      await handle.executeUpdate(escalateUpdate, { args: [{ actor: sam, reason: 'VIP waiting' }] });
      await handle.executeUpdate(reclassifyUpdate, { args: [{ actor: sam, priority: 'critical', reason: 'whole floor affected' }] });
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'merged-and-linked': {
    description: 'a duplicate merged into its primary; a child linked to a parent, resolved, then the parent resolved',
    async run(stack) {
      const sam = await actor(stack, 'sam.supervisor@deskflow.test');
      const primary = await open(stack, 'rita.requester@deskflow.test', 'Wi-Fi down on floor 3', 'No connection.');
      const duplicate = await open(stack, 'raj.requester@deskflow.test', 'No Wi-Fi on the third floor', 'Since 9am.');
      await duplicate.handle.executeUpdate(mergeUpdate, { args: [{ actor: sam, primaryTicketId: primary.ticket.id }] });
      const child = await open(stack, 'rita.requester@deskflow.test', 'Move the printers', 'Part of the office move.');
      await child.handle.executeUpdate(linkUpdate, { args: [{ actor: sam, kind: 'parent', targetTicketId: primary.ticket.id }] });
      await child.handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: 'resolved' }] });
      await until('the parent to hear of its child', async () => (await primary.handle.query(stateQuery)).openChildren.length === 0);
      await primary.handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: 'resolved' }] });
      return [primary, duplicate, child].map((t) => ticketWorkflowId(t.ticket.number));
    },
  },
  'edited-and-retriaged': {
    description: 'triage is unsure; the requester rewrites the ticket (a material edit) and it is triaged again (PATCHES.retriageOnEdit)',
    async run(stack) {
      await setLifecycle(stack, { triageMinConfidence: 0.999 });
      const { ticket } = await open(stack, 'rosa.requester@deskflow.test', 'Weird issue', 'Something is off.', false);
      await setLifecycle(stack, { triageMinConfidence: 0.5 });
      const { api } = await stack.signIn('rosa.requester@deskflow.test');
      await api.ticket.updateDetails.mutate({ id: ticket.id, title: 'Laptop screen is cracked', description: 'I dropped my laptop; the screen is cracked and flickers.' });
      await until(
        'the re-triage',
        async () =>
          (
            await stack.db
              .select()
              .from(ticketEvents)
              .where(and(eq(ticketEvents.ticketId, ticket.id), eq(ticketEvents.kind, 'retriaged')))
          ).length > 0,
      );
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'embedded-and-edited': {
    description: 'the ticket is embedded after intake, and again after the requester rewrites it (PATCHES.embedTicket)',
    async run(stack) {
      await setLifecycle(stack, { triageMinConfidence: 0.999 });
      const { ticket } = await open(stack, 'rosa.requester@deskflow.test', 'Printer offline', 'The second floor printer shows offline.', false);
      await setLifecycle(stack, { triageMinConfidence: 0.5 });
      const embeddedHash = async () => (await stack.db.select().from(ticketEmbeddings).where(eq(ticketEmbeddings.ticketId, ticket.id)))[0]?.textHash ?? null;
      await until('the first embedding', async () => (await embeddedHash()) !== null);
      const first = await embeddedHash();
      const { api } = await stack.signIn('rosa.requester@deskflow.test');
      await api.ticket.updateDetails.mutate({ id: ticket.id, title: 'Projector in room 4 has no signal', description: 'The projector says no signal with any laptop.' });
      await until('the embedding of the edited text', async () => (await embeddedHash()) !== first);
      return [ticketWorkflowId(ticket.number)];
    },
  },
  'continued-as-new': {
    description: 'a busy ticket continues as new past its history budget, carrying its state (both runs kept)',
    async run(stack) {
      await setLifecycle(stack, { historyEventBudget: 200 });
      const { ticket, handle } = await open(stack, 'rosa.requester@deskflow.test', 'Flaky docking station', 'Disconnects every hour.');
      await setLifecycle(stack, { historyEventBudget: 2000 });
      const sam = await actor(stack, 'sam.supervisor@deskflow.test');
      const firstRunId = (await handle.describe()).runId;
      for (let i = 0; (await handle.describe()).runId === firstRunId; i++) {
        if (i > 60) throw new Error('the ticket never continued as new');
        await handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: i % 2 === 0 ? 'waiting_on_customer' : 'in_progress' }] });
      }
      await handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: 'resolved' }] });
      return [`${ticketWorkflowId(ticket.number)}@${firstRunId}`, ticketWorkflowId(ticket.number)];
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
const llm = chosen.some((name) => scenarios[name]!.model) ? await startRecordedLlm({ fixturesDir: join(PROJECT_ROOT, 'test/fixtures/llm') }) : null;
const stack = await startStack(llm ? { model: createOpenAICompatibleProvider({ baseUrl: llm.baseUrl, apiKey: null, model: 'gpt-4o-mini', timeoutMs: 5000 }) } : {});
await seedSla(stack.db);
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
    for (const id of workflowIds) {
      const [workflowId, runId] = id.split('@') as [string, string | undefined];
      const history = await stack.env.client.workflow.getHandle(workflowId, runId).fetchHistory();
      histories.push({ workflowId, history: historyToPlain(history) });
    }
    writeFileSync(file, `${JSON.stringify({ label: values.label, scenario: name, description: scenarios[name]!.description, recordedAt: new Date().toISOString(), histories }, null, 1)}\n`);
    process.stdout.write(`  ${name}: wrote ${file} (${histories.length} histories, ${histories.reduce((n, h) => n + ((h.history as { events?: unknown[] }).events?.length ?? 0), 0)} events)\n`);
  }
} finally {
  await stack.stop();
  await llm?.close();
}
