/**
 * SLA firing: what is due fires in order (audit event, notification, live event, escalation
 * steps) before any other change, so a pause or a late wake-up never skips a breach; a policy
 * refresh after a configuration change; auto-close. The main loop runs `onWake` after every sleep.
 */
import type { DueItem } from '../lifecycle/sla';
import type { ExtraEvent } from '../types';
import { resolveContext } from './routing';
import type { TicketRun } from './run';

/** One priority step up, with the policy for the new priority; the audit event of a policy change, if any. */
export async function raisePriority(run: TicketRun, at: number): Promise<ExtraEvent | null> {
  if (!run.ticket.raisePriority()) return null;
  return run.ticket.applyContext(await resolveContext(run), at).event;
}

/** Fires one due threshold or post-breach timer and persists it. */
async function fire(run: TicketRun, item: DueItem) {
  const at = run.now();
  const fired = run.ticket.fire(item, at);
  if (!fired) return;
  const { kind, trigger, steps, outcome, live, dueAt, policyName } = fired;
  if (outcome.raise) {
    const event = await raisePriority(run, at);
    if (event) outcome.events.push(event);
  }
  const { state } = run.ticket;
  const title =
    item.type === 'threshold'
      ? `Ticket #${state.number}: ${item.target.replace('_', ' ')} SLA ${item.percent >= 100 ? (item.percent === 100 ? 'breached' : `${item.percent} % elapsed`) : `at ${item.percent} %`}`
      : `Ticket #${state.number} escalated to level ${state.escalationLevel}`;
  await run.store.persist(kind, {
    source: 'workflow',
    reason: steps.length > 0 ? `${trigger}: escalation level ${state.escalationLevel}` : trigger,
    events: outcome.events,
    notifications: outcome.audience.size > 0 ? [{ key: outcome.events[0]!.key, kind, audience: [...outcome.audience], title, body: `${run.input.title} (due ${dueAt}, policy ${policyName})` }] : [],
    autoAssign: outcome.autoAssign,
    live,
  });
}

/** Fires everything due by now, in order. Called before every change, so a pause never skips a breach. */
export async function catchUp(run: TicketRun) {
  for (let i = 0; run.ticket.state.sla && i < 100; i++) {
    const item = run.ticket.dueItem(run.now());
    if (!item) return;
    await fire(run, item);
  }
}

/** Re-resolves the policy after an SLA configuration change; deadlines keep the business time accrued. */
async function refreshSla(run: TicketRun) {
  const { ticket } = run;
  ticket.clearSlaRefresh();
  if (!ticket.state.sla) return;
  const at = run.now();
  const { policyChanged, event } = ticket.applyContext(await resolveContext(run), at);
  await run.store.persist(policyChanged ? 'sla_policy_changed' : 'sla_projection', {
    reason: policyChanged ? 'the SLA configuration changed; deadlines recomputed from the business time already accrued' : null,
    events: event ? [event] : [],
  });
}

/** What the main loop does when it wakes: fire what is due, refresh the policy if asked, auto-close. */
export async function onWake(run: TicketRun) {
  const { ticket } = run;
  await catchUp(run);
  if (ticket.state.slaRefreshRequested) await refreshSla(run);
  if (ticket.autoCloseDue(run.now())) {
    ticket.autoClose(run.now());
    await run.store.persist('auto_closed', { reason: `no reply from the requester within ${ticket.settings.autoCloseBusinessDays} business days of the resolution` });
  }
}
