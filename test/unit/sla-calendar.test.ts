import { describe, expect, it } from 'vitest';
import {
  addBusinessDays,
  addBusinessMs,
  businessCalendarSchema,
  businessMsBetween,
  isOpen,
  nextOpening,
  parseBusinessCalendar,
  type BusinessCalendar,
  type IsoWeekday,
  type WeeklyInterval,
} from '../../workflows/sla';

// Instants are written as ISO strings with an explicit UTC offset, so the local wall time (and DST) is visible.
const t = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant in test: ${iso}`);
  return ms;
};
const show = (ms: number) => new Date(ms).toISOString();
/** Compares as ISO strings, so a failure shows readable instants. */
const expectInstant = (actual: number, expectedIso: string) => expect(show(actual)).toBe(show(t(expectedIso)));

const MIN = 60_000;
const H = 60 * MIN;

const WEEKDAYS: IsoWeekday[] = [1, 2, 3, 4, 5];
const ALL_DAYS: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const hours = (days: IsoWeekday[], start: string, end: string): WeeklyInterval[] => days.map((day) => ({ day, start, end }));

// 2024 DST changes: New York springs forward Sun 10 Mar (02:00 EST → 03:00 EDT) and falls back Sun 3 Nov
// (02:00 EDT → 01:00 EST); London springs forward Sun 31 Mar (01:00 GMT → 02:00 BST) and falls back Sun 27 Oct
// (02:00 BST → 01:00 GMT).
const NY_OFFICE: BusinessCalendar = {
  timezone: 'America/New_York',
  weeklyHours: hours(WEEKDAYS, '09:00', '17:00'),
  holidays: ['2024-07-04', '2024-12-25'],
};
const LONDON_OFFICE: BusinessCalendar = {
  timezone: 'Europe/London',
  weeklyHours: hours(WEEKDAYS, '09:00', '17:00'),
  holidays: ['2024-12-25', '2024-12-26'],
};
/** Open on Sundays too, so the DST Sundays themselves are business days. */
const NY_EVERY_DAY = { ...NY_OFFICE, weeklyHours: hours(ALL_DAYS, '09:00', '17:00'), holidays: [] };
const LONDON_EVERY_DAY = { ...LONDON_OFFICE, weeklyHours: hours(ALL_DAYS, '09:00', '17:00'), holidays: [] };
/** Hours across the DST change itself. */
const LONDON_NIGHTS: BusinessCalendar = { timezone: 'Europe/London', weeklyHours: hours(ALL_DAYS, '00:00', '04:00'), holidays: [] };
const NY_NIGHTS: BusinessCalendar = { timezone: 'America/New_York', weeklyHours: hours(ALL_DAYS, '00:00', '04:00'), holidays: [] };
/** Two intervals a day with a lunch break. */
const LONDON_LUNCH_BREAK: BusinessCalendar = {
  timezone: 'Europe/London',
  weeklyHours: [...hours(WEEKDAYS, '09:00', '12:00'), ...hours(WEEKDAYS, '13:00', '17:30')],
  holidays: [],
};
const UTC_24X7: BusinessCalendar = { timezone: 'UTC', alwaysOpen: true, weeklyHours: [], holidays: [] };
const LONDON_24X7: BusinessCalendar = { timezone: 'Europe/London', alwaysOpen: true, weeklyHours: [], holidays: [] };

const messagesOf = (input: unknown): string[] => {
  const result = businessCalendarSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((i) => i.message);
};

describe('business calendar schema', () => {
  it('accepts weekly hours with several intervals a day, an end of 24:00 and holidays', () => {
    const cal = {
      timezone: 'Europe/London',
      weeklyHours: [
        { day: 1, start: '09:00', end: '12:00' },
        { day: 1, start: '13:00', end: '17:30' },
        { day: 6, start: '20:00', end: '24:00' },
      ],
      holidays: ['2024-12-25'],
    };
    expect(parseBusinessCalendar(cal)).toEqual(cal);
  });

  it('accepts a 24x7 calendar', () => {
    expect(parseBusinessCalendar(UTC_24X7)).toEqual(UTC_24X7);
  });

  it('accepts adjacent intervals (one ends when the next starts) and the same hours on different days', () => {
    expect(
      messagesOf({
        timezone: 'UTC',
        weeklyHours: [
          { day: 2, start: '09:00', end: '12:00' },
          { day: 2, start: '12:00', end: '13:00' },
          { day: 3, start: '09:00', end: '12:00' },
        ],
        holidays: [],
      }),
    ).toEqual([]);
  });

  it('rejects an unknown timezone, naming it', () => {
    expect(messagesOf({ ...NY_OFFICE, timezone: 'Mars/Olympus' })).toEqual(['unknown IANA timezone "Mars/Olympus" (expected e.g. "Europe/London")']);
    expect(() => parseBusinessCalendar({ ...NY_OFFICE, timezone: '' })).toThrow(/unknown IANA timezone/);
  });

  it.each(['9:00', '09:0', '24:00', '12:60', 'noon', '09:00:00'])('rejects the malformed start time %j', (start) => {
    expect(messagesOf({ ...NY_OFFICE, weeklyHours: [{ day: 1, start, end: '23:59' }] })).toContain('start must be a local time "HH:mm" from 00:00 to 23:59');
  });

  it.each(['24:01', '25:00', '17', '5pm'])('rejects the malformed end time %j', (end) => {
    expect(messagesOf({ ...NY_OFFICE, weeklyHours: [{ day: 1, start: '09:00', end }] })).toContain('end must be a local time "HH:mm" from 00:01 to 24:00');
  });

  it('rejects an interval whose end is not after its start (no crossing midnight)', () => {
    expect(messagesOf({ ...NY_OFFICE, weeklyHours: [{ day: 1, start: '17:00', end: '09:00' }] })).toEqual([
      'end 09:00 must be after start 17:00 (an interval cannot cross midnight: split it at 24:00)',
    ]);
    expect(messagesOf({ ...NY_OFFICE, weeklyHours: [{ day: 1, start: '09:00', end: '09:00' }] })).toEqual([
      'end 09:00 must be after start 09:00 (an interval cannot cross midnight: split it at 24:00)',
    ]);
  });

  it('rejects overlapping intervals on the same day, naming both', () => {
    const result = businessCalendarSchema.safeParse({
      timezone: 'Europe/London',
      weeklyHours: [
        { day: 3, start: '13:00', end: '18:00' },
        { day: 3, start: '09:00', end: '13:30' },
      ],
      holidays: [],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues).toEqual([
      expect.objectContaining({
        message: 'overlapping intervals on Wed: 09:00-13:30 and 13:00-18:00',
        path: ['weeklyHours', 0],
      }),
    ]);
  });

  it('rejects an interval contained in another one', () => {
    expect(
      messagesOf({
        timezone: 'UTC',
        weeklyHours: [
          { day: 5, start: '08:00', end: '18:00' },
          { day: 5, start: '10:00', end: '11:00' },
        ],
        holidays: [],
      }),
    ).toEqual(['overlapping intervals on Fri: 08:00-18:00 and 10:00-11:00']);
  });

  it('rejects a calendar with no open hours at all', () => {
    expect(messagesOf({ timezone: 'UTC', weeklyHours: [], holidays: [] })).toEqual(['the calendar has no open hours: list at least one interval in weeklyHours or set alwaysOpen: true']);
    expect(messagesOf({ timezone: 'UTC', alwaysOpen: false, weeklyHours: [], holidays: ['2024-01-01'] })).toHaveLength(1);
  });

  it('rejects a 24x7 calendar that also lists weekly hours or holidays (they would be ignored)', () => {
    expect(messagesOf({ ...UTC_24X7, weeklyHours: hours([1], '09:00', '17:00') })).toEqual(['an alwaysOpen (24x7) calendar must not list weeklyHours: they would be ignored']);
    expect(messagesOf({ ...UTC_24X7, holidays: ['2024-12-25'] })).toHaveLength(1);
  });

  it.each(['2024-02-30', '2023-02-29', '24-12-25', '2024-13-01', '2024-12-25T00:00'])('rejects the holiday %j that is not a real date YYYY-MM-DD', (holiday) => {
    expect(messagesOf({ ...NY_OFFICE, holidays: [holiday] })).toEqual([`holiday "${holiday}" is not a date "YYYY-MM-DD"`]);
  });

  it.each([0, 8, 1.5, '1'])('rejects the weekday %j (ISO 1 = Monday … 7 = Sunday)', (day) => {
    expect(messagesOf({ ...NY_OFFICE, weeklyHours: [{ day, start: '09:00', end: '17:00' }] })).toEqual(['day must be an ISO weekday: 1 (Monday) … 7 (Sunday)']);
  });

  it('reports every problem of a calendar at once', () => {
    expect(() =>
      parseBusinessCalendar({
        timezone: 'Nowhere/Special',
        weeklyHours: [
          { day: 1, start: '09:00', end: '12:00' },
          { day: 1, start: '11:00', end: '13:00' },
          { day: 9, start: '10:00', end: '11:00' },
        ],
        holidays: ['yesterday'],
      }),
    ).toThrow(/Invalid business calendar:[\s\S]*unknown IANA timezone[\s\S]*holiday "yesterday"[\s\S]*overlapping intervals on Mon[\s\S]*ISO weekday/);
  });

  it('the engine refuses an invalid calendar with the same clear error instead of looping forever', () => {
    const noHours = { timezone: 'UTC', weeklyHours: [], holidays: [] };
    expect(() => addBusinessMs(noHours, t('2024-01-01T00:00Z'), H)).toThrow(/no open hours/);
    expect(() => businessMsBetween(noHours, t('2024-01-01T00:00Z'), t('2024-01-02T00:00Z'))).toThrow(/no open hours/);
    expect(() => nextOpening({ ...NY_OFFICE, timezone: 'Mars/Olympus' }, 0)).toThrow(/unknown IANA timezone/);
  });
});

describe('businessMsBetween', () => {
  it('counts only the open part of a day', () => {
    expect(businessMsBetween(NY_OFFICE, t('2024-01-08T10:00-05:00'), t('2024-01-08T15:00-05:00'))).toBe(5 * H);
    expect(businessMsBetween(NY_OFFICE, t('2024-01-08T06:00-05:00'), t('2024-01-08T20:00-05:00'))).toBe(8 * H);
  });

  it('does not count nights', () => {
    expect(businessMsBetween(NY_OFFICE, t('2024-01-08T16:00-05:00'), t('2024-01-09T10:00-05:00'))).toBe(2 * H);
  });

  it('does not count weekends', () => {
    // Friday 16:00 → Monday 10:00
    expect(businessMsBetween(NY_OFFICE, t('2024-01-12T16:00-05:00'), t('2024-01-15T10:00-05:00'))).toBe(2 * H);
  });

  it('does not count holidays (the whole local day is closed)', () => {
    // Wednesday 3 July 16:00 → Friday 5 July 10:00, Thursday 4 July is a holiday
    expect(businessMsBetween(NY_OFFICE, t('2024-07-03T16:00-04:00'), t('2024-07-05T10:00-04:00'))).toBe(2 * H);
    // Christmas and Boxing Day in London: Tuesday 24 Dec 16:00 → Friday 27 Dec 10:00
    expect(businessMsBetween(LONDON_OFFICE, t('2024-12-24T16:00Z'), t('2024-12-27T10:00Z'))).toBe(2 * H);
  });

  it('reads holidays and hours in the calendar timezone, not UTC', () => {
    // 2024-07-03T12:00Z-2024-07-04T02:00Z is Wednesday 08:00-22:00 EDT: the 8 open hours of 3 July all count.
    expect(businessMsBetween(NY_OFFICE, t('2024-07-03T12:00Z'), t('2024-07-04T02:00Z'))).toBe(8 * H);
    // The same UTC window is a different business window in London.
    expect(businessMsBetween(LONDON_OFFICE, t('2024-01-08T14:00Z'), t('2024-01-08T18:00Z'))).toBe(3 * H);
    expect(businessMsBetween(NY_OFFICE, t('2024-01-08T14:00Z'), t('2024-01-08T18:00Z'))).toBe(4 * H);
  });

  it('skips the lunch break of a day with several intervals', () => {
    expect(businessMsBetween(LONDON_LUNCH_BREAK, t('2024-01-08T08:00Z'), t('2024-01-08T18:00Z'))).toBe(7.5 * H);
    expect(businessMsBetween(LONDON_LUNCH_BREAK, t('2024-01-08T11:30Z'), t('2024-01-08T13:30Z'))).toBe(1 * H);
  });

  it('is 0 for an empty, reversed or entirely closed range', () => {
    const mon10 = t('2024-01-08T10:00-05:00');
    expect(businessMsBetween(NY_OFFICE, mon10, mon10)).toBe(0);
    expect(businessMsBetween(NY_OFFICE, mon10 + H, mon10)).toBe(0);
    expect(businessMsBetween(NY_OFFICE, t('2024-01-13T00:00-05:00'), t('2024-01-15T09:00-05:00'))).toBe(0);
  });

  it('is additive: between(a, b) + between(b, c) = between(a, c)', () => {
    const points = [
      '2024-03-08T08:00-05:00',
      '2024-03-08T12:34-05:00',
      '2024-03-09T23:00-05:00',
      '2024-03-10T03:30-04:00',
      '2024-03-11T09:00-04:00',
      '2024-03-12T17:00-04:00',
      '2024-07-04T12:00-04:00',
    ].map(t);
    for (const cal of [NY_OFFICE, NY_NIGHTS, LONDON_LUNCH_BREAK, LONDON_NIGHTS]) {
      for (let i = 0; i + 2 < points.length; i++) {
        const [a, b, c] = [points[i]!, points[i + 1]!, points[i + 2]!];
        expect(businessMsBetween(cal, a, b) + businessMsBetween(cal, b, c)).toBe(businessMsBetween(cal, a, c));
      }
    }
  });

  it('is 24 hours a day on a 24x7 calendar: business time is elapsed time', () => {
    expect(businessMsBetween(UTC_24X7, t('2024-01-06T10:00Z'), t('2024-01-08T10:00Z'))).toBe(48 * H);
    // the London spring-forward day is 23 real hours long, and 24x7 counts real time
    expect(businessMsBetween(LONDON_24X7, t('2024-03-31T00:00Z'), t('2024-04-01T00:00+01:00'))).toBe(23 * H);
  });

  describe('across DST changes', () => {
    it('a weekday office is unaffected by the spring-forward weekend (New York)', () => {
      // Friday 16:00 EST → Monday 10:00 EDT: 66 h of wall-clock time minus one lost hour, 2 business hours
      expect(businessMsBetween(NY_OFFICE, t('2024-03-08T16:00-05:00'), t('2024-03-11T10:00-04:00'))).toBe(2 * H);
    });

    it('a weekday office is unaffected by the fall-back weekend (New York)', () => {
      expect(businessMsBetween(NY_OFFICE, t('2024-11-01T16:00-04:00'), t('2024-11-04T10:00-05:00'))).toBe(2 * H);
    });

    it('a weekday office is unaffected by the spring-forward and fall-back weekends (London)', () => {
      expect(businessMsBetween(LONDON_OFFICE, t('2024-03-29T16:00Z'), t('2024-04-01T10:00+01:00'))).toBe(2 * H);
      expect(businessMsBetween(LONDON_OFFICE, t('2024-10-25T16:00+01:00'), t('2024-10-28T10:00Z'))).toBe(2 * H);
    });

    it('a 09:00-17:00 day that contains no DST gap is exactly 8 hours on the day of the change', () => {
      expect(businessMsBetween(NY_EVERY_DAY, t('2024-03-10T00:00-05:00'), t('2024-03-11T00:00-04:00'))).toBe(8 * H);
      expect(businessMsBetween(NY_EVERY_DAY, t('2024-11-03T00:00-04:00'), t('2024-11-04T00:00-05:00'))).toBe(8 * H);
      expect(businessMsBetween(LONDON_EVERY_DAY, t('2024-03-31T00:00Z'), t('2024-04-01T00:00+01:00'))).toBe(8 * H);
      expect(businessMsBetween(LONDON_EVERY_DAY, t('2024-10-27T00:00+01:00'), t('2024-10-28T00:00Z'))).toBe(8 * H);
    });

    it('hours across the DST change count real elapsed time: 00:00-04:00 is 3 h in spring and 5 h in autumn (London)', () => {
      expect(businessMsBetween(LONDON_NIGHTS, t('2024-03-30T23:00Z'), t('2024-03-31T12:00+01:00'))).toBe(3 * H);
      expect(businessMsBetween(LONDON_NIGHTS, t('2024-10-26T23:00Z'), t('2024-10-27T12:00Z'))).toBe(5 * H);
    });

    it('hours across the DST change count real elapsed time: 00:00-04:00 is 3 h in spring and 5 h in autumn (New York)', () => {
      expect(businessMsBetween(NY_NIGHTS, t('2024-03-09T23:00-05:00'), t('2024-03-10T12:00-04:00'))).toBe(3 * H);
      expect(businessMsBetween(NY_NIGHTS, t('2024-11-02T23:00-04:00'), t('2024-11-03T12:00-05:00'))).toBe(5 * H);
    });

    it('the repeated hour of a fall-back night is open both times it happens', () => {
      expect(isOpen(NY_NIGHTS, t('2024-11-03T01:30-04:00'))).toBe(true);
      expect(isOpen(NY_NIGHTS, t('2024-11-03T01:30-05:00'))).toBe(true);
      const onlyRepeatedHalfHour: BusinessCalendar = {
        timezone: 'Europe/London',
        weeklyHours: [{ day: 7, start: '01:00', end: '01:30' }],
        holidays: [],
      };
      expect(businessMsBetween(onlyRepeatedHalfHour, t('2024-10-26T00:00Z'), t('2024-10-28T00:00Z'))).toBe(1 * H);
      expect(isOpen(onlyRepeatedHalfHour, t('2024-10-27T01:45+01:00'))).toBe(false); // between the two
    });

    it('local times that do not exist (the spring-forward gap) are never open', () => {
      const onlyInTheGap: BusinessCalendar = {
        timezone: 'Europe/London',
        weeklyHours: [{ day: 7, start: '01:00', end: '01:30' }],
        holidays: [],
      };
      // 31 March 2024: 01:00 GMT becomes 02:00 BST, so 01:00-01:30 never happens that Sunday
      expect(businessMsBetween(onlyInTheGap, t('2024-03-30T00:00Z'), t('2024-04-01T00:00+01:00'))).toBe(0);
      expect(isOpen(onlyInTheGap, t('2024-03-31T02:15+01:00'))).toBe(false);
      // ... and the next opening is the following Sunday
      expectInstant(nextOpening(onlyInTheGap, t('2024-03-31T00:00Z')), '2024-04-07T01:00+01:00');
      // an interval that starts in the gap opens at the change
      const fromInsideTheGap = { ...onlyInTheGap, weeklyHours: [{ day: 7 as const, start: '01:30', end: '03:00' }] };
      expectInstant(nextOpening(fromInsideTheGap, t('2024-03-30T12:00Z')), '2024-03-31T02:00+01:00');
      expect(businessMsBetween(fromInsideTheGap, t('2024-03-30T12:00Z'), t('2024-03-31T12:00+01:00'))).toBe(1 * H);
    });
  });

  it('an interval ending at 24:00 runs into the next day without a gap', () => {
    const lateShift: BusinessCalendar = {
      timezone: 'Europe/London',
      weeklyHours: [
        { day: 6, start: '20:00', end: '24:00' },
        { day: 7, start: '00:00', end: '02:00' },
      ],
      holidays: [],
    };
    expect(isOpen(lateShift, t('2024-01-13T23:59:59.999Z'))).toBe(true);
    expect(isOpen(lateShift, t('2024-01-14T00:00Z'))).toBe(true);
    expect(isOpen(lateShift, t('2024-01-14T02:00Z'))).toBe(false);
    expect(businessMsBetween(lateShift, t('2024-01-13T19:00Z'), t('2024-01-14T03:00Z'))).toBe(6 * H);
  });
});

describe('addBusinessMs', () => {
  it('adds within the same open interval', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-08T10:00-05:00'), 3 * H), '2024-01-08T13:00-05:00');
  });

  it('carries past closing time into the next opening', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-08T16:00-05:00'), 2 * H), '2024-01-09T10:00-05:00');
  });

  it('carries over the weekend', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-12T16:30-05:00'), 1 * H), '2024-01-15T09:30-05:00');
  });

  it('starts the clock at the next opening when starting outside hours (night, weekend, early morning)', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-08T22:00-05:00'), 1 * H), '2024-01-09T10:00-05:00');
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-13T12:00-05:00'), 1 * H), '2024-01-15T10:00-05:00');
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-08T07:00-05:00'), 1 * H), '2024-01-08T10:00-05:00');
  });

  it('a deadline that lands exactly on closing time is that closing time, not the next opening', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-01-08T09:00-05:00'), 8 * H), '2024-01-08T17:00-05:00');
    expectInstant(addBusinessMs(LONDON_LUNCH_BREAK, t('2024-01-08T09:00Z'), 3 * H), '2024-01-08T12:00Z');
  });

  it('adding nothing returns the start instant, even outside hours', () => {
    const saturday = t('2024-01-13T12:00-05:00');
    expect(addBusinessMs(NY_OFFICE, saturday, 0)).toBe(saturday);
  });

  it('skips holidays', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-07-03T16:00-04:00'), 2 * H), '2024-07-05T10:00-04:00');
    // Tuesday 24 Dec 16:00 + 2 h: Christmas and Boxing Day closed → Friday 27 Dec 10:00
    expectInstant(addBusinessMs(LONDON_OFFICE, t('2024-12-24T16:00Z'), 2 * H), '2024-12-27T10:00Z');
  });

  it('skips the lunch break', () => {
    expectInstant(addBusinessMs(LONDON_LUNCH_BREAK, t('2024-01-08T11:00Z'), 2 * H), '2024-01-08T14:00Z');
    expectInstant(addBusinessMs(LONDON_LUNCH_BREAK, t('2024-01-08T12:15Z'), 30 * MIN), '2024-01-08T13:30Z');
  });

  it('lands on the right local time after the spring-forward weekend (New York, London)', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-03-08T16:00-05:00'), 2 * H), '2024-03-11T10:00-04:00');
    expectInstant(addBusinessMs(LONDON_OFFICE, t('2024-03-29T16:00Z'), 2 * H), '2024-04-01T10:00+01:00');
  });

  it('lands on the right local time after the fall-back weekend (New York, London)', () => {
    expectInstant(addBusinessMs(NY_OFFICE, t('2024-11-01T16:00-04:00'), 2 * H), '2024-11-04T10:00-05:00');
    expectInstant(addBusinessMs(LONDON_OFFICE, t('2024-10-25T16:00+01:00'), 2 * H), '2024-10-28T10:00Z');
  });

  it('on the day of a DST change, a 09:00-17:00 day still ends at 17:00 local', () => {
    expectInstant(addBusinessMs(NY_EVERY_DAY, t('2024-03-10T00:00-05:00'), 8 * H), '2024-03-10T17:00-04:00');
    expectInstant(addBusinessMs(LONDON_EVERY_DAY, t('2024-10-27T00:00+01:00'), 8 * H), '2024-10-27T17:00Z');
  });

  it('hours across the DST change: the short spring night and the long autumn night count real time', () => {
    // London 31 March: 00:00-04:00 local is 3 real hours; 3 h 30 min ends 30 min into the next night
    expectInstant(addBusinessMs(LONDON_NIGHTS, t('2024-03-31T00:00Z'), 3.5 * H), '2024-04-01T00:30+01:00');
    // London 27 October: 00:00-04:00 local is 5 real hours
    expectInstant(addBusinessMs(LONDON_NIGHTS, t('2024-10-27T00:00+01:00'), 4.5 * H), '2024-10-27T03:30Z');
    // New York 3 November: 1 h after 01:30 EDT is 01:30 EST (the hour repeats)
    expectInstant(addBusinessMs(NY_NIGHTS, t('2024-11-03T01:30-04:00'), 1 * H), '2024-11-03T01:30-05:00');
    // New York 10 March: 1 h after 01:30 EST is 03:30 EDT (02:00-03:00 does not exist)
    expectInstant(addBusinessMs(NY_NIGHTS, t('2024-03-10T01:30-05:00'), 1 * H), '2024-03-10T03:30-04:00');
  });

  it('on a 24x7 calendar adds elapsed time, whatever the day or DST', () => {
    expectInstant(addBusinessMs(UTC_24X7, t('2024-01-13T23:55Z'), 15 * MIN), '2024-01-14T00:10Z');
    expectInstant(addBusinessMs(LONDON_24X7, t('2024-03-31T00:30Z'), 1 * H), '2024-03-31T02:30+01:00');
  });

  it('is the inverse of businessMsBetween for many starts, amounts and calendars', () => {
    const starts = [
      '2024-01-08T08:59:59.999-05:00',
      '2024-03-08T16:00-05:00',
      '2024-03-09T23:59-05:00',
      '2024-03-10T01:59-05:00',
      '2024-07-03T17:00-04:00',
      '2024-11-03T01:00-04:00',
      '2024-12-24T12:00Z',
      '2024-03-31T00:59Z',
      '2024-10-27T01:59+01:00',
    ].map(t);
    const amounts = [1, 59 * MIN, 2 * H, 8 * H, 8 * H + 1, 40 * H, 72 * H];
    for (const cal of [NY_OFFICE, LONDON_OFFICE, LONDON_LUNCH_BREAK, LONDON_NIGHTS, NY_NIGHTS, UTC_24X7]) {
      for (const from of starts) {
        for (const ms of amounts) {
          const end = addBusinessMs(cal, from, ms);
          expect(businessMsBetween(cal, from, end), `${cal.timezone} ${show(from)} + ${ms}`).toBe(ms);
          // and it is the earliest such instant: one ms earlier, less business time has elapsed
          expect(businessMsBetween(cal, from, end - 1)).toBeLessThan(ms);
        }
      }
    }
  });

  it('adds 72 business hours across a long holiday list quickly (steps by open intervals, not minutes)', () => {
    // Every weekday from 2024 to 2033 is a holiday except Wednesdays: about 2 000 holidays.
    const holidays: string[] = [];
    for (let day = Date.UTC(2024, 0, 1); day < Date.UTC(2034, 0, 1); day += 24 * H) {
      const weekday = new Date(day).getUTCDay();
      if (weekday !== 0 && weekday !== 6 && weekday !== 3) holidays.push(new Date(day).toISOString().slice(0, 10));
    }
    expect(holidays.length).toBeGreaterThan(2000);
    const cal: BusinessCalendar = { ...NY_OFFICE, holidays };
    const started = performance.now();
    // 9 Wednesdays of 8 h: Wed 3 Jan 2024 is the first, Wed 28 Feb the ninth
    expectInstant(addBusinessMs(cal, t('2024-01-01T00:00-05:00'), 72 * H), '2024-02-28T17:00-05:00');
    // far past the holiday list: 10 years of Wednesdays, then normal weeks
    const farEnd = addBusinessMs(cal, t('2024-01-01T00:00-05:00'), 522 * 8 * H + 16 * H);
    expect(businessMsBetween(cal, t('2024-01-01T00:00-05:00'), farEnd)).toBe(522 * 8 * H + 16 * H);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('rejects a negative or non-finite amount and non-finite instants', () => {
    expect(() => addBusinessMs(NY_OFFICE, 0, -1)).toThrow(RangeError);
    expect(() => addBusinessMs(NY_OFFICE, 0, Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => addBusinessMs(NY_OFFICE, Number.NaN, 1)).toThrow(RangeError);
    expect(() => businessMsBetween(NY_OFFICE, 0, Number.NaN)).toThrow(RangeError);
  });
});

describe('isOpen and nextOpening', () => {
  it('opening hours are half-open: open at 09:00 sharp, closed at 17:00 sharp', () => {
    expect(isOpen(NY_OFFICE, t('2024-01-08T09:00-05:00'))).toBe(true);
    expect(isOpen(NY_OFFICE, t('2024-01-08T16:59:59.999-05:00'))).toBe(true);
    expect(isOpen(NY_OFFICE, t('2024-01-08T17:00-05:00'))).toBe(false);
    expect(isOpen(NY_OFFICE, t('2024-01-08T08:59:59.999-05:00'))).toBe(false);
  });

  it('is closed at night, at weekends, on holidays and during the lunch break', () => {
    expect(isOpen(NY_OFFICE, t('2024-01-08T23:00-05:00'))).toBe(false);
    expect(isOpen(NY_OFFICE, t('2024-01-13T12:00-05:00'))).toBe(false);
    expect(isOpen(NY_OFFICE, t('2024-07-04T12:00-04:00'))).toBe(false);
    expect(isOpen(LONDON_LUNCH_BREAK, t('2024-01-08T12:30Z'))).toBe(false);
    expect(isOpen(LONDON_LUNCH_BREAK, t('2024-01-08T13:00Z'))).toBe(true);
  });

  it('a 24x7 calendar is always open', () => {
    expect(isOpen(UTC_24X7, t('2024-12-25T03:00Z'))).toBe(true);
    expect(nextOpening(UTC_24X7, 12345)).toBe(12345);
  });

  it('nextOpening is the instant itself while open', () => {
    const mon = t('2024-01-08T11:11-05:00');
    expect(nextOpening(NY_OFFICE, mon)).toBe(mon);
  });

  it('nextOpening finds the next morning, the next Monday, the day after a holiday, the end of lunch', () => {
    expectInstant(nextOpening(NY_OFFICE, t('2024-01-08T17:00-05:00')), '2024-01-09T09:00-05:00');
    expectInstant(nextOpening(NY_OFFICE, t('2024-01-12T18:00-05:00')), '2024-01-15T09:00-05:00');
    expectInstant(nextOpening(NY_OFFICE, t('2024-07-03T18:00-04:00')), '2024-07-05T09:00-04:00');
    expectInstant(nextOpening(LONDON_OFFICE, t('2024-12-24T17:00Z')), '2024-12-27T09:00Z');
    expectInstant(nextOpening(LONDON_LUNCH_BREAK, t('2024-01-08T12:00Z')), '2024-01-08T13:00Z');
  });

  it('nextOpening after a DST weekend is 09:00 in the new offset', () => {
    expectInstant(nextOpening(NY_OFFICE, t('2024-03-09T12:00-05:00')), '2024-03-11T09:00-04:00');
    expectInstant(nextOpening(LONDON_OFFICE, t('2024-10-26T12:00+01:00')), '2024-10-28T09:00Z');
  });
});

describe('addBusinessDays (auto-close after N business days)', () => {
  it('keeps the local time of day and skips weekends and holidays', () => {
    // Friday 15:00 London (GMT) + 1 business day = Monday 15:00.
    expectInstant(addBusinessDays(LONDON_OFFICE, t('2024-01-05T15:00:00Z'), 1), '2024-01-08T15:00:00Z');
    // Tuesday 24 Dec 2024 + 2: Christmas and Boxing Day are holidays, Friday 27th and Monday 30th count.
    expectInstant(addBusinessDays(LONDON_OFFICE, t('2024-12-24T10:00:00Z'), 2), '2024-12-30T10:00:00Z');
    expect(addBusinessDays(LONDON_OFFICE, t('2024-01-05T15:00:00Z'), 0)).toBe(t('2024-01-05T15:00:00Z'));
  });

  it('counts local dates across a DST change, and every date on a 24×7 calendar', () => {
    // Friday 29 March 2024 16:00 GMT + 1 → Monday 1 April 16:00 BST = 15:00 UTC.
    expectInstant(addBusinessDays(LONDON_OFFICE, t('2024-03-29T16:00:00Z'), 1), '2024-04-01T15:00:00Z');
    expectInstant(addBusinessDays(UTC_24X7, t('2024-01-05T15:00:00Z'), 2), '2024-01-07T15:00:00Z');
  });

  it('skips a long run of closed days, and rejects a negative or fractional count', () => {
    // Open on Mondays only, and every Monday of 2024 is a holiday: the next business day is in 2025.
    const mondaysOff: BusinessCalendar = {
      timezone: 'UTC',
      weeklyHours: [{ day: 1, start: '09:00', end: '10:00' }],
      holidays: Array.from({ length: 53 }, (_, i) => new Date(Date.UTC(2024, 0, 1 + 7 * i)).toISOString().slice(0, 10)),
    };
    expectInstant(addBusinessDays(mondaysOff, t('2023-12-31T08:00:00Z'), 1), '2025-01-06T08:00:00Z');
    expect(() => addBusinessDays(LONDON_OFFICE, 0, -1)).toThrow(RangeError);
    expect(() => addBusinessDays(LONDON_OFFICE, 0, 1.5)).toThrow(RangeError);
  });
});
