import { Button, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

type Data = MailData['invitation'];

export const invitationSubject = (_data: Data) => 'You are invited to Deskflow';

export function InvitationMail({ data, ctx }: { data: Data; ctx: MailContext }) {
  return (
    <Layout preview="Choose your password to start using Deskflow" ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>{data.inviterName ? `${data.inviterName} invited you to Deskflow.` : 'Welcome to Deskflow.'} Choose your password to finish creating your account (the link is valid for 7 days):</Text>
      <Button href={ctx.url(data.link)} style={buttonStyle}>
        Choose your password
      </Button>
      <Text>Or open this link: {ctx.url(data.link)}</Text>
    </Layout>
  );
}
