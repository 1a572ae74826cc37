/**
 * A ticket's SLA: its three clocks (first response, next response, resolution) under one policy,
 * plus post-breach escalation timers, driven by the ticket's status and replies. Pure functions
 * over plain JSON (carried across continueAsNew); every instant is a parameter. The workflow
 * asks `nextDue` when to wake up, fires what is due in order, and applies status changes with
 * `syncClocks` — after firing anything already due, so a breach is never skipped.
 */
import { isIn, OPEN_STATUSES, type SlaState, type SlaTarget, type TicketStatus } from '../../domain/vocabulary';
import {
  BREACH_PERCENT,
  createSlaClock,
  dueAt,
  isStopped,
  markFired,
  nextThreshold,
  pause,
  restartCycle,
  resume,
  retarget,
  slaState as clockState,
  start,
  stop,
  type SlaClockState,
} from '../sla/clock';
import type { EscalationStep, SlaPolicySnapshot, SlaRuntime } from '../types';

const MINUTE = 60_000;

const targetMs = (policy: SlaPolicySnapshot, target: SlaTarget): number =>
  target === 'first_response' ? policy.targets.firstResponseMs : target === 'next_response' ? policy.targets.nextResponseMs : policy.targets.resolutionMs;

const stepWatches = (step: EscalationStep, target: SlaTarget) => step.target === 'any' || step.target === target;

/** The policy's notification thresholds plus the percentages its escalation steps fire at. */
export function thresholdsFor(policy: SlaPolicySnapshot, target: SlaTarget): number[] {
  const percents = new Set(policy.thresholds);
  percents.add(BREACH_PERCENT);
  for (const step of policy.escalation) if (stepWatches(step, target) && 'atPercent' in step.trigger) percents.add(step.trigger.atPercent);
  return [...percents].sort((a, b) => a - b);
}

/** SLA time accrues only while the ticket is open and not in one of the policy's paused statuses. */
export function clocksRunIn(policy: SlaPolicySnapshot, status: TicketStatus): boolean {
  return isIn(OPEN_STATUSES, status) && !policy.pausedStatuses.includes(status);
}

/** First response and resolution start at `startAt` (the ticket's creation, or its release from review). */
export function createSla(policy: SlaPolicySnapshot, configVersion: number, startAt: number, status: TicketStatus): SlaRuntime {
  const sla: SlaRuntime = {
    policy,
    configVersion,
    clocks: {
      first_response: start(createSlaClock(policy.targets.firstResponseMs, thresholdsFor(policy, 'first_response')), startAt, policy.calendar),
      next_response: null,
      resolution: start(createSlaClock(policy.targets.resolutionMs, thresholdsFor(policy, 'resolution')), startAt, policy.calendar),
    },
    escalationTimers: [],
  };
  return syncClocks(sla, status, startAt);
}

function mapClocks(sla: SlaRuntime, fn: (clock: SlaClockState, target: SlaTarget) => SlaClockState): SlaRuntime['clocks'] {
  return {
    first_response: fn(sla.clocks.first_response, 'first_response'),
    next_response: sla.clocks.next_response && fn(sla.clocks.next_response, 'next_response'),
    resolution: fn(sla.clocks.resolution, 'resolution'),
  };
}

/** Pauses or resumes every unstopped clock (and escalation timer) to match the status. */
export function syncClocks(sla: SlaRuntime, status: TicketStatus, now: number): SlaRuntime {
  const cal = sla.policy.calendar;
  const run = clocksRunIn(sla.policy, status);
  const apply = (clock: SlaClockState) => (run ? resume(clock, now, cal) : pause(clock, now, cal));
  return { ...sla, clocks: mapClocks(sla, apply), escalationTimers: sla.escalationTimers.map((t) => ({ ...t, clock: apply(t.clock) })) };
}

/** Drops the escalation timers of a clock cycle that ended (met, stopped or restarted). */
function dropTimers(sla: SlaRuntime, target: SlaTarget, cycle: number): SlaRuntime {
  return { ...sla, escalationTimers: sla.escalationTimers.filter((t) => !(t.target === target && t.cycle === cycle)) };
}

/** Stops clocks for good this cycle (met when within target and not breached). */
export function stopClocks(sla: SlaRuntime, now: number, targets: readonly SlaTarget[]): SlaRuntime {
  let next = sla;
  for (const target of targets) {
    const clock = next.clocks[target];
    if (!clock || isStopped(clock)) continue;
    next = dropTimers({ ...next, clocks: { ...next.clocks, [target]: stop(clock, now, next.policy.calendar) } }, target, clock.cycle);
  }
  return next;
}

export const ALL_TARGETS: readonly SlaTarget[] = ['first_response', 'next_response', 'resolution'];

/** An agent's public reply meets first response (once) and the running next response. */
export function agentReplied(sla: SlaRuntime, now: number): SlaRuntime {
  return stopClocks(sla, now, ['first_response', 'next_response']);
}

/** A requester's public reply starts a new next-response cycle, once the first response was given. */
export function requesterReplied(sla: SlaRuntime, now: number, status: TicketStatus): SlaRuntime {
  if (!isStopped(sla.clocks.first_response)) return sla;
  const current = sla.clocks.next_response;
  if (current && !isStopped(current)) return sla; // still waiting for the agent's answer to an earlier reply
  const cal = sla.policy.calendar;
  const fresh = current ? restartCycle(current, now, cal) : start(createSlaClock(sla.policy.targets.nextResponseMs, thresholdsFor(sla.policy, 'next_response')), now, cal);
  return syncClocks({ ...sla, clocks: { ...sla.clocks, next_response: fresh } }, status, now);
}

/** A reopen starts a new resolution cycle. */
export function reopened(sla: SlaRuntime, now: number, status: TicketStatus): SlaRuntime {
  const old = sla.clocks.resolution;
  const cleared = dropTimers(sla, 'resolution', old.cycle);
  return syncClocks({ ...cleared, clocks: { ...cleared.clocks, resolution: restartCycle(old, now, sla.policy.calendar) } }, status, now);
}

/**
 * Applies a new policy (priority, category, department or policy edit): every clock keeps the
 * business time accrued so far (settled under the old calendar) and continues under the new
 * targets, thresholds and calendar.
 */
export function retargetAll(sla: SlaRuntime, policy: SlaPolicySnapshot, configVersion: number, now: number, status: TicketStatus): SlaRuntime {
  const oldCal = sla.policy.calendar;
  const clocks = mapClocks(sla, (clock, target) => retarget(clock, now, oldCal, targetMs(policy, target), thresholdsFor(policy, target)));
  const escalationTimers = sla.escalationTimers
    .filter((t) => policy.escalation.some((s) => s.level === t.level && stepWatches(s, t.target) && 'afterBreachMinutes' in s.trigger))
    .map((t) => {
      const step = policy.escalation.find((s) => s.level === t.level && stepWatches(s, t.target) && 'afterBreachMinutes' in s.trigger)!;
      const minutes = (step.trigger as { afterBreachMinutes: number }).afterBreachMinutes;
      return { ...t, clock: retarget(t.clock, now, oldCal, minutes * MINUTE) };
    });
  return syncClocks({ policy, configVersion, clocks, escalationTimers }, status, now);
}

export type DueItem = { type: 'threshold'; target: SlaTarget; cycle: number; percent: number; dueAt: number } | { type: 'escalation'; target: SlaTarget; cycle: number; level: number; dueAt: number };

/** The earliest pending threshold or escalation timer (due in the past when overdue); null when nothing runs. */
export function nextDue(sla: SlaRuntime, now: number): DueItem | null {
  const cal = sla.policy.calendar;
  let best: DueItem | null = null;
  const consider = (item: DueItem) => {
    if (!best || item.dueAt < best.dueAt) best = item;
  };
  for (const target of ALL_TARGETS) {
    const clock = sla.clocks[target];
    if (!clock) continue;
    const next = nextThreshold(clock, now, cal);
    if (next) consider({ type: 'threshold', target, cycle: clock.cycle, percent: next.percent, dueAt: next.dueAt });
  }
  for (const timer of sla.escalationTimers) {
    const next = nextThreshold(timer.clock, now, cal);
    if (next) consider({ type: 'escalation', target: timer.target, cycle: timer.cycle, level: timer.level, dueAt: next.dueAt });
  }
  return best;
}

/**
 * Records that a due item fired. A breach starts the post-breach timers of the steps watching
 * that clock, from the breach's due time (a late wake-up does not shift them).
 */
export function markDone(sla: SlaRuntime, item: DueItem, status: TicketStatus, now: number): SlaRuntime {
  if (item.type === 'escalation') {
    return { ...sla, escalationTimers: sla.escalationTimers.filter((t) => !(t.target === item.target && t.cycle === item.cycle && t.level === item.level)) };
  }
  const clock = sla.clocks[item.target]!;
  let next: SlaRuntime = { ...sla, clocks: { ...sla.clocks, [item.target]: markFired(clock, item.percent) } };
  if (item.percent === BREACH_PERCENT) {
    const timers = sla.policy.escalation
      .filter((step) => stepWatches(step, item.target) && 'afterBreachMinutes' in step.trigger)
      .map((step) => ({
        target: item.target,
        cycle: item.cycle,
        level: step.level,
        clock: start(createSlaClock((step.trigger as { afterBreachMinutes: number }).afterBreachMinutes * MINUTE, [BREACH_PERCENT]), item.dueAt, sla.policy.calendar),
      }));
    next = syncClocks({ ...next, escalationTimers: [...next.escalationTimers, ...timers] }, status, now);
  }
  return next;
}

/** The escalation steps a due item triggers (only levels above the ticket's current one). */
export function stepsFor(policy: SlaPolicySnapshot, item: DueItem, currentLevel: number): EscalationStep[] {
  return policy.escalation
    .filter((step) => step.level > currentLevel && stepWatches(step, item.target))
    .filter((step) => (item.type === 'threshold' ? 'atPercent' in step.trigger && step.trigger.atPercent === item.percent : step.level === item.level && 'afterBreachMinutes' in step.trigger))
    .sort((a, b) => a.level - b.level);
}

export type SlaProjection = { slaState: SlaState; responseDueAt: number | null; resolutionDueAt: number | null; nextDueAt: number | null };

/** What the ticket row and search attributes show. */
export function projection(sla: SlaRuntime, now: number, status: TicketStatus): SlaProjection {
  const cal = sla.policy.calendar;
  const { first_response, next_response, resolution } = sla.clocks;
  const responseClock = !isStopped(first_response) ? first_response : next_response && !isStopped(next_response) ? next_response : null;
  const responseDueAt = responseClock ? dueAt(responseClock, now, cal) : null;
  const resolutionDueAt = dueAt(resolution, now, cal);
  const states = [first_response, next_response, resolution].filter((c): c is SlaClockState => c !== null).map(clockState);
  let slaState: SlaState;
  if (states.includes('breached')) slaState = 'breached';
  else if (sla.policy.pausedStatuses.includes(status)) slaState = 'paused';
  else if (states.includes('at_risk')) slaState = 'at_risk';
  else if (isStopped(resolution)) slaState = 'met';
  else slaState = 'on_track';
  const dues = [responseDueAt, resolutionDueAt].filter((d): d is number => d !== null);
  return { slaState, responseDueAt, resolutionDueAt, nextDueAt: dues.length > 0 ? Math.min(...dues) : null };
}
