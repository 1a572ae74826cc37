/**
 * Intake (v1): the ticket row, screening and triage side by side (each an AI step with its rules
 * fallback), then hold for review (screening flagged it) or route. Once the row exists, the
 * ticket's embedding is computed beside it (outbox).
 */
import { patched, upsertMemo } from '@temporalio/workflow';
import type { ExtraEvent } from '../types';
import { PATCHES } from './patches';
import { resolveContext, route } from './routing';
import { errorMessage, type TicketRun } from './run';

/** An AI step with its rules fallback; the fallback is audited. */
export async function withFallback<T>(run: TicketRun, step: string, primary: () => Promise<T>, fallback: () => Promise<T>): Promise<{ result: T; event: ExtraEvent | null }> {
  try {
    return { result: await primary(), event: null };
  } catch (error) {
    const result = await fallback();
    return { result, event: { key: `ai-fallback/${step}/${run.ticket.state.seq}`, kind: 'ai_fallback', field: step, newValue: { step, error: errorMessage(error), fallback: 'rules' } } };
  }
}

export async function intake(run: TicketRun) {
  const { input, ticket, workflowId } = run;
  const { db, ai, rules } = run.activities;
  upsertMemo({ title: input.title });
  const openedAt = run.now();
  const text = { title: input.title, description: input.description };
  const inserted = db
    .insertTicket({
      ticketId: input.ticketId,
      number: input.number,
      title: input.title,
      description: input.description,
      urgency: input.urgency,
      requesterId: input.requesterId,
      dedupeKey: `${workflowId}#created`,
    })
    .then(() => {
      ticket.rowCreated();
      run.store.publishSearchAttributes(openedAt);
    });
  const [screening, triage] = await Promise.all([
    withFallback(
      run,
      'screening',
      () => ai.screenTicket({ ...text, ticketId: input.ticketId }),
      () => rules.screenTicketByRules({ ...text, ticketId: input.ticketId }),
    ),
    withFallback(
      run,
      'triage',
      () => ai.triageTicket({ ...text, urgency: input.urgency, ticketId: input.ticketId }),
      () => rules.triageTicketByRules({ ...text, urgency: input.urgency, ticketId: input.ticketId }),
    ),
    inserted,
  ]);
  if (patched(PATCHES.embedTicket)) run.store.enqueue({ kind: 'embed' });
  ticket.recordTriage(triage.result);
  const events = [screening.event, triage.event].filter((e): e is ExtraEvent => e !== null);
  if (screening.result.flagged) {
    const ctx = await resolveContext(run, { departmentSlug: triage.result.departmentSlug, priority: triage.result.priority, category: triage.result.category });
    ticket.holdForReview(ctx, triage.result, screening.result);
    await run.store.persist('held_for_review', {
      source: 'ai',
      reason: screening.result.reason,
      events,
      notifications: [
        {
          key: 'review',
          kind: 'review_needed',
          audience: ['department_staff', 'supervisor'],
          title: `Ticket #${ticket.state.number} is held for review`,
          body: `${input.title} — ${screening.result.reason}`,
        },
      ],
    });
    return;
  }
  await route(run, openedAt, triage.result, events);
}
