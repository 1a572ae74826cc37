import { describe, expect, it } from 'vitest';
import { mailKinds, type MailRequest } from '../../domain/mail';
import { renderMail } from '../../worker/mail/templates';

const ctx = { url: (path: string) => new URL(path, 'https://desk.example').toString(), unsubscribeUrl: 'https://desk.example/mail/unsubscribe?token=abc', fromName: 'Example Desk' };
const ticket = { number: 1234, title: 'VPN drops', link: '/tickets/1234' };

const samples: MailRequest[] = [
  { kind: 'invitation', data: { name: 'Nora', inviterName: 'Ada', link: 'https://desk.example/reset-password?token=t0k3n' } },
  { kind: 'password_reset', data: { name: 'Nora', link: 'https://desk.example/reset-password?token=t0k3n' } },
  { kind: 'account_exists', data: { link: 'https://desk.example/reset-password?token=t0k3n' } },
  { kind: 'ticket_received', data: { name: 'Rita', ticket } },
  { kind: 'public_reply', data: { name: 'Rita', ticket, authorName: 'Ivy', body: 'Please restart the client.\nThen try again.' } },
  { kind: 'resolved', data: { name: 'Rita', ticket, confirmLink: '/tickets/1234?action=confirm', reopenLink: '/tickets/1234?action=reopen' } },
  { kind: 'sla_breached', data: { name: 'Sam', ticket, title: 'Ticket #1234 breached its resolution target', body: 'Due 10:00, now 10:05.' } },
  { kind: 'notification', data: { name: 'Ivy', ticket, title: 'Ticket #1234 was assigned to you', body: 'VPN drops', link: '/tickets/1234' } },
  { kind: 'digest', data: { name: 'Rita', date: '2026-12-01', items: [{ title: 'New message on ticket #1234', body: 'Please restart', link: '/tickets/1234', at: '2026-11-30T16:00:00Z' }] } },
  { kind: 'mail_refused', data: { subject: 'Can you fix my laptop?' } },
  {
    kind: 'report_digest',
    data: {
      name: 'Sam',
      period: { kind: 'weekly', from: '2026-11-23', to: '2026-11-29', timezone: 'Europe/Berlin' },
      scope: 'departments',
      figures: [
        { key: 'created', label: 'Tickets opened', unit: 'count', value: 1234 },
        { key: 'resolutionMetRate', label: 'Resolution SLA met', unit: 'rate', value: 0.875 },
        { key: 'firstResponseP50', label: 'First response, median (business time)', unit: 'duration', value: 5_400_000 },
        { key: 'satisfaction', label: 'Satisfaction (1–5)', unit: 'count', value: null },
      ],
      link: '/reports?from=2026-11-23&to=2026-11-29',
      download: { label: 'Download the report as XLSX', link: '/api/exports/report.xlsx?from=2026-11-23&to=2026-11-29' },
    },
  },
];

it('has a sample for every kind of mail', () => {
  expect(new Set(samples.map((s) => s.kind))).toEqual(new Set(mailKinds));
});

describe('mail templates (React Email): HTML and plain text from one component', () => {
  it.each(samples.map((s) => [s.kind, s] as const))('%s renders a subject, HTML and text with its links', async (_kind, sample) => {
    const mail = await renderMail(sample, ctx);
    expect(mail.subject.length).toBeGreaterThan(5);
    expect(mail.html).toMatch(/^<!DOCTYPE html/i);
    expect(mail.text).not.toMatch(/<[a-z]+[\s>]/i);
    expect(mail.text).toContain('Example Desk');
    if ('ticket' in sample.data) expect(mail.html).toContain('https://desk.example/tickets/1234');
    if ('link' in sample.data && sample.data.link.includes('token=')) expect(mail.text).toContain('token=t0k3n');
  });

  it('puts the reply text, the confirm and reopen links, and the unsubscribe link where they belong', async () => {
    const reply = await renderMail(samples[4]!, ctx);
    expect(reply.text).toContain('Please restart the client.');
    expect(reply.subject).toBe('New reply: VPN drops');
    const resolved = await renderMail(samples[5]!, ctx);
    expect(resolved.html).toContain('https://desk.example/tickets/1234?action=confirm');
    expect(resolved.html).toContain('https://desk.example/tickets/1234?action=reopen');
    expect(resolved.html).toContain('https://desk.example/mail/unsubscribe?token=abc');
    const report = await renderMail(samples[10]!, ctx);
    expect(report.subject).toBe('Weekly Deskflow report, 2026-11-23 to 2026-11-29');
    for (const shown of ['Tickets opened', '1,234', '87.5 %', '1 h 30 min']) {
      expect(report.html).toContain(shown);
      expect(report.text).toContain(shown);
    }
    expect(report.html).toContain('https://desk.example/reports?from=2026-11-23&amp;to=2026-11-29');
    expect(report.html).toContain('https://desk.example/api/exports/report.xlsx?from=2026-11-23&amp;to=2026-11-29');
    const noUnsubscribe = await renderMail(samples[0]!, { ...ctx, unsubscribeUrl: null });
    expect(noUnsubscribe.html).not.toContain('unsubscribe');
  });
});
