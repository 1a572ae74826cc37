/**
 * Deskflow's periodic jobs as Temporal Schedules (never timers in a process): created once,
 * left alone when they exist, visible and pausable in the Temporal UI.
 */
import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { SLA_RECONCILE_WORKFLOW_TYPE } from '../workflows/messages';

/** Makes sure every open ticket runs under the current SLA configuration (catches a lost propagation). */
export const SLA_RECONCILE_SCHEDULE_ID = 'deskflow-sla-reconcile';

export async function ensureSchedules(client: Client, taskQueue: string, log: (line: string) => void = () => undefined): Promise<void> {
  try {
    await client.schedule.create({
      scheduleId: SLA_RECONCILE_SCHEDULE_ID,
      spec: { intervals: [{ every: '10 minutes' }] },
      action: { type: 'startWorkflow', workflowType: SLA_RECONCILE_WORKFLOW_TYPE, taskQueue, args: [] },
      policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 hour' },
      memo: { purpose: 'Signals open tickets whose SLA configuration is out of date' },
    });
    log(`created schedule ${SLA_RECONCILE_SCHEDULE_ID} (every 10 minutes)`);
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
}
