/**
 * The mail activities (workflows/mail.ts): deliver one outbox row over SMTP, mark a row failed,
 * start the workflows of queued rows nobody started, and queue the daily digests that are due.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { claimMail, enqueueDueDigests, mailsToDispatch, markMailFailed, markMailSent, markMailSkipped, mayReceiveTicketMail, recordMailAttemptError } from '../../db/mail-outbox';
import { issueRatingToken, ratingLink } from '../../db/rating-links';
import { notifications, type OutboxMail } from '../../db/schema';
import { transactionalMailKinds, type MailRequest } from '../../domain/mail';
import { mailHost, outboxMessageId, ticketMessageId, ticketReplyAddress, ticketSubject } from '../../domain/mail-threading';
import { MAIL_REJECTED, type MailDeliveryInput } from '../../workflows/messages';
import { startMailWorkflows } from './dispatch';
import { renderMail } from './templates';
import type { MailTransport } from './transport';

/** What a failed attempt says: the server's answer when it gave one (e.g. "550 5.1.1 mailbox unknown"), else the connection's error. */
function smtpAnswer(error: unknown): { text: string; permanent: boolean } {
  const e = error as { response?: unknown; responseCode?: unknown; message?: unknown; code?: unknown };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const text = typeof e.response === 'string' && e.response ? e.response : `${typeof e.code === 'string' ? `${e.code}: ` : ''}${typeof e.message === 'string' ? e.message : String(error)}`;
  return { text, permanent: code !== null && code >= 500 && code < 600 };
}

/** The headers that thread a ticket's mails and identify this one (domain/mail-threading.ts). */
export function mailHeaders(mail: Pick<OutboxMail, 'id' | 'kind' | 'ticketNumber'>, from: string) {
  const host = mailHost(from);
  const root = mail.ticketNumber ? ticketMessageId(mail.ticketNumber, host) : null;
  if (mail.kind === 'ticket_received' && root) return { messageId: root, inReplyTo: undefined, references: undefined };
  return { messageId: outboxMessageId(mail.id, host, mail.ticketNumber), inReplyTo: root ?? undefined, references: root ?? undefined };
}

/** The resolution mail's one-click ratings, signed now for the ticket's current resolution cycle. */
async function withRatingLinks(db: Db, mail: OutboxMail, settings: MailTransport['settings']): Promise<OutboxMail['data']> {
  if (mail.kind !== 'resolved' || !mail.ticketId || !settings.ratingLinkSecret) return mail.data;
  const token = await issueRatingToken(db, mail.ticketId, settings.ratingLinkSecret);
  return token ? { ...mail.data, ratingLinks: [1, 2, 3, 4, 5].map((score) => ratingLink(settings.appUrl, token, score)) } : mail.data;
}

export function mailActivities(db: Db, transport: MailTransport | undefined, temporal: Client | undefined) {
  const taskQueue = () => Context.current().info.taskQueue;

  /** Whether the row's recipient may still get it: transactional mail always; a ticket's mail by the one access rule. */
  const stillAllowed = async (mail: OutboxMail): Promise<boolean> => {
    if (transactionalMailKinds.includes(mail.kind) || !mail.userId || !mail.ticketId) return true;
    let commentId: number | null = null;
    if (mail.notificationId) {
      const [n] = await db.select({ data: notifications.data }).from(notifications).where(eq(notifications.id, mail.notificationId));
      commentId = typeof n?.data.commentId === 'number' ? n.data.commentId : null;
    }
    return mayReceiveTicketMail(db, mail.userId, mail.ticketId, commentId);
  };

  return {
    /**
     * Sends one outbox row, once: a row already sent (or given up) is not sent again; an attempt
     * holds the row so a late second attempt cannot send it in parallel. The Message-ID comes from
     * the row. A 5xx answer is final (MAIL_REJECTED); anything else is retried by the workflow.
     */
    async deliverMail({ id }: MailDeliveryInput): Promise<'sent' | 'already-sent' | 'skipped' | 'failed'> {
      if (!transport) {
        // Not an activity failure (nothing to retry): the row says why for admins.
        await markMailFailed(db, id, 'no SMTP server is configured for the worker (SMTP_URL)');
        return 'failed';
      }
      const claim = await claimMail(db, id);
      if (claim.state === 'missing') return 'skipped';
      if (claim.state === 'done') return claim.status === 'sent' ? 'already-sent' : claim.status === 'failed' ? 'failed' : 'skipped';
      if (claim.state === 'busy') throw ApplicationFailure.retryable(`mail ${id} is held by another attempt`, 'MailBusy');
      const mail = claim.mail;
      if (!(await stillAllowed(mail))) {
        await markMailSkipped(db, id, 'the recipient may no longer see this ticket (or the message), or their account is deactivated');
        return 'skipped';
      }
      const { settings } = transport;
      const unsubscribeUrl = mail.unsubscribeToken ? `${settings.publicUrl}/mail/unsubscribe?token=${mail.unsubscribeToken}` : null;
      const rendered = await renderMail({ kind: mail.kind, data: await withRatingLinks(db, mail, settings) } as MailRequest, {
        url: (path) => new URL(path, settings.appUrl).toString(),
        unsubscribeUrl,
        fromName: settings.fromName,
      });
      const subject = mail.ticketNumber ? ticketSubject(mail.ticketNumber, rendered.subject) : rendered.subject;
      const threading = mailHeaders(mail, settings.from);
      try {
        const info = await transport.send({
          from: { name: settings.fromName, address: settings.from },
          to: mail.toAddress,
          replyTo: mail.ticketNumber ? { name: settings.fromName, address: ticketReplyAddress(settings.from, mail.ticketNumber) } : undefined,
          subject,
          html: rendered.html,
          text: rendered.text,
          messageId: threading.messageId,
          inReplyTo: threading.inReplyTo,
          references: threading.references,
          headers: {
            // RFC 3834: no auto-replies to this, and inbound mail can tell our own mail from people's.
            'Auto-Submitted': 'auto-generated',
            ...(unsubscribeUrl && { 'List-Unsubscribe': `<${unsubscribeUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' }),
          },
        });
        await markMailSent(db, id, { messageId: threading.messageId, subject, response: info.response });
        return 'sent';
      } catch (error) {
        const answer = smtpAnswer(error);
        await recordMailAttemptError(db, id, answer.text, subject);
        if (answer.permanent) throw ApplicationFailure.nonRetryable(answer.text, MAIL_REJECTED);
        throw ApplicationFailure.retryable(answer.text, 'MailNotSentYet');
      }
    },

    /** The workflow gave up on it: failed, with the server's answer (null: the last attempt's stays). */
    async markMailDeliveryFailed({ id, error }: { id: number; error: string | null }): Promise<void> {
      await markMailFailed(db, id, error);
    },

    /** Starts the workflows of queued rows older than the grace period that were never (or long ago) started. */
    async dispatchQueuedMails({ graceSeconds }: { graceSeconds: number }): Promise<{ started: number }> {
      if (!temporal || !transport) return { started: 0 };
      const ids = await mailsToDispatch(db, { graceMs: graceSeconds * 1000, limit: 500 });
      return { started: await startMailWorkflows(db, temporal, taskQueue(), ids) };
    },

    /** Queues the daily digests now due (db/mail-outbox.ts enqueueDueDigests) and starts them. */
    async enqueueDueDigestMails(): Promise<{ queued: number }> {
      const ids = await enqueueDueDigests(db);
      if (temporal && transport) await startMailWorkflows(db, temporal, taskQueue(), ids);
      return { queued: ids.length };
    },
  };
}
