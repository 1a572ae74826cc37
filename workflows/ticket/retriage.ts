/**
 * Re-triage after the requester edited the title or description materially (detailsEdited
 * signal; the API decides what is material). Only a ticket nobody works on yet (new or triaged,
 * unassigned, not held for review): triage runs again on the new text, like at intake (AI with
 * its rules fallback); a confident result is adopted and, when it moves the ticket (department,
 * category, priority, or out of "needs triage"), the ticket is routed again. An unsure result
 * leaves the routing as it was. Every re-triage is audited (`retriaged`).
 */
import { patched, upsertMemo } from '@temporalio/workflow';
import type { DetailsEdited } from '../messages';
import type { ExtraEvent } from '../types';
import { withFallback } from './intake';
import { PATCHES } from './patches';
import type { PersistStep } from './persistence';
import { afterAutoAssign, assignmentNotice, assignStep, resolveContext } from './routing';
import type { TicketRun } from './run';
import { catchUp } from './sla';

export async function onDetailsEdited(run: TicketRun, edit: DetailsEdited) {
  // A signal delivered to code from before this handler was ignored there: it replays as ignored.
  if (!patched(PATCHES.retriageOnEdit)) return;
  // The new text is embedded again whether or not the ticket may be re-triaged.
  if (patched(PATCHES.embedTicket)) run.store.enqueue({ kind: 'embed' });
  const { ticket } = run;
  if (!ticket.mayRetriage) return;
  upsertMemo({ title: edit.title });
  const { ai, rules } = run.activities;
  const text = { title: edit.title, description: edit.description, urgency: run.input.urgency, ticketId: run.input.ticketId };
  const triage = await withFallback(
    run,
    'triage',
    () => ai.triageTicket(text),
    () => rules.triageTicketByRules(text),
  );
  await catchUp(run);
  const result = triage.result;
  const confident = (min: number) => result.method !== 'model' || result.confidence >= min;
  let ctx = await resolveContext(run, { departmentSlug: result.departmentSlug, priority: result.priority, category: result.category });
  if (!confident(ctx.settings.triageMinConfidence) && result.departmentHint && result.departmentHint !== result.departmentSlug) {
    ctx = await resolveContext(run, { departmentSlug: result.departmentHint, priority: result.priority, category: result.category });
  }
  const actor = { id: edit.actorId, role: 'requester' as const, departmentId: null };
  const events: ExtraEvent[] = triage.event ? [triage.event] : [];
  const summary = `${result.method} triage of the edited text: ${result.category ?? 'no category'}, confidence ${result.confidence.toFixed(2)}`;
  if (!confident(ctx.settings.triageMinConfidence)) {
    await run.store.persist('retriaged', { actor, source: 'ai', reason: `${summary} is below ${ctx.settings.triageMinConfidence}: routing unchanged`, events });
    return;
  }
  const { changed, event } = ticket.retriage(result, ctx, run.now());
  if (event) events.push(event);
  const retriaged: PersistStep = {
    kind: 'retriaged',
    options: { actor, source: result.method === 'model' ? 'ai' : 'workflow', reason: changed.length > 0 ? `${summary}: ${changed.join(', ')} changed` : `${summary}: routing unchanged`, events },
  };
  const { state } = ticket;
  if (changed.length === 0 || !state.departmentId || state.status !== 'triaged' || state.assigneeId !== null) {
    await run.store.persist(retriaged.kind, retriaged.options);
    return;
  }
  // Re-triaged, then assigned in its (possibly new) department: one transaction.
  const assign = assignStep(run);
  assign.options.notifications = [assignmentNotice(run, 2)];
  const [, assigned] = await run.store.persistSteps([retriaged, assign]);
  afterAutoAssign(run, assigned!);
}
