/**
 * Inbound mail on real servers: a GreenMail IMAP mailbox watched by the mailbox workflow on a
 * Temporal dev server, the push endpoint, PGlite. What a person would notice: a mail becomes a
 * ticket or a reply on the right ticket, once; auto-replies and loops never open tickets; bad
 * mail is a failure admins can read, and the mailbox goes on.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments, inboundMail, mailAddressFailures, tickets, users } from '../../db/schema';
import { ticketMessageId, ticketToken } from '../../domain/mail-threading';
import { mailboxStateQuery, mailboxWorkflowId } from '../../workflows/messages';
import { rawMail, startInboundMailStack, SUPPORT_FOLDER, type InboundMailStack } from '../support/inbound-mail';

let stack: InboundMailStack;

beforeAll(async () => {
  stack = await startInboundMailStack();
}, 240_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

const eventually = <T>(fn: () => Promise<T>, timeout = 60_000) => expect.poll(fn, { timeout, interval: 200 });

const messageIdOf = (raw: string) => /^Message-ID: (\S+)/m.exec(raw)![1]!;

async function rowsFor(messageId: string) {
  return stack.db.select().from(inboundMail).where(eq(inboundMail.messageId, messageId));
}

/** Waits until the mail with this Message-ID is handled, and returns its row. */
async function handled(messageId: string, timeout = 60_000) {
  await eventually(async () => (await rowsFor(messageId))[0]?.outcome ?? 'not yet', timeout).not.toMatch(/^(not yet|processing)$/);
  return (await rowsFor(messageId))[0]!;
}

async function ticketRow(id: string) {
  return (await stack.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
}

/** A ticket by the requester, waiting for work: assigned (by routing or by hand). Returns it and its assignee's API. */
async function openAssigned(requesterEmail: string, title: string) {
  const requester = await stack.signIn(requesterEmail);
  const created = await requester.ticket.create.mutate({ title, description: 'Opened in the console.', urgency: 'high' });
  await eventually(async () => {
    const row = await ticketRow(created.id);
    return row.assigneeId !== null || row.needsTriage;
  }).toBe(true);
  if ((await ticketRow(created.id)).needsTriage) {
    const sam = await stack.signIn('sam.supervisor@deskflow.test');
    await sam.ticket.triage.mutate({ id: created.id, departmentId: (await ticketRow(created.id)).departmentId!, category: 'Hardware', priority: 'high', reason: 'by hand' });
    await eventually(async () => (await ticketRow(created.id)).assigneeId).not.toBeNull();
  }
  const [assignee] = await stack.db
    .select()
    .from(users)
    .where(eq(users.id, (await ticketRow(created.id)).assigneeId!));
  return { ticket: created, requester, agent: await stack.signIn(assignee!.email) };
}

describe('inbound mail', () => {
  it('a new mail in the IMAP mailbox opens a ticket for its sender; the same Message-ID again, by IMAP or by the push endpoint, changes nothing', async () => {
    const raw = rawMail({ from: 'Rita Rossi <rita.requester@deskflow.test>', subject: 'Printer on floor 3 jams', body: 'It jams on every second page.\r\n\r\n-- \r\nRita, Accounting' });
    const messageId = messageIdOf(raw);
    await stack.greenmail.deliver(raw);
    const row = await handled(messageId);
    expect(row).toMatchObject({ outcome: 'ticket_created', source: 'imap', sender: 'rita.requester@deskflow.test', mailbox: stack.mailbox.key });
    const rita = await stack.signIn('rita.requester@deskflow.test');
    const ticket = await rita.ticket.get.query({ id: row.ticketId! });
    expect(ticket).toMatchObject({ title: 'Printer on floor 3 jams', requester: { name: 'Rita Rossi' } });
    expect(ticket.description).toContain('It jams on every second page.');

    // Delivered twice more over IMAP, then a marker: once the marker is handled, the copies were too (UID order).
    await stack.greenmail.deliver(raw);
    await stack.greenmail.deliver(raw);
    const marker = rawMail({ from: 'marker-one@allowed.test', subject: 'Marker after the duplicates' });
    await stack.greenmail.deliver(marker);
    await handled(messageIdOf(marker));
    expect(await rowsFor(messageId)).toHaveLength(1);
    expect(await stack.db.select().from(tickets).where(eq(tickets.title, 'Printer on floor 3 jams'))).toHaveLength(1);

    const pushed = await stack.push(raw);
    expect(pushed).toMatchObject({ status: 200, body: { outcome: 'ticket_created', duplicate: true, ticketId: row.ticketId, ticketNumber: ticket.number } });
    expect(await stack.db.select().from(tickets).where(eq(tickets.title, 'Printer on floor 3 jams'))).toHaveLength(1);

    // The workflow counts what each round handed over when the round reports back.
    await eventually(async () => (await stack.env.client.workflow.getHandle(mailboxWorkflowId(stack.mailbox.key)).query(mailboxStateQuery)).handedOver).toBeGreaterThanOrEqual(4);
  });

  it('a reply threads onto its ticket as a public message from the sender, without the quoted history, and resumes a ticket waiting on the customer', async () => {
    const { ticket, agent } = await openAssigned('raj.requester@deskflow.test', 'VPN drops every hour');
    await agent.ticket.transition.mutate({ id: ticket.id, to: 'waiting_on_customer', reason: 'asked for logs' });
    expect((await ticketRow(ticket.id)).status).toBe('waiting_on_customer');

    const reply = rawMail({
      from: 'Raj Rao <raj.requester@deskflow.test>',
      subject: `Re: ${ticketToken(ticket.number)} VPN drops every hour`,
      inReplyTo: `<reply-1-${ticket.id}@desk.example.com>`,
      references: `${ticketMessageId(ticket.number, 'example.com')} <reply-1-${ticket.id}@desk.example.com>`,
      body: 'Here are the logs you asked for: it drops at :15.\r\n\r\nOn Mon, 30 Nov 2026 at 10:00, Ivy <ivy.it@deskflow.test> wrote:\r\n> Could you send the logs?\r\n> Thanks',
    });
    await stack.greenmail.deliver(reply);
    const row = await handled(messageIdOf(reply));
    expect(row).toMatchObject({ outcome: 'reply_added', ticketId: ticket.id });
    const [message] = await stack.db.select().from(comments).where(eq(comments.id, row.commentId!));
    expect(message).toMatchObject({
      body: 'Here are the logs you asked for: it drops at :15.',
      internal: false,
      authorId: (await stack.db.select().from(users).where(eq(users.email, 'raj.requester@deskflow.test')))[0]!.id,
    });
    // The requester's message counts for the workflow: the ticket is back in work.
    await eventually(async () => (await ticketRow(ticket.id)).status).toBe('in_progress');

    // No References: the plus-addressed reply address names the ticket; an Outlook block is stripped.
    const viaAddress = rawMail({
      from: 'raj.requester@deskflow.test',
      to: `desk+t${ticket.number}@example.com`,
      subject: 'RE: logs',
      body: 'One more thing: it also happens on Wi-Fi.\r\n\r\n________________________________\r\nFrom: Service desk <desk@example.com>\r\nSent: Monday\r\nSubject: logs\r\n\r\nOld text',
    });
    const pushed = await stack.push(viaAddress);
    expect(pushed.body).toMatchObject({ outcome: 'reply_added', ticketId: ticket.id, duplicate: false });
    const raj = await stack.signIn('raj.requester@deskflow.test');
    const conversation = await raj.comment.list.query({ ticketId: ticket.id });
    expect(conversation.comments.map((c) => c.body)).toEqual(expect.arrayContaining(['Here are the logs you asked for: it drops at :15.', 'One more thing: it also happens on Wi-Fi.']));
  });

  it('auto-replies, bounces and loops never open tickets; an unknown sender gets a polite refusal, an allowed domain an account; a sender who may not post on the named ticket gets a ticket of their own', async () => {
    const before = (await stack.db.select().from(tickets)).length;
    const autoReply = await stack.push(rawMail({ from: 'rita.requester@deskflow.test', subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' } }));
    expect(autoReply.body).toMatchObject({ outcome: 'ignored_auto_reply', reason: 'Auto-Submitted: auto-replied', ticketId: null });
    const bulk = await stack.push(rawMail({ from: 'news@allowed.test', subject: 'Newsletter', headers: { Precedence: 'bulk' } }));
    expect(bulk.body).toMatchObject({ outcome: 'ignored_auto_reply' });
    const autoreplyHeader = await stack.push(rawMail({ from: 'raj.requester@deskflow.test', subject: 'Away', headers: { 'X-Autoreply': 'yes' } }));
    expect(autoreplyHeader.body).toMatchObject({ outcome: 'ignored_auto_reply' });
    const ownAddress = await stack.push(rawMail({ from: 'Deskflow <deskflow@example.com>', subject: `Re: ${ticketToken(1)} Your ticket` }));
    expect(ownAddress.body).toMatchObject({ outcome: 'ignored_loop', reason: expect.stringContaining("Deskflow's own address") });
    // A sender over the hourly rate (4 in this stack) is a loop: the 5th mail is ignored.
    const outcomes: string[] = [];
    for (let i = 0; i < 5; i++) outcomes.push(String((await stack.push(rawMail({ from: 'looper@allowed.test', subject: `Ping ${i} [#99999]`, body: `ping ${i}` }))).body.outcome));
    expect(outcomes).toEqual(['ticket_created', 'ticket_created', 'ticket_created', 'ticket_created', 'ignored_loop']);
    expect((await stack.db.select().from(tickets)).length).toBe(before + 4);

    const stranger = await stack.push(rawMail({ from: 'Stranger <stranger@elsewhere.test>', subject: 'Can you fix my laptop?' }));
    expect(stranger.body).toMatchObject({ outcome: 'rejected_sender', ticketId: null, reason: expect.stringContaining('elsewhere.test is not an allowed domain') });
    expect(stack.sent.find((m) => m.to === 'stranger@elsewhere.test')).toMatchObject({ subject: 'Re: Can you fix my laptop?', text: expect.stringContaining('not registered with us') });

    const newcomer = await stack.push(rawMail({ from: 'Nora New <nora@allowed.test>', subject: 'First day: no badge yet' }));
    expect(newcomer.body).toMatchObject({ outcome: 'ticket_created' });
    const [nora] = await stack.db.select().from(users).where(eq(users.email, 'nora@allowed.test'));
    expect(nora).toMatchObject({ name: 'Nora New', role: 'requester', active: true });
    expect((await ticketRow(String(newcomer.body.ticketId))).requesterId).toBe(nora!.id);

    // Rosa names Nora's ticket, which she may not see: it becomes a ticket of her own.
    const rosa = await stack.push(rawMail({ from: 'rosa.requester@deskflow.test', subject: `Re: ${ticketToken(Number(newcomer.body.ticketNumber))} First day: no badge yet` }));
    expect(rosa.body).toMatchObject({ outcome: 'ticket_created', reason: expect.stringContaining('may not post on') });
    expect(rosa.body.ticketId).not.toBe(newcomer.body.ticketId);

    // A bounce marks the failed recipient's address for admins.
    const dsn = [
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.net>',
      'To: deskflow@example.com',
      'Subject: Undelivered Mail Returned to Sender',
      `Message-ID: <dsn-${Date.now()}@mx.example.net>`,
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="B"',
      '',
      '--B',
      'Content-Type: text/plain',
      '',
      'Your message could not be delivered.',
      '--B',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns; mx.example.net',
      '',
      'Final-Recipient: rfc822; gone@allowed.test',
      'Action: failed',
      'Status: 5.1.1',
      'Diagnostic-Code: smtp; 550 5.1.1 user unknown',
      '--B--',
      '',
    ].join('\r\n');
    expect((await stack.push(dsn)).body).toMatchObject({ outcome: 'bounce_recorded', reason: 'failing: gone@allowed.test' });
    const admin = await stack.signIn('admin@deskflow.test');
    expect(await admin.admin.inboundMail.failingAddresses.query()).toEqual([expect.objectContaining({ address: 'gone@allowed.test', failures: 1, lastReason: '5.1.1 550 5.1.1 user unknown' })]);
    expect((await stack.db.select().from(mailAddressFailures)).length).toBe(1);

    const wrongSecret = await stack.push(rawMail({ from: 'rita.requester@deskflow.test', subject: 'Sneaky' }), 'not-the-secret-0123456789abcdef0123456789');
    expect(wrongSecret.status).toBe(401);
  });

  it('a malformed message, a 30 MB mail, a refused attachment and an unknown charset are failures with their raw message; the mailbox goes on', async () => {
    const malformed = `Message-ID: <malformed-${Date.now()}@example.net>\r\nSubject: no sender here\r\nContent-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nbroken`;
    const charset = rawMail({ from: 'rita.requester@deskflow.test', subject: 'Strange letters', contentType: 'text/plain; charset=x-klingon-8', body: 'qapla\xe9' });
    const exe = rawMail({
      from: 'raj.requester@deskflow.test',
      subject: 'Please install this tool',
      contentType: 'multipart/mixed; boundary="b1"',
      body: [
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'The installer is attached.',
        '--b1',
        'Content-Type: application/octet-stream; name="tool.exe"',
        'Content-Disposition: attachment; filename="tool.exe"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.concat([Buffer.from('MZ'), Buffer.alloc(510, 0x90), Buffer.from('PE\0\0')]).toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    });
    const huge = rawMail({
      from: 'rosa.requester@deskflow.test',
      subject: 'All our photos',
      contentType: 'multipart/mixed; boundary="b2"',
      body: [
        '--b2',
        'Content-Type: text/plain',
        '',
        'See attached.',
        '--b2',
        'Content-Type: application/octet-stream; name="photos.bin"',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.alloc(23 * 1024 * 1024, 7)
          .toString('base64')
          .replace(/.{76}/g, '$&\r\n'),
        '--b2--',
        '',
      ].join('\r\n'),
    });
    expect(huge.length).toBeGreaterThan(30 * 1024 * 1024);
    const after = rawMail({ from: 'after-bad@allowed.test', subject: 'A good mail after the bad ones' });
    for (const raw of [malformed, charset, exe, huge, after]) await stack.greenmail.deliver(raw);

    expect(await handled(messageIdOf(after), 120_000)).toMatchObject({ outcome: 'ticket_created' });
    const failures = await stack.db
      .select()
      .from(inboundMail)
      .where(inArray(inboundMail.messageId, [malformed, charset, exe, huge].map(messageIdOf)));
    const byId = new Map(failures.map((f) => [f.messageId, f]));
    expect(byId.get(messageIdOf(malformed))).toMatchObject({ outcome: 'failed', reason: 'malformed message: no readable From address', ticketId: null });
    expect(byId.get(messageIdOf(charset))).toMatchObject({ outcome: 'failed', reason: 'unknown charset "x-klingon-8": the message cannot be decoded' });
    expect(byId.get(messageIdOf(exe))).toMatchObject({ outcome: 'failed', reason: expect.stringContaining('attachment "tool.exe" was refused'), ticketId: null });
    expect(byId.get(messageIdOf(huge))).toMatchObject({ outcome: 'failed', reason: expect.stringMatching(/^too large: 3\d\.\d MB; mails may be at most 25 MB/), rawTruncated: true });
    for (const failure of byId.values()) expect(failure.raw?.length).toBeGreaterThan(0);
    expect(byId.get(messageIdOf(huge))!.raw!.length).toBeLessThanOrEqual(64 * 1024);

    // Admins see them, with the raw message; nobody else does.
    const admin = await stack.signIn('admin@deskflow.test');
    const problems = await admin.admin.inboundMail.list.query({ problems: true, limit: 200 });
    expect(problems.items.map((p) => p.messageId)).toEqual(expect.arrayContaining([malformed, charset, exe, huge].map(messageIdOf)));
    const detail = await admin.admin.inboundMail.get.query({ id: byId.get(messageIdOf(exe))!.id });
    expect(detail.raw).toContain('Please install this tool');
    const rita = await stack.signIn('rita.requester@deskflow.test');
    await expect(rita.admin.inboundMail.list.query({ problems: true })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
  }, 180_000);

  it('a reply to a closed ticket reopens it within the reopen window; after it, the reply opens a follow-up that names the closed ticket', async () => {
    const { ticket, agent, requester } = await openAssigned('rosa.requester@deskflow.test', 'Monitor flickers');
    await agent.ticket.transition.mutate({ id: ticket.id, to: 'resolved' });
    await requester.ticket.confirmResolution.mutate({ id: ticket.id });
    expect((await ticketRow(ticket.id)).status).toBe('closed');
    const reopen = await stack.push(rawMail({ from: 'rosa.requester@deskflow.test', subject: `Re: ${ticketToken(ticket.number)} Monitor flickers`, body: 'It is flickering again.' }));
    expect(reopen.body).toMatchObject({ outcome: 'reopened', ticketId: ticket.id });
    expect((await ticketRow(ticket.id)).status).not.toBe('closed');

    // Outside the window (0 days for tickets opened from now on): a follow-up.
    const admin = await stack.signIn('admin@deskflow.test');
    await admin.admin.sla.settings.update.mutate({ reopenWindowDays: 0 });
    const late = await openAssigned('rosa.requester@deskflow.test', 'Keyboard missing keys');
    await late.agent.ticket.transition.mutate({ id: late.ticket.id, to: 'resolved' });
    await late.requester.ticket.confirmResolution.mutate({ id: late.ticket.id });
    const followUp = await stack.push(rawMail({ from: 'rosa.requester@deskflow.test', subject: `Re: ${ticketToken(late.ticket.number)} Keyboard missing keys`, body: 'Still two keys missing.' }));
    expect(followUp.body).toMatchObject({ outcome: 'follow_up_created' });
    expect(followUp.body.ticketId).not.toBe(late.ticket.id);
    const created = await late.requester.ticket.get.query({ id: String(followUp.body.ticketId) });
    expect(created.title).toBe(`Follow-up to ${ticketToken(late.ticket.number)}: Keyboard missing keys`);
    expect(created.description).toContain('Still two keys missing.');
    expect((await ticketRow(late.ticket.id)).status).toBe('closed');
    const [row] = await stack.db
      .select()
      .from(inboundMail)
      .where(eq(inboundMail.id, Number(followUp.body.id)));
    expect(row!.followUpOfTicketId).toBe(late.ticket.id);
    await admin.admin.sla.settings.update.mutate({ reopenWindowDays: 14 });
  });

  it('a worker restarted in the middle of a mailbox loses and doubles nothing', async () => {
    const batch = Array.from({ length: 8 }, (_, i) => rawMail({ from: `restart-${i}@allowed.test`, subject: `Restart batch mail ${i}` }));
    for (const raw of batch) await stack.greenmail.deliver(raw);
    const ids = batch.map(messageIdOf);
    const done = async () =>
      (
        await stack.db
          .select()
          .from(inboundMail)
          .where(and(inArray(inboundMail.messageId, ids)))
      ).filter((r) => r.outcome !== 'processing').length;
    await eventually(done).toBeGreaterThanOrEqual(2);
    await stack.restartWorker();
    await eventually(done, 120_000).toBe(8);
    const rows = await stack.db.select().from(inboundMail).where(inArray(inboundMail.messageId, ids));
    expect(rows).toHaveLength(8);
    expect(rows.every((r) => r.outcome === 'ticket_created')).toBe(true);
    for (let i = 0; i < 8; i++)
      expect(
        await stack.db
          .select()
          .from(tickets)
          .where(eq(tickets.title, `Restart batch mail ${i}`)),
      ).toHaveLength(1);
  }, 180_000);

  it('a mailbox whose UIDVALIDITY changed is scanned again, and what it had handed over is not doubled', async () => {
    const state = () => stack.env.client.workflow.getHandle(mailboxWorkflowId(stack.supportMailbox.key)).query(mailboxStateQuery);
    const first = rawMail({ from: 'folder-one@allowed.test', subject: 'Filed into the Support folder' });
    const session = async (work: (imap: Awaited<ReturnType<InboundMailStack['greenmail']['imap']>>) => Promise<void>) => {
      const imap = await stack.greenmail.imap();
      try {
        await work(imap);
      } finally {
        await imap.logout().catch(() => undefined);
      }
    };
    await session((imap) => imap.append(SUPPORT_FOLDER, first).then(() => undefined));
    expect(await handled(messageIdOf(first))).toMatchObject({ outcome: 'ticket_created', mailbox: stack.supportMailbox.key });
    await eventually(async () => (await state()).cursor?.lastUid ?? 0).toBeGreaterThanOrEqual(1);
    const before = (await state()).cursor!;

    // The folder is moved away and made again (as a server restore would): new UIDVALIDITY, UIDs from 1.
    const second = rawMail({ from: 'folder-two@allowed.test', subject: 'After the folder was made again' });
    await session(async (imap) => {
      await imap.mailboxRename(SUPPORT_FOLDER, `${SUPPORT_FOLDER}-old`);
      await imap.mailboxCreate(SUPPORT_FOLDER);
      await imap.append(SUPPORT_FOLDER, first);
      await imap.append(SUPPORT_FOLDER, second);
    });
    expect(await handled(messageIdOf(second), 120_000)).toMatchObject({ outcome: 'ticket_created' });
    await eventually(async () => (await state()).cursor?.lastUid).toBe(2);
    expect((await state()).cursor!.uidValidity).not.toBe(before.uidValidity);
    expect(await rowsFor(messageIdOf(first))).toHaveLength(1);
    expect(await stack.db.select().from(tickets).where(eq(tickets.title, 'Filed into the Support folder'))).toHaveLength(1);
  }, 180_000);
});
