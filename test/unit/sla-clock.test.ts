import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  accruedAt,
  addBusinessMs,
  createSlaClock,
  DEFAULT_SLA_TARGETS,
  DEFAULT_THRESHOLDS,
  dueAt,
  markFired,
  meet,
  nextThreshold,
  overdueThresholds,
  pause,
  remainingAt,
  restartCycle,
  resume,
  retarget,
  slaClockStateSchema,
  slaState,
  start,
  stop,
  thresholdMs,
  type BusinessCalendar,
  type SlaClockState,
} from '../../workflows/sla';

const t = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant in test: ${iso}`);
  return ms;
};
const show = (ms: number | null | undefined) => (ms === null || ms === undefined ? ms : new Date(ms).toISOString());
const expectInstant = (actual: number | null | undefined, expectedIso: string) => expect(show(actual)).toBe(show(t(expectedIso)));

const MIN = 60_000;
const H = 60 * MIN;

// London office, Monday-Friday 09:00-17:00. January is GMT, so local time = UTC ('Z') in most tests.
// Monday 8 January 2024 … Friday 12 January; Christmas and Boxing Day are holidays.
const OFFICE: BusinessCalendar = {
  timezone: 'Europe/London',
  weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })),
  holidays: ['2024-12-25', '2024-12-26'],
};
const NY_OFFICE: BusinessCalendar = { ...OFFICE, timezone: 'America/New_York', holidays: [] };
const ALWAYS: BusinessCalendar = { timezone: 'UTC', alwaysOpen: true, weeklyHours: [], holidays: [] };

const MON_0900 = t('2024-01-08T09:00Z');

/** A medium-priority resolution-style clock (4 business hours), started Monday 09:00. */
const started = (targetMs = 4 * H, thresholds?: number[], at = MON_0900, cal = OFFICE): SlaClockState => start(createSlaClock(targetMs, thresholds), at, cal);

/** What a workflow does when its timer fires: fire every due threshold in order. */
function fireDue(state: SlaClockState, now: number, cal: BusinessCalendar): { state: SlaClockState; fired: number[] } {
  const fired: number[] = [];
  for (let next = nextThreshold(state, now, cal); next && next.dueAt <= now; next = nextThreshold(state, now, cal)) {
    fired.push(next.percent);
    state = markFired(state, next.percent);
  }
  return { state, fired };
}

describe('defaults', () => {
  it('thresholds are 80 % (warning) and 100 % (breach)', () => {
    expect(DEFAULT_THRESHOLDS).toEqual([80, 100]);
    expect(createSlaClock(H).thresholds).toEqual([80, 100]);
  });

  it('default targets by priority are in business time: critical 15 min / 4 h, high 1 h / 8 h, medium 4 h / 24 h, low 8 h / 72 h', () => {
    expect(DEFAULT_SLA_TARGETS).toEqual({
      critical: { firstResponseMs: 15 * MIN, nextResponseMs: 15 * MIN, resolutionMs: 4 * H },
      high: { firstResponseMs: 1 * H, nextResponseMs: 1 * H, resolutionMs: 8 * H },
      medium: { firstResponseMs: 4 * H, nextResponseMs: 4 * H, resolutionMs: 24 * H },
      low: { firstResponseMs: 8 * H, nextResponseMs: 8 * H, resolutionMs: 72 * H },
    });
  });

  it('a new clock is cycle 1, has accrued nothing and is not running until started', () => {
    const clock = createSlaClock(4 * H);
    expect(clock).toEqual({ targetMs: 4 * H, accruedMs: 0, runningSince: null, firedThresholds: [], thresholds: [80, 100], cycle: 1 });
    expect(nextThreshold(clock, MON_0900, OFFICE)).toBeNull();
    expect(dueAt(clock, MON_0900, OFFICE)).toBeNull();
  });

  it('thresholds are configurable, kept sorted and unique, and must include the 100 % breach', () => {
    expect(createSlaClock(H, [100, 50, 75, 50, 150]).thresholds).toEqual([50, 75, 100, 150]);
    expect(() => createSlaClock(H, [50, 80])).toThrow(/must include 100/);
    expect(() => createSlaClock(H, [0, 100])).toThrow(/positive percentages/);
    expect(() => createSlaClock(0)).toThrow(/positive integer/);
    expect(() => createSlaClock(1.5)).toThrow(RangeError);
  });

  it('a threshold is reached at its share of the target, rounded up to a whole ms (never early)', () => {
    expect(thresholdMs(15 * MIN, 80)).toBe(12 * MIN);
    expect(thresholdMs(7, 50)).toBe(4);
  });
});

describe('accrual', () => {
  it('time accrues only inside calendar hours', () => {
    const clock = started(8 * H, undefined, t('2024-01-08T16:00Z'));
    expect(accruedAt(clock, t('2024-01-08T23:00Z'), OFFICE)).toBe(1 * H); // the night does not count
    expect(accruedAt(clock, t('2024-01-09T10:00Z'), OFFICE)).toBe(2 * H);
    expect(accruedAt(clock, t('2024-01-15T10:00Z'), OFFICE)).toBe(1 * H + 4 * 8 * H + 1 * H); // a week, weekend excluded
  });

  it('time does not accrue while paused', () => {
    let clock = started();
    clock = pause(clock, t('2024-01-08T10:00Z'), OFFICE);
    expect(clock.accruedMs).toBe(1 * H);
    expect(clock.runningSince).toBeNull();
    expect(accruedAt(clock, t('2024-01-10T15:00Z'), OFFICE)).toBe(1 * H);
    clock = resume(clock, t('2024-01-10T15:00Z'), OFFICE);
    expect(accruedAt(clock, t('2024-01-10T15:30Z'), OFFICE)).toBe(1.5 * H);
  });

  it('a pause is never added to the deadline as wall-clock time: after a resume the deadline is addBusinessMs(resume, remaining)', () => {
    let clock = started(); // 4 h target from Monday 09:00: due Monday 13:00
    expectInstant(dueAt(clock, MON_0900, OFFICE), '2024-01-08T13:00Z');
    clock = pause(clock, t('2024-01-08T10:00Z'), OFFICE); // 1 h accrued
    expect(dueAt(clock, t('2024-01-08T12:00Z'), OFFICE)).toBeNull();
    const resumedAt = t('2024-01-09T15:00Z'); // paused for 29 wall-clock hours (13 business hours)
    clock = resume(clock, resumedAt, OFFICE);
    const deadline = dueAt(clock, resumedAt, OFFICE);
    expect(deadline).toBe(addBusinessMs(OFFICE, resumedAt, 3 * H));
    expectInstant(deadline, '2024-01-10T10:00Z'); // 2 h Tuesday + 1 h Wednesday
    expect(remainingAt(clock, resumedAt, OFFICE)).toBe(3 * H);
  });

  it('resuming outside business hours accrues nothing until the next opening', () => {
    let clock: SlaClockState = { ...createSlaClock(4 * H), accruedMs: 3 * H }; // 3 h accrued, paused
    clock = resume(clock, t('2024-01-12T20:00Z'), OFFICE); // Friday evening
    expect(accruedAt(clock, t('2024-01-14T12:00Z'), OFFICE)).toBe(3 * H); // Sunday
    expectInstant(dueAt(clock, t('2024-01-12T20:00Z'), OFFICE), '2024-01-15T10:00Z'); // Monday 10:00
    expect(nextThreshold(clock, t('2024-01-12T20:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-15T09:12Z') });
  });

  it('start, pause and resume are idempotent (a duplicated signal changes nothing)', () => {
    const clock = started();
    expect(start(clock, t('2024-01-08T11:00Z'), OFFICE)).toBe(clock);
    expect(resume(clock, t('2024-01-08T11:00Z'), OFFICE)).toBe(clock);
    const paused = pause(clock, t('2024-01-08T10:00Z'), OFFICE);
    expect(pause(paused, t('2024-01-08T12:00Z'), OFFICE)).toBe(paused);
  });

  it('counts business time in the calendar timezone across a DST weekend (New York, spring forward)', () => {
    // 8 h from Friday 13:00 EST: 4 h on Friday, 4 h on Monday after the clocks went forward → Monday 13:00 EDT
    const clock = started(8 * H, undefined, t('2024-03-08T13:00-05:00'), NY_OFFICE);
    expectInstant(dueAt(clock, t('2024-03-08T13:00-05:00'), NY_OFFICE), '2024-03-11T13:00-04:00');
    expect(accruedAt(clock, t('2024-03-11T10:00-04:00'), NY_OFFICE)).toBe(5 * H);
  });

  it('on a 24x7 calendar business time is elapsed time (a critical 15-minute response over midnight on Sunday)', () => {
    const clock = start(createSlaClock(DEFAULT_SLA_TARGETS.critical.firstResponseMs), t('2024-01-13T23:55Z'), ALWAYS);
    expect(nextThreshold(clock, t('2024-01-13T23:55Z'), ALWAYS)).toEqual({ percent: 80, dueAt: t('2024-01-14T00:07Z') });
    expectInstant(dueAt(clock, t('2024-01-13T23:55Z'), ALWAYS), '2024-01-14T00:10Z');
  });
});

describe('thresholds', () => {
  it('nextThreshold is the lowest threshold not yet fired, with its wall-clock due time', () => {
    let clock = started(); // 4 h: 80 % = 3 h 12 min → Monday 12:12, 100 % → 13:00
    expect(nextThreshold(clock, MON_0900, OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-08T12:12Z') });
    clock = markFired(clock, 80);
    expect(nextThreshold(clock, t('2024-01-08T12:12Z'), OFFICE)).toEqual({ percent: 100, dueAt: t('2024-01-08T13:00Z') });
    clock = markFired(clock, 100);
    expect(nextThreshold(clock, t('2024-01-08T13:00Z'), OFFICE)).toBeNull();
  });

  it('a future due time is addBusinessMs(now, remaining business ms), whatever now is', () => {
    const clock = started(16 * H);
    for (const now of ['2024-01-08T09:00Z', '2024-01-08T13:37Z', '2024-01-08T20:00Z', '2024-01-09T09:00Z'].map(t)) {
      const remaining = thresholdMs(16 * H, 80) - accruedAt(clock, now, OFFICE);
      expect(nextThreshold(clock, now, OFFICE)?.dueAt).toBe(addBusinessMs(OFFICE, now, remaining));
      expect(dueAt(clock, now, OFFICE)).toBe(addBusinessMs(OFFICE, now, 16 * H - accruedAt(clock, now, OFFICE)));
    }
  });

  it('a due time spills over nights and weekends', () => {
    const clock = started(8 * H, undefined, t('2024-01-12T15:00Z')); // Friday 15:00, 8 h
    expect(nextThreshold(clock, t('2024-01-12T15:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-15T13:24Z') });
    expectInstant(dueAt(clock, t('2024-01-12T15:00Z'), OFFICE), '2024-01-15T15:00Z');
  });

  it('each threshold fires exactly once per cycle: markFired is idempotent and a fired threshold is never offered again', () => {
    let clock = markFired(started(), 80);
    expect(markFired(clock, 80)).toBe(clock);
    expect(clock.firedThresholds).toEqual([80]);
    // much later, 80 is still not offered again; only 100 is
    expect(nextThreshold(clock, t('2024-01-20T12:00Z'), OFFICE)?.percent).toBe(100);
    clock = markFired(clock, 100);
    expect(fireDue(clock, t('2024-02-20T12:00Z'), OFFICE).fired).toEqual([]);
  });

  it('markFired rejects a percentage the clock does not have', () => {
    expect(() => markFired(started(), 90)).toThrow(/not one of this clock's thresholds/);
  });

  it('nextThreshold is null while paused, before start and after stop', () => {
    const clock = started();
    expect(nextThreshold(createSlaClock(H), MON_0900, OFFICE)).toBeNull();
    expect(nextThreshold(pause(clock, t('2024-01-08T10:00Z'), OFFICE), t('2024-01-08T10:00Z'), OFFICE)).toBeNull();
    expect(nextThreshold(stop(clock, t('2024-01-08T10:00Z'), OFFICE), t('2024-01-08T10:00Z'), OFFICE)).toBeNull();
  });

  it('configurable thresholds fire in order, including an escalation after the breach', () => {
    let clock = started(4 * H, [50, 75, 100, 150]);
    const order: number[] = [];
    for (const now of ['2024-01-08T11:00Z', '2024-01-08T12:00Z', '2024-01-08T13:00Z', '2024-01-08T15:00Z'].map(t)) {
      const r = fireDue(clock, now, OFFICE);
      clock = r.state;
      order.push(...r.fired);
    }
    expect(order).toEqual([50, 75, 100, 150]);
  });

  it('the 100 % deadline stays the breach instant after the breach (it does not drift with now)', () => {
    const clock = markFired(markFired(started(), 80), 100);
    expectInstant(dueAt(clock, t('2024-01-08T13:00Z'), OFFICE), '2024-01-08T13:00Z');
    expectInstant(dueAt(clock, t('2024-01-10T16:00Z'), OFFICE), '2024-01-08T13:00Z');
  });
});

describe('pauses across thresholds', () => {
  it('a pause that interrupts a pending threshold re-arms that same threshold on resume, with a recomputed due time', () => {
    let clock = started(); // 80 % pending, due Monday 12:12
    clock = pause(clock, t('2024-01-08T12:00Z'), OFFICE); // 3 h accrued, 12 min short of 80 %
    expect(nextThreshold(clock, t('2024-01-08T12:12Z'), OFFICE)).toBeNull(); // nothing fires while paused
    clock = resume(clock, t('2024-01-08T14:00Z'), OFFICE);
    expect(nextThreshold(clock, t('2024-01-08T14:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-08T14:12Z') });
  });

  it('a breach is never skipped, even when the pause spans its original due time', () => {
    let clock = started();
    ({ state: clock } = fireDue(clock, t('2024-01-08T12:12Z'), OFFICE)); // 80 % fires at 12:12
    expect(clock.firedThresholds).toEqual([80]);
    clock = pause(clock, t('2024-01-08T12:30Z'), OFFICE); // breach was due 13:00
    expect(fireDue(clock, t('2024-01-09T16:00Z'), OFFICE).fired).toEqual([]); // the original 13:00 passes while paused
    clock = resume(clock, t('2024-01-10T10:00Z'), OFFICE);
    expect(nextThreshold(clock, t('2024-01-10T10:00Z'), OFFICE)).toEqual({ percent: 100, dueAt: t('2024-01-10T10:30Z') });
    const r = fireDue(clock, t('2024-01-10T10:30Z'), OFFICE);
    expect(r.fired).toEqual([100]);
    expect(slaState(r.state)).toBe('breached');
  });

  it('a pause across several thresholds re-arms each of them in turn', () => {
    let clock = pause(started(), t('2024-01-08T10:00Z'), OFFICE); // 1 h accrued, 80 % and 100 % pending
    clock = resume(clock, t('2024-01-09T09:00Z'), OFFICE);
    expect(nextThreshold(clock, t('2024-01-09T09:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-09T11:12Z') });
    clock = markFired(clock, 80);
    expect(nextThreshold(clock, t('2024-01-09T11:12Z'), OFFICE)).toEqual({ percent: 100, dueAt: t('2024-01-09T12:00Z') });
  });

  it('a threshold that came due just before a pause (the pause raced the timer) is reported overdue and fires at once on resume', () => {
    let clock = started();
    clock = pause(clock, t('2024-01-08T12:20Z'), OFFICE); // 80 % was due 12:12 but the timer has not run yet
    expect(overdueThresholds(clock, t('2024-01-08T12:20Z'), OFFICE)).toEqual([80]);
    clock = resume(clock, t('2024-01-08T15:00Z'), OFFICE);
    expect(nextThreshold(clock, t('2024-01-08T15:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-08T15:00Z') });
  });
});

describe('late wake-up', () => {
  it('after several thresholds became due, nextThreshold returns the lowest unfired one with dueAt <= now, so they fire in order', () => {
    let clock = started(); // 80 % due Monday 12:12, 100 % due Monday 13:00
    const now = t('2024-01-09T12:00Z'); // the worker was down; the timer fires a day late
    const first = nextThreshold(clock, now, OFFICE);
    expect(first).toEqual({ percent: 80, dueAt: t('2024-01-08T12:12Z') });
    clock = markFired(clock, 80);
    expect(nextThreshold(clock, now, OFFICE)).toEqual({ percent: 100, dueAt: t('2024-01-08T13:00Z') });
    clock = markFired(clock, 100);
    expect(nextThreshold(clock, now, OFFICE)).toBeNull();
  });

  it('the firing loop fires every due threshold exactly once and leaves the future ones', () => {
    const { state, fired } = fireDue(started(4 * H, [50, 80, 100, 200]), t('2024-01-08T14:00Z'), OFFICE);
    expect(fired).toEqual([50, 80, 100]);
    expect(nextThreshold(state, t('2024-01-08T14:00Z'), OFFICE)).toEqual({ percent: 200, dueAt: t('2024-01-08T17:00Z') });
  });
});

describe('retarget (priority, category or policy change)', () => {
  it('retargeting up keeps the accrued business time and re-arms unfired thresholds against the new target', () => {
    let clock = started(4 * H); // medium response
    clock = retarget(clock, t('2024-01-08T10:00Z'), OFFICE, 8 * H); // lowered to low: 1 h accrued of 8 h
    expect(accruedAt(clock, t('2024-01-08T10:00Z'), OFFICE)).toBe(1 * H);
    expect(nextThreshold(clock, t('2024-01-08T10:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-08T15:24Z') });
    expectInstant(dueAt(clock, t('2024-01-08T10:00Z'), OFFICE), '2024-01-08T17:00Z');
  });

  it('retargeting up keeps fired thresholds fired (80 % is not fired again under the new target)', () => {
    let clock = started(4 * H);
    ({ state: clock } = fireDue(clock, t('2024-01-08T12:30Z'), OFFICE));
    expect(clock.firedThresholds).toEqual([80]);
    clock = retarget(clock, t('2024-01-08T12:30Z'), OFFICE, 8 * H); // 3.5 h of 8 h: below 80 % again
    expect(nextThreshold(clock, t('2024-01-08T12:30Z'), OFFICE)).toEqual({ percent: 100, dueAt: t('2024-01-08T17:00Z') });
    expect(slaState(clock)).toBe('at_risk');
  });

  it('retargeting down to a target already passed makes the passed thresholds due immediately, in order', () => {
    let clock = started(8 * H);
    const now = t('2024-01-08T11:00Z'); // 2 h accrued; raised to high: 1 h
    clock = retarget(clock, now, OFFICE, 1 * H);
    expect(nextThreshold(clock, now, OFFICE)).toEqual({ percent: 80, dueAt: now });
    expect(fireDue(clock, now, OFFICE).fired).toEqual([80, 100]);
    expectInstant(dueAt(clock, now, OFFICE), '2024-01-08T11:00Z');
  });

  it('retargeting down but not yet past the new thresholds brings their due times forward', () => {
    let clock = started(8 * H);
    clock = retarget(clock, t('2024-01-08T10:00Z'), OFFICE, 4 * H);
    expect(nextThreshold(clock, t('2024-01-08T10:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-08T12:12Z') });
  });

  it('retargeting while paused applies the new target from the resume', () => {
    let clock = pause(started(8 * H), t('2024-01-08T11:00Z'), OFFICE); // 2 h accrued
    clock = retarget(clock, t('2024-01-08T12:00Z'), OFFICE, 4 * H);
    expect(clock.runningSince).toBeNull();
    expect(dueAt(clock, t('2024-01-08T12:00Z'), OFFICE)).toBeNull();
    clock = resume(clock, t('2024-01-09T09:00Z'), OFFICE);
    expectInstant(dueAt(clock, t('2024-01-09T09:00Z'), OFFICE), '2024-01-09T11:00Z');
    expect(nextThreshold(clock, t('2024-01-09T09:00Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-09T10:12Z') });
  });

  it('retargeting keeps the cycle and rejects a non-positive target', () => {
    const clock = retarget(started(), t('2024-01-08T10:00Z'), OFFICE, 2 * H);
    expect(clock.cycle).toBe(1);
    expect(() => retarget(clock, t('2024-01-08T10:00Z'), OFFICE, 0)).toThrow(RangeError);
  });
});

describe('restartCycle', () => {
  it('starts a new cycle: accrued time and fired thresholds reset, cycle + 1, running from now', () => {
    let clock = fireDue(started(), t('2024-01-08T13:00Z'), OFFICE).state;
    expect(clock.firedThresholds).toEqual([80, 100]);
    clock = restartCycle(clock, t('2024-01-09T10:00Z'), OFFICE);
    expect(clock).toEqual({
      targetMs: 4 * H,
      accruedMs: 0,
      runningSince: t('2024-01-09T10:00Z'),
      firedThresholds: [],
      thresholds: [80, 100],
      cycle: 2,
    });
    expect(slaState(clock)).toBe('on_track');
  });

  it('next response restarts with each requester reply: the met clock runs again from the reply', () => {
    let clock = start(createSlaClock(DEFAULT_SLA_TARGETS.high.nextResponseMs), MON_0900, OFFICE);
    clock = meet(clock, t('2024-01-08T09:30Z'), OFFICE); // agent replied in 30 min
    expect(slaState(clock)).toBe('met');
    clock = restartCycle(clock, t('2024-01-08T16:30Z'), OFFICE); // requester replied late in the day
    expect(clock.cycle).toBe(2);
    expect('stoppedAt' in clock || 'met' in clock).toBe(false);
    expect(nextThreshold(clock, t('2024-01-08T16:30Z'), OFFICE)).toEqual({ percent: 80, dueAt: t('2024-01-09T09:18Z') });
  });

  it('a reopen starts a new resolution cycle in which every threshold fires again, once', () => {
    let clock = fireDue(started(), t('2024-01-08T13:00Z'), OFFICE).state; // breached in cycle 1
    clock = stop(clock, t('2024-01-08T14:00Z'), OFFICE); // resolved late
    expect(slaState(clock)).toBe('breached');
    clock = restartCycle(clock, t('2024-01-10T09:00Z'), OFFICE); // reopened
    const r = fireDue(clock, t('2024-01-10T13:00Z'), OFFICE);
    expect(r.fired).toEqual([80, 100]);
    expect(fireDue(r.state, t('2024-01-11T13:00Z'), OFFICE).fired).toEqual([]);
  });
});

describe('stop / meet', () => {
  it('stopping within target is met', () => {
    const clock = stop(started(), t('2024-01-08T12:00Z'), OFFICE);
    expect(clock).toMatchObject({ accruedMs: 3 * H, runningSince: null, stoppedAt: t('2024-01-08T12:00Z'), met: true });
    expect(slaState(clock)).toBe('met');
  });

  it('stopping exactly at the deadline is met, if the breach has not fired', () => {
    expect(stop(started(), t('2024-01-08T13:00Z'), OFFICE).met).toBe(true);
  });

  it('stopping after the breach fired is not met', () => {
    const clock = stop(fireDue(started(), t('2024-01-08T13:00Z'), OFFICE).state, t('2024-01-08T13:00Z'), OFFICE);
    expect(clock.met).toBe(false);
    expect(slaState(clock)).toBe('breached');
  });

  it('stopping past the target is not met even if the breach timer has not fired yet', () => {
    const clock = stop(started(), t('2024-01-08T13:01Z'), OFFICE);
    expect(clock.met).toBe(false);
    expect(slaState(clock)).toBe('breached');
  });

  it('stopping while paused keeps the accrued time and ignores the paused stretch', () => {
    const clock = stop(pause(started(), t('2024-01-08T10:00Z'), OFFICE), t('2024-01-09T16:00Z'), OFFICE);
    expect(clock).toMatchObject({ accruedMs: 1 * H, met: true });
  });

  it('a stopped clock ignores start, resume, pause and a second stop; it has no deadline', () => {
    const clock = stop(started(), t('2024-01-08T10:00Z'), OFFICE);
    const later = t('2024-01-08T11:00Z');
    expect(start(clock, later, OFFICE)).toBe(clock);
    expect(resume(clock, later, OFFICE)).toBe(clock);
    expect(pause(clock, later, OFFICE)).toBe(clock);
    expect(stop(clock, later, OFFICE)).toBe(clock);
    expect(dueAt(clock, later, OFFICE)).toBeNull();
    expect(overdueThresholds(clock, later, OFFICE)).toEqual([]);
  });
});

describe('slaState', () => {
  it('is on_track, then at_risk once the warning fired, then breached once 100 % fired', () => {
    let clock = started();
    expect(slaState(clock)).toBe('on_track');
    clock = markFired(clock, 80);
    expect(slaState(clock)).toBe('at_risk');
    clock = markFired(clock, 100);
    expect(slaState(clock)).toBe('breached');
  });

  it('is paused while paused (and before start), but a fired breach stays breached while paused', () => {
    expect(slaState(createSlaClock(H))).toBe('paused');
    const paused = pause(markFired(started(), 80), t('2024-01-08T12:30Z'), OFFICE);
    expect(slaState(paused)).toBe('paused');
    expect(slaState(markFired(paused, 100))).toBe('breached');
  });

  it('is met or breached once stopped', () => {
    expect(slaState(stop(started(), t('2024-01-08T10:00Z'), OFFICE))).toBe('met');
    expect(slaState(stop(started(), t('2024-01-09T10:00Z'), OFFICE))).toBe('breached');
  });
});

describe('state is plain JSON data', () => {
  it('every state survives a JSON round trip unchanged and matches the state schema (continueAsNew)', () => {
    let clock = createSlaClock(4 * H, [50, 100]);
    const steps: Array<(s: SlaClockState) => SlaClockState> = [
      (s) => start(s, MON_0900, OFFICE),
      (s) => markFired(s, 50),
      (s) => pause(s, t('2024-01-08T12:00Z'), OFFICE),
      (s) => retarget(s, t('2024-01-08T13:00Z'), OFFICE, 6 * H),
      (s) => resume(s, t('2024-01-09T09:00Z'), OFFICE),
      (s) => stop(s, t('2024-01-09T10:00Z'), OFFICE),
      (s) => restartCycle(s, t('2024-01-09T11:00Z'), OFFICE),
    ];
    for (const step of steps) {
      clock = step(clock);
      expect(JSON.parse(JSON.stringify(clock))).toStrictEqual(clock);
      expect(slaClockStateSchema.parse(clock)).toStrictEqual(clock);
    }
  });

  it('operations never mutate their input', () => {
    const clock = Object.freeze({ ...started(), firedThresholds: Object.freeze([]) as unknown as number[] });
    expect(() => {
      markFired(clock, 80);
      pause(clock, t('2024-01-08T10:00Z'), OFFICE);
      retarget(clock, t('2024-01-08T10:00Z'), OFFICE, H);
      stop(clock, t('2024-01-08T10:00Z'), OFFICE);
      restartCycle(clock, t('2024-01-08T10:00Z'), OFFICE);
    }).not.toThrow();
  });
});

describe('workflow-sandbox safety', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('the engine never reads the current time or randomness: Date.now, new Date() and Math.random all throw while it runs', async () => {
    const RealDate = Date;
    const forbidden = (what: string) => () => {
      throw new Error(`SLA engine called ${what}`);
    };
    vi.resetModules();
    vi.spyOn(Date, 'now').mockImplementation(forbidden('Date.now()'));
    vi.spyOn(Math, 'random').mockImplementation(forbidden('Math.random()'));
    class NoClockDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) throw new Error('SLA engine called new Date() without an argument');
        super(...(args as [number]));
      }
      static override now(): number {
        throw new Error('SLA engine called Date.now()');
      }
    }
    vi.stubGlobal('Date', NoClockDate);
    expect(() => Date.now()).toThrow(/Date\.now/);

    // a fresh copy of the engine, so module initialisation runs under the stubs too
    const sla = await import('../../workflows/sla/index');
    const cal = sla.parseBusinessCalendar({
      timezone: 'America/New_York',
      weeklyHours: [...([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '12:00' })), ...([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '13:00', end: '17:00' }))],
      holidays: ['2024-03-11'],
    });
    const fri = 1_709_900_000_000; // Friday 8 March 2024, 07:13 EST, before the DST weekend
    let clock = sla.start(sla.createSlaClock(sla.DEFAULT_SLA_TARGETS.high.resolutionMs), fri, cal);
    clock = sla.pause(clock, fri + 3 * H, cal);
    clock = sla.resume(clock, fri + 5 * H, cal);
    clock = sla.retarget(clock, fri + 6 * H, cal, 4 * H);
    const next = sla.nextThreshold(clock, fri + 6 * H, cal);
    expect(next).not.toBeNull();
    clock = sla.markFired(clock, next!.percent);
    expect(sla.dueAt(clock, fri + 7 * H, cal)).toBeGreaterThan(fri);
    expect(sla.overdueThresholds(clock, fri + 100 * H, cal)).toEqual([100]);
    clock = sla.stop(clock, fri + 100 * H, cal);
    clock = sla.restartCycle(clock, fri + 101 * H, cal);
    expect(sla.slaState(clock)).toBe('on_track');
    expect(sla.accruedAt(clock, fri + 200 * H, cal)).toBeGreaterThan(0);
    expect(sla.isOpen(cal, fri)).toBe(false);
    expect(sla.nextOpening(cal, fri)).toBeGreaterThan(fri);
    expect(sla.addBusinessMs(cal, fri, 30 * H)).toBeGreaterThan(fri);
    expect(sla.businessMsBetween(cal, fri, fri + 500 * H)).toBeGreaterThan(0);
    expect(Math.random).toHaveBeenCalledTimes(0);
  });
});

describe('retarget with a new threshold list (a policy edit)', () => {
  it('keeps fired marks of percentages that stay, drops removed ones and arms new ones, due at once when already passed', () => {
    let clock = fireDue(started(4 * H, [50, 80, 100]), t('2024-01-08T11:30Z'), OFFICE).state; // 2.5 h: 50 % fired
    expect(clock.firedThresholds).toEqual([50]);
    clock = retarget(clock, t('2024-01-08T11:30Z'), OFFICE, 4 * H, [25, 80, 100]);
    expect(clock.thresholds).toEqual([25, 80, 100]);
    expect(clock.firedThresholds).toEqual([]);
    expect(nextThreshold(clock, t('2024-01-08T11:30Z'), OFFICE)).toEqual({ percent: 25, dueAt: t('2024-01-08T11:30Z') });
    expect(() => retarget(clock, t('2024-01-08T11:30Z'), OFFICE, 4 * H, [80])).toThrow(/must include 100/);
  });
});
