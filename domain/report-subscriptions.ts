/**
 * Scheduled reports by mail: a staff member's report filters, sent weekly or monthly for the last
 * full period (api/reports/subscriptions.ts keeps them and their Temporal Schedules;
 * worker/activities/report-digest.ts computes and queues the mail).
 */

export const reportSubscriptionPeriods = ['weekly', 'monthly'] as const;
export type ReportSubscriptionPeriod = (typeof reportSubscriptionPeriods)[number];

/**
 * What the mail carries besides its headline figures: nothing more (`summary`), or a link to the
 * report's CSV or XLSX export (the outbox sends no attachments; the link needs a signed-in session).
 */
export const reportSubscriptionFormats = ['summary', 'csv', 'xlsx'] as const;
export type ReportSubscriptionFormat = (typeof reportSubscriptionFormats)[number];

/** Weekly: 1 (Monday) to 7 (Sunday). Monthly: 1 to 28, so every month has the day. */
export const MAX_MONTH_DAY = 28;

export const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;

/** A scheduled report may have this many subscriptions per owner. */
export const MAX_REPORT_SUBSCRIPTIONS = 20;

/** The calendar date (YYYY-MM-DD) of an instant in an IANA timezone (an unknown zone counts as UTC). */
export function localDate(at: Date, timeZone: string): string {
  const format = (zone: string) => new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
  try {
    return format(timeZone);
  } catch {
    return format('UTC');
  }
}

const addDays = (date: string, days: number): string => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};

/**
 * The last full period before `at`, as whole days in `timeZone`: weekly, Monday to Sunday of the
 * week before the one `at` falls in; monthly, the calendar month before `at`'s.
 */
export function lastFullPeriod(period: ReportSubscriptionPeriod, at: Date, timeZone: string): { from: string; to: string } {
  const today = localDate(at, timeZone);
  if (period === 'weekly') {
    const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
    const thisMonday = addDays(today, -weekday);
    return { from: addDays(thisMonday, -7), to: addDays(thisMonday, -1) };
  }
  const firstOfThisMonth = `${today.slice(0, 7)}-01`;
  const to = addDays(firstOfThisMonth, -1);
  return { from: `${to.slice(0, 7)}-01`, to };
}
