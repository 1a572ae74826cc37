import { Worker } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { asc, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { ticketEvents, ticketIntake, tickets, users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { createActivities } from '../../worker/activities';
import { workflowBundle } from '../../worker/worker';
import { awaitPersistedUpdate, stateQuery, TICKET_WORKFLOW_TYPE, ticketWorkflowId } from '../../workflows/messages';
import type { ticketWorkflow } from '../../workflows/ticket/workflow';
import { freshPglite } from '../../dev-support/databases';
import { startTimeSkipping } from '../support/time-skipping';

let env: TestWorkflowEnvironment;
let database: Database;

beforeAll(async () => {
  env = await startTimeSkipping();
});
afterAll(() => env?.teardown());

// Each test gets its own seeded database, so workloads from one test never steer another.
beforeEach(async () => {
  database = await freshPglite();
  await seedDemo(database.db, 'irrelevant-password');
});
afterEach(() => database.close());

async function reserve(requesterEmail: string) {
  const [requester] = await database.db.select().from(users).where(eq(users.email, requesterEmail));
  const [intake] = await database.db.insert(ticketIntake).values({ requesterId: requester!.id, idempotencyKey: crypto.randomUUID() }).returning();
  return { requester: requester!, intake: intake! };
}

// Every test database numbers tickets from 1000, so ids get a per-test suffix on the shared server.
const uniqueWorkflowId = (number: number) => `${ticketWorkflowId(number)}-${crypto.randomUUID().slice(0, 8)}`;

async function withWorker<T>(run: (taskQueue: string) => Promise<T>): Promise<T> {
  const taskQueue = `wf-${crypto.randomUUID()}`;
  const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle: await workflowBundle(), activities: createActivities({ db: database.db }) });
  return worker.runUntil(run(taskQueue));
}

describe('ticket workflow on the time-skipping server', () => {
  it('persists the ticket, triages it to a department and assigns the least loaded agent', async () => {
    const { requester, intake } = await reserve('rita.requester@deskflow.test');
    await withWorker(async (taskQueue) => {
      const handle = await env.client.workflow.start<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
        workflowId: uniqueWorkflowId(intake.number),
        taskQueue,
        args: [
          { ticketId: intake.id, number: intake.number, title: 'Payroll shows the wrong salary', description: 'My payslip for May is missing overtime.', urgency: 'medium', requesterId: requester.id },
        ],
      });
      const persisted = await handle.executeUpdate(awaitPersistedUpdate);
      expect(persisted.persisted).toBe(true);
      await expect.poll(async () => (await handle.query(stateQuery)).status, { timeout: 10_000 }).toBe('assigned');
      const state = await handle.query(stateQuery);
      expect(['it', 'hr', 'facilities']).toContain(state.departmentSlug);
    });
    const [row] = await database.db.select().from(tickets).where(eq(tickets.id, intake.id));
    expect(row).toMatchObject({ status: 'assigned', priority: 'medium', title: 'Payroll shows the wrong salary' });
    const [agent] = await database.db.select().from(users).where(eq(users.id, row!.assigneeId!));
    // Routing follows triage: the agent works in the department the ticket was triaged to.
    expect(agent).toMatchObject({ role: 'agent', departmentId: row!.departmentId });
    const events = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, intake.id)).orderBy(asc(ticketEvents.id));
    expect(events.map((e) => [e.kind, e.field])).toEqual([
      ['created', null],
      ['triaged', 'status'],
      ['triaged', 'category'],
      ['triaged', 'departmentId'],
      ['assigned', 'status'],
      ['assigned', 'assigneeId'],
    ]);
  });

  it('spreads tickets across a department by workload', async () => {
    const assignees: string[] = [];
    await withWorker(async (taskQueue) => {
      for (let i = 0; i < 2; i++) {
        const { requester, intake } = await reserve('raj.requester@deskflow.test');
        const handle = await env.client.workflow.start<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
          workflowId: uniqueWorkflowId(intake.number),
          taskQueue,
          args: [{ ticketId: intake.id, number: intake.number, title: `Leave request ${i}`, description: 'Parental leave balance looks wrong.', urgency: 'low', requesterId: requester.id }],
        });
        await expect.poll(async () => (await handle.query(stateQuery)).assigneeId, { timeout: 10_000 }).toBeTruthy();
        assignees.push((await handle.query(stateQuery)).assigneeId!);
      }
    });
    expect(new Set(assignees).size).toBe(2);
  });

  it('writes each lifecycle change once even when an activity is retried', async () => {
    const { requester, intake } = await reserve('rosa.requester@deskflow.test');
    const activities = createActivities({ db: database.db });
    await activities.insertTicket({
      ticketId: intake.id,
      number: intake.number,
      title: 'Monitor flickers',
      description: 'Second screen flickers.',
      urgency: 'low',
      requesterId: requester.id,
      dedupeKey: 'k#created',
    });
    await activities.insertTicket({
      ticketId: intake.id,
      number: intake.number,
      title: 'Monitor flickers',
      description: 'Second screen flickers.',
      urgency: 'low',
      requesterId: requester.id,
      dedupeKey: 'k#created',
    });
    const change = { ticketId: intake.id, seq: 1, dedupeKey: 'k#1', kind: 'triaged' as const, set: { status: 'triaged' as const }, actorId: null, source: 'workflow' as const };
    await activities.applyTicketChange(change);
    await activities.applyTicketChange(change);
    const events = await database.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, intake.id));
    expect(events.map((e) => e.kind).sort()).toEqual(['created', 'triaged']);
  });
});
