/**
 * A scheduled report by mail, started by its subscription's Schedule
 * (`report-subscription-<id>`, api/reports/subscriptions.ts). One activity computes the report for
 * the last full week or month before the workflow's start, with the owner's scope as it is then
 * (a demoted owner gets nothing beyond their new scope), and queues its mail in the outbox keyed by
 * subscription and period: a second run for the same period queues nothing more. Deterministic: the
 * instant is the workflow's clock, passed to the activity.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';
import type { ReportDigestInput, ReportDigestResult } from './messages';

const { queueReportDigest } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '5 minutes', maximumAttempts: 10 },
});

export async function reportDigestWorkflow(input: ReportDigestInput): Promise<ReportDigestResult> {
  return queueReportDigest({ ...input, at: input.at ?? new Date().toISOString() });
}
