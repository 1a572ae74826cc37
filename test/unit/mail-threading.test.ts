import { describe, expect, it } from 'vitest';
import {
  outboxMessageId,
  parseTicketToken,
  ticketMessageId,
  ticketNumberFromAddress,
  ticketNumberFromMessageId,
  ticketNumberFromReferences,
  ticketReplyAddress,
  ticketSubject,
  stripQuotedReply,
} from '../../domain/mail-threading';
import { localDateHour } from '../../db/mail-outbox';

describe('mail threading (domain/mail-threading.ts)', () => {
  it('gives every mail of a ticket one root and finds the ticket again from any of its ids', () => {
    expect(ticketMessageId(1234, 'desk.example')).toBe('<ticket-1234@desk.example>');
    expect(outboxMessageId(77, 'desk.example', 1234)).toBe('<mail-77.ticket-1234@desk.example>');
    expect(outboxMessageId(78, 'desk.example')).toBe('<mail-78@desk.example>');
    expect(ticketNumberFromMessageId('<ticket-1234@desk.example>', 'desk.example')).toBe(1234);
    expect(ticketNumberFromMessageId('<mail-77.ticket-1234@DESK.example>', 'desk.example')).toBe(1234);
    expect(ticketNumberFromMessageId('<ticket-1234@elsewhere.example>', 'desk.example')).toBeNull();
    expect(ticketNumberFromReferences('<abc@gmail.com> <mail-9.ticket-42@desk.example>', 'desk.example')).toBe(42);
    expect(ticketNumberFromReferences('<abc@gmail.com>', 'desk.example')).toBeNull();
  });

  it('carries the ticket token in the subject once and in a plus address', () => {
    expect(ticketSubject(1234, 'New reply: VPN')).toBe('[#1234] New reply: VPN');
    expect(ticketSubject(1234, 'Re: [#1234] New reply: VPN')).toBe('Re: [#1234] New reply: VPN');
    expect(parseTicketToken('Re: [#1234] New reply')).toBe(1234);
    expect(parseTicketToken('Re: #1234')).toBeNull();
    expect(ticketReplyAddress('support@desk.example', 1234)).toBe('support+t1234@desk.example');
    expect(ticketReplyAddress('support+desk@desk.example', 1234)).toBe('support+desk@desk.example');
    expect(ticketNumberFromAddress('Support <support+t1234@desk.example>')).toBe(1234);
    expect(ticketNumberFromAddress('support@desk.example')).toBeNull();
  });

  it('keeps only the new part of a reply, without the quoted history', () => {
    expect(stripQuotedReply('Thanks, that worked.\n\nOn Mon, 1 Dec 2026 at 09:00, Desk <support@desk.example> wrote:\n> Please try again.')).toBe('Thanks, that worked.');
    expect(stripQuotedReply('Fine now.\n-----Original Message-----\nFrom: Desk')).toBe('Fine now.');
    // Inline answers between quoted lines keep the writer's own lines.
    expect(stripQuotedReply('Line one\n> quoted\nmore')).toBe('Line one\nmore');
    expect(stripQuotedReply('No history here.\nTwo lines.')).toBe('No history here.\nTwo lines.');
    expect(stripQuotedReply('> only a quote')).toBe('> only a quote');
  });
});

describe('the daily digest clock', () => {
  it('reads the local date and hour in a user’s timezone (unknown zones as UTC)', () => {
    const at = new Date('2026-12-01T07:30:00Z');
    expect(localDateHour(at, 'Europe/London')).toEqual({ date: '2026-12-01', hour: 7 });
    expect(localDateHour(at, 'Europe/Berlin')).toEqual({ date: '2026-12-01', hour: 8 });
    expect(localDateHour(at, 'America/New_York')).toEqual({ date: '2026-12-01', hour: 2 });
    expect(localDateHour(at, 'Pacific/Kiritimati')).toEqual({ date: '2026-12-01', hour: 21 });
    expect(localDateHour(at, 'Not/AZone')).toEqual({ date: '2026-12-01', hour: 7 });
  });
});
