import { describe, expect, it } from 'vitest';
import { parseImapUrl } from '../../deskflow.config';
import { deskflowSettings } from '../../deskflow.config';
import { messageIdsIn, parseTicketToken, ticketMessageId, ticketNumberFromAddress, ticketNumberFromMessageId, ticketReplyAddress } from '../../domain/mail-threading';
import { parseMail, unknownCharset } from '../../api/inbound-mail/parse';
import { htmlToText } from '../../api/inbound-mail/reply-text';
import { stripQuotedReply } from '../../domain/mail-threading';

describe('mail threading, as inbound reads it', () => {
  it('reads the ticket back from the thread Message-ID outbound mail writes, its [#N] token and a plus-addressed reply address', () => {
    expect(ticketNumberFromMessageId(ticketMessageId(1234, 'desk.example.com'), 'desk.example.com')).toBe(1234);
    expect(ticketNumberFromMessageId('<CAF=abc@mail.gmail.com>', 'desk.example.com')).toBeNull();
    expect(parseTicketToken('Re: [#1234] Printer jams')).toBe(1234);
    expect(parseTicketToken('Re: #1234 Printer jams')).toBeNull();
    expect(ticketNumberFromAddress(ticketReplyAddress('support@example.com', 42))).toBe(42);
    expect(ticketNumberFromAddress('support@example.com')).toBeNull();
    expect(messageIdsIn(`<a@b>  <ticket-12@x>\r\n <c@d>`)).toEqual(['<a@b>', '<ticket-12@x>', '<c@d>']);
  });
});

describe('reply text', () => {
  it('keeps what the sender wrote above the quoted history and the signature', () => {
    expect(stripQuotedReply('Thanks, that fixed it.\n\nOn Mon, 30 Nov 2026 at 10:00, Ivy <ivy@x.test> wrote:\n> Try a restart.')).toBe('Thanks, that fixed it.');
    expect(stripQuotedReply('Works now.\nOn Mon, 30 Nov 2026 at 10:00, Ivy Iyer\n<ivy@x.test> wrote:\n> Try it')).toBe('Works now.');
    expect(stripQuotedReply('Done.\r\n\r\n-----Original Message-----\r\nFrom: Desk\r\nOld')).toBe('Done.');
    expect(stripQuotedReply('See below.\n\nFrom: Service desk <desk@example.com>\nSent: Monday, 30 November 2026 10:00\nTo: Me\nSubject: Re: x\n\nOld')).toBe('See below.');
    expect(stripQuotedReply('Yes.\n\n-- \nRita Rossi\nAccounting')).toBe('Yes.');
    expect(stripQuotedReply('> quoted\nMy answer\n> more quoted')).toBe('My answer');
    expect(stripQuotedReply('Fine.\n\nSent from my iPhone')).toBe('Fine.');
    expect(stripQuotedReply('No history here.\nTwo lines.')).toBe('No history here.\nTwo lines.');
    // Everything quoted: the whole text stays rather than nothing.
    expect(stripQuotedReply('> only a quote')).toBe('> only a quote');
    expect(htmlToText('<p>Hello&nbsp;there</p><blockquote>old</blockquote><div>Bye &amp; thanks</div>')).toBe('Hello there\nBye & thanks');
  });
});

describe('parsing inbound mail', () => {
  const mail = (headers: string, body = 'Hello') => new TextEncoder().encode(`${headers}\r\n\r\n${body}`.replace(/(?<!\r)\n/g, '\r\n'));

  it('reads the sender, the thread ids and the new text', async () => {
    const parsed = await parseMail(
      mail(
        `From: "Rita" <Rita@Example.com>\nTo: desk+t7@example.com\nSubject: Re: [#7] Printer\nMessage-ID: <m1@x>\nIn-Reply-To: <a@b>\nReferences: <ticket-7@d> <a@b>`,
        'New text\n\nOn Mon, X wrote:\n> old',
      ),
    );
    expect(parsed).toMatchObject({ messageId: '<m1@x>', from: 'rita@example.com', fromName: 'Rita', subject: 'Re: [#7] Printer', newText: 'New text', automatic: null, bounce: null });
    expect(parsed.threadIds).toEqual(['<a@b>', `<ticket-7@d>`, '<a@b>']);
    expect(parsed.recipients).toContain('desk+t7@example.com');
  });

  it('tells automatic mail by its headers', async () => {
    const base = 'From: a@example.com\nSubject: x\nMessage-ID: <m2@x>';
    expect((await parseMail(mail(`${base}\nAuto-Submitted: auto-replied`))).automatic).toBe('Auto-Submitted: auto-replied');
    expect((await parseMail(mail(`${base}\nAuto-Submitted: no`))).automatic).toBeNull();
    expect((await parseMail(mail(`${base}\nPrecedence: junk`))).automatic).toBe('Precedence: junk');
    expect((await parseMail(mail(`${base}\nX-Autorespond: yes`))).automatic).toBe('x-autorespond header');
    expect((await parseMail(mail('From: MAILER-DAEMON@example.com\nSubject: x'))).automatic).toMatch(/mailer-daemon/);
  });

  it('refuses messages it cannot read, in words', async () => {
    await expect(parseMail(mail('Subject: no sender'))).rejects.toThrow('no readable From address');
    expect(unknownCharset(mail('From: a@example.com\nContent-Type: text/plain; charset=x-klingon-8'))).toBe('x-klingon-8');
    expect(unknownCharset(mail('From: a@example.com\nSubject: =?iso-8859-1?Q?caf=E9?=\nContent-Type: text/plain; charset="windows-1252"'))).toBeNull();
    await expect(parseMail(mail('From: a@example.com\nSubject: =?x-unknown?Q?abc?='))).rejects.toThrow('unknown charset "x-unknown"');
  });
});

describe('IMAP settings', () => {
  it('parses a mailbox URL and stops start-up with one line for a malformed one', () => {
    expect(parseImapUrl('imaps://desk%40example.com:p%40ss@imap.example.com/Support')).toEqual({
      key: 'desk@example.com@imap.example.com:993/Support',
      host: 'imap.example.com',
      port: 993,
      secure: true,
      user: 'desk@example.com',
      password: 'p@ss',
      folder: 'Support',
    });
    expect(parseImapUrl('imap://u:p@localhost:3143')).toMatchObject({ port: 3143, secure: false, folder: 'INBOX' });
    expect(() => deskflowSettings({ MAIL_IMAP_URL: 'imaps://imap.example.com:993/INBOX' })).toThrow(
      'MAIL_IMAP_URL: needs a user and a password (percent-encoded): imaps://user:password@imap.example.com:993/INBOX',
    );
    expect(() => deskflowSettings({ MAIL_IMAP_URL: 'pop3://u:p@host/INBOX' })).toThrow(/^MAIL_IMAP_URL: must start with imaps:\/\//);
    expect(() => deskflowSettings({ MAIL_IMAP_URL: 'imaps://u:p@host:99999/INBOX' })).toThrow('MAIL_IMAP_URL: must look like imaps://user:password@imap.example.com:993/INBOX');
    expect(() => deskflowSettings({ MAIL_ALLOWED_DOMAINS: 'example.com, not a domain' })).toThrow(/^MAIL_ALLOWED_DOMAINS\.1: must be domains like example\.com/);
    expect(deskflowSettings({ MAIL_IMAP_URL: 'imaps://u:p@a.example.com/INBOX, imaps://v:q@b.example.com/INBOX' }).MAIL_IMAP_URL.map((m) => m.key)).toEqual([
      'u@a.example.com:993/INBOX',
      'v@b.example.com:993/INBOX',
    ]);
  });
});
