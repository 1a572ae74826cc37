/**
 * Business calendars: when is the service desk "open", and how much business time lies between two instants.
 *
 * Runs inside the Temporal workflow sandbox: pure and deterministic. No I/O, no Node built-ins, no reading of the
 * current time (every instant is a parameter, in epoch milliseconds), no randomness. Time-zone data comes from the
 * runtime's IANA database through Intl (`tzOffset` of @date-fns/tz), never from hand-written offset tables. Not luxon:
 * each cached ticket workflow evaluates its own copy of every module it imports, and luxon's cost ~55 KB more per
 * ticket than this module needs (bench/README.md, "Before and after the restructuring").
 *
 * Semantics (see docs/architecture.md, "SLA semantics"):
 * - An instant is open when its wall-clock time in the calendar's zone lies inside one of that weekday's intervals
 *   (half-open: [start, end)) and its local date is not a holiday. `alwaysOpen` calendars are open at every instant.
 * - Business time is real elapsed time while open. On a DST day an interval that spans the change is shorter or
 *   longer in real time (00:00-04:00 is 3 h on a spring-forward day, 5 h on a fall-back day); local times that do
 *   not exist (inside the spring-forward gap) are never open; local times that happen twice (fall-back) are open
 *   both times.
 */
import { tzOffset } from '@date-fns/tz/tzOffset';
import type { IsoWeekday, WeeklyInterval } from '../../domain/vocabulary';

export type { IsoWeekday, WeeklyInterval } from '../../domain/vocabulary';

export type BusinessCalendar = {
  /** IANA zone, e.g. 'Europe/London'. */
  timezone: string;
  /** 24x7: open at every instant. Such a calendar lists no weeklyHours and no holidays. */
  alwaysOpen?: boolean;
  /** Several intervals a day are allowed (e.g. a lunch break); they must not overlap. */
  weeklyHours: WeeklyInterval[];
  /** 'YYYY-MM-DD' local dates; the whole local day is closed. */
  holidays: string[];
};

const MINUTE = 60_000;
const DAY = 86_400_000;
/** Bigger than any UTC offset in the tz database (the largest, historical LMT offsets, are just under 16 h). */
const MAX_ABS_OFFSET = 16 * 3_600_000;
export const WEEKDAY_NAMES = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

export const TIME_RE = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
export const END_TIME_RE = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Minutes since local midnight of an 'HH:mm' string already checked by the schema ('24:00' → 1440). */
export function minutesOf(hhmm: string): number {
  return Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' calendar date, or null when it is not a real date. */
export function dayNumberOf(date: string): number | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d) return null;
  return ms / DAY;
}

/** An IANA zone name the runtime's Intl knows (the check luxon's `IANAZone.isValidZone` made). */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export function isWellFormedInterval(iv: unknown): iv is WeeklyInterval {
  if (typeof iv !== 'object' || iv === null) return false;
  const { day, start, end } = iv as Record<string, unknown>;
  return (
    typeof day === 'number' &&
    Number.isInteger(day) &&
    day >= 1 &&
    day <= 7 &&
    typeof start === 'string' &&
    typeof end === 'string' &&
    TIME_RE.test(start) &&
    END_TIME_RE.test(end) &&
    minutesOf(end) > minutesOf(start)
  );
}

/**
 * Everything wrong with a calendar, in the words of calendar-schema.ts (which validates input at the edges with zod
 * and reports these per field). The engine checks only this way: the workflow bundle must not load zod, because a
 * workflow sandbox evaluates its modules once per workflow.
 */
export function calendarProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null) return ['a calendar must be an object'];
  const cal = input as Record<string, unknown>;
  const problems: string[] = [];
  if (typeof cal.timezone !== 'string' || !isKnownTimeZone(cal.timezone)) problems.push(`unknown IANA timezone "${String(cal.timezone)}" (expected e.g. "Europe/London")`);
  const weeklyHours = Array.isArray(cal.weeklyHours) ? cal.weeklyHours : null;
  const holidays = Array.isArray(cal.holidays) ? cal.holidays : null;
  if (!weeklyHours) problems.push('weeklyHours must be a list');
  if (!holidays) problems.push('holidays must be a list');
  for (const h of holidays ?? []) if (typeof h !== 'string' || dayNumberOf(h) === null) problems.push(`holiday "${String(h)}" is not a date "YYYY-MM-DD"`);
  if (cal.alwaysOpen === true) {
    if ((weeklyHours?.length ?? 0) > 0) problems.push('an alwaysOpen (24x7) calendar must not list weeklyHours: they would be ignored');
    if ((holidays?.length ?? 0) > 0) problems.push('an alwaysOpen (24x7) calendar must not list holidays');
    return problems;
  }
  if (weeklyHours && weeklyHours.length === 0) problems.push('the calendar has no open hours: list at least one interval in weeklyHours or set alwaysOpen: true');
  const valid = (weeklyHours ?? []).filter((iv): iv is WeeklyInterval => {
    const ok = isWellFormedInterval(iv);
    if (!ok) problems.push(`weekly interval ${JSON.stringify(iv)} is not { day: ISO weekday 1-7, start: "HH:mm", end: "HH:mm" after start }`);
    return ok;
  });
  valid.sort((a, b) => a.day - b.day || minutesOf(a.start) - minutesOf(b.start));
  for (let i = 1; i < valid.length; i++) {
    const prev = valid[i - 1]!;
    const cur = valid[i]!;
    if (prev.day === cur.day && minutesOf(cur.start) < minutesOf(prev.end)) {
      problems.push(`overlapping intervals on ${WEEKDAY_NAMES[cur.day]}: ${prev.start}-${prev.end} and ${cur.start}-${cur.end}`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------------------------
// Compiled form: minute ranges per weekday, holidays as local day numbers. Cached per calendar object, so treat
// calendars as immutable values (the workflow replaces them, it does not mutate them).

type Compiled = {
  alwaysOpen: boolean;
  zone: string;
  /** Index 1..7 (ISO weekday) → sorted [startMinute, endMinute) pairs. */
  week: Array<Array<readonly [number, number]>>;
  holidays: Set<number>;
  /** More consecutive fully closed days than this means the calendar never opens again. */
  maxClosedDays: number;
};

const compiledCache = new WeakMap<BusinessCalendar, Compiled>();

function compile(cal: BusinessCalendar): Compiled {
  const cached = compiledCache.get(cal);
  if (cached) return cached;
  const problems = calendarProblems(cal);
  if (problems.length > 0) throw new Error(`Invalid business calendar:\n${problems.map((p) => `✖ ${p}`).join('\n')}`);
  const parsed = cal;
  const week: Compiled['week'] = [[], [], [], [], [], [], [], []];
  for (const iv of parsed.weeklyHours) week[iv.day]!.push([minutesOf(iv.start), minutesOf(iv.end)]);
  for (const list of week) list.sort((a, b) => a[0] - b[0]);
  const holidays = new Set(parsed.holidays.map((h) => dayNumberOf(h)!));
  const compiled: Compiled = {
    alwaysOpen: parsed.alwaysOpen === true,
    zone: parsed.timezone,
    week,
    holidays,
    // Every 7 consecutive days contain an open weekday, so a closed streak is at most 7 days per holiday (plus a
    // rare day whose only hours fall into a DST gap); anything longer cannot end.
    maxClosedDays: 7 * (holidays.size + 2) + 31,
  };
  compiledCache.set(cal, compiled);
  return compiled;
}

function requireInstant(name: string, value: number): void {
  if (!Number.isFinite(value)) throw new RangeError(`${name} must be a finite epoch-milliseconds number, got ${value}`);
}

/** UTC offset in ms at an instant (Intl tz data). */
function offsetMs(zone: string, at: number): number {
  return Math.round(tzOffset(zone, new Date(at)) * MINUTE);
}

/**
 * The instant a local wall-clock time (written as if it were UTC) names in `zone`, trying `offsetGuess` first: at a
 * fall-back the wall time happens twice and the guess's occurrence wins; inside a spring-forward gap the time moves
 * forward by the gap. This is luxon's rule (`fixOffset`), kept so auto-close deadlines stay the instants they were.
 */
function instantOfWallTime(zone: string, wall: number, offsetGuess: number): number {
  const first = wall - offsetGuess;
  const o2 = offsetMs(zone, first);
  if (o2 === offsetGuess) return first;
  const second = first - (o2 - offsetGuess);
  const o3 = offsetMs(zone, second);
  if (o2 === o3) return second;
  return wall - Math.min(o2, o3);
}

/**
 * The constant-offset stretches of time between lo and hi: each transition is found by bisection to the
 * millisecond, so only days that contain a transition cost more than two offset look-ups.
 */
function offsetSegments(zone: string, lo: number, hi: number): Array<{ from: number; to: number; offset: number }> {
  const segments: Array<{ from: number; to: number; offset: number }> = [];
  const offsetAtHi = offsetMs(zone, hi);
  let from = -Infinity;
  let at = lo;
  let offset = offsetMs(zone, lo);
  while (offset !== offsetAtHi) {
    let l = at;
    let h = hi;
    while (h - l > 1) {
      const mid = l + Math.floor((h - l) / 2);
      if (offsetMs(zone, mid) === offset) l = mid;
      else h = mid;
    }
    segments.push({ from, to: h, offset });
    from = h;
    at = h;
    offset = offsetMs(zone, h);
  }
  segments.push({ from, to: Infinity, offset });
  return segments;
}

function isoWeekdayOfDay(dayNumber: number): IsoWeekday {
  // Day 0 (1970-01-01) was a Thursday.
  return (((((dayNumber + 3) % 7) + 7) % 7) + 1) as IsoWeekday;
}

/** The real-time open stretches of one local date, sorted and disjoint (adjacent ones merged). */
function dayPieces(c: Compiled, dayNumber: number): Array<[number, number]> {
  const intervals = c.week[isoWeekdayOfDay(dayNumber)]!;
  if (intervals.length === 0 || c.holidays.has(dayNumber)) return [];
  const midnight = dayNumber * DAY; // local midnight written as if it were UTC
  const pieces: Array<[number, number]> = [];
  for (const seg of offsetSegments(c.zone, midnight - MAX_ABS_OFFSET, midnight + DAY + MAX_ABS_OFFSET)) {
    for (const [startMin, endMin] of intervals) {
      const s = Math.max(midnight + startMin * MINUTE - seg.offset, seg.from);
      const e = Math.min(midnight + endMin * MINUTE - seg.offset, seg.to);
      if (e > s) pieces.push([s, e]);
    }
  }
  pieces.sort((a, b) => a[0] - b[0]);
  const merged: Array<[number, number]> = [];
  for (const p of pieces) {
    const last = merged[merged.length - 1];
    if (last && last[1] >= p[0]) last[1] = Math.max(last[1], p[1]);
    else merged.push([p[0], p[1]]);
  }
  return merged;
}

/**
 * Open stretches [start, end) in time order, the first clipped to begin at `from`. Steps a local day at a time (two
 * offset look-ups per day), never minute by minute. Pieces are released one day late, because around a DST change
 * at midnight a local date's first piece can precede the previous date's last piece in real time.
 */
function* openIntervals(c: Compiled, from: number): Generator<[number, number]> {
  let day = Math.floor(from / DAY) - 2; // the local date of `from` is at most one day either side of its UTC date
  const pending: Array<[number, number]> = [];
  let closedStreak = 0;
  for (;;) {
    const pieces = dayPieces(c, day);
    if (pieces.length === 0) {
      if (++closedStreak > c.maxClosedDays) {
        throw new Error(`Business calendar has no open hours after ${new Date(from).toISOString()}: every day is closed (check weeklyHours and holidays)`);
      }
    } else {
      closedStreak = 0;
    }
    for (const [s, e] of pieces) if (e > from) pending.push([Math.max(s, from), e]);
    pending.sort((a, b) => a[0] - b[0]);
    // Every piece of a later local date starts at or after this bound.
    const bound = (day + 1) * DAY - MAX_ABS_OFFSET;
    while (pending.length > 0 && pending[0]![0] < bound) yield pending.shift()!;
    day++;
  }
}

/** Business time (ms) inside open hours between two instants; 0 when `to` is not after `from`. */
export function businessMsBetween(cal: BusinessCalendar, from: number, to: number): number {
  requireInstant('from', from);
  requireInstant('to', to);
  const c = compile(cal);
  if (!(to > from)) return 0;
  if (c.alwaysOpen) return to - from;
  let total = 0;
  for (const [s, e] of openIntervals(c, from)) {
    if (s >= to) break;
    total += Math.min(e, to) - s;
  }
  return total;
}

/**
 * The earliest instant at which `ms` of business time has elapsed since `from`. If `from` is outside hours the
 * clock starts at the next opening; a deadline that falls exactly on a closing time is that closing time.
 * `addBusinessMs(cal, from, 0)` is `from`. Invariant: businessMsBetween(cal, from, addBusinessMs(cal, from, ms)) === ms.
 */
export function addBusinessMs(cal: BusinessCalendar, from: number, ms: number): number {
  requireInstant('from', from);
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`ms must be a finite number >= 0, got ${ms}`);
  const c = compile(cal);
  if (ms === 0) return from;
  if (c.alwaysOpen) return from + ms;
  let remaining = ms;
  for (const [s, e] of openIntervals(c, from)) {
    if (e - s >= remaining) return s + remaining;
    remaining -= e - s;
  }
  /* c8 ignore next */
  throw new Error('unreachable: openIntervals is infinite or throws');
}

/** Whether the calendar is open at an instant (intervals are [start, end): open at 09:00, closed at 17:00). */
export function isOpen(cal: BusinessCalendar, at: number): boolean {
  return nextOpening(cal, at) === at;
}

/** The earliest instant >= `at` at which the calendar is open; `at` itself when it is open then. */
export function nextOpening(cal: BusinessCalendar, at: number): number {
  requireInstant('at', at);
  const c = compile(cal);
  if (c.alwaysOpen) return at;
  for (const [s] of openIntervals(c, at)) return s;
  /* c8 ignore next */
  throw new Error('unreachable: openIntervals is infinite or throws');
}

/**
 * The instant `days` business days after `from`: the same local wall-clock time on the `days`-th following local
 * date that has open hours and is not a holiday (Friday 15:00 + 1 business day = Monday 15:00). For an alwaysOpen
 * calendar every date counts. A local time that does not exist on the target date (spring-forward gap) moves
 * forward by the gap. Used for "auto-close after N business days".
 */
export function addBusinessDays(cal: BusinessCalendar, from: number, days: number): number {
  requireInstant('from', from);
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`days must be a whole number >= 0, got ${days}`);
  const c = compile(cal);
  let at = from;
  let offset = offsetMs(c.zone, from);
  let counted = 0;
  let closedStreak = 0;
  while (counted < days) {
    // The same wall-clock time one local date later; a gap shifts it, and later dates keep the shifted time.
    at = instantOfWallTime(c.zone, at + offset + DAY, offset);
    offset = offsetMs(c.zone, at);
    const dayNumber = Math.floor((at + offset) / DAY);
    if (c.alwaysOpen || (c.week[isoWeekdayOfDay(dayNumber)]!.length > 0 && !c.holidays.has(dayNumber))) {
      counted++;
      closedStreak = 0;
    } else if (++closedStreak > c.maxClosedDays) {
      throw new Error(`Business calendar has no business days after ${new Date(from).toISOString()} (check weeklyHours and holidays)`);
    }
  }
  return at;
}
