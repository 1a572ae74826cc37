/**
 * Outbound mail on real servers: the stack (dev server, PGlite, worker, API over HTTP) sending
 * through the outbox to a real Mailpit, read back through Mailpit's REST API. Mailpit here refuses
 * recipients outside @deskflow.test with "550 5.1.0 … mailbox unavailable", as a real server
 * refuses an unknown mailbox.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mailOutbox, ticketRatings, tickets, users } from '../../db/schema';
import { mailpitHeaders, mailpitMessage, mailpitMessages, startMailpit, type Mailpit, type MailpitSummary } from '../../dev-support/mailpit';
import { startStack, TEST_PASSWORD, type Stack } from '../../dev-support/stack';
import { mailWorkflowId } from '../../workflows/messages';

const FROM = 'support@deskflow.test';
const APP_URL = 'http://app.deskflow.test';

let mailpit: Mailpit;
let stack: Stack;
const scratch = mkdtempSync(join(tmpdir(), 'deskflow-mail-'));

beforeAll(async () => {
  // A database file: the messages survive the restart in the SMTP-down test.
  mailpit = await startMailpit({ database: join(scratch, 'mailpit.db'), args: ['--smtp-allowed-recipients', '@deskflow\\.test$'] });
  stack = await startStack({ mail: { smtpUrl: mailpit.smtpUrl, from: FROM, fromName: 'Deskflow Test Desk', appUrl: APP_URL } });
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  await mailpit?.stop();
  rmSync(scratch, { recursive: true, force: true });
});

/** Waits for the mails to `to` whose subject matches, as Mailpit holds them. */
async function mailsTo(to: string, subject: RegExp, atLeast = 1, timeout = 30_000): Promise<MailpitSummary[]> {
  let found: MailpitSummary[] = [];
  await expect
    .poll(
      async () => {
        found = (await mailpitMessages(mailpit.uiUrl)).filter((m) => m.To.some((r) => r.Address === to) && subject.test(m.Subject));
        return found.length;
      },
      { timeout, interval: 250 },
    )
    .toBeGreaterThanOrEqual(atLeast);
  return found;
}

/** The token of the first `?token=` link in a text. */
function linkToken(text: string): string {
  const match = /[?&]token=([A-Za-z0-9_-]+)/.exec(text);
  if (!match) throw new Error(`no link with a token in: ${text}`);
  return match[1]!;
}

async function outboxRow(to: string, kind: string) {
  const rows = await stack.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, to));
  return rows.filter((r) => r.kind === kind).at(-1);
}

describe('mail through the outbox to a real SMTP server (Mailpit)', () => {
  it('sends an invitation whose link, opened from the mail, sets the password and signs in', async () => {
    const admin = await stack.signIn('admin@deskflow.test');
    await admin.api.admin.users.invite.mutate({ email: 'nora.new@deskflow.test', name: 'Nora New', role: 'agent' });

    const [summary] = await mailsTo('nora.new@deskflow.test', /invited to Deskflow/);
    const mail = await mailpitMessage(mailpit.uiUrl, summary!.ID);
    expect(mail.Text).toContain('Ada Admin invited you to Deskflow');
    expect(mail.HTML).toContain('Choose your password');
    const token = linkToken(mail.Text);
    expect(mail.HTML).toContain(token);

    const session = await stack.client().auth.resetPassword.mutate({ token, newPassword: 'a-brand-new-passphrase' });
    expect(session.user.email).toBe('nora.new@deskflow.test');
    const signedIn = await stack.client().auth.signIn.mutate({ email: 'nora.new@deskflow.test', password: 'a-brand-new-passphrase' });
    expect(signedIn.user.name).toBe('Nora New');

    // Sent, and the credential in its link is no longer stored in the outbox.
    const row = await outboxRow('nora.new@deskflow.test', 'invitation');
    expect(row).toMatchObject({ status: 'sent', attempts: 1 });
    expect(JSON.stringify(row!.data)).not.toContain(token);
  });

  it('sends a password reset whose link sets a new password', async () => {
    await stack.client().auth.requestPasswordReset.mutate({ email: 'rosa.requester@deskflow.test' });
    const [summary] = await mailsTo('rosa.requester@deskflow.test', /Reset your Deskflow password/);
    const mail = await mailpitMessage(mailpit.uiUrl, summary!.ID);
    await stack.client().auth.resetPassword.mutate({ token: linkToken(mail.Text), newPassword: 'rosa-resets-her-password' });
    await expect(stack.client().auth.signIn.mutate({ email: 'rosa.requester@deskflow.test', password: TEST_PASSWORD })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    expect((await stack.client().auth.signIn.mutate({ email: 'rosa.requester@deskflow.test', password: 'rosa-resets-her-password' })).user.email).toBe('rosa.requester@deskflow.test');
  });

  it("serves Mailpit's mail list at / for people reading the desk's mail", async () => {
    const page = await fetch(mailpit.uiUrl).then((r) => r.text());
    const script = /src="([^"]*dist\/app\.js[^"]*)"/.exec(page)?.[1];
    expect(script, page.slice(0, 200)).toBeDefined();
    const bundle = await fetch(new URL(script!, mailpit.uiUrl));
    expect(bundle.status).toBe(200);
    expect(Number(bundle.headers.get('content-length') ?? (await bundle.arrayBuffer()).byteLength)).toBeGreaterThan(100_000);
  });

  it('mails the ticket received and a public reply in one thread, and never an internal note to the requester', async () => {
    const rita = await stack.signIn('rita.requester@deskflow.test');
    const ticket = await rita.api.ticket.create.mutate({ title: 'Printer on floor 3 jams', description: 'Every second page since Monday.' });
    const root = `<ticket-${ticket.number}@deskflow.test>`;

    const [received] = await mailsTo('rita.requester@deskflow.test', new RegExp(`\\[#${ticket.number}\\] We received your request`));
    expect(received!.MessageID).toBe(root.slice(1, -1));
    expect((await mailpitMessage(mailpit.uiUrl, received!.ID)).Text).toContain(`ticket #${ticket.number}`);

    const admin = await stack.signIn('admin@deskflow.test');
    await admin.api.comment.add.mutate({ ticketId: ticket.id, body: 'INTERNAL-CANARY: the requester is on the naughty list', internal: true });
    await admin.api.comment.add.mutate({
      ticketId: ticket.id,
      body: 'We replaced the fuser; please try again.\n\nOn Mon, Rita Rossi wrote:\n> Every second page since Monday.',
      internal: false,
    });

    const [reply] = await mailsTo('rita.requester@deskflow.test', new RegExp(`\\[#${ticket.number}\\] New reply`));
    const message = await mailpitMessage(mailpit.uiUrl, reply!.ID);
    expect(message.Text).toContain('We replaced the fuser; please try again.');
    expect(message.Text).not.toContain('Every second page since Monday');
    const headers = await mailpitHeaders(mailpit.uiUrl, reply!.ID);
    expect(headers['In-Reply-To']).toEqual([root]);
    expect(headers.References).toEqual([root]);
    expect(headers['Reply-To']?.[0]).toContain(`support+t${ticket.number}@deskflow.test`);
    expect(headers['List-Unsubscribe']?.[0]).toMatch(/^<http:\/\/127\.0\.0\.1:\d+\/mail\/unsubscribe\?token=[A-Za-z0-9_-]+>$/);

    // The public reply was posted after the note, and its mail has arrived: the note's never will.
    const toRita = await mailpitMessages(mailpit.uiUrl).then((all) => all.filter((m) => m.To.some((r) => r.Address === 'rita.requester@deskflow.test')));
    for (const m of toRita) expect((await mailpitMessage(mailpit.uiUrl, m.ID)).Text).not.toContain('INTERNAL-CANARY');
    const ritaRows = await stack.db.select({ data: mailOutbox.data }).from(mailOutbox).where(eq(mailOutbox.toAddress, 'rita.requester@deskflow.test'));
    expect(JSON.stringify(ritaRows)).not.toContain('INTERNAL-CANARY');
  });

  it('mails the resolution with confirm and reopen links and five one-click ratings that rate it without signing in', async () => {
    const raj = await stack.signIn('raj.requester@deskflow.test');
    const ticket = await raj.api.ticket.create.mutate({ title: 'Docking station not charging', description: 'The laptop runs on battery while docked.', urgency: 'high' });
    await expect
      .poll(async () => (await stack.db.select({ assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, ticket.id)))[0]?.assigneeId ?? null, { timeout: 30_000 })
      .not.toBeNull();
    const [row] = await stack.db.select({ assigneeId: tickets.assigneeId }).from(tickets).where(eq(tickets.id, ticket.id));
    const [assignee] = await stack.db.select({ email: users.email }).from(users).where(eq(users.id, row!.assigneeId!));
    const agent = await stack.signIn(assignee!.email);
    await agent.api.ticket.transition.mutate({ id: ticket.id, to: 'resolved' });

    const [resolved] = await mailsTo('raj.requester@deskflow.test', new RegExp(`\\[#${ticket.number}\\] Resolved`));
    const message = await mailpitMessage(mailpit.uiUrl, resolved!.ID);
    expect(message.HTML).toContain(`${APP_URL}/tickets/${ticket.number}?action=confirm`);
    expect(message.HTML).toContain(`${APP_URL}/tickets/${ticket.number}?action=reopen`);
    const links = [...message.HTML.matchAll(/href="([^"]*\/rate\/[^"?]+\?score=(\d))"/g)].map((m) => ({ url: m[1]!.replace(/&amp;/g, '&'), score: Number(m[2]) }));
    expect(links.map((l) => l.score)).toEqual([1, 2, 3, 4, 5]);

    // The link's page rates through report.rateByLink with the token, no session.
    const four = new URL(links[3]!.url);
    const token = decodeURIComponent(four.pathname.split('/').pop()!);
    await stack.client().report.rateByLink.mutate({ token, score: 4, comment: 'Quick fix, thanks' });
    const ratings = await stack.db.select().from(ticketRatings).where(eq(ticketRatings.ticketId, ticket.id));
    expect(ratings).toMatchObject([{ score: 4, comment: 'Quick fix, thanks', cycle: 1 }]);
    await expect(stack.client().report.rateByLink.mutate({ token: `${token.slice(0, -2)}xx`, score: 1 })).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' } });
  });

  it('delivers a mail queued while the SMTP server is down exactly once when it is back', async () => {
    await mailpit.stop();
    try {
      await stack.client().auth.requestPasswordReset.mutate({ email: 'raj.requester@deskflow.test' });
      // The activity retries with backoff; each failed attempt leaves the connection's error for admins.
      await expect.poll(async () => (await outboxRow('raj.requester@deskflow.test', 'password_reset'))?.attempts ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual(2);
      const waiting = await outboxRow('raj.requester@deskflow.test', 'password_reset');
      expect(waiting).toMatchObject({ status: 'queued' });
      expect(waiting!.lastError).toMatch(/ECONNREFUSED/);
    } finally {
      await mailpit.start();
    }
    const row = (await outboxRow('raj.requester@deskflow.test', 'password_reset'))!;
    // The workflow ends once the mail is accepted: nothing after that could send it again.
    expect(await stack.env.client.workflow.getHandle(mailWorkflowId(row.id)).result()).toBe('sent');
    const mails = await mailsTo('raj.requester@deskflow.test', /Reset your Deskflow password/);
    expect(mails).toHaveLength(1);
    expect(await outboxRow('raj.requester@deskflow.test', 'password_reset')).toMatchObject({ status: 'sent', lastError: null });
  });

  it('shows admins a mail the server refused, with its answer, and lets them retry it', async () => {
    const admin = await stack.signIn('admin@deskflow.test');
    await admin.api.admin.users.invite.mutate({ email: 'someone@refused.example', name: 'Refused Person', role: 'requester' });
    const row = (await outboxRow('someone@refused.example', 'invitation'))!;
    expect(await stack.env.client.workflow.getHandle(mailWorkflowId(row.id)).result()).toBe('failed');

    const failed = await admin.api.admin.mail.list.query({ status: 'failed' });
    const listed = failed.items.find((m) => m.id === row.id);
    expect(listed).toMatchObject({ kind: 'invitation', to: 'someone@refused.example', status: 'failed', attempts: 1 });
    expect(listed!.lastError).toMatch(/^550 5\.1\.0/);
    // The list never carries the mail's data (its link is a credential).
    expect(JSON.stringify(failed)).not.toMatch(/token=/);

    // Requesters and agents do not see the outbox.
    const rita = await stack.signIn('rita.requester@deskflow.test');
    await expect(rita.api.admin.mail.list.query({})).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });

    expect(await admin.api.admin.mail.retry.mutate({ ids: [row.id] })).toEqual({ retried: [row.id] });
    await expect.poll(async () => (await outboxRow('someone@refused.example', 'invitation'))?.attempts, { timeout: 20_000 }).toBe(2);
    await expect.poll(async () => (await outboxRow('someone@refused.example', 'invitation'))?.status, { timeout: 20_000 }).toBe('failed');
  });

  it('turns off a kind of mail from the one-click unsubscribe link (of the reply mailed above)', async () => {
    const [row] = await stack.db.select().from(mailOutbox).where(eq(mailOutbox.kind, 'public_reply'));
    expect(row?.unsubscribeToken).toBeTruthy();
    const res = await fetch(`${stack.url}/mail/unsubscribe?token=${row!.unsubscribeToken}`, { method: 'POST', body: new URLSearchParams({ 'List-Unsubscribe': 'One-Click' }) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('no more mail about “message” notifications');
    const { api } = await stack.signIn(row!.toAddress);
    const { preferences } = await api.notification.preferences.query();
    expect(preferences.find((p) => p.kind === 'message')).toMatchObject({ email: 'never', inApp: true });
  });
});
