import { Button, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

type Data = MailData['ticket_received'];

export const ticketReceivedSubject = (data: Data) => `We received your request: ${data.ticket.title}`;

export function TicketReceivedMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={`Ticket #${data.ticket.number}: ${data.ticket.title}`} ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>
        we received your request and opened ticket #{data.ticket.number}, “{data.ticket.title}”. We will write to you here when there is news; reply to this mail to add something.
      </Text>
      <Button href={ctx.url(data.ticket.link)} style={buttonStyle}>
        Open ticket #{data.ticket.number}
      </Button>
    </Layout>
  );
}
