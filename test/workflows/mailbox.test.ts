/**
 * The mailbox workflow on the time-skipping server with stand-in activities: it carries the
 * cursor from round to round and across continue-as-new, and ends when its mailbox is no longer
 * configured. (The real activity against a real IMAP server: test/integration/inbound-mail.test.ts.)
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MailboxCursor } from '../../worker/activities/mailbox';
import { workflowBundle } from '../../worker/worker';
import { MAILBOX_NOT_CONFIGURED, ROUNDS_PER_RUN, type mailboxWorkflow } from '../../workflows/mailbox';
import { MAILBOX_WORKFLOW_TYPE, mailboxStateQuery, mailboxWorkflowId } from '../../workflows/messages';
import { startTimeSkipping } from '../support/time-skipping';

let env: TestWorkflowEnvironment;

beforeAll(async () => {
  env = await startTimeSkipping();
}, 120_000);
afterAll(() => env?.teardown());

describe('mailbox workflow', () => {
  it('hands the cursor from round to round and across continue-as-new; a mailbox no longer configured ends it', async () => {
    const taskQueue = `mailbox-${crypto.randomUUID()}`;
    const seen: (MailboxCursor | null)[] = [];
    const rounds = ROUNDS_PER_RUN + 5;
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: {
        async watchMailbox(input: { mailbox: string; cursor: MailboxCursor | null }) {
          seen.push(input.cursor);
          if (seen.length > rounds) throw ApplicationFailure.create({ type: MAILBOX_NOT_CONFIGURED, message: 'gone', nonRetryable: true });
          return { cursor: { uidValidity: '7', lastUid: (input.cursor?.lastUid ?? 0) + 2 }, handedOver: 2, outcomes: { ticket_created: 2 } };
        },
      },
    });
    const mailbox = 'desk@imap.example.com:993/INBOX';
    await worker.runUntil(async () => {
      const handle = await env.client.workflow.start<typeof mailboxWorkflow>(MAILBOX_WORKFLOW_TYPE, { workflowId: mailboxWorkflowId(mailbox), taskQueue, args: [{ mailbox, cursor: null }] });
      await handle.result();
      // The run that ended is the one continue-as-new started, with the cursor it carried.
      const description = await handle.describe();
      expect(description.runId).not.toBe(handle.firstExecutionRunId);
      expect(await handle.query(mailboxStateQuery)).toEqual({ mailbox, cursor: { uidValidity: '7', lastUid: rounds * 2 }, handedOver: rounds * 2 });
    });
    expect(seen[0]).toBeNull();
    expect(seen.slice(1).map((cursor) => cursor!.lastUid)).toEqual(Array.from({ length: rounds }, (_, i) => (i + 1) * 2));
  });
});
