/**
 * Starting `mail-<id>` workflows for outbox rows (workflows/mail.ts). Idempotent: a start for a row
 * whose workflow is still running is refused by Temporal and ignored here. Used after a commit that
 * queued mail (best effort: the reconcile schedule starts whatever this misses) and by the
 * reconcile and digest activities.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { markMailsDispatched } from '../../db/mail-outbox';
import type { Db } from '../../db/client';
import { MAIL_DELIVERY_WORKFLOW_TYPE, mailWorkflowId, type MailDeliveryInput } from '../../workflows/messages';

export async function startMailWorkflows(db: Db, client: Client, taskQueue: string, ids: readonly number[]): Promise<number> {
  let started = 0;
  for (const id of ids) {
    try {
      await client.workflow.start(MAIL_DELIVERY_WORKFLOW_TYPE, { workflowId: mailWorkflowId(id), taskQueue, args: [{ id } satisfies MailDeliveryInput] });
      started++;
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
  await markMailsDispatched(db, ids);
  return started;
}

/** After the commit that queued them; never throws (the rows are safe, the reconcile schedule catches up). */
export function dispatchAfterCommit(db: Db, client: Client | undefined, taskQueue: string, ids: readonly number[]): Promise<void> {
  if (!client || ids.length === 0) return Promise.resolve();
  return startMailWorkflows(db, client, taskQueue, ids).then(
    () => undefined,
    (error: unknown) => console.warn(`mail ${ids.join(', ')} queued; its delivery starts with the next reconcile (${error instanceof Error ? error.message : String(error)})`),
  );
}
