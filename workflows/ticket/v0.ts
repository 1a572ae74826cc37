/**
 * Tickets started by the walking skeleton (v0, before the full lifecycle): its intake, command for
 * command, for histories that recorded it (the workflow runs it when `PATCHES.lifecycleV1` is not
 * patched), and the SLA clocks such a ticket gets the first time it runs the current code live.
 * test/fixtures/histories/v0-*.json replays it.
 */
import { upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { ticketSearchAttributes as sa } from '../search-attributes';
import type { TicketEventKind } from '../../domain/vocabulary';
import type { TicketRowPatch } from '../types';
import { resolveContext } from './routing';
import type { TicketRun } from './run';

/** The skeleton's intake: row, AI triage, department, an agent; each write as the skeleton made it. */
export async function skeletonIntake(run: TicketRun) {
  const { input, ticket, workflowId } = run;
  const { db, ai } = run.activities;
  const { state } = ticket;
  upsertMemo({ title: input.title });
  await db.insertTicket({ ...input, dedupeKey: `${workflowId}#created` });
  ticket.rowCreated();
  const triage = await ai.triageTicket({ title: input.title, description: input.description, urgency: input.urgency });
  const department = await db.findDepartment({ slug: triage.departmentSlug });
  state.departmentSlug = department?.slug ?? null;
  // The skeleton wrote row patches straight into its state, without the SLA search attribute.
  const skeletonChange = async (kind: TicketEventKind, set: TicketRowPatch, reason: string) => {
    state.seq += 1;
    await db.applyTicketChange({
      ticketId: state.ticketId,
      seq: state.seq,
      dedupeKey: `${workflowId}#${state.seq}`,
      kind,
      set,
      actorId: null,
      source: kind === 'triaged' && triage.method === 'model' ? 'ai' : 'workflow',
      reason,
    });
    Object.assign(state, set);
    upsertSearchAttributes([
      { key: sa.TicketStatus, value: state.status },
      { key: sa.TicketPriority, value: state.priority },
      { key: sa.TicketDepartment, value: state.departmentSlug },
      { key: sa.AssigneeId, value: state.assigneeId },
      { key: sa.SlaState, value: state.slaState },
    ]);
  };
  await skeletonChange(
    'triaged',
    { status: 'triaged', departmentId: department?.id ?? null, category: triage.category, priority: triage.priority },
    `${triage.method} triage, confidence ${triage.confidence.toFixed(2)}`,
  );
  if (department) {
    const agent = await db.pickAgent({ departmentId: department.id, category: triage.category });
    if (agent) await skeletonChange('assigned', { status: 'assigned', assigneeId: agent.id }, agent.reason);
  }
  run.store.markAnnounced();
}

/** A v0 ticket gets SLA clocks (from its creation) the first time it runs this code live. */
export async function adoptV0(run: TicketRun) {
  const ctx = await resolveContext(run);
  run.ticket.applyContext(ctx, workflowInfo().startTime.getTime());
  await run.store.persist('sla_started', { reason: 'ticket started before SLA tracking; clocks run from its creation' });
}
