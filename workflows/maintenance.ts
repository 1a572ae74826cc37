/**
 * Periodic upkeep, started by Temporal Schedules (worker/schedules.ts) and by the admin API
 * right after an SLA policy, calendar or lifecycle settings edit.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';

const { signalStaleSlaTickets, pruneReadNotifications } = proxyActivities<Activities>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Makes every open ticket apply the current SLA configuration (a ticket that already has it ignores the signal). */
export async function slaReconcileWorkflow(): Promise<{ version: number; signalled: number; missing: number }> {
  return signalStaleSlaTickets();
}

/** Deletes notifications read longer ago than the organisation's retention (run daily by its Schedule). */
export async function notificationPruneWorkflow(): Promise<{ retentionDays: number; deleted: number }> {
  return pruneReadNotifications();
}
