/** The lifecycle state as the state query and every update return it: the workflow's state plus SLA figures as of now. */
import type { SlaState, SlaTarget } from '../../domain/vocabulary';
import { accruedAt, dueAt, isRunning, nextThreshold, slaState, type SlaClockState } from '../sla/clock';
import type { TicketState } from '../types';
import { ALL_TARGETS, projection } from './sla';
import type { RuleSubject } from './rules';

export type SlaClockView = {
  target: SlaTarget;
  cycle: number;
  targetMs: number;
  accruedMs: number;
  /** The 100 % deadline; null while paused or once stopped. */
  dueAt: number | null;
  state: SlaState;
  running: boolean;
  thresholds: number[];
  firedThresholds: number[];
  /** The next threshold and when it is due (null when paused, stopped or all fired). */
  next: { percent: number; dueAt: number } | null;
};

export type LifecycleView = Omit<TicketState, 'sla'> & {
  /** Epoch ms the figures were computed at (the workflow's clock). */
  asOf: number;
  /** Events in the current run's history (the run continues as new past the settings' budget). */
  historyLength?: number;
  sla: null | {
    policyId: string | null;
    policyName: string;
    policyVersion: number;
    calendarName: string;
    timezone: string;
    pausedStatuses: string[];
    configVersion: number;
    nextDueAt: number | null;
    clocks: SlaClockView[];
    escalationTimers: { target: SlaTarget; level: number; dueAt: number | null }[];
  };
};

function clockView(target: SlaTarget, clock: SlaClockState, now: number, state: TicketState): SlaClockView {
  const cal = state.sla!.policy.calendar;
  return {
    target,
    cycle: clock.cycle,
    targetMs: clock.targetMs,
    accruedMs: accruedAt(clock, now, cal),
    dueAt: dueAt(clock, now, cal),
    state: slaState(clock),
    running: isRunning(clock),
    thresholds: clock.thresholds,
    firedThresholds: clock.firedThresholds,
    next: nextThreshold(clock, now, cal),
  };
}

export function lifecycleView(state: TicketState, now: number): LifecycleView {
  const { sla, ...rest } = state;
  if (!sla) return { ...rest, asOf: now, sla: null };
  const cal = sla.policy.calendar;
  return {
    ...rest,
    asOf: now,
    sla: {
      policyId: sla.policy.policyId,
      policyName: sla.policy.name,
      policyVersion: sla.policy.version,
      calendarName: sla.policy.calendarName,
      timezone: cal.timezone,
      pausedStatuses: sla.policy.pausedStatuses,
      configVersion: sla.configVersion,
      nextDueAt: projection(sla, now, state.status).nextDueAt,
      clocks: ALL_TARGETS.flatMap((target) => {
        const clock = sla.clocks[target];
        return clock ? [clockView(target, clock, now, state)] : [];
      }),
      escalationTimers: sla.escalationTimers.map((t) => ({ target: t.target, level: t.level, dueAt: nextThreshold(t.clock, now, cal)?.dueAt ?? null })),
    },
  };
}

/** The rules' view of a workflow state. */
export function ruleSubject(
  state: Pick<TicketState, 'number' | 'status' | 'requesterId' | 'departmentId' | 'assigneeId' | 'review' | 'mergedInto' | 'closedAt' | 'openChildren' | 'settings'>,
): RuleSubject {
  return {
    number: state.number,
    status: state.status,
    requesterId: state.requesterId,
    departmentId: state.departmentId,
    assigneeId: state.assigneeId,
    held: state.review !== null,
    merged: state.mergedInto !== null,
    closedAt: state.closedAt,
    openChildren: state.openChildren.length,
    settings: state.settings,
  };
}
