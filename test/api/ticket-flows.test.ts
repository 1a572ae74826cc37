/**
 * Ticket flows through the whole stack (Temporal dev server, worker, PGlite, API over HTTP):
 * creating with templates, categories, buildings and files; the creation limit; comments with
 * mentions, edits and the public-reply signal; watchers; history; bulk updates.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildings, comments, ticketIntake, tickets, ticketTemplates } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ temporal: true });
}, 180_000);
afterAll(() => api?.stop());

const code = (error: unknown) => (error as { data?: { code?: string } }).data?.code;

async function settled(id: string, check: (row: typeof tickets.$inferSelect) => boolean) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [row] = await api.db.select().from(tickets).where(eq(tickets.id, id));
    if (row && check(row)) return row;
    if (Date.now() > deadline) throw new Error(`ticket ${id} did not settle`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('creating tickets', () => {
  it('creates from a template, with a category, a building and files uploaded beforehand', async () => {
    const rita = await api.signIn(demo.requester);
    const [template] = await api.db.select().from(ticketTemplates).where(eq(ticketTemplates.name, 'Password reset'));
    const [hq] = await api.db.select().from(buildings).where(eq(buildings.name, 'Headquarters'));
    const form = new FormData();
    form.append('file', new File(['error 0x80070005 at login'], 'error.txt'));
    const staged = await rita.api.attachment.upload.mutate(form);

    const ticket = await rita.api.ticket.create.mutate({ templateId: template!.id, category: 'access', buildingId: hq!.id, attachmentIds: [staged.id] });
    expect(ticket).toMatchObject({
      title: 'Please reset my password',
      urgency: 'high',
      requestedCategory: 'Access',
      building: { id: hq!.id, name: 'Headquarters' },
      requester: { name: 'Rita Rossi' },
    });
    expect((await rita.api.attachment.list.query({ ticketId: ticket.id })).map((a) => a.fileName)).toEqual(['error.txt']);
    const history = await rita.api.ticket.history.query({ id: ticket.id });
    expect(history.events.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'attachment_added']));
    expect((await rita.api.ticket.templates.query()).map((t) => t.name)).toContain('Password reset');
  });

  it('creates through REST with an API token, as a monitoring script would', async () => {
    const ivy = await api.signIn(demo.itAgent);
    const { token } = await ivy.api.auth.tokens.create.mutate({ name: 'nagios', scopes: ['read', 'write'] });
    const response = await fetch(`${api.url}/api/tickets`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'Disk /var at 95% on mail01', description: 'Alert from monitoring.', urgency: 'high', idempotencyKey: 'nagios:mail01:disk:2026-01-01' }),
    });
    expect(response.status).toBe(200);
    const created = (await response.json()) as { id: string; number: number; title: string };
    expect(created.title).toBe('Disk /var at 95% on mail01');
    const again = (await (
      await fetch(`${api.url}/api/tickets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ title: 'Disk /var at 95% on mail01', description: 'Alert from monitoring.', idempotencyKey: 'nagios:mail01:disk:2026-01-01' }),
      })
    ).json()) as { id: string };
    expect(again.id).toBe(created.id);
  });

  it('checks everything a create names before reserving a number', async () => {
    const raj = await api.signIn(demo.requester2);
    const before = (await api.db.select().from(ticketIntake)).length;
    const unknownCategory = await raj.api.ticket.create.mutate({ title: 'Something odd', description: 'x', category: 'Astrology' }).catch((e: Error) => e);
    expect(code(unknownCategory)).toBe('BAD_REQUEST');
    expect((unknownCategory as Error).message).toMatch(/"Astrology" is not a category/);
    expect(code(await raj.api.ticket.create.mutate({ title: 'Something odd', description: 'x', buildingId: crypto.randomUUID() }).catch((e: Error) => e))).toBe('BAD_REQUEST');
    const rita = await api.signIn(demo.requester);
    const form = new FormData();
    form.append('file', new File(['mine'], 'mine.txt'));
    const ritasFile = await rita.api.attachment.upload.mutate(form);
    expect(code(await raj.api.ticket.create.mutate({ title: 'Stealing a file', description: 'x', attachmentIds: [ritasFile.id] }).catch((e: Error) => e))).toBe('BAD_REQUEST');
    const noTitle = await raj.api.ticket.create.mutate({ description: 'no title' }).catch((e: { data?: { zodError?: { fieldErrors: Record<string, string[]> } } }) => e);
    expect((noTitle as { data?: { zodError?: { fieldErrors: Record<string, string[]> } } }).data?.zodError?.fieldErrors.title).toEqual(['is required (or pick a template)']);
    expect((await api.db.select().from(ticketIntake)).length).toBe(before);
  });

  it('limits requesters to 5 tickets a day, telling them when they can open the next', async () => {
    const rosa = await api.signIn(demo.requester3);
    for (let i = 0; i < 5; i++) await rosa.api.ticket.create.mutate({ title: `Issue number ${i}`, description: 'x', idempotencyKey: `rosa-issue-${i}` });
    const refused = await rosa.api.ticket.create.mutate({ title: 'One too many', description: 'x' }).catch((e: Error) => e);
    expect(code(refused)).toBe('TOO_MANY_REQUESTS');
    expect((refused as Error).message).toMatch(/You can open 5 tickets per 24 h; you can open the next one at \d{4}-\d\d-\d\dT.* \(in 2\d h \d+ min\)/);
    expect((refused as { data?: { retryAfterSeconds?: number } }).data?.retryAfterSeconds).toBeGreaterThan(23 * 3600);
    // A retry of a ticket already opened is not a new ticket.
    expect(await outcome(rosa.api.ticket.create.mutate({ title: 'Issue number 0', description: 'x', idempotencyKey: 'rosa-issue-0' }))).toBe('OK');
    // Admins can raise the limit; agents are never limited.
    const admin = await api.signIn(demo.admin);
    await admin.api.admin.settings.update.mutate({ ticketRateLimit: { max: 6, windowHours: 24 } });
    expect(await outcome(rosa.api.ticket.create.mutate({ title: 'Now allowed', description: 'x' }))).toBe('OK');
    await admin.api.admin.settings.update.mutate({ ticketRateLimit: { max: 5, windowHours: 24 } });
  });
});

describe('comments', () => {
  it('signals the workflow about public replies only, keeps internal notes from requesters, and records mentions', async () => {
    const rita = await api.signIn(demo.requester);
    const ticket = await rita.api.ticket.create.mutate({ title: 'Outlook keeps crashing', description: 'Crashes on start.' });
    await api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    const agent = await api.signIn(demo.itAgent);

    const note = await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'Asking @otto.it and @nia.it to look. @nobody.here is ignored.', internal: true });
    expect(note.mentions.map((m) => m.name).sort()).toEqual(['Nia Novak', 'Otto Okafor']);
    const reply = await rita.api.comment.add.mutate({ ticketId: ticket.id, body: 'It happens at 9:00 every day.', clientId: 'rita-reply-1' });
    const again = await rita.api.comment.add.mutate({ ticketId: ticket.id, body: 'It happens at 9:00 every day.', clientId: 'rita-reply-1' });
    expect(again.id).toBe(reply.id);

    expect((await rita.api.comment.list.query({ ticketId: ticket.id })).comments.map((c) => c.body)).toEqual(['It happens at 9:00 every day.']);
    expect((await agent.api.comment.list.query({ ticketId: ticket.id })).comments).toHaveLength(2);
    expect(code(await rita.api.comment.add.mutate({ ticketId: ticket.id, body: 'sneaky', internal: true }).catch((e: Error) => e))).toBe('FORBIDDEN');

    const nia = await api.signIn('nia.it@deskflow.test');
    expect((await nia.api.comment.mentions.query()).map((m) => m.commentId)).toContain(note.id);
    expect((await nia.api.ticket.watchers.query({ id: ticket.id })).map((w) => w.name)).toContain('Nia Novak');

    const history = await api.env!.client.workflow.getHandle(`ticket-${ticket.number}`).fetchHistory();
    const signals = (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'publicReply');
    // The reply was sent twice (resent with the same clientId); the internal note never.
    expect(signals.length).toBe(2);
    const ritaEvents = await rita.api.ticket.history.query({ id: ticket.id });
    expect(ritaEvents.events.some((e) => (e.newValue as { internal?: boolean } | null)?.internal === true)).toBe(false);
    expect(ritaEvents.events.every((e) => e.reason === null)).toBe(true);
  });

  it('resumes a ticket waiting on the customer when the requester replies', async () => {
    const rita = await api.signIn(demo.requester);
    const ticket = await rita.api.ticket.create.mutate({ title: 'Teams audio drops', description: 'In every call.' });
    await api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    const agent = await api.signIn(demo.itAgent);
    for (const status of ['in_progress', 'waiting_on_customer'] as const) {
      const moved = await agent.api.ticket.bulkUpdate.mutate({ ticketIds: [ticket.id], change: { action: 'status', status } });
      expect(moved.results[0]).toMatchObject({ ok: true, status });
    }
    await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'Which headset do you use?' });
    expect((await settled(ticket.id, () => true)).status).toBe('waiting_on_customer'); // an agent's reply does not resume it
    await rita.api.comment.add.mutate({ ticketId: ticket.id, body: 'A Jabra Evolve 2.' });
    expect((await settled(ticket.id, (r) => r.status !== 'waiting_on_customer')).status).toBe('in_progress');
  });

  it('lets authors edit within the window, audits each edit, and refuses late or foreign edits', async () => {
    const raj = await api.signIn(demo.requester2);
    const ticket = await raj.api.ticket.create.mutate({ title: 'Headset crackles', description: 'Left ear.' });
    const comment = await raj.api.comment.add.mutate({ ticketId: ticket.id, body: 'Rigth ear actually' });
    const edited = await raj.api.comment.edit.mutate({ id: comment.id, body: 'Right ear actually' });
    expect(edited).toMatchObject({ body: 'Right ear actually', editedAt: expect.any(Date) });
    expect(await raj.api.comment.edits.query({ id: comment.id })).toEqual([
      expect.objectContaining({ oldBody: 'Rigth ear actually', newBody: 'Right ear actually', editor: { id: api.userId(demo.requester2), name: 'Raj Rao' } }),
    ]);
    // Staff who see the ticket whatever triage decides (supervisors see their departments' tickets only).
    const sam = await api.signIn(demo.admin);
    expect(code(await sam.api.comment.edit.mutate({ id: comment.id, body: 'Not yours' }).catch((e: Error) => e))).toBe('FORBIDDEN');
    await api.db
      .update(comments)
      .set({ createdAt: new Date(Date.now() - 16 * 60_000) })
      .where(eq(comments.id, comment.id));
    const late = await raj.api.comment.edit.mutate({ id: comment.id, body: 'Too late' }).catch((e: Error) => e);
    expect(code(late)).toBe('FORBIDDEN');
    expect((late as Error).message).toMatch(/15 minutes/);
    const events = await sam.api.ticket.history.query({ id: ticket.id });
    expect(events.events.filter((e) => e.kind === 'comment_edited')).toHaveLength(1);
  });
});

describe('watchers', () => {
  it('let staff add a colleague who then sees the ticket, until removed', async () => {
    const rita = await api.signIn(demo.requester);
    const ticket = await rita.api.ticket.create.mutate({ title: 'Need a new chair', description: 'Broken wheel in the office.' });
    const rosa = await api.signIn(demo.requester3);
    expect(await outcome(rosa.api.ticket.get.query({ id: ticket.id }))).toBe('NOT_FOUND');
    // Staff of the ticket whatever triage decides: an admin (a supervisor is staff in their departments only).
    const sam = await api.signIn(demo.admin);
    await sam.api.ticket.addWatcher.mutate({ id: ticket.id, userId: api.userId(demo.requester3) });
    expect((await rosa.api.ticket.get.query({ id: ticket.id })).title).toBe('Need a new chair');
    expect((await rosa.api.ticket.list.query({ watchedBy: 'me' })).items.map((t) => t.id)).toEqual([ticket.id]);
    expect(code(await rosa.api.ticket.addWatcher.mutate({ id: ticket.id, userId: api.userId(demo.requester2) }).catch((e: Error) => e))).toBe('FORBIDDEN');
    await rosa.api.ticket.unwatch.mutate({ id: ticket.id });
    expect(await outcome(rosa.api.ticket.get.query({ id: ticket.id }))).toBe('NOT_FOUND');
  });
});

describe('bulk updates', () => {
  it('apply to each ticket through its workflow and report a result per ticket', async () => {
    const raj = await api.signIn(demo.requester2);
    const a = await raj.api.ticket.create.mutate({ title: 'Docking station flickers', description: 'USB-C dock.' });
    const b = await raj.api.ticket.create.mutate({ title: 'Second screen is blank', description: 'HDMI.' });
    const hr = await raj.api.ticket.create.mutate({ title: 'Payroll: overtime missing', description: 'March payroll.' });
    await api.route(a.id, { department: 'it', assignee: demo.itAgent });
    await api.route(b.id, { department: 'it', assignee: demo.itAgent2 });
    await api.route(hr.id, { department: 'hr' });
    const ivy = await api.signIn(demo.itAgent);
    const result = await ivy.api.ticket.bulkUpdate.mutate({ ticketIds: [a.id, b.id, hr.id, crypto.randomUUID()], change: { action: 'priority', priority: 'critical' }, reason: 'VIP floor' });
    expect(result.succeeded).toBe(2);
    expect(result.failed).toBe(2);
    expect(result.results.slice(0, 2)).toEqual([
      expect.objectContaining({ ticketId: a.id, ok: true, priority: 'critical' }),
      expect.objectContaining({ ticketId: b.id, ok: true, priority: 'critical' }),
    ]);
    expect(result.results.slice(2).map((r) => (r.ok ? 'ok' : r.code))).toEqual(['NOT_FOUND', 'NOT_FOUND']);
    const [row] = await api.db
      .select()
      .from(tickets)
      .where(and(eq(tickets.id, a.id)));
    expect(row!.priority).toBe('critical');
    expect(code(await raj.api.ticket.bulkUpdate.mutate({ ticketIds: [a.id], change: { action: 'status', status: 'closed' } }).catch((e: Error) => e))).toBe('FORBIDDEN');
  });
});

describe('admin edits', () => {
  it('change only the fields they name: a template keeps its urgency, the lifecycle settings their other values', async () => {
    const admin = await api.signIn(demo.admin);
    const template = await admin.api.admin.templates.create.mutate({ name: `VPN ${crypto.randomUUID().slice(0, 6)}`, title: 'VPN will not connect', description: 'Error 809.', urgency: 'critical' });
    const renamed = await admin.api.admin.templates.update.mutate({ id: template.id, title: 'VPN drops every hour' });
    expect(renamed).toMatchObject({ title: 'VPN drops every hour', urgency: 'critical', description: 'Error 809.' });

    const before = await admin.api.admin.sla.settings.get.query();
    await admin.api.admin.sla.settings.update.mutate({ autoCloseBusinessDays: before.autoCloseBusinessDays + 2 });
    const changed = await admin.api.admin.sla.settings.update.mutate({ reopenWindowDays: before.reopenWindowDays + 1 });
    expect(changed).toMatchObject({ autoCloseBusinessDays: before.autoCloseBusinessDays + 2, reopenWindowDays: before.reopenWindowDays + 1, triageMinConfidence: before.triageMinConfidence });
    expect(code(await admin.api.admin.sla.settings.update.mutate({ reopenWindowDays: 900 }).catch((e: Error) => e))).toBe('BAD_REQUEST');
    await admin.api.admin.sla.settings.update.mutate({ autoCloseBusinessDays: before.autoCloseBusinessDays, reopenWindowDays: before.reopenWindowDays });
  });
});

describe('escalations', () => {
  it('lists a ticket escalated through its workflow, at the level it reached, to staff of its department only', async () => {
    // Filed by an HR agent: she sees the IT ticket as its requester, not as its staff.
    const hana = await api.signIn(demo.hrAgent);
    const ticket = await hana.api.ticket.create.mutate({ title: 'Badge reader rejects every card', description: 'The door to floor 2 stays shut.' });
    await api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    const ivy = await api.signIn(demo.itAgent);
    expect((await ivy.api.ticket.escalate.mutate({ id: ticket.id, reason: 'the whole floor is locked out' })).escalationLevel).toBe(1);
    expect((await ivy.api.ticket.escalate.mutate({ id: ticket.id, reason: 'still locked out after an hour' })).escalationLevel).toBe(2);

    const levels = (page: { items: { id: string; escalationLevel: number | null }[] }) => page.items.map((t) => [t.id, t.escalationLevel]);
    const sam = await api.signIn(demo.supervisor);
    expect(levels(await sam.api.ticket.list.query({ escalated: true, limit: 100 }))).toEqual([[ticket.id, 2]]);
    const admin = await api.signIn(demo.admin);
    expect(levels(await admin.api.ticket.list.query({ escalated: true, limit: 100 }))).toEqual([[ticket.id, 2]]);
    expect(levels(await hana.api.ticket.list.query({ escalated: true, limit: 100 }))).toEqual([]);
    expect((await hana.api.ticket.get.query({ id: ticket.id })).escalationLevel).toBeNull();
    expect(levels(await hana.api.ticket.list.query({ escalated: false, limit: 100 }))).toContainEqual([ticket.id, null]);

    // The supervisor's team workload counts Ivy's open tickets as the tickets table holds them.
    const ivyId = api.userId(demo.itAgent);
    const mine = await api.db
      .select({ slaState: tickets.slaState })
      .from(tickets)
      .where(and(eq(tickets.assigneeId, ivyId), inArray(tickets.status, [...OPEN_STATUSES])));
    expect(mine.length).toBeGreaterThanOrEqual(1);
    const ivyWorkload = (await sam.api.availability.team.query()).find((member) => member.userId === ivyId);
    expect(ivyWorkload).toMatchObject({
      openAssigned: mine.length,
      breachedAssigned: mine.filter((t) => t.slaState === 'breached').length,
      atRiskAssigned: mine.filter((t) => t.slaState === 'at_risk').length,
    });
  });
});
