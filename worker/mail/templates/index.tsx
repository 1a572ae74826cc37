/**
 * Deskflow's mail templates (React Email): one component per mail kind (domain/mail.ts), rendered
 * to HTML and to plain text from the same component, with its subject.
 */
import { render } from '@react-email/components';
import type { ReactElement } from 'react';
import type { MailData, MailKind, MailRequest } from '../../../domain/mail';
import { DigestMail, digestSubject } from './digest';
import { InvitationMail, invitationSubject } from './invitation';
import { MailRefusedMail, mailRefusedSubject } from './mail-refused';
import type { MailContext } from './layout';
import { NotificationMail, notificationSubject } from './notification';
import { AccountExistsMail, accountExistsSubject, PasswordResetMail, passwordResetSubject } from './password-reset';
import { PublicReplyMail, publicReplySubject } from './public-reply';
import { ReportDigestMail, reportDigestSubject } from './report-digest';
import { ResolvedMail, resolvedSubject } from './resolved';
import { SlaBreachedMail, slaBreachedSubject } from './sla-breached';
import { TicketReceivedMail, ticketReceivedSubject } from './ticket-received';

export type { MailContext } from './layout';

type Template<K extends MailKind> = { subject(data: MailData[K]): string; element(data: MailData[K], ctx: MailContext): ReactElement };

const templates: { [K in MailKind]: Template<K> } = {
  invitation: { subject: invitationSubject, element: (data, ctx) => <InvitationMail data={data} ctx={ctx} /> },
  password_reset: { subject: passwordResetSubject, element: (data, ctx) => <PasswordResetMail data={data} ctx={ctx} /> },
  account_exists: { subject: accountExistsSubject, element: (data, ctx) => <AccountExistsMail data={data} ctx={ctx} /> },
  ticket_received: { subject: ticketReceivedSubject, element: (data, ctx) => <TicketReceivedMail data={data} ctx={ctx} /> },
  public_reply: { subject: publicReplySubject, element: (data, ctx) => <PublicReplyMail data={data} ctx={ctx} /> },
  resolved: { subject: resolvedSubject, element: (data, ctx) => <ResolvedMail data={data} ctx={ctx} /> },
  sla_breached: { subject: slaBreachedSubject, element: (data, ctx) => <SlaBreachedMail data={data} ctx={ctx} /> },
  notification: { subject: notificationSubject, element: (data, ctx) => <NotificationMail data={data} ctx={ctx} /> },
  digest: { subject: digestSubject, element: (data, ctx) => <DigestMail data={data} ctx={ctx} /> },
  mail_refused: { subject: mailRefusedSubject, element: (data, ctx) => <MailRefusedMail data={data} ctx={ctx} /> },
  report_digest: { subject: reportDigestSubject, element: (data, ctx) => <ReportDigestMail data={data} ctx={ctx} /> },
};

/** Data tables (class `data`, e.g. a report's figures) as aligned columns in the text part; the layout's tables stay plain blocks. */
const htmlToTextOptions = { selectors: [{ selector: 'table.data', format: 'dataTable', options: { uppercaseHeaderCells: false } }] };

export type RenderedMail = { subject: string; html: string; text: string };

export async function renderMail(request: MailRequest, ctx: MailContext): Promise<RenderedMail> {
  const template = templates[request.kind] as Template<typeof request.kind>;
  const element = template.element(request.data as never, ctx);
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true, htmlToTextOptions })]);
  return { subject: template.subject(request.data as never), html, text };
}
