/**
 * Outgoing mail from the API (invitations, password resets; the notification mails of messages).
 * `ctx.services.mailer.send` is the seam: by default it puts the mail in the durable outbox
 * (db/mail-outbox.ts) and starts its `mail-<id>` workflow, which the worker sends over SMTP
 * (worker/mail/, rendered from its React Email template). Tests and embedders may pass a mailer of
 * their own. Whatever is logged has the token of every link redacted: a password-reset or
 * invitation link is a credential, and logs are read by more people than mailboxes.
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, type Client as TemporalClient } from '@temporalio/client';
import type { Db } from '../db/client';
import { enqueueMail, markMailsDispatched } from '../db/mail-outbox';
import { redactTokens, type MailRequest } from '../domain/mail';
import type { Logger } from '../lib/logger';
import { MAIL_DELIVERY_WORKFLOW_TYPE, mailWorkflowId, type MailDeliveryInput } from '../workflows/messages';

/** A mail: its template and data (what the outbox sends), and the subject and text a log or a test reads. */
export type Mail = { to: string; subject: string; text: string; template: MailRequest; userId?: string };

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** `…?token=abc…` → `…?token=[redacted]`, for any link in the text. */
export function redactMailText(text: string): string {
  return redactTokens(text);
}

/** Writes mail to the log only (links redacted), for embedders without a worker. */
export function createLogMailer(logger: Logger): Mailer {
  return {
    async send(mail) {
      logger.info(
        { mail: { to: mail.to, subject: mail.subject, text: redactMailText(mail.text) } },
        `mail to ${mail.to}: ${mail.subject} (written to the log with its links redacted: no mail transport is configured)`,
      );
    },
  };
}

export type MailDispatcher = (ids: readonly number[]) => Promise<void>;

/**
 * Starts the `mail-<id>` workflows of rows just committed. Never throws: the row is in the outbox,
 * and the worker's reconcile schedule starts any delivery this could not.
 */
export function createMailDispatcher(deps: { db: Db; temporal: TemporalClient; taskQueue: string; logger: Logger }): MailDispatcher {
  return async (ids) => {
    if (ids.length === 0) return;
    try {
      for (const id of ids) {
        try {
          await deps.temporal.workflow.start(MAIL_DELIVERY_WORKFLOW_TYPE, { workflowId: mailWorkflowId(id), taskQueue: deps.taskQueue, args: [{ id } satisfies MailDeliveryInput] });
        } catch (error) {
          if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
        }
      }
      await markMailsDispatched(deps.db, ids);
    } catch (error) {
      deps.logger.warn({ err: error, mail: ids }, 'mail queued; its delivery starts with the worker’s next reconcile');
    }
  };
}

/** The default mailer: into the outbox, then its delivery workflow. */
export function createOutboxMailer(deps: { db: Db; logger: Logger; dispatch: MailDispatcher }): Mailer {
  return {
    async send(mail) {
      const id = await enqueueMail(deps.db, { to: mail.to, idempotencyKey: `api:${randomUUID()}`, request: mail.template, userId: mail.userId ?? null });
      deps.logger.info({ mail: { id, to: mail.to, kind: mail.template.kind, subject: mail.subject } }, `mail ${id} to ${mail.to} queued: ${mail.subject}`);
      await deps.dispatch([id]);
    },
  };
}
