/** Starts one mailbox workflow (workflows/mailbox.ts) per configured IMAP mailbox; one already running is left alone. */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import { MAILBOX_WORKFLOW_TYPE, mailboxWorkflowId } from '../workflows/messages';
import type { mailboxWorkflow } from '../workflows/mailbox';

export async function ensureMailboxWorkflows(client: Client, taskQueue: string, mailboxKeys: string[], log: (line: string) => void = () => undefined): Promise<void> {
  for (const mailbox of mailboxKeys) {
    try {
      await client.workflow.start<typeof mailboxWorkflow>(MAILBOX_WORKFLOW_TYPE, {
        workflowId: mailboxWorkflowId(mailbox),
        taskQueue,
        args: [{ mailbox, cursor: null }],
        workflowIdConflictPolicy: 'USE_EXISTING',
      });
      log(`watching mailbox ${mailbox}`);
    } catch (error) {
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
