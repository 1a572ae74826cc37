import { Button, Link, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

type Data = MailData['resolved'];

export const resolvedSubject = (data: Data) => `Resolved: ${data.ticket.title}`;

export function ResolvedMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={`Ticket #${data.ticket.number} is resolved: confirm or reopen it`} ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>
        ticket #{data.ticket.number}, “{data.ticket.title}”, is resolved. If that solved it, please confirm; if not, reopen it and tell us what is still wrong.
      </Text>
      <Button href={ctx.url(data.confirmLink)} style={buttonStyle}>
        Confirm it is solved
      </Button>
      <Text>
        Not solved? <Link href={ctx.url(data.reopenLink)}>Reopen ticket #{data.ticket.number}</Link>
      </Text>
      {data.ratingLinks?.length === 5 && (
        <Text>
          How did we do? One click rates it, from 1 (very poor) to 5 (excellent):{' '}
          {data.ratingLinks.map((link, index) => (
            <span key={link}>
              {index > 0 && ' · '}
              <Link href={link} aria-label={`Rate ${index + 1} out of 5`}>
                {index + 1}
              </Link>
            </span>
          ))}
        </Text>
      )}
    </Layout>
  );
}
