/**
 * Business calendars as untrusted input (admin API, policy rows): zod schemas with a clear message per field. Kept
 * apart from calendar.ts so the workflow bundle never loads zod (see calendarProblems there).
 */
import { z } from 'zod';
import { END_TIME_RE, TIME_RE, WEEKDAY_NAMES, dayNumberOf, isKnownTimeZone, isWellFormedInterval, minutesOf, type BusinessCalendar } from './calendar';

export const weeklyIntervalSchema = z
  .object({
    day: z.literal([1, 2, 3, 4, 5, 6, 7], { error: 'day must be an ISO weekday: 1 (Monday) … 7 (Sunday)' }),
    start: z.string().regex(TIME_RE, 'start must be a local time "HH:mm" from 00:00 to 23:59'),
    end: z.string().regex(END_TIME_RE, 'end must be a local time "HH:mm" from 00:01 to 24:00'),
  })
  .superRefine((v, ctx) => {
    if (!TIME_RE.test(v.start) || !END_TIME_RE.test(v.end)) return;
    if (minutesOf(v.end) <= minutesOf(v.start)) {
      ctx.addIssue({
        code: 'custom',
        path: ['end'],
        message: `end ${v.end} must be after start ${v.start} (an interval cannot cross midnight: split it at 24:00)`,
      });
    }
  });

export const businessCalendarSchema = z
  .object({
    timezone: z.string().superRefine((tz, ctx) => {
      if (!isKnownTimeZone(tz)) {
        ctx.addIssue({ code: 'custom', message: `unknown IANA timezone "${tz}" (expected e.g. "Europe/London")` });
      }
    }),
    alwaysOpen: z.boolean().optional(),
    weeklyHours: z.array(weeklyIntervalSchema),
    holidays: z.array(
      z.string().superRefine((date, ctx) => {
        if (dayNumberOf(date) === null) {
          ctx.addIssue({ code: 'custom', message: `holiday "${date}" is not a date "YYYY-MM-DD"` });
        }
      }),
    ),
  })
  .superRefine(
    (cal, ctx) => {
      if (cal.alwaysOpen) {
        if (cal.weeklyHours.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['weeklyHours'],
            message: 'an alwaysOpen (24x7) calendar must not list weeklyHours: they would be ignored',
          });
        }
        if (cal.holidays.length > 0) {
          ctx.addIssue({
            code: 'custom',
            path: ['holidays'],
            message: 'an alwaysOpen (24x7) calendar must not list holidays: use weeklyHours 00:00-24:00 on every day to close on holidays',
          });
        }
        return;
      }
      if (cal.weeklyHours.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['weeklyHours'],
          message: 'the calendar has no open hours: list at least one interval in weeklyHours or set alwaysOpen: true',
        });
        return;
      }
      const valid = cal.weeklyHours
        .map((iv, index) => ({ iv, index }))
        .filter(({ iv }) => isWellFormedInterval(iv))
        .sort((a, b) => a.iv.day - b.iv.day || minutesOf(a.iv.start) - minutesOf(b.iv.start));
      for (let i = 1; i < valid.length; i++) {
        const prev = valid[i - 1]!;
        const cur = valid[i]!;
        if (prev.iv.day === cur.iv.day && minutesOf(cur.iv.start) < minutesOf(prev.iv.end)) {
          const day = WEEKDAY_NAMES[cur.iv.day];
          ctx.addIssue({
            code: 'custom',
            path: ['weeklyHours', cur.index],
            message: `overlapping intervals on ${day}: ${prev.iv.start}-${prev.iv.end} and ${cur.iv.start}-${cur.iv.end}`,
          });
        }
      }
    },
    {
      // Report overlaps and a missing schedule even when other fields have problems, so one round trip shows them all.
      when: (payload) => {
        const v = payload.value as { weeklyHours?: unknown; holidays?: unknown } | null;
        return typeof v === 'object' && v !== null && Array.isArray(v.weeklyHours) && Array.isArray(v.holidays);
      },
    },
  );

// Compile-time check that the schema's output is exactly the public type.
const _schemaMatchesType: z.ZodType<BusinessCalendar> = businessCalendarSchema;
void _schemaMatchesType;

/** Validates untrusted input (API, policy rows); throws an Error listing every problem. */
export function parseBusinessCalendar(input: unknown): BusinessCalendar {
  const result = businessCalendarSchema.safeParse(input);
  if (!result.success) throw new Error(`Invalid business calendar:\n${z.prettifyError(result.error)}`);
  return result.data;
}
