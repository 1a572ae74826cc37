/** The frame every Deskflow mail shares: preview line, body, and a footer (with the unsubscribe link where one applies). */
import { Body, Container, Head, Hr, Html, Link, Preview, Section, Text } from '@react-email/components';
import type { ReactNode } from 'react';

export type MailContext = {
  /** Makes an app path (`/tickets/12`) absolute on APP_URL; absolute links pass unchanged. */
  url(path: string): string;
  /** The one-click unsubscribe link, for mails about a notification kind. */
  unsubscribeUrl: string | null;
  fromName: string;
};

const body = { backgroundColor: '#f6f7f9', fontFamily: 'Helvetica, Arial, sans-serif', color: '#1f2933' };
const container = { backgroundColor: '#ffffff', margin: '24px auto', padding: '24px', maxWidth: '560px', borderRadius: '6px' };
const footer = { fontSize: '12px', color: '#6b7280' };

export function Layout({ preview, ctx, children }: { preview: string; ctx: MailContext; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{preview}</Preview>
      <Body style={body}>
        <Container style={container}>
          <Section>{children}</Section>
          <Hr />
          <Text style={footer}>
            Sent by {ctx.fromName}.
            {ctx.unsubscribeUrl ? (
              <>
                {' '}
                <Link href={ctx.unsubscribeUrl}>Stop mails like this one</Link> (you keep seeing them in the app).
              </>
            ) : null}
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const buttonStyle = { backgroundColor: '#2563eb', color: '#ffffff', padding: '10px 16px', borderRadius: '4px', textDecoration: 'none', display: 'inline-block' };
export const quoteStyle = { borderLeft: '3px solid #d1d5db', paddingLeft: '12px', whiteSpace: 'pre-wrap' as const };
