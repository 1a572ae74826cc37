import { Link, Section, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { Layout, type MailContext } from './layout';

type Data = MailData['digest'];

export const digestSubject = (data: Data) => `Your Deskflow digest for ${data.date}: ${data.items.length} ${data.items.length === 1 ? 'notification' : 'notifications'}`;

/** The daily digest: the notifications of kinds mailed as `daily_digest`, since the previous one. */
export function DigestMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview={`${data.items.length} notifications since your last digest`} ctx={ctx}>
      <Text>Hello {data.name}, here is what happened since your last digest:</Text>
      {data.items.map((item, i) => (
        <Section key={i}>
          <Text>
            <Link href={ctx.url(item.link)}>{item.title}</Link>
            {item.body ? ` — ${item.body}` : ''}
          </Text>
        </Section>
      ))}
    </Layout>
  );
}
