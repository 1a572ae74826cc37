import { Button, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

type Data = MailData['sla_breached'];

export const slaBreachedSubject = (data: Data) => `SLA breached: ${data.ticket.title}`;

/** To the supervisors (and whoever the escalation policy names) when a ticket breaches its SLA. */
export function SlaBreachedMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={data.title} ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>{data.title}</Text>
      <Text>{data.body}</Text>
      <Button href={ctx.url(data.ticket.link)} style={buttonStyle}>
        Open ticket #{data.ticket.number}
      </Button>
    </Layout>
  );
}
