/**
 * Periodic upkeep run by Temporal Schedules (worker/schedules.ts), never by timers in a process.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { and, gt, inArray, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { tickets } from '../../db/schema';
import { deleteReadNotifications } from '../../db/notifications';
import { readLifecycleSettings, readNotificationRetentionDays } from '../../db/settings';
import { UNSETTLED_STATUSES } from '../../domain/vocabulary';
import { slaConfigChangedSignal, ticketWorkflowId } from '../../workflows/messages';

const PAGE = 200;
const PRUNE_PAGE = 1000;

export function maintenanceActivities(db: Db, temporal: Client | undefined) {
  return {
    /**
     * Tells every open ticket whose workflow has not yet applied the current SLA configuration
     * (policies, calendars, lifecycle settings) to re-resolve its policy. Safe to run any time:
     * a ticket that is current ignores the signal.
     */
    async signalStaleSlaTickets(): Promise<{ version: number; signalled: number; missing: number }> {
      if (!temporal) throw ApplicationFailure.create({ message: 'this worker has no Temporal client for maintenance activities', nonRetryable: true });
      const { configVersion: version } = await readLifecycleSettings(db);
      let after = 0;
      let signalled = 0;
      let missing = 0;
      for (;;) {
        const page = await db
          .select({ number: tickets.number })
          .from(tickets)
          .where(and(lt(tickets.slaConfigVersion, version), inArray(tickets.status, [...UNSETTLED_STATUSES]), gt(tickets.number, after)))
          .orderBy(tickets.number)
          .limit(PAGE);
        for (const { number } of page) {
          try {
            await temporal.workflow.getHandle(ticketWorkflowId(number)).signal(slaConfigChangedSignal, { version });
            signalled++;
          } catch (error) {
            if (!(error instanceof WorkflowNotFoundError)) throw error;
            missing++;
          }
          after = number;
        }
        Context.current().heartbeat({ after });
        if (page.length < PAGE) break;
      }
      return { version, signalled, missing };
    },

    /**
     * Deletes notifications read more than the retention (organisation setting
     * `notificationRetentionDays`) ago, a page at a time. Unread ones stay, however old.
     */
    async pruneReadNotifications(): Promise<{ retentionDays: number; deleted: number }> {
      const retentionDays = await readNotificationRetentionDays(db);
      const readBefore = new Date(Date.now() - retentionDays * 24 * 60 * 60 * 1000);
      let deleted = 0;
      for (;;) {
        const page = await deleteReadNotifications(db, readBefore, PRUNE_PAGE);
        deleted += page;
        Context.current().heartbeat({ deleted });
        if (page < PRUNE_PAGE) break;
      }
      return { retentionDays, deleted };
    },
  };
}
