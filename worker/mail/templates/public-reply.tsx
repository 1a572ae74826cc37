import { Button, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, quoteStyle, type MailContext } from './layout';

type Data = MailData['public_reply'];

export const publicReplySubject = (data: Data) => `New reply: ${data.ticket.title}`;

export function PublicReplyMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={`${data.authorName}: ${data.body.slice(0, 120)}`} ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>
        {data.authorName} wrote on ticket #{data.ticket.number}:
      </Text>
      <Text style={quoteStyle}>{data.body}</Text>
      <Button href={ctx.url(data.ticket.link)} style={buttonStyle}>
        Open the conversation
      </Button>
      <Text>Reply to this mail to answer.</Text>
    </Layout>
  );
}
