/**
 * The ticket's lifecycle as one durable workflow (id `ticket-<number>`). Postgres holds the data;
 * this workflow decides what happens next and when — screening, triage, routing, SLA clocks on
 * business hours, escalation, auto-close, links — and keeps the ticket row current through
 * keyed, idempotent activities.
 *
 * Reading order: the handlers (one line each; every change runs one at a time, after firing
 * whatever SLA item is already due), the intake, then the main loop, which sleeps until the next
 * deadline or change. The state and its moves: ./entity.ts; the moves' rules:
 * ../lifecycle/rules.ts; the rest of the folder: intake, routing, SLA firing, persistence, v0.
 *
 * Deterministic code only: no I/O, no Node built-ins, activities imported as types. Changes to
 * what running tickets do go behind patched() (./patches.ts); test/workflows/replay.test.ts
 * replays recorded histories of every earlier version.
 */
import { allHandlersFinished, condition, continueAsNew, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../../worker/activities';
import {
  assignUpdate,
  awaitPersistedUpdate,
  cancelUpdate,
  childTicketSignal,
  claimUpdate,
  confirmResolutionUpdate,
  detailsEditedSignal,
  escalateUpdate,
  linkUpdate,
  mergeUpdate,
  publicReplySignal,
  reclassifyUpdate,
  reopenUpdate,
  reviewUpdate,
  slaConfigChangedSignal,
  stateQuery,
  transitionUpdate,
  triageUpdate,
  unassignUpdate,
  unlinkUpdate,
} from '../messages';
import type { TicketWorkflowInput } from '../types';
import { TicketEntity } from './entity';
import { awaitPersisted, moves, onLifecycleUpdate, onPublicReply, onSlaConfigChanged } from './handlers';
import { intake } from './intake';
import { onDetailsEdited } from './retriage';
import { PATCHES } from './patches';
import { TicketRun } from './run';
import { onWake } from './sla';
import { adoptV0, skeletonIntake } from './v0';

export { PATCHES };

/** Database writes: retried until they succeed (a database outage delays a ticket, never loses a step). */
const db = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/** AI classification (screening, triage): bounded, so a failing or slow provider falls back to the rules within seconds. */
const ai = proxyActivities<Activities>({
  startToCloseTimeout: '4 seconds',
  retry: { initialInterval: '500 milliseconds', backoffCoefficient: 2, maximumAttempts: 3 },
});
/** AI drafting writes text and may take longer; it runs beside the ticket, never in its way. */
const aiDraft = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 2 },
});
/** The rules fallbacks: local code, retried until done. */
const rules = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 milliseconds', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
/** Live room events are best effort: a few tries, then the durable record (audit, notifications) stands. */
const live = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 5 },
});

/** The ticket's embedding (similar tickets, misuse report): a few tries beside the ticket, then the backfill's. */
const embed = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function ticketWorkflow(input: TicketWorkflowInput): Promise<void> {
  const ticket = new TicketEntity(input.carried ?? TicketEntity.initialState(input));
  // Restarts the carried outbox (live events, drafts cut short by continue-as-new).
  const run = new TicketRun(input, ticket, { db, ai, aiDraft, rules, live, embed });

  // Handlers, in this order: messages that arrived before the workflow started are delivered as each registers.
  setHandler(stateQuery, () => run.view());
  setHandler(awaitPersistedUpdate, () => awaitPersisted(run));
  onLifecycleUpdate(run, transitionUpdate, moves.transition);
  onLifecycleUpdate(run, triageUpdate, moves.triage);
  onLifecycleUpdate(run, reviewUpdate, moves.review);
  onLifecycleUpdate(run, assignUpdate, moves.assign);
  onLifecycleUpdate(run, claimUpdate, moves.claim);
  onLifecycleUpdate(run, unassignUpdate, moves.unassign);
  onLifecycleUpdate(run, escalateUpdate, moves.escalate);
  onLifecycleUpdate(run, reclassifyUpdate, moves.reclassify);
  onLifecycleUpdate(run, reopenUpdate, moves.reopen);
  onLifecycleUpdate(run, cancelUpdate, moves.cancel);
  onLifecycleUpdate(run, confirmResolutionUpdate, moves.confirmResolution);
  onLifecycleUpdate(run, mergeUpdate, moves.merge);
  onLifecycleUpdate(run, linkUpdate, moves.link);
  onLifecycleUpdate(run, unlinkUpdate, moves.unlink);
  setHandler(publicReplySignal, (reply) => run.exclusive(() => onPublicReply(run, reply)));
  setHandler(slaConfigChangedSignal, (change) => onSlaConfigChanged(run, change));
  setHandler(childTicketSignal, (child) => ticket.childChanged(child));
  setHandler(detailsEditedSignal, (edit) => run.exclusive(() => onDetailsEdited(run, edit)));

  // Intake (the skeleton's for tickets it started), then the main loop.
  if (!ticket.state.persisted) {
    if (patched(PATCHES.lifecycleV1)) await run.exclusive(() => intake(run));
    else await run.exclusive(() => skeletonIntake(run));
  }

  for (;;) {
    if (ticket.finished(run.now())) break;
    if (ticket.lacksSla && patched(PATCHES.adoptV0)) await run.exclusive(() => adoptV0(run));
    run.woken = false;
    const at = run.now();
    const wakeAt = ticket.nextWakeAt(at);
    if (wakeAt === null) await condition(() => run.woken);
    else if (wakeAt > at) await condition(() => run.woken, wakeAt - at);
    await run.exclusive(() => onWake(run));
    const info = workflowInfo();
    if (!ticket.finished(run.now()) && (info.continueAsNewSuggested || info.historyLength >= ticket.settings.historyEventBudget)) {
      // Updates in progress finish here; background work still running is carried in the outbox.
      await condition(allHandlersFinished);
      await continueAsNew<typeof ticketWorkflow>({ ...input, carried: ticket.state });
    }
  }
  await condition(allHandlersFinished);
  while (run.store.background.size > 0) await Promise.all([...run.store.background]);
}
