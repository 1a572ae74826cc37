/**
 * Outgoing mail. Until the notifications issue brings a transport, mail is written to the log
 * (level info, field `mail`), which is enough to copy a password-reset link in development.
 */
import type { Logger } from './logger';

export type Mail = { to: string; subject: string; text: string };

export interface Mailer {
  send(mail: Mail): Promise<void>;
}

export function createLogMailer(logger: Logger): Mailer {
  return {
    async send(mail) {
      logger.info({ mail }, `mail to ${mail.to}: ${mail.subject} (written to the log: no mail transport is configured)`);
    },
  };
}
