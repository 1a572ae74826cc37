import { Button, Text } from '@react-email/components';
import type { MailData } from '../../../domain/mail';
import { buttonStyle, Layout, type MailContext } from './layout';

export const passwordResetSubject = (_data: MailData['password_reset']) => 'Reset your Deskflow password';

export function PasswordResetMail({ data, ctx }: { data: MailData['password_reset']; ctx: MailContext }) {
  return (
    <Layout preview="Choose a new password" ctx={ctx}>
      <Text>Hello {data.name},</Text>
      <Text>to choose a new password, open this link within the next hour:</Text>
      <Button href={ctx.url(data.link)} style={buttonStyle}>
        Choose a new password
      </Button>
      <Text>Or open this link: {ctx.url(data.link)}</Text>
      <Text>If you did not ask for this, ignore this mail; your password stays as it is.</Text>
    </Layout>
  );
}

export const accountExistsSubject = (_data: MailData['account_exists']) => 'You already have a Deskflow account';

/** Someone signed up with an address that has an account: a reset link instead of a second account. */
export function AccountExistsMail({ data, ctx }: { data: MailData['account_exists']; ctx: MailContext }) {
  return (
    <Layout preview="You already have an account" ctx={ctx}>
      <Text>Someone (hopefully you) tried to sign up with this address. You already have an account; to set a new password, open:</Text>
      <Text>{ctx.url(data.link)}</Text>
    </Layout>
  );
}
