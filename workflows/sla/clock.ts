/**
 * The SLA clock: a pure state machine for one SLA target (first response, next response or resolution) measured in
 * business time. State is plain JSON (it is carried across continueAsNew); every operation takes `now` (epoch ms,
 * the workflow's clock) and the business calendar and returns a new state; nothing here reads the current time.
 *
 * How a ticket workflow drives it:
 *   1. `const next = nextThreshold(clock, now, cal)`; sleep until `next.dueAt` (or an event arrives).
 *   2. On waking: while `(next = nextThreshold(clock, now, cal)) && next.dueAt <= now` → fire it, `markFired`.
 *   3. On a status change: `pause` / `resume`; on a reply: `stop` (met) or `restartCycle`; on a priority/category/
 *      policy change: `retarget`. Then go back to 1 (the pending timer's due time is stale; recompute it).
 * Before pausing or stopping, fire whatever `overdueThresholds` reports, so a breach that came due while the
 * workflow was busy is never lost.
 */
import { BREACH_PERCENT, type Priority, type SlaState } from '../../domain/vocabulary';
import { addBusinessMs, businessMsBetween, type BusinessCalendar } from './calendar';

/** The percentage at which an SLA is breached. Thresholds above it (e.g. 150) are post-breach escalations. */
export { BREACH_PERCENT };

/** Default thresholds: 80 % warning, 100 % breach. */
export const DEFAULT_THRESHOLDS: readonly number[] = Object.freeze([80, BREACH_PERCENT]);

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export type SlaTargets = {
  /** Until the first public agent reply. */
  firstResponseMs: number;
  /** Until the next public agent reply after a requester's reply. */
  nextResponseMs: number;
  /** Until the ticket is resolved. */
  resolutionMs: number;
};

/** Default business-time targets by priority (used when no policy matches). "Response" covers first and next response. */
export const DEFAULT_SLA_TARGETS: Readonly<Record<Priority, Readonly<SlaTargets>>> = Object.freeze({
  critical: Object.freeze({ firstResponseMs: 15 * MINUTE, nextResponseMs: 15 * MINUTE, resolutionMs: 4 * HOUR }),
  high: Object.freeze({ firstResponseMs: 1 * HOUR, nextResponseMs: 1 * HOUR, resolutionMs: 8 * HOUR }),
  medium: Object.freeze({ firstResponseMs: 4 * HOUR, nextResponseMs: 4 * HOUR, resolutionMs: 24 * HOUR }),
  low: Object.freeze({ firstResponseMs: 8 * HOUR, nextResponseMs: 8 * HOUR, resolutionMs: 72 * HOUR }),
});

export type SlaClockState = {
  /** Target in business ms (100 %). */
  targetMs: number;
  /** Business ms accrued up to the last pause/retarget (not including the current running stretch). */
  accruedMs: number;
  /** Epoch ms when the clock last started running; null when paused, not yet started, or stopped. */
  runningSince: number | null;
  /** Percentages already fired this cycle, ascending. */
  firedThresholds: number[];
  /** Percentages at which the workflow is notified, ascending; always contains 100. */
  thresholds: number[];
  /** 1 for the first cycle, +1 on every restartCycle. */
  cycle: number;
  /** Set when the clock was stopped (the target's event happened or the ticket ended). */
  stoppedAt?: number;
  /** Set with stoppedAt: true when stopped within target and before any breach fired. */
  met?: boolean;
};

export type ThresholdDue = { percent: number; dueAt: number };

function requireInstant(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch-milliseconds number, got ${value}`);
}

function requireTarget(targetMs: number): void {
  if (!Number.isInteger(targetMs) || targetMs <= 0) {
    throw new RangeError(`targetMs must be a positive integer of business milliseconds, got ${targetMs}`);
  }
}

function normaliseThresholds(thresholds: readonly number[]): number[] {
  for (const t of thresholds) {
    if (!Number.isFinite(t) || t <= 0) throw new RangeError(`thresholds must be positive percentages, got ${t}`);
  }
  if (!thresholds.includes(BREACH_PERCENT)) {
    throw new RangeError(`thresholds must include ${BREACH_PERCENT} (the breach), got [${thresholds.join(', ')}]`);
  }
  return [...new Set(thresholds)].sort((a, b) => a - b);
}

/** Business ms at which a threshold is reached (rounded up to a whole ms: a threshold is never early). */
export function thresholdMs(targetMs: number, percent: number): number {
  return Math.ceil((targetMs * percent) / 100);
}

/** A new clock for one target, not yet running, cycle 1. */
export function createSlaClock(targetMs: number, thresholds: readonly number[] = DEFAULT_THRESHOLDS): SlaClockState {
  requireTarget(targetMs);
  return {
    targetMs,
    accruedMs: 0,
    runningSince: null,
    firedThresholds: [],
    thresholds: normaliseThresholds(thresholds),
    cycle: 1,
  };
}

export function isRunning(state: SlaClockState): boolean {
  return state.runningSince !== null;
}

export function isStopped(state: SlaClockState): boolean {
  return state.stoppedAt !== undefined;
}

/** Folds the running stretch into accruedMs, so the clock (if running) restarts its stretch at `now`. */
function settle(state: SlaClockState, now: number, calendar: BusinessCalendar): SlaClockState {
  if (state.runningSince === null) return state;
  return { ...state, accruedMs: state.accruedMs + businessMsBetween(calendar, state.runningSince, now), runningSince: now };
}

// ---------------------------------------------------------------------------------------------------------------
// Operations: (state, now, calendar) → new state. Idempotent where it makes sense (a duplicated signal is harmless);
// a stopped clock ignores start/pause/resume/stop and only restartCycle brings it back.

/** Signature shared by the operations, so callers can treat them alike. */
export type SlaClockOperation = (state: SlaClockState, now: number, calendar: BusinessCalendar) => SlaClockState;

/** Resumes a paused clock at `now`. Unfired thresholds are re-armed: nextThreshold recomputes their due times. */
export const resume: SlaClockOperation = (state, now) => {
  requireInstant('now', now);
  if (isStopped(state) || state.runningSince !== null) return state;
  return { ...state, runningSince: now };
};

/** Starts accruing at `now` (from outside hours: nothing accrues until the next opening). Same as resume. */
export const start: SlaClockOperation = resume;

/** Pauses at `now`, keeping the business time accrued so far. The paused stretch never counts. */
export function pause(state: SlaClockState, now: number, calendar: BusinessCalendar): SlaClockState {
  requireInstant('now', now);
  if (state.runningSince === null) return state;
  return { ...settle(state, now, calendar), runningSince: null };
}

/**
 * Stops the clock for good this cycle (the reply/resolution happened, or the ticket ended). `met` is true when the
 * accrued business time is within target (<=) and no breach has fired.
 */
export function stop(state: SlaClockState, now: number, calendar: BusinessCalendar): SlaClockState {
  requireInstant('now', now);
  if (isStopped(state)) return state;
  const settled = settle(state, now, calendar);
  const breached = settled.firedThresholds.some((p) => p >= BREACH_PERCENT);
  return { ...settled, runningSince: null, stoppedAt: now, met: !breached && settled.accruedMs <= settled.targetMs };
}

/** Alias of stop, reading better where the target's event happened (e.g. the first public agent reply). */
export const meet: SlaClockOperation = stop;

/**
 * A new cycle, running from `now`: accrued time and fired thresholds reset, cycle + 1, stop cleared. Used when a
 * requester's reply restarts "next response" and when a reopen starts a new resolution cycle.
 */
export const restartCycle: SlaClockOperation = (state, now) => {
  requireInstant('now', now);
  return {
    targetMs: state.targetMs,
    accruedMs: 0,
    runningSince: now,
    firedThresholds: [],
    thresholds: [...state.thresholds],
    cycle: state.cycle + 1,
  };
};

/**
 * Changes the target (priority/category/policy change). Business time already accrued is kept; deadlines follow
 * from the new target. Fired thresholds stay fired; unfired ones are re-armed against the new target, and one that
 * is already passed under the new target is due at once (nextThreshold returns dueAt = now). A stopped clock keeps
 * its recorded outcome (met). `newThresholds` replaces the threshold list (fired marks of kept percentages stay).
 */
export function retarget(state: SlaClockState, now: number, calendar: BusinessCalendar, newTargetMs: number, newThresholds?: readonly number[]): SlaClockState {
  requireInstant('now', now);
  requireTarget(newTargetMs);
  const settled = { ...settle(state, now, calendar), targetMs: newTargetMs };
  if (newThresholds === undefined) return settled;
  // A new threshold list (policy edit): thresholds that stay keep their fired mark, new ones are armed.
  const thresholds = normaliseThresholds(newThresholds);
  return { ...settled, thresholds, firedThresholds: settled.firedThresholds.filter((p) => thresholds.includes(p)) };
}

/** Records that a threshold fired this cycle. Idempotent; throws for a percentage the clock does not have. */
export function markFired(state: SlaClockState, percent: number): SlaClockState {
  if (!state.thresholds.includes(percent)) {
    throw new RangeError(`${percent} % is not one of this clock's thresholds [${state.thresholds.join(', ')}]`);
  }
  if (state.firedThresholds.includes(percent)) return state;
  return { ...state, firedThresholds: [...state.firedThresholds, percent].sort((a, b) => a - b) };
}

// ---------------------------------------------------------------------------------------------------------------
// Queries.

/** Business ms accrued this cycle as of `now`. */
export function accruedAt(state: SlaClockState, now: number, calendar: BusinessCalendar): number {
  requireInstant('now', now);
  if (state.runningSince === null) return state.accruedMs;
  return state.accruedMs + businessMsBetween(calendar, state.runningSince, now);
}

/** Business ms left until the breach as of `now` (negative once past it). */
export function remainingAt(state: SlaClockState, now: number, calendar: BusinessCalendar): number {
  return state.targetMs - accruedAt(state, now, calendar);
}

/**
 * The wall-clock instant at which a running clock reaches `businessMs` accrued. In the future: addBusinessMs(now,
 * remaining). Already reached since the clock last resumed: that past instant. Reached before it resumed (a paused
 * or retargeted clock): the resume/retarget instant, i.e. due immediately.
 */
function instantReaching(state: SlaClockState, runningSince: number, now: number, calendar: BusinessCalendar, businessMs: number): number {
  const sinceResume = businessMs - state.accruedMs;
  if (sinceResume <= 0) return runningSince;
  const remaining = sinceResume - businessMsBetween(calendar, runningSince, now);
  if (remaining > 0) return addBusinessMs(calendar, now, remaining);
  return addBusinessMs(calendar, runningSince, sinceResume);
}

/**
 * The lowest threshold not yet fired this cycle and when it is due; null when paused, stopped or all fired. After
 * a late wake-up several may be due: this returns the lowest with dueAt <= now; fire it, markFired, ask again.
 */
export function nextThreshold(state: SlaClockState, now: number, calendar: BusinessCalendar): ThresholdDue | null {
  requireInstant('now', now);
  if (isStopped(state) || state.runningSince === null) return null;
  const percent = [...state.thresholds].sort((a, b) => a - b).find((p) => !state.firedThresholds.includes(p));
  if (percent === undefined) return null;
  return {
    percent,
    dueAt: instantReaching(state, state.runningSince, now, calendar, thresholdMs(state.targetMs, percent)),
  };
}

/** The 100 % deadline as a wall-clock instant (in the past once breached); null when paused or stopped. */
export function dueAt(state: SlaClockState, now: number, calendar: BusinessCalendar): number | null {
  requireInstant('now', now);
  if (isStopped(state) || state.runningSince === null) return null;
  return instantReaching(state, state.runningSince, now, calendar, state.targetMs);
}

/**
 * Unfired thresholds already reached as of `now`, ascending, whether the clock runs or not. Fire these before a
 * pause or stop that races a pending timer, so a breach is never skipped.
 */
export function overdueThresholds(state: SlaClockState, now: number, calendar: BusinessCalendar): number[] {
  if (isStopped(state)) return [];
  const accrued = accruedAt(state, now, calendar);
  return [...state.thresholds].sort((a, b) => a - b).filter((p) => !state.firedThresholds.includes(p) && thresholdMs(state.targetMs, p) <= accrued);
}

/**
 * The state shown to people and search attributes. A stopped clock is met or breached; a fired breach is permanent
 * for the cycle (even while paused); otherwise paused beats at_risk (a paused clock is not getting closer).
 */
export function slaState(state: SlaClockState): SlaState {
  if (isStopped(state)) return state.met ? 'met' : 'breached';
  if (state.firedThresholds.some((p) => p >= BREACH_PERCENT)) return 'breached';
  if (state.runningSince === null) return 'paused';
  if (state.firedThresholds.some((p) => p < BREACH_PERCENT)) return 'at_risk';
  return 'on_track';
}
