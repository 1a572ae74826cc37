/**
 * The daily misuse check, run by its Temporal Schedule (worker/schedules.ts: daily at the
 * organisation's `misuseReportTime`, 02:00 by default, in its timezone) and on demand
 * (admin.misuse.runNow triggers the Schedule). It looks at the last 24 hours: first it embeds
 * the window's tickets that lack an embedding (so near-duplicates are found even when a ticket's
 * own embedding failed), then writes a report per user with findings (activity
 * `writeMisuseReports`). Deterministic: the window is the workflow's clock.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';
import type { MisuseReportResult } from './messages';

const WINDOW_MS = 24 * 60 * 60 * 1000;
/** Enough for any day's tickets; a worker without the model fails at once (the check goes on without new embeddings). */
const BACKFILL_MAX = 5000;

const { embedTicketsLacking } = proxyActivities<Activities>({
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumAttempts: 3 },
});
const { writeMisuseReports } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function misuseReportWorkflow(): Promise<MisuseReportResult> {
  const now = Date.now();
  const windowEnd = new Date(now).toISOString();
  const windowStart = new Date(now - WINDOW_MS).toISOString();
  let embedded: number | null = null;
  try {
    embedded = (await embedTicketsLacking({ max: BACKFILL_MAX, createdAfter: windowStart })).embedded;
  } catch {
    // Near-duplicates are then judged on the embeddings already stored.
  }
  const { reports } = await writeMisuseReports({ windowStart, windowEnd });
  return { windowStart, windowEnd, reports, embedded };
}
