/** Inputs and outputs of the scheduled reports (api/reports/subscriptions.ts). */
import { z } from 'zod';
import { ZReportDimensions } from '../../db/report-schemas';
import { MAX_MONTH_DAY, reportSubscriptionFormats, reportSubscriptionPeriods } from '../../domain/report-subscriptions';

const ZPeriod = z.enum(reportSubscriptionPeriods, 'must be weekly or monthly');
const ZDay = z.number().int('must be a whole number').min(1, 'must be at least 1');
const ZTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time HH:MM (00:00 to 23:59)');
const ZFormat = z.enum(reportSubscriptionFormats, 'must be summary, csv or xlsx');
const ZId = z.uuid('must be a scheduled report id (UUID)');

/** The day must exist in every period: weekly 1 (Monday) to 7 (Sunday), monthly 1 to 28. */
function checkDay(input: { period?: 'weekly' | 'monthly' | undefined; day?: number | undefined }, ctx: z.RefinementCtx) {
  if (input.day === undefined || input.period === undefined) return;
  const max = input.period === 'weekly' ? 7 : MAX_MONTH_DAY;
  if (input.day > max)
    ctx.addIssue({ code: 'custom', path: ['day'], message: input.period === 'weekly' ? 'must be 1 (Monday) to 7 (Sunday) for a weekly report' : `must be 1 to ${MAX_MONTH_DAY} for a monthly report` });
}

export const ZCreateReportSubscription = z
  .object({
    /** The report's filters (not its period: each run covers the last full week or month). */
    filters: ZReportDimensions.default({ interval: 'day' }),
    period: ZPeriod,
    day: ZDay,
    time: ZTime,
    format: ZFormat.default('summary'),
  })
  .superRefine(checkDay);

/** Fields left out stay as they are; the day is checked against the period it will have. */
export const ZUpdateReportSubscription = z.object({
  id: ZId,
  filters: ZReportDimensions.optional(),
  period: ZPeriod.optional(),
  day: ZDay.optional(),
  time: ZTime.optional(),
  format: ZFormat.optional(),
  paused: z.boolean().optional(),
});

export const ZReportSubscriptionId = z.object({ id: ZId });

export const ZReportSubscription = z.object({
  id: z.uuid(),
  filters: ZReportDimensions,
  period: ZPeriod,
  day: z.number().int(),
  time: z.string(),
  format: ZFormat,
  paused: z.boolean(),
  /** The organisation's timezone, in which day and time are read. */
  timezone: z.string(),
  /** When its mail was last queued (null: never yet). */
  lastQueuedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type ReportSubscriptionView = z.infer<typeof ZReportSubscription>;
