/**
 * Deskflow's periodic jobs as Temporal Schedules (never timers in a process): created once,
 * left alone when they exist, visible and pausable in the Temporal UI.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import type { Db } from '../db/client';
import { organisationTimezone } from '../db/reports';
import { reportSubscriptions } from '../db/schema';
import { readMisuseReportTime } from '../db/settings';
import {
  MAIL_DIGEST_WORKFLOW_TYPE,
  MAIL_RECONCILE_WORKFLOW_TYPE,
  MISUSE_REPORT_SCHEDULE_ID,
  MISUSE_REPORT_WORKFLOW_TYPE,
  misuseScheduleSpec,
  NOTIFICATION_PRUNE_WORKFLOW_TYPE,
  reportSubscriptionSchedule,
  SLA_RECONCILE_WORKFLOW_TYPE,
} from '../workflows/messages';

/** Makes sure every open ticket runs under the current SLA configuration (catches a lost propagation). */
export const SLA_RECONCILE_SCHEDULE_ID = 'deskflow-sla-reconcile';

/** Deletes read notifications older than the organisation's retention (admin setting notificationRetentionDays). */
export const NOTIFICATION_PRUNE_SCHEDULE_ID = 'deskflow-notification-prune';

/** Starts the delivery of queued mail whose writer crashed between its commit and the start (workflows/mail.ts). */
export const MAIL_RECONCILE_SCHEDULE_ID = 'deskflow-mail-reconcile';

/** Queues each user's daily digest at 08:00 in their timezone (checked every quarter hour; one per user and day). */
export const MAIL_DIGEST_SCHEDULE_ID = 'deskflow-mail-digest';

export async function ensureSchedules(client: Client, taskQueue: string, log: (line: string) => void = () => undefined): Promise<void> {
  const schedules = [
    {
      scheduleId: SLA_RECONCILE_SCHEDULE_ID,
      every: '10 minutes',
      catchupWindow: '1 hour',
      workflowType: SLA_RECONCILE_WORKFLOW_TYPE,
      purpose: 'Signals open tickets whose SLA configuration is out of date',
    },
    {
      scheduleId: NOTIFICATION_PRUNE_SCHEDULE_ID,
      every: '1 day',
      catchupWindow: '1 day',
      workflowType: NOTIFICATION_PRUNE_WORKFLOW_TYPE,
      purpose: 'Deletes notifications read longer ago than the retention setting',
    },
    {
      scheduleId: MAIL_RECONCILE_SCHEDULE_ID,
      every: '1 minute',
      catchupWindow: '10 minutes',
      workflowType: MAIL_RECONCILE_WORKFLOW_TYPE,
      purpose: 'Starts the delivery of queued mail nobody started (a crash between commit and start)',
    },
    {
      scheduleId: MAIL_DIGEST_SCHEDULE_ID,
      every: '15 minutes',
      catchupWindow: '1 day',
      workflowType: MAIL_DIGEST_WORKFLOW_TYPE,
      purpose: 'Queues the daily digest mails due (08:00 in each user’s timezone)',
    },
  ] as const;
  for (const schedule of schedules) {
    try {
      await client.schedule.create({
        scheduleId: schedule.scheduleId,
        spec: { intervals: [{ every: schedule.every }] },
        action: { type: 'startWorkflow', workflowType: schedule.workflowType, taskQueue, args: [] },
        policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: schedule.catchupWindow },
        memo: { purpose: schedule.purpose },
      });
      log(`created schedule ${schedule.scheduleId} (every ${schedule.every})`);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    }
  }
}

/**
 * The daily misuse check (workflows/misuse.ts) at the organisation's `misuseReportTime` (02:00 by
 * default) in its timezone: created, or its calendar brought up to date (the API does the same
 * when an admin changes the time: api/admin/misuse/service.ts syncMisuseSchedule).
 */
export async function ensureMisuseSchedule(client: Client, db: Db, taskQueue: string, log: (line: string) => void = () => undefined): Promise<void> {
  const time = await readMisuseReportTime(db);
  const timezone = await organisationTimezone(db);
  const spec = misuseScheduleSpec(time, timezone);
  try {
    await client.schedule.create({
      scheduleId: MISUSE_REPORT_SCHEDULE_ID,
      spec,
      action: { type: 'startWorkflow', workflowType: MISUSE_REPORT_WORKFLOW_TYPE, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 day' },
      memo: { purpose: 'Reports each user’s last 24 h (ticket volume, screened content, near-duplicate tickets) for admins to review' },
    });
    log(`created schedule ${MISUSE_REPORT_SCHEDULE_ID} (daily at ${time} ${timezone})`);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(MISUSE_REPORT_SCHEDULE_ID).update((previous) => ({ ...previous, spec }));
  }
}

/**
 * Every report subscription's Schedule (api/reports/subscriptions.ts), created if missing (the API
 * crashed between the row and its Schedule, or the Temporal server's data was lost) and brought up
 * to date otherwise (the organisation's timezone may have changed). Schedules of deleted
 * subscriptions are deleted with them by the API; one whose workflow finds no row does nothing.
 */
export async function ensureReportSubscriptionSchedules(client: Client, db: Db, taskQueue: string, log: (line: string) => void = () => undefined): Promise<void> {
  const rows = await db.select().from(reportSubscriptions);
  if (rows.length === 0) return;
  const timezone = await organisationTimezone(db);
  for (const row of rows) {
    const options = reportSubscriptionSchedule({ ...row, paused: row.pausedAt !== null }, timezone, taskQueue);
    try {
      await client.schedule.create(options);
      log(`created schedule ${options.scheduleId}`);
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw error;
      await client.schedule
        .getHandle(options.scheduleId)
        .update((previous) => ({ ...previous, spec: options.spec, action: options.action, state: { ...previous.state, paused: options.state.paused } }));
    }
  }
}
