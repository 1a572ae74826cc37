/**
 * What the outbox holds (db/schema/mail.ts): a mail's kind and the data its template needs, stored
 * at enqueue time and rendered by the worker (worker/mail/templates/) when it is sent. Shared by
 * the API (invitations, resets), the worker (ticket mails, digests) and the templates.
 */

export const mailKinds = [
  'invitation',
  'password_reset',
  'account_exists',
  'ticket_received',
  'public_reply',
  'resolved',
  'sla_breached',
  'notification',
  'digest',
  'mail_refused',
  'report_digest',
] as const;
export type MailKind = (typeof mailKinds)[number];

/** queued: waiting or being retried; sent: the SMTP server accepted it; failed: given up (lastError says why); skipped: no longer meant for the recipient. */
export const mailStatuses = ['queued', 'sent', 'failed', 'skipped'] as const;
export type MailStatus = (typeof mailStatuses)[number];

export type TicketRef = { number: number; title: string; link: string };

export type MailData = {
  invitation: { name: string; inviterName: string | null; link: string };
  password_reset: { name: string; link: string };
  account_exists: { link: string };
  ticket_received: { name: string; ticket: TicketRef };
  public_reply: { name: string; ticket: TicketRef; authorName: string; body: string };
  resolved: { name: string; ticket: TicketRef; confirmLink: string; reopenLink: string; /** One-click ratings 1–5, signed when the mail is sent. */ ratingLinks?: string[] };
  sla_breached: { name: string; ticket: TicketRef; title: string; body: string };
  notification: { name: string; ticket: TicketRef | null; title: string; body: string; link: string };
  digest: { name: string; date: string; items: { title: string; body: string; link: string; at: string }[] };
  /** An inbound mail that opened no ticket: its sender is no user here and their domain is not allowed. */
  mail_refused: { subject: string };
  /** A scheduled report (worker/activities/report-digest.ts): its headline figures for the period, a link to the report page with its filters, and one to its export when asked for. */
  report_digest: {
    name: string;
    period: { kind: 'weekly' | 'monthly'; from: string; to: string; timezone: string };
    scope: 'all' | 'departments' | 'own';
    figures: ReportFigure[];
    link: string;
    download: { label: string; link: string } | null;
  };
};

/** One headline figure of a report mail: a count, a rate (0–1) or a duration (business ms); null when there is nothing to measure. */
export type ReportFigure = { key: string; label: string; unit: 'count' | 'rate' | 'duration'; value: number | null };

/** A mail to put in the outbox: one of the kinds with its data. */
export type MailRequest = { [K in MailKind]: { kind: K; data: MailData[K] } }[MailKind];

/** Kinds sent whatever the recipient's notification preferences say (transactional). */
export const transactionalMailKinds: readonly MailKind[] = ['invitation', 'password_reset', 'account_exists', 'ticket_received', 'mail_refused'];

/** Replaces the token of every `?token=`/`&token=` link (credentials) in a text: for logs, and for stored data once sent. */
export function redactTokens(text: string): string {
  return text.replace(/([?&]token=)[^\s&#"]+/gi, '$1[redacted]');
}
