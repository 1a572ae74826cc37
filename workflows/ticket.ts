/**
 * The ticket's lifecycle as one durable workflow (id `ticket-<number>`). Postgres holds the data;
 * this workflow decides what happens next and keeps the ticket row current through activities.
 * Deterministic code only: no I/O, no Node built-ins, activities imported as types.
 */
import { condition, proxyActivities, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { searchAttributes as sa } from '../temporal.config';
import type { createActivities } from '../worker/activities';
import { awaitPersistedUpdate, stateQuery } from './messages';
import type { TicketChange, TicketState, TicketWorkflowInput } from './types';

type Activities = ReturnType<typeof createActivities>;

const db = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});

const ai = proxyActivities<Activities>({
  startToCloseTimeout: '5 seconds',
  retry: { maximumAttempts: 3, initialInterval: '200 milliseconds' },
});

const terminal = new Set(['closed', 'cancelled', 'rejected']);

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<void> {
  const { workflowId } = workflowInfo();
  const state: TicketState = input.carried ?? {
    ticketId: input.ticketId,
    number: input.number,
    status: 'new',
    priority: input.urgency,
    category: null,
    departmentId: null,
    departmentSlug: null,
    assigneeId: null,
    slaState: 'on_track',
    persisted: false,
    seq: 0,
  };

  setHandler(stateQuery, () => state);
  setHandler(awaitPersistedUpdate, async () => {
    await condition(() => state.persisted);
    return state;
  });

  /** Persists a lifecycle change (keyed, so retries and replays write it once) and mirrors it to search attributes. */
  async function change(kind: string, set: TicketChange['set'], extra: Pick<TicketChange, 'actorId' | 'source' | 'reason'>) {
    state.seq += 1;
    await db.applyTicketChange({ ticketId: state.ticketId, seq: state.seq, dedupeKey: `${workflowId}#${state.seq}`, kind, set, ...extra });
    Object.assign(state, set);
    publishSearchAttributes(state);
  }

  if (!state.persisted) {
    upsertMemo({ title: input.title });
    await db.insertTicket({ ...input, dedupeKey: `${workflowId}#created` });
    state.persisted = true;

    const triage = await ai.triageTicket({ title: input.title, description: input.description, urgency: input.urgency });
    const department = await db.findDepartment({ slug: triage.departmentSlug });
    state.departmentSlug = department?.slug ?? null;
    await change(
      'triaged',
      { status: 'triaged', departmentId: department?.id ?? null, category: triage.category, priority: triage.priority },
      { actorId: null, source: triage.method === 'model' ? 'ai' : 'workflow', reason: `${triage.method} triage, confidence ${triage.confidence.toFixed(2)}` },
    );

    if (department) {
      const agent = await db.pickAgent({ departmentId: department.id, category: triage.category });
      if (agent) await change('assigned', { status: 'assigned', assigneeId: agent.id }, { actorId: null, source: 'workflow', reason: agent.reason });
    }
  }

  await condition(() => terminal.has(state.status));
}

function publishSearchAttributes(state: TicketState) {
  upsertSearchAttributes([
    { key: sa.TicketStatus, value: state.status },
    { key: sa.TicketPriority, value: state.priority },
    { key: sa.TicketDepartment, value: state.departmentSlug },
    { key: sa.AssigneeId, value: state.assigneeId },
    { key: sa.SlaState, value: state.slaState },
  ]);
}
