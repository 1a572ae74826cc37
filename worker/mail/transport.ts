/**
 * The worker's SMTP transport (nodemailer), created once per worker from SMTP_URL, and what an
 * activity needs to address mail: the sender, and the origins links in mail point at.
 */
import { createTransport, type SendMailOptions, type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';

export type MailSettings = {
  /** smtp://host:port (npm start: the embedded Mailpit's). */
  smtpUrl: string;
  from: string;
  fromName: string;
  /** Where people land: links in mail (APP_URL). */
  appUrl: string;
  /** The API's public origin: the unsubscribe endpoint (PUBLIC_URL). */
  publicUrl: string;
  /** The API's room token secret (ROOM_TOKEN_SECRET): signs the one-click rating links of the resolution mail; without it the mail has none. */
  ratingLinkSecret?: string | undefined;
};

export type MailTransport = {
  settings: MailSettings;
  send(message: SendMailOptions): Promise<SMTPTransport.SentMessageInfo>;
  close(): void;
};

/** Short timeouts: an attempt must end well within the activity's 90 s; the workflow retries it. */
export function createMailTransport(settings: MailSettings): MailTransport {
  const url = new URL(settings.smtpUrl);
  // Timeouts as URL parameters (nodemailer reads its options from the query); the operator's own win.
  for (const [name, value] of Object.entries({ connectionTimeout: '10000', greetingTimeout: '10000', socketTimeout: '30000' })) if (!url.searchParams.has(name)) url.searchParams.set(name, value);
  const transporter: Transporter<SMTPTransport.SentMessageInfo> = createTransport(url.toString());
  return {
    settings,
    send: (message) => transporter.sendMail(message),
    close: () => transporter.close(),
  };
}
