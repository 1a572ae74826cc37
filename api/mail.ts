/**
 * Outgoing mail. Until the notifications issue brings a transport, mail is written to the log
 * (level info, field `mail`) with the token of every link redacted: a password-reset or
 * invitation link is a credential, and logs are read by more people than mailboxes. Admins get
 * an invitation's link from admin.users.invite / resendInvitation instead.
 */
import type { Logger } from '../lib/logger';

export type Mail = { to: string; subject: string; text: string };

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

/** `…?token=abc…` → `…?token=[redacted]`, for any link in the text. */
export function redactMailText(text: string): string {
  return text.replace(/([?&]token=)[^\s&#]+/gi, '$1[redacted]');
}

export function createLogMailer(logger: Logger): Mailer {
  return {
    async send(mail) {
      logger.info({ mail: { ...mail, text: redactMailText(mail.text) } }, `mail to ${mail.to}: ${mail.subject} (written to the log with its links redacted: no mail transport is configured)`);
    },
  };
}
