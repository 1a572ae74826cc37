/**
 * What people do themselves, through the whole stack (Temporal dev server, worker, PGlite, API
 * over HTTP): the requester edits their ticket (audited; a material edit re-triages it), authors
 * delete their comments within the edit window, staff hide comments, agents and supervisors set
 * availability (audited). Routing by availability: test/workflows/self-service.test.ts; the
 * rooms' side of removed messages: test/integration/rooms-moderation.test.ts.
 */
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isMaterialEdit } from '../../api/tickets/details';
import { comments, settings, ticketEvents, tickets } from '../../db/schema';
import { LIFECYCLE_SETTINGS_KEY } from '../../db/settings';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi({ temporal: true });
}, 180_000);
afterAll(() => api?.stop());

async function settled(id: string, check: (row: typeof tickets.$inferSelect) => boolean) {
  await expect.poll(async () => check((await api.db.select().from(tickets).where(eq(tickets.id, id)))[0]!), { timeout: 20_000, interval: 50 }).toBe(true);
  return (await api.db.select().from(tickets).where(eq(tickets.id, id)))[0]!;
}

const events = (ticketId: string, kind: string) =>
  api.db
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, kind)))
    .orderBy(ticketEvents.id);

async function setLifecycle(values: Record<string, unknown>) {
  const [current] = await api.db.select().from(settings).where(eq(settings.key, LIFECYCLE_SETTINGS_KEY));
  const value = { ...(current?.value as object), ...values };
  await api.db.insert(settings).values({ key: LIFECYCLE_SETTINGS_KEY, value }).onConflictDoUpdate({ target: settings.key, set: { value } });
}

describe('the requester edits their ticket', () => {
  it('counts only changed words as material, not case, punctuation or spacing', () => {
    const before = { title: 'Printer jammed', description: 'Tray 2 is stuck.' };
    expect(isMaterialEdit(before, { title: 'printer JAMMED!', description: 'Tray 2  is stuck' })).toBe(false);
    expect(isMaterialEdit(before, { title: 'Printer jammed', description: 'Tray 3 is stuck.' })).toBe(true);
  });

  it('edits while the ticket is new, audited with old and new values; a material edit re-triages it, a cosmetic one does not', async () => {
    // Triage is never sure enough: the ticket stays new, waiting for a person.
    await setLifecycle({ triageMinConfidence: 0.999 });
    try {
      const rita = await api.signIn(demo.requester);
      const ticket = await rita.api.ticket.create.mutate({ title: 'Printer on floor 3 is jammed', description: 'Paper stuck in tray 2.' });
      await settled(ticket.id, (row) => row.needsTriage);

      const cosmetic = await rita.api.ticket.updateDetails.mutate({ id: ticket.id, title: 'PRINTER on floor 3 is jammed!' });
      expect(cosmetic).toMatchObject({ title: 'PRINTER on floor 3 is jammed!', status: 'new', retriage: false });
      const material = await rita.api.ticket.updateDetails.mutate({ id: ticket.id, description: 'The toner cartridge is empty, nothing is jammed.' });
      expect(material).toMatchObject({ description: 'The toner cartridge is empty, nothing is jammed.', retriage: true });
      // Signals are handled in order: one re-triage, the material edit's, proves the cosmetic one sent none.
      await expect.poll(async () => (await events(ticket.id, 'retriaged')).length, { timeout: 20_000 }).toBe(1);
      expect((await events(ticket.id, 'retriaged'))[0]).toMatchObject({ actorId: api.userId(demo.requester), reason: expect.stringContaining('routing unchanged') });

      const edits = await events(ticket.id, 'details_edited');
      expect(edits.map((e) => [e.oldValue, e.newValue])).toEqual([
        [
          { title: 'Printer on floor 3 is jammed', description: 'Paper stuck in tray 2.' },
          { title: 'PRINTER on floor 3 is jammed!', description: 'Paper stuck in tray 2.', material: false },
        ],
        [
          { title: 'PRINTER on floor 3 is jammed!', description: 'Paper stuck in tray 2.' },
          { title: 'PRINTER on floor 3 is jammed!', description: 'The toner cartridge is empty, nothing is jammed.', material: true },
        ],
      ]);
      expect(edits.every((e) => e.actorId === api.userId(demo.requester))).toBe(true);
      // The history shows the edit; search finds the new words.
      expect((await rita.api.ticket.history.query({ id: ticket.id })).events.map((e) => e.kind)).toContain('details_edited');
      expect((await rita.api.ticket.search.query({ q: 'toner cartridge' })).items.map((t) => t.id)).toContain(ticket.id);
    } finally {
      await setLifecycle({ triageMinConfidence: 0.5 });
    }
  });

  it('is refused once an agent has the ticket, for its staff and for anyone else; the input is validated', async () => {
    const rita = await api.signIn(demo.requester);
    const created = await rita.api.ticket.create.mutate({ title: 'Laptop fan is loud', description: 'Since Monday.' });
    await api.route(created.id, { department: 'it', assignee: demo.itAgent });
    const refused = rita.api.ticket.updateDetails.mutate({ id: created.id, title: 'Laptop fan is very loud' });
    await expect(refused).rejects.toMatchObject({ data: { code: 'BAD_REQUEST' }, message: expect.stringContaining('only while it is new or triaged') });
    const ivy = await api.signIn(demo.itAgent);
    expect(await outcome(ivy.api.ticket.updateDetails.mutate({ id: created.id, title: 'Rewritten by staff' }))).toBe('FORBIDDEN');
    const raj = await api.signIn(demo.requester2);
    expect(await outcome(raj.api.ticket.updateDetails.mutate({ id: created.id, title: 'Not mine' }))).toBe('NOT_FOUND');
    expect(await outcome(rita.api.ticket.updateDetails.mutate({ id: created.id }))).toBe('BAD_REQUEST');
    expect(await outcome(rita.api.ticket.updateDetails.mutate({ id: created.id, title: 'x' }))).toBe('BAD_REQUEST');
    expect((await api.db.select().from(tickets).where(eq(tickets.id, created.id)))[0]!.title).toBe('Laptop fan is loud');
    expect(await events(created.id, 'details_edited')).toEqual([]);
  });
});

describe('removing comments', () => {
  async function ticketWithStaff() {
    const raj = await api.signIn(demo.requester2);
    const ticket = await raj.api.ticket.create.mutate({ title: 'Docking station flickers', description: 'Both screens.' });
    await api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    return { raj, ivy: await api.signIn(demo.itAgent), ticket };
  }

  it('authors delete their own comment within the edit window: gone for everyone, kept for the audit; refused after the window and for others', async () => {
    const { raj, ivy, ticket } = await ticketWithStaff();
    const oops = await raj.api.comment.add.mutate({ ticketId: ticket.id, body: 'my password is hunter2' });
    const keep = await raj.api.comment.add.mutate({ ticketId: ticket.id, body: 'it flickers every minute' });
    expect(await outcome(ivy.api.comment.delete.mutate({ id: oops.id }))).toBe('FORBIDDEN');
    expect(await raj.api.comment.delete.mutate({ id: oops.id })).toEqual({ id: oops.id, deleted: true });
    for (const who of [raj, ivy]) expect((await who.api.comment.list.query({ ticketId: ticket.id })).comments.map((c) => c.body)).toEqual(['it flickers every minute']);
    expect(await outcome(raj.api.comment.delete.mutate({ id: oops.id }))).toBe('NOT_FOUND');
    expect(await outcome(raj.api.comment.edit.mutate({ id: oops.id, body: 'undo' }))).toBe('NOT_FOUND');
    expect((await raj.api.ticket.search.query({ q: 'hunter2' })).items).toEqual([]);
    const [row] = await api.db.select().from(comments).where(eq(comments.id, oops.id));
    expect(row).toMatchObject({ body: 'my password is hunter2', deletedAt: expect.any(Date) });
    expect((await events(ticket.id, 'comment_deleted')).map((e) => [e.actorId, e.newValue])).toEqual([[api.userId(demo.requester2), { commentId: oops.id, internal: false }]]);

    // Past the window (15 minutes by default).
    await api.db
      .update(comments)
      .set({ createdAt: new Date(Date.now() - 20 * 60_000) })
      .where(eq(comments.id, keep.id));
    await expect(raj.api.comment.delete.mutate({ id: keep.id })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' }, message: expect.stringContaining('15 minutes') });
  });

  it('staff hide a comment: requesters no longer see or find it, staff see it marked with who hid it; requesters cannot hide', async () => {
    const { raj, ivy, ticket } = await ticketWithStaff();
    const rude = await raj.api.comment.add.mutate({ ticketId: ticket.id, body: 'you are all zanzibarian clowns' });
    expect((await raj.api.ticket.search.query({ q: 'zanzibarian' })).items.map((t) => t.id)).toEqual([ticket.id]);
    expect(await outcome(raj.api.comment.hide.mutate({ id: rude.id }))).toBe('FORBIDDEN');
    const hana = await api.signIn(demo.hrAgent);
    expect(await outcome(hana.api.comment.hide.mutate({ id: rude.id }))).toBe('NOT_FOUND');
    expect(await ivy.api.comment.hide.mutate({ id: rude.id, reason: 'abusive' })).toEqual({ id: rude.id, hidden: true });

    expect((await raj.api.comment.list.query({ ticketId: ticket.id })).comments).toEqual([]);
    expect((await raj.api.ticket.search.query({ q: 'zanzibarian' })).items).toEqual([]);
    const staffView = (await ivy.api.comment.list.query({ ticketId: ticket.id })).comments;
    expect(staffView).toEqual([
      expect.objectContaining({ id: rude.id, body: 'you are all zanzibarian clowns', hidden: { at: expect.any(Date), by: { id: api.userId(demo.itAgent), name: expect.any(String) } } }),
    ]);
    expect((await ivy.api.ticket.search.query({ q: 'zanzibarian' })).items.map((t) => t.id)).toEqual([ticket.id]);
    expect((await events(ticket.id, 'comment_hidden')).map((e) => [e.actorId, e.reason])).toEqual([[api.userId(demo.itAgent), 'abusive']]);
    expect(await outcome(raj.api.comment.edit.mutate({ id: rude.id, body: 'sorry' }))).toBe('NOT_FOUND');
  });
});

describe('availability', () => {
  it('agents set their own: away until a time, a cap; validated and audited', async () => {
    const ivy = await api.signIn(demo.itAgent);
    expect(await ivy.api.availability.getMine.query()).toMatchObject({ status: 'available', awayUntil: null, maxOpenTickets: null, routable: true });
    const until = new Date(Date.now() + 3_600_000);
    const away = await ivy.api.availability.setMine.mutate({ status: 'away', awayUntil: until, maxOpenTickets: 3 });
    expect(away).toMatchObject({ userId: api.userId(demo.itAgent), status: 'away', awayUntil: until, maxOpenTickets: 3, routable: false });
    expect(await outcome(ivy.api.availability.setMine.mutate({ status: 'away', awayUntil: new Date(Date.now() - 1000) }))).toBe('BAD_REQUEST');
    expect(await outcome(ivy.api.availability.setMine.mutate({ status: 'available', awayUntil: until }))).toBe('BAD_REQUEST');
    expect(await outcome(ivy.api.availability.setMine.mutate({ status: 'available', maxOpenTickets: 0 }))).toBe('BAD_REQUEST');
    const back = await ivy.api.availability.setMine.mutate({ status: 'available', maxOpenTickets: null });
    expect(back).toMatchObject({ status: 'available', awayUntil: null, maxOpenTickets: null, routable: true });

    const admin = await api.signIn(demo.admin);
    const audit = await admin.api.admin.audit.query({ targetType: 'user', targetId: api.userId(demo.itAgent), limit: 10 });
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ['availability.set', { away: { from: true, to: false }, awayUntil: { from: until.toISOString(), to: null }, maxOpenTickets: { from: 3, to: null } }],
      ['availability.set', { away: { from: false, to: true }, awayUntil: { from: null, to: until.toISOString() }, maxOpenTickets: { from: null, to: 3 } }],
    ]);
    const requester = await api.signIn(demo.requester);
    expect(await outcome(requester.api.availability.getMine.query())).toBe('FORBIDDEN');
  });

  it('a supervisor sees and sets their team’s availability, not another department’s; agents cannot set others’', async () => {
    const sam = await api.signIn(demo.supervisor);
    const team = await sam.api.availability.team.query();
    expect(team.map((m) => m.userId)).toEqual(expect.arrayContaining([api.userId(demo.itAgent), api.userId(demo.itAgent2), api.userId(demo.supervisor)]));
    expect(team.map((m) => m.userId)).not.toContain(api.userId(demo.hrAgent));
    const otto = await sam.api.availability.set.mutate({ userId: api.userId(demo.itAgent2), status: 'away' });
    expect(otto).toMatchObject({ status: 'away', awayUntil: null, routable: false });
    await expect(sam.api.availability.set.mutate({ userId: api.userId(demo.hrAgent), status: 'away' })).rejects.toMatchObject({
      data: { code: 'FORBIDDEN' },
      message: expect.stringContaining('own departments'),
    });
    const ivy = await api.signIn(demo.itAgent);
    expect(await outcome(ivy.api.availability.set.mutate({ userId: api.userId(demo.itAgent2), status: 'available' }))).toBe('FORBIDDEN');
    expect(await outcome(ivy.api.availability.team.query())).toBe('FORBIDDEN');
    const admin = await api.signIn(demo.admin);
    expect(await admin.api.availability.set.mutate({ userId: api.userId(demo.hrAgent), status: 'away' })).toMatchObject({ status: 'away' });
    // Back to normal for the rest of the suite.
    await admin.api.availability.set.mutate({ userId: api.userId(demo.hrAgent), status: 'available' });
    await sam.api.availability.set.mutate({ userId: api.userId(demo.itAgent2), status: 'available' });
    const [entry] = await admin.api.admin.audit.query({ targetType: 'user', targetId: api.userId(demo.itAgent2), limit: 1 });
    expect(entry).toMatchObject({ action: 'availability.set', actor: { id: api.userId(demo.supervisor) } });
  });
});
