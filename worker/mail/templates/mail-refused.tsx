import { Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { Layout, type MailContext } from './layout';

export const mailRefusedSubject = (data: MailData['mail_refused']) => `Re: ${data.subject}`;

/** The polite answer to a mail that opened no ticket: the sender is no user here and their domain is not allowed. */
export function MailRefusedMail({ ctx }: { data: MailData['mail_refused']; ctx: MailContext }) {
  return (
    <Layout preview="We could not open a ticket from your message" ctx={ctx}>
      <Text>Hello,</Text>
      <Text>thank you for writing to the service desk. We could not open a ticket from your message, because this address is not registered with us.</Text>
      <Text>If you work with us, please ask your administrator for an account, or write from the address your account uses.</Text>
      <Text>This is an automatic answer; replies to it are not read.</Text>
    </Layout>
  );
}
