/**
 * Scheduled reports by mail: a staff member keeps report filters to be mailed weekly or monthly
 * (table `report_subscriptions`). Each row has one Temporal Schedule, `report-subscription-<id>`
 * (workflows/messages.ts reportSubscriptionSchedule), created, updated, paused and deleted with it
 * here; the worker re-syncs them all at start-up. Each run computes the report for the last full
 * period with the owner's scope at that time (worker/activities/report-digest.ts).
 *
 * Who: whoever may call report.summary (agents for their own tickets, supervisors for their
 * departments, admins for all), each for their own subscriptions only; filters outside the
 * caller's scope are refused when saved, as report.summary refuses them.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, like, max } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../db/client';
import type { ReportDimensions } from '../../db/report-schemas';
import { reportScope, ReportScopeError, type ReportViewer } from '../../db/report-scope';
import { organisationTimezone } from '../../db/reports';
import { mailOutbox, reportSubscriptions, type ReportSubscription } from '../../db/schema';
import { MAX_MONTH_DAY, MAX_REPORT_SUBSCRIPTIONS } from '../../domain/report-subscriptions';
import { reportSubscriptionSchedule, reportSubscriptionScheduleId } from '../../workflows/messages';
import type { AuthedContext } from '../trpc';
import type { ReportSubscriptionView, ZCreateReportSubscription, ZUpdateReportSubscription } from './subscription-schemas';

/** A filter outside the caller's scope, as tRPC's FORBIDDEN with the report's message. */
export function asForbidden(error: unknown): never {
  if (error instanceof ReportScopeError) throw new TRPCError({ code: 'FORBIDDEN', message: error.message });
  throw error;
}

/** Refuses filters the viewer may not report on (the same rule report.summary applies). */
function checkScope(viewer: ReportViewer, filters: ReportDimensions) {
  try {
    reportScope(viewer, filters, 'f');
  } catch (error) {
    asForbidden(error);
  }
}

/** Creates the row's Schedule, or brings an existing one up to date (calendar, action, paused). */
export async function syncReportSubscriptionSchedule(temporal: Client, taskQueue: string, row: ReportSubscription, timezone: string): Promise<void> {
  const options = reportSubscriptionSchedule({ ...row, paused: row.pausedAt !== null }, timezone, taskQueue);
  try {
    await temporal.schedule.create(options);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule
      .getHandle(options.scheduleId)
      .update((previous) => ({ ...previous, spec: options.spec, action: options.action, state: { ...previous.state, paused: options.state.paused } }));
  }
}

async function views(db: Db, rows: ReportSubscription[]): Promise<ReportSubscriptionView[]> {
  const timezone = await organisationTimezone(db);
  return Promise.all(
    rows.map(async (row) => {
      const [last] = await db
        .select({ at: max(mailOutbox.createdAt) })
        .from(mailOutbox)
        .where(like(mailOutbox.idempotencyKey, `report-digest:${row.id}:%`));
      return {
        id: row.id,
        filters: row.filters,
        period: row.period,
        day: row.day,
        time: row.time,
        format: row.format,
        paused: row.pausedAt !== null,
        timezone,
        lastQueuedAt: last?.at ?? null,
        createdAt: row.createdAt,
        updatedAt: row.updatedAt,
      };
    }),
  );
}

async function ownSubscription(ctx: AuthedContext, id: string): Promise<ReportSubscription> {
  const [row] = await ctx.db
    .select()
    .from(reportSubscriptions)
    .where(and(eq(reportSubscriptions.id, id), eq(reportSubscriptions.ownerId, ctx.user.id)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Scheduled report ${id} was not found.` });
  return row;
}

/** The caller's scheduled reports, oldest first. */
export async function listReportSubscriptions(ctx: AuthedContext): Promise<ReportSubscriptionView[]> {
  const rows = await ctx.db.select().from(reportSubscriptions).where(eq(reportSubscriptions.ownerId, ctx.user.id)).orderBy(asc(reportSubscriptions.createdAt), asc(reportSubscriptions.id));
  return views(ctx.db, rows);
}

/** Saves a scheduled report and creates its Schedule; if the Schedule cannot be made, nothing is kept. */
export async function createReportSubscription(ctx: AuthedContext, input: z.infer<typeof ZCreateReportSubscription>): Promise<ReportSubscriptionView> {
  checkScope(ctx.user, input.filters);
  const [existing] = await ctx.db.select({ n: count() }).from(reportSubscriptions).where(eq(reportSubscriptions.ownerId, ctx.user.id));
  if ((existing?.n ?? 0) >= MAX_REPORT_SUBSCRIPTIONS)
    throw new TRPCError({ code: 'BAD_REQUEST', message: `You have ${MAX_REPORT_SUBSCRIPTIONS} scheduled reports, the most one person may have: delete one first.` });
  const [row] = await ctx.db
    .insert(reportSubscriptions)
    .values({ ownerId: ctx.user.id, filters: input.filters, period: input.period, day: input.day, time: input.time, format: input.format })
    .returning();
  try {
    await syncReportSubscriptionSchedule(ctx.temporal, ctx.taskQueue, row!, await organisationTimezone(ctx.db));
  } catch (error) {
    await ctx.db.delete(reportSubscriptions).where(eq(reportSubscriptions.id, row!.id));
    throw error;
  }
  return (await views(ctx.db, [row!]))[0]!;
}

/** Changes when or what is mailed, or pauses and resumes it; the Schedule follows. */
export async function updateReportSubscription(ctx: AuthedContext, input: z.infer<typeof ZUpdateReportSubscription>): Promise<ReportSubscriptionView> {
  const current = await ownSubscription(ctx, input.id);
  const period = input.period ?? current.period;
  const day = input.day ?? current.day;
  const maxDay = period === 'weekly' ? 7 : MAX_MONTH_DAY;
  if (day > maxDay)
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: period === 'weekly' ? 'day: must be 1 (Monday) to 7 (Sunday) for a weekly report' : `day: must be 1 to ${MAX_MONTH_DAY} for a monthly report`,
    });
  if (input.filters) checkScope(ctx.user, input.filters);
  const [row] = await ctx.db
    .update(reportSubscriptions)
    .set({
      period,
      day,
      ...(input.time !== undefined && { time: input.time }),
      ...(input.format !== undefined && { format: input.format }),
      ...(input.filters !== undefined && { filters: input.filters }),
      ...(input.paused !== undefined && { pausedAt: input.paused ? (current.pausedAt ?? new Date()) : null }),
    })
    .where(eq(reportSubscriptions.id, current.id))
    .returning();
  await syncReportSubscriptionSchedule(ctx.temporal, ctx.taskQueue, row!, await organisationTimezone(ctx.db));
  return (await views(ctx.db, [row!]))[0]!;
}

/** Deletes the Schedule, then the row (a failure leaves both, to try again). */
export async function deleteReportSubscription(ctx: AuthedContext, input: { id: string }): Promise<{ id: string; deleted: true }> {
  const row = await ownSubscription(ctx, input.id);
  try {
    await ctx.temporal.schedule.getHandle(reportSubscriptionScheduleId(row.id)).delete();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
  }
  await ctx.db.delete(reportSubscriptions).where(eq(reportSubscriptions.id, row.id));
  return { id: row.id, deleted: true };
}
