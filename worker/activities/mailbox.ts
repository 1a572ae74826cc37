/**
 * The IMAP side of inbound mail (workflows/mailbox.ts runs it): connect with imapflow, hand
 * every message after the cursor to the API's internal listener (POST /internal/mail/inbound,
 * where api/inbound-mail/service.ts turns it into a ticket or a reply — the worker never
 * imports the API), then wait in IDLE for new mail (polling with NOOP where the server has no
 * IDLE), heartbeating, until the round's wait is over.
 *
 * - The cursor is UIDVALIDITY + the last UID handed over. When UIDVALIDITY changes, the UIDs
 *   mean nothing any more: the mailbox is scanned again from the start, and the API drops
 *   what it already has (by Message-ID).
 * - Each handed message moves the cursor, which goes into the heartbeat: a retried attempt
 *   resumes there, so a worker killed mid-batch neither loses nor doubles mail.
 * - The API answers every message it could record (a failure included) with 200, and the
 *   cursor moves on; only when the API cannot be reached or answers 5xx does the activity fail
 *   and retry, from the same message.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import { ImapFlow } from 'imapflow';
import type { ImapMailboxSettings } from '../../deskflow.config';
import type { MailboxState } from '../../workflows/messages';

/** Mirrors workflows/mailbox.ts MAILBOX_NOT_CONFIGURED (activities may not import workflow code). */
const MAILBOX_NOT_CONFIGURED = 'MailboxNotConfigured';
/** Mails one round hands over before it reports back (the next round goes on). */
export const MAILBOX_BATCH = 200;
/** Bytes of an oversize mail that are fetched and handed over (the API keeps them for admins). */
const OVERSIZE_KEPT_BYTES = 64 * 1024;

export type MailboxCursor = NonNullable<MailboxState['cursor']>;

export type MailboxDeps = {
  mailboxes: ImapMailboxSettings[];
  /** The API's internal listener, e.g. http://127.0.0.1:3001. */
  apiInternalUrl: string;
  internalSecret: string;
  /** How long one round waits for new mail (MAIL_IMAP_WAIT_SECONDS). */
  waitSeconds: number;
  /** MAIL_MAX_BYTES: larger messages are handed over as their first bytes only. */
  maxBytes: number;
};

export type WatchMailboxResult = { cursor: MailboxCursor; handedOver: number; outcomes: Record<string, number> };

export function mailboxActivities(deps: MailboxDeps | undefined) {
  async function handOver(mailbox: ImapMailboxSettings, source: Buffer, fullSize: number | null, cancelled: AbortSignal): Promise<string> {
    const url = new URL('/internal/mail/inbound', deps!.apiInternalUrl);
    url.searchParams.set('mailbox', mailbox.key);
    if (fullSize !== null) url.searchParams.set('size', String(fullSize));
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${deps!.internalSecret}`, 'content-type': 'message/rfc822' },
      body: new Uint8Array(source),
      // A worker shutting down cancels the attempt at once: the API may be waiting on a ticket's
      // workflow that this very worker would run. What the API finishes anyway is dropped by Message-ID on the retry.
      signal: AbortSignal.any([cancelled, AbortSignal.timeout(120_000)]),
    });
    const answer = (await response.json().catch(() => null)) as { outcome?: string; message?: string } | null;
    // Not recorded: fail the attempt; the retry starts from this message again.
    if (!response.ok || !answer?.outcome) throw new Error(`the API did not take the message (HTTP ${response.status}${answer?.message ? `: ${answer.message}` : ''})`);
    return answer.outcome;
  }

  return {
    /** One round: hand over what is new, then wait for more (IDLE) until the round's time is up. Returns the cursor reached. */
    async watchMailbox(input: { mailbox: string; cursor: MailboxCursor | null }): Promise<WatchMailboxResult> {
      const mailbox = deps?.mailboxes.find((m) => m.key === input.mailbox);
      if (!deps || !mailbox) throw ApplicationFailure.create({ type: MAILBOX_NOT_CONFIGURED, message: `mailbox ${input.mailbox} is not in this worker's MAIL_IMAP_URL`, nonRetryable: true });
      const context = Context.current();
      // A retried attempt goes on from the last message the previous attempt handed over.
      const resumed = context.info.heartbeatDetails as MailboxCursor | undefined;
      let cursor: MailboxCursor | null = resumed ?? input.cursor;
      const outcomes: Record<string, number> = {};
      let handedOver = 0;

      const client = new ImapFlow({
        host: mailbox.host,
        port: mailbox.port,
        secure: mailbox.secure,
        auth: { user: mailbox.user, pass: mailbox.password },
        logger: false,
        // Servers without IDLE are polled with NOOP this often; with IDLE, it is restarted this often.
        maxIdleTime: Math.min(deps.waitSeconds, 60) * 1000,
        missingIdleCommand: 'NOOP',
        connectionTimeout: 30_000,
      });
      let failure: unknown = null;
      client.on('error', (error: unknown) => {
        failure = error;
      });
      let wake: (() => void) | null = null;
      let newMail = true;
      client.on('exists', () => {
        newMail = true;
        wake?.();
      });
      await client.connect();
      try {
        const opened = await client.mailboxOpen(mailbox.folder);
        const uidValidity = String(opened.uidValidity);
        if (!cursor || cursor.uidValidity !== uidValidity) {
          if (cursor) context.log.warn(`mailbox ${mailbox.key}: UIDVALIDITY changed (${cursor.uidValidity} → ${uidValidity}); scanning it again (known mails are dropped by Message-ID)`);
          cursor = { uidValidity, lastUid: 0 };
        }
        const deadline = Date.now() + deps.waitSeconds * 1000;
        for (;;) {
          if (failure) throw failure;
          if (context.cancellationSignal.aborted) throw context.cancellationSignal.reason ?? new Error('cancelled');
          if (newMail) {
            newMail = false;
            const start: number = cursor.lastUid + 1;
            const found = (await client.fetchAll(`${start}:*`, { uid: true, size: true }, { uid: true })).filter((m) => m.uid >= start).sort((a, b) => a.uid - b.uid);
            for (const message of found.slice(0, MAILBOX_BATCH)) {
              const size = message.size ?? 0;
              const oversize = size > deps.maxBytes;
              const fetched = await client.fetchOne(String(message.uid), { uid: true, source: oversize ? { start: 0, maxLength: OVERSIZE_KEPT_BYTES } : true }, { uid: true });
              if (fetched && fetched.source) {
                // Heartbeats go on while the API works on the message.
                const ticker = setInterval(() => context.heartbeat(cursor), 5000);
                const outcome = await handOver(mailbox, fetched.source, oversize ? size : null, context.cancellationSignal).finally(() => clearInterval(ticker));
                outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
                handedOver++;
                // Marked read for people who look into the mailbox; the cursor, not the flag, decides what is new.
                await client.messageFlagsAdd(String(message.uid), ['\\Seen'], { uid: true }).catch(() => undefined);
              }
              cursor = { uidValidity, lastUid: message.uid };
              context.heartbeat(cursor);
            }
            if (found.length > MAILBOX_BATCH) break; // report back; the next round goes on
          }
          const left = deadline - Date.now();
          if (left <= 0) break;
          // Wait for the server's word of new mail (IDLE), at most 5 s at a time, heartbeating.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, Math.min(left, 5000));
            wake = () => {
              clearTimeout(timer);
              resolve();
            };
          });
          wake = null;
          context.heartbeat(cursor);
        }
        return { cursor, handedOver, outcomes };
      } finally {
        await client.logout().catch(() => client.close());
      }
    },
  };
}
