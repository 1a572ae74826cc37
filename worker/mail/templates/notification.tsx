import { Button, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

type Data = MailData['notification'];

export const notificationSubject = (data: Data) => data.title;

/** Any other notification kind mailed immediately (assigned, mention, escalated, …): its title and text. */
export function NotificationMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={data.title} ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>{data.title}</Text>
      {data.body ? <Text>{data.body}</Text> : null}
      <Button href={ctx.url(data.link)} style={buttonStyle}>
        {data.ticket ? `Open ticket #${data.ticket.number}` : 'Open Deskflow'}
      </Button>
    </Layout>
  );
}
