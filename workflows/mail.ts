/**
 * Outbound mail. Every mail is a row in the outbox (db/schema/mail.ts) first; its
 * `mailDeliveryWorkflow` (id `mail-<row id>`) sends it through one activity retried with backoff
 * while the SMTP server is down or answers 4xx, for up to a day. The activity checks the row before
 * sending (a row already sent is not sent again) and sets a Message-ID derived from the row, so a
 * retry after an unknown outcome is recognisable. A permanent refusal (5xx) or a day of failures
 * marks the row failed with the server's answer, for admins to see and retry (admin.mail.retry).
 *
 * Why a workflow per row and not one drain loop: each mail's retries, attempts and outcome are
 * visible on their own in the Temporal UI, one slow or refused mail never holds up the others,
 * and the deterministic id makes starting it idempotent (the writer after its commit, the
 * reconcile schedule for any it missed).
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';
import { MAIL_REJECTED, type MailDeliveryInput } from './messages';

const { deliverMail } = proxyActivities<Activities>({
  startToCloseTimeout: '90 seconds',
  scheduleToCloseTimeout: '24 hours',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: [MAIL_REJECTED] },
});

const { markMailDeliveryFailed, dispatchQueuedMails, enqueueDueDigestMails } = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export async function mailDeliveryWorkflow(input: MailDeliveryInput): Promise<'sent' | 'already-sent' | 'skipped' | 'failed'> {
  try {
    return await deliverMail(input);
  } catch (error) {
    // A refusal carries the server's answer; after a day of retries the row keeps the last attempt's.
    const cause = error instanceof Error && error.cause instanceof ApplicationFailure ? error.cause : null;
    await markMailDeliveryFailed({ id: input.id, error: cause?.message ?? null });
    return 'failed';
  }
}

/** Starts the workflows of queued mails whose writer did not (crashed between its commit and the start). */
export async function mailReconcileWorkflow(): Promise<{ started: number }> {
  return dispatchQueuedMails({ graceSeconds: 30 });
}

/** Queues (and starts) the daily digests now due. */
export async function mailDigestWorkflow(): Promise<{ queued: number }> {
  return enqueueDueDigestMails();
}
