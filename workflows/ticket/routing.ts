/**
 * Routing: the department, policy and settings a ticket runs under (resolved by an activity), and
 * who works on it — the department's queue when triage is unsure, otherwise an agent picked by the
 * activity (skills, availability, workload, round-robin) in the same transaction as the triage.
 */
import { patched } from '@temporalio/workflow';
import type { Priority } from '../../domain/vocabulary';
import type { ExtraEvent, NotificationSpec, TicketChangeResult, TriageResult } from '../types';
import { PATCHES } from './patches';
import { errorMessage } from './run';
import type { PersistStep } from './persistence';
import type { TicketRun } from './run';

/** The ticket's context (department, SLA policy, settings) for its current fields, or for the ones given. */
export const resolveContext = (run: TicketRun, overrides: { departmentId?: string | null; departmentSlug?: string | null; priority?: Priority; category?: string | null } = {}) => {
  const { state } = run.ticket;
  return run.activities.db.resolveTicketContext({
    departmentId: overrides.departmentSlug ? null : (overrides.departmentId ?? state.departmentId),
    departmentSlug: overrides.departmentSlug ?? null,
    priority: overrides.priority ?? state.priority,
    category: overrides.category === undefined ? state.category : overrides.category,
    requesterId: state.requesterId,
  });
};

/** The assignment notification of the change `offset` steps from now (its key names that change). */
export const assignmentNotice = (run: TicketRun, offset = 1): NotificationSpec => ({
  key: `assigned/${run.ticket.state.seq + offset}`,
  kind: 'assigned',
  audience: ['assignee'],
  strictAssignee: true,
  title: `Ticket #${run.ticket.state.number} is assigned to you`,
  body: run.input.title,
});

/** The step that picks an agent (skills, availability, workload, round-robin) for a triaged ticket. */
export const assignStep = (run: TicketRun): PersistStep => ({
  kind: 'assigned',
  options: { source: 'workflow', autoAssign: { pool: 'department', departmentId: run.ticket.state.departmentId!, category: run.ticket.state.category }, notifications: [assignmentNotice(run, 1)] },
});

/** Picks an agent for a triaged ticket of a department and drafts them a first reply. */
export async function autoAssign(run: TicketRun) {
  const { state } = run.ticket;
  if (!state.departmentId || state.status !== 'triaged') return;
  const [result] = await run.store.persistSteps([assignStep(run)]);
  afterAutoAssign(run, result!);
}

export function afterAutoAssign(run: TicketRun, result: TicketChangeResult) {
  if (result.assigneeId && run.ticket.state.firstRespondedAt === null) run.store.enqueue({ kind: 'draft', assigneeId: result.assigneeId });
}

/**
 * The external model's opinion on a triage the offline model was unsure of (below the desk's
 * minimum): its triage when it names a known category more confidently, else the offline one.
 * Both are audited (`ai_second_opinion`); a failed call keeps the offline triage (`ai_fallback`).
 */
async function secondOpinion(run: TicketRun, triage: TriageResult, events: ExtraEvent[]): Promise<TriageResult> {
  const { input } = run;
  const offline = { category: triage.category, confidence: triage.confidence };
  const key = `ai-second-opinion/${run.ticket.state.seq}`;
  try {
    const opinion = await run.activities.aiDraft.triageSecondOpinion({ ticketId: input.ticketId, title: input.title, description: input.description, urgency: input.urgency, first: triage });
    events.push({
      key,
      kind: 'ai_second_opinion',
      field: 'triage',
      oldValue: offline,
      newValue: { provider: opinion.provider, model: opinion.model, category: opinion.category, confidence: opinion.confidence, adopted: opinion.adopted !== null },
    });
    return opinion.adopted ?? triage;
  } catch (error) {
    events.push({
      key: `ai-fallback/triage-second-opinion/${run.ticket.state.seq}`,
      kind: 'ai_fallback',
      field: 'triage_second_opinion',
      newValue: { step: 'triage_second_opinion', error: errorMessage(error), fallback: 'offline triage' },
    });
    return triage;
  }
}

/** Routes a triaged ticket: department, SLA, then the queue (low confidence) or an agent. */
export async function route(run: TicketRun, slaStart: number, firstTriage: TriageResult, events: ExtraEvent[]) {
  const { ticket } = run;
  let triage = firstTriage;
  const confidentModel = (min: number) => triage.method !== 'model' || triage.confidence >= min;
  let ctx = await resolveContext(run, { departmentSlug: triage.departmentSlug, priority: triage.priority, category: triage.category });
  // Only tickets triaged since an external model was configured carry `secondOpinion`; the patch keeps older histories replaying.
  if (!confidentModel(ctx.settings.triageMinConfidence) && triage.secondOpinion && patched(PATCHES.triageSecondOpinion)) {
    triage = await secondOpinion(run, triage, events);
    if (triage !== firstTriage) ctx = await resolveContext(run, { departmentSlug: triage.departmentSlug, priority: triage.priority, category: triage.category });
  }
  if (!confidentModel(ctx.settings.triageMinConfidence) && triage.departmentHint && triage.departmentHint !== triage.departmentSlug) {
    ctx = await resolveContext(run, { departmentSlug: triage.departmentHint, priority: triage.priority, category: triage.category });
  }
  ticket.adoptTriage(triage, ctx, slaStart);
  const confidence = `${triage.method} triage: ${triage.category ?? 'no category'}, confidence ${triage.confidence.toFixed(2)}`;
  if (!confidentModel(ctx.settings.triageMinConfidence)) {
    ticket.awaitTriageByHand();
    await run.store.persist('needs_triage', {
      source: 'ai',
      reason: `${confidence} is below ${ctx.settings.triageMinConfidence}: a person triages it`,
      events,
      notifications: [{ key: 'needs-triage', kind: 'needs_triage', audience: ['supervisor'], title: `Ticket #${ticket.state.number} needs triage`, body: run.input.title }],
    });
    return;
  }
  ticket.triaged(run.now());
  const triaged: PersistStep = { kind: 'triaged', options: { source: triage.method === 'model' ? 'ai' : 'workflow', reason: confidence, events } };
  if (!ticket.state.departmentId) {
    await run.store.persist(triaged.kind, triaged.options);
    return;
  }
  // Triaged, then assigned: one transaction, each change keyed on its own.
  const assign = assignStep(run);
  assign.options.notifications = [assignmentNotice(run, 2)];
  const [, assigned] = await run.store.persistSteps([triaged, assign]);
  afterAutoAssign(run, assigned!);
}
