/**
 * Misuse reports for admins (written by the daily misuse check, workflows/misuse.ts): list them,
 * mark one reviewed, restrict its user (they may not open tickets until an admin lifts it), lift a
 * restriction, and run the check now (triggers its Temporal Schedule). Every change is audited.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, count, desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../../../db/client';
import { organisationTimezone } from '../../../db/reports';
import { misuseReports, users } from '../../../db/schema';
import { readMisuseReportTime } from '../../../db/settings';
import { MISUSE_REPORT_SCHEDULE_ID, MISUSE_REPORT_WORKFLOW_TYPE, misuseScheduleSpec } from '../../../workflows/messages';
import type { AuthedContext } from '../../trpc';
import { recordAdminAction } from '../audit/service';
import type { ZMisuseLiftInput, ZMisuseListInput, ZMisuseRestrictInput, ZMisuseReviewInput } from './schemas';

export async function listMisuseReports(db: Db, input: z.infer<typeof ZMisuseListInput>) {
  const where = input.status ? eq(misuseReports.status, input.status) : undefined;
  const rows = await db
    .select({
      id: misuseReports.id,
      user: { id: users.id, name: users.name, email: users.email, role: users.role, restrictedAt: users.ticketingRestrictedAt, restrictionReason: users.ticketingRestrictionReason },
      windowStart: misuseReports.windowStart,
      windowEnd: misuseReports.windowEnd,
      findings: misuseReports.findings,
      status: misuseReports.status,
      reviewedAt: misuseReports.reviewedAt,
      reviewNote: misuseReports.reviewNote,
      action: misuseReports.action,
      createdAt: misuseReports.createdAt,
    })
    .from(misuseReports)
    .innerJoin(users, eq(users.id, misuseReports.userId))
    .where(where)
    .orderBy(desc(misuseReports.createdAt), desc(misuseReports.id))
    .limit(input.limit)
    .offset(input.offset);
  const [total] = await db.select({ n: count() }).from(misuseReports).where(where);
  return { reports: rows, total: total?.n ?? 0 };
}

async function openReport(db: Db, id: number) {
  const [report] = await db.select().from(misuseReports).where(eq(misuseReports.id, id));
  if (!report) throw new TRPCError({ code: 'NOT_FOUND', message: `Misuse report ${id} was not found.` });
  return report;
}

export async function reviewMisuseReport(ctx: AuthedContext, input: z.infer<typeof ZMisuseReviewInput>) {
  const report = await openReport(ctx.db, input.id);
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(misuseReports)
      .set({ status: 'reviewed', reviewedById: ctx.user.id, reviewedAt: new Date(), reviewNote: input.note ?? null })
      .where(eq(misuseReports.id, report.id));
    await recordAdminAction(tx, {
      actorId: ctx.user.id,
      action: 'misuse.reviewed',
      targetType: 'misuse_report',
      targetId: String(report.id),
      details: { userId: report.userId, note: input.note ?? null },
    });
  });
  return { id: report.id, status: 'reviewed' as const };
}

/** Restricts the report's user from opening tickets (until lifted) and marks the report reviewed with that action. */
export async function restrictMisuseUser(ctx: AuthedContext, input: z.infer<typeof ZMisuseRestrictInput>) {
  const report = await openReport(ctx.db, input.id);
  if (report.userId === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot restrict your own account.' });
  await ctx.db.transaction(async (tx) => {
    await tx.update(users).set({ ticketingRestrictedAt: new Date(), ticketingRestrictionReason: input.reason }).where(eq(users.id, report.userId));
    await tx
      .update(misuseReports)
      .set({ status: 'reviewed', action: 'restricted', reviewedById: ctx.user.id, reviewedAt: new Date(), reviewNote: input.reason })
      .where(eq(misuseReports.id, report.id));
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'user.restricted', targetType: 'user', targetId: report.userId, details: { reason: input.reason, misuseReportId: report.id } });
  });
  return { userId: report.userId, restricted: true };
}

export async function liftRestriction(ctx: AuthedContext, input: z.infer<typeof ZMisuseLiftInput>) {
  await ctx.db.transaction(async (tx) => {
    const lifted = await tx
      .update(users)
      .set({ ticketingRestrictedAt: null, ticketingRestrictionReason: null })
      .where(and(eq(users.id, input.userId)))
      .returning({ id: users.id });
    if (lifted.length === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `User ${input.userId} was not found.` });
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'user.restriction_lifted', targetType: 'user', targetId: input.userId });
  });
  return { userId: input.userId, restricted: false };
}

/**
 * Creates the misuse check's Schedule, or brings its time and timezone up to date (after the
 * setting changed, or the organisation's timezone). The worker does the same when it starts.
 */
export async function syncMisuseSchedule(db: Db, temporal: Client, taskQueue: string): Promise<void> {
  const spec = misuseScheduleSpec(await readMisuseReportTime(db), await organisationTimezone(db));
  try {
    await temporal.schedule.create({
      scheduleId: MISUSE_REPORT_SCHEDULE_ID,
      spec,
      action: { type: 'startWorkflow', workflowType: MISUSE_REPORT_WORKFLOW_TYPE, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { purpose: 'Reports each user’s last 24 h (ticket volume, screened content, near-duplicate tickets) for admins to review' },
    });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await temporal.schedule.getHandle(MISUSE_REPORT_SCHEDULE_ID).update((previous) => ({ ...previous, spec }));
  }
}

/** Runs the check now: triggers the Schedule (made first if missing), like "Trigger" in the Temporal UI. */
export async function runMisuseCheckNow(ctx: AuthedContext) {
  const trigger = () => ctx.temporal.schedule.getHandle(MISUSE_REPORT_SCHEDULE_ID).trigger(ScheduleOverlapPolicy.ALLOW_ALL);
  try {
    await trigger();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    await syncMisuseSchedule(ctx.db, ctx.temporal, ctx.taskQueue);
    await trigger();
  }
  await ctx.db.transaction((tx) => recordAdminAction(tx, { actorId: ctx.user.id, action: 'misuse.run_now', targetType: 'schedule', targetId: MISUSE_REPORT_SCHEDULE_ID }));
  return { triggered: true };
}
