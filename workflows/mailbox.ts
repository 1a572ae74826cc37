/**
 * One IMAP mailbox, watched for as long as Deskflow runs: a loop of `watchMailbox` activities
 * (worker/activities/mailbox.ts), each of which hands the mailbox's new messages to the API one
 * by one (by UID, after the cursor), then waits in IDLE for more, heartbeating, and returns the
 * cursor it reached. The cursor (UIDVALIDITY + last UID) lives here, in the workflow's state,
 * so a restarted worker resumes where the last completed activity stopped; an activity that
 * dies mid-batch resumes from its last heartbeat, and the API drops what it has seen (by
 * Message-ID). Continue-as-new every ROUNDS_PER_RUN rounds keeps the history short.
 */
import { ActivityFailure, ApplicationFailure, continueAsNew, proxyActivities, setHandler } from '@temporalio/workflow';
import type { Activities } from '../worker/activities';
import { mailboxStateQuery, type MailboxState } from './messages';

/** The failure type of a mailbox that is no longer configured: its workflow ends. */
export const MAILBOX_NOT_CONFIGURED = 'MailboxNotConfigured';

const { watchMailbox } = proxyActivities<Activities>({
  // A round waits at most MAIL_IMAP_WAIT_SECONDS (≤ 10 min) and hands over at most a batch of mails.
  startToCloseTimeout: '30 minutes',
  // The activity heartbeats at least every 5 s; a worker that died is noticed within this.
  heartbeatTimeout: '20 seconds',
  // An unreachable server or API is retried for ever, at most a minute apart.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', nonRetryableErrorTypes: [MAILBOX_NOT_CONFIGURED] },
});

export const ROUNDS_PER_RUN = 100;

export type MailboxWorkflowInput = { mailbox: string; cursor: MailboxState['cursor']; handedOver?: number };

export async function mailboxWorkflow(input: MailboxWorkflowInput): Promise<void> {
  const state: MailboxState = { mailbox: input.mailbox, cursor: input.cursor, handedOver: input.handedOver ?? 0 };
  setHandler(mailboxStateQuery, () => state);
  for (let round = 0; round < ROUNDS_PER_RUN; round++) {
    try {
      const result = await watchMailbox({ mailbox: state.mailbox, cursor: state.cursor });
      state.cursor = result.cursor;
      state.handedOver += result.handedOver;
    } catch (error) {
      if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === MAILBOX_NOT_CONFIGURED) return;
      throw error;
    }
  }
  await continueAsNew<typeof mailboxWorkflow>({ mailbox: state.mailbox, cursor: state.cursor, handedOver: state.handedOver });
}
