/**
 * Staff powers follow the ticket, not the role (domain/access.ts): the findings of the security
 * review, each as a person would meet it. An IT agent who files an HR grievance is its requester
 * and nothing more; a supervisor supervises their own departments; the other end of a merge or
 * link must be a ticket the actor is staff of, and otherwise does not exist for them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import type { DeskflowClient } from '../../api/client';
import { ticketLinks } from '../../db/schema';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let ivy: DeskflowClient; // IT agent
let hana: DeskflowClient; // HR agent
let sam: DeskflowClient; // IT supervisor
let admin: DeskflowClient;
let grievance: { id: string; number: number }; // filed by Ivy, worked by HR
let payroll: { id: string; number: number }; // another requester's, in HR
let itTicket: { id: string; number: number }; // assigned to Ivy, in IT
const NOTE = 'Requester is under investigation, do not disclose.';

async function file(email: string, title: string, description: string, department: string, assignee: string) {
  const { api: client } = await api.signIn(email);
  const ticket = await client.ticket.create.mutate({ title, description });
  await api.route(ticket.id, { department, assignee });
  return { id: ticket.id, number: ticket.number };
}

async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as { data?: { code?: string } }).data?.code ?? 'none', message: (error as Error).message };
  }
  return { code: 'OK', message: '' };
}

beforeAll(async () => {
  api = await startApi({ temporal: true });
  ({ api: ivy } = await api.signIn(demo.itAgent));
  ({ api: hana } = await api.signIn(demo.hrAgent));
  ({ api: sam } = await api.signIn(demo.supervisor));
  ({ api: admin } = await api.signIn(demo.admin));
  grievance = await file(demo.itAgent, 'Grievance about my manager', 'I want to raise a formal grievance about my line manager.', 'hr', demo.hrAgent);
  payroll = await file(demo.requester2, 'Payroll question about March', 'My payslip shows the wrong hours.', 'hr', demo.hrAgent);
  itTicket = await file(demo.requester, 'Laptop will not boot', 'Black screen since the update.', 'it', demo.itAgent);
  await hana.comment.add.mutate({ ticketId: grievance.id, body: NOTE, internal: true });
  await hana.comment.add.mutate({ ticketId: grievance.id, body: 'We have received your grievance and will be in touch.' });
}, 180_000);
afterAll(() => api?.stop());

describe('an agent on a ticket they filed in another department', () => {
  it('reads the conversation as its requester: no internal notes, reasons or SLA internals', async () => {
    const comments = (await ivy.comment.list.query({ ticketId: grievance.id })).comments.map((c) => c.body);
    expect(comments).toEqual(['We have received your grievance and will be in touch.']);
    expect(JSON.stringify(await ivy.ticket.history.query({ id: grievance.id }))).not.toContain('"internal":true');
    const lifecycle = await ivy.ticket.lifecycle.query({ id: grievance.id });
    expect(Object.keys(lifecycle.state ?? {}).sort()).toEqual(['autoCloseAt', 'closedAt', 'mergedInto', 'resolvedAt', 'status']);
    expect(lifecycle.allowed.every((a) => ['cancel', 'reopen', 'confirmResolution'].includes(a.action))).toBe(true);
    // HR's own agent sees the note.
    expect((await hana.comment.list.query({ ticketId: grievance.id })).comments.map((c) => c.body)).toContain(NOTE);
  });

  it('gets a room token that does not see internal, and none of the staff powers', async () => {
    const grant = await ivy.realtime.token.mutate({ ticketId: grievance.id });
    expect(await api.roomClaims(grant)).toMatchObject({ internal: false });
    expect(await outcome(ivy.ticket.suggestions.query({ id: grievance.id }))).toBe('FORBIDDEN');
    expect(await outcome(ivy.comment.add.mutate({ ticketId: grievance.id, body: 'note to self', internal: true }))).toBe('FORBIDDEN');
    expect(await outcome(ivy.ticket.escalate.mutate({ id: grievance.id, reason: 'please hurry' }))).toBe('FORBIDDEN');
    expect(await outcome(ivy.ticket.addWatcher.mutate({ id: grievance.id, userId: api.userId(demo.itAgent2) }))).toBe('FORBIDDEN');
    expect(await outcome(ivy.ticket.assign.mutate({ id: grievance.id, assigneeId: api.userId(demo.itAgent) }))).toBe('FORBIDDEN');
    const bulk = await ivy.ticket.bulkUpdate.mutate({ ticketIds: [grievance.id, payroll.id], change: { action: 'priority', priority: 'critical' } });
    expect(bulk.results.map((r) => (r.ok ? 'OK' : r.code))).toEqual(['FORBIDDEN', 'NOT_FOUND']);
  });

  it('still has staff powers on the tickets of their own department', async () => {
    await ivy.comment.add.mutate({ ticketId: itTicket.id, body: 'Checked the BIOS, no luck.', internal: true });
    expect((await ivy.comment.list.query({ ticketId: itTicket.id })).comments.map((c) => c.internal)).toContain(true);
    const grant = await ivy.realtime.token.mutate({ ticketId: itTicket.id });
    expect(await api.roomClaims(grant)).toMatchObject({ internal: true });
  });

  it('does not find the ticket by the words of its internal notes', async () => {
    const found = await ivy.ticket.search.query({ q: 'investigation disclose' });
    expect(found.items.map((t) => t.id)).not.toContain(grievance.id);
    expect((await hana.ticket.search.query({ q: 'investigation disclose' })).items.map((t) => t.id)).toContain(grievance.id);
  });
});

describe('a supervisor', () => {
  it('supervises their own department only', async () => {
    expect(await outcome(sam.ticket.get.query({ id: payroll.id }))).toBe('NOT_FOUND');
    expect((await sam.ticket.list.query({ limit: 100 })).items.map((t) => t.id)).not.toContain(payroll.id);
    expect(await outcome(sam.realtime.queueToken.mutate({ departmentId: api.departmentId('hr') }))).toBe('FORBIDDEN');
    expect(await outcome(sam.ticket.get.query({ id: itTicket.id }))).toBe('OK');
    expect((await sam.ticket.lifecycle.query({ id: itTicket.id })).allowed.map((a) => a.action)).toContain('assign');
  });
});

describe('staff of several departments', () => {
  it('have staff powers in each department an admin adds them to, and lose them when removed', async () => {
    const otto = api.userId(demo.itAgent2);
    const { api: ottoClient } = await api.signIn(demo.itAgent2);
    expect(await outcome(ottoClient.ticket.get.query({ id: payroll.id }))).toBe('NOT_FOUND');
    const updated = await admin.admin.users.update.mutate({ id: otto, extraDepartmentIds: [api.departmentId('hr')] });
    expect(updated.extraDepartmentIds).toEqual([api.departmentId('hr')]);
    const { api: ottoInHr } = await api.signIn(demo.itAgent2);
    expect((await ottoInHr.comment.list.query({ ticketId: grievance.id })).comments.map((c) => c.body)).toContain(NOTE);
    expect(await outcome(ottoInHr.realtime.queueToken.mutate({ departmentId: api.departmentId('hr') }))).toBe('OK');
    await admin.admin.users.update.mutate({ id: otto, extraDepartmentIds: [] });
    const { api: ottoBack } = await api.signIn(demo.itAgent2);
    expect(await outcome(ottoBack.ticket.get.query({ id: payroll.id }))).toBe('NOT_FOUND');
  });

  it('are refused a department that does not exist, with the field named', async () => {
    const error = await refusal(admin.admin.users.update.mutate({ id: api.userId(demo.itAgent2), extraDepartmentIds: [crypto.randomUUID()] }));
    expect(error).toEqual({ code: 'BAD_REQUEST', message: 'extraDepartmentIds: there is no such department.' });
  });
});

describe('merge and link', () => {
  it('refuse another department’s ticket as the other end as if it did not exist', async () => {
    const missing = crypto.randomUUID();
    const cases = [
      { what: 'merge into a ticket of another department', call: () => ivy.ticket.merge.mutate({ id: itTicket.id, primaryId: payroll.id }), id: payroll.id },
      { what: 'merge into a ticket they filed there', call: () => ivy.ticket.merge.mutate({ id: itTicket.id, primaryId: grievance.id }), id: grievance.id },
      { what: 'link to a ticket of another department', call: () => ivy.ticket.link.mutate({ id: itTicket.id, kind: 'related', targetId: payroll.id }), id: payroll.id },
      { what: 'link to a ticket they filed there', call: () => ivy.ticket.link.mutate({ id: itTicket.id, kind: 'parent', targetId: grievance.id }), id: grievance.id },
      { what: 'merge into a ticket that does not exist', call: () => ivy.ticket.merge.mutate({ id: itTicket.id, primaryId: missing }), id: missing },
    ];
    for (const { what, call, id } of cases) {
      const error = await refusal(call());
      expect(error, what).toEqual({ code: 'NOT_FOUND', message: `Ticket ${id} was not found.` });
    }
    for (const secret of [String(payroll.number), String(grievance.number), 'Payroll', 'Grievance', 'waiting', 'assigned']) {
      expect(JSON.stringify(await Promise.all(cases.map((c) => refusal(c.call())))), secret).not.toContain(secret);
    }
    expect(await api.db.select().from(ticketLinks).where(eq(ticketLinks.ticketId, itTicket.id))).toEqual([]);
    expect((await ivy.ticket.get.query({ id: itTicket.id })).status).not.toBe('closed');
  });

  it('go through when the actor is staff of both ends', async () => {
    const other = await file(demo.requester2, 'Laptop will not boot either', 'Same black screen.', 'it', demo.itAgent);
    await ivy.ticket.link.mutate({ id: other.id, kind: 'related', targetId: itTicket.id });
    expect(await api.db.select({ target: ticketLinks.targetTicketId }).from(ticketLinks).where(eq(ticketLinks.ticketId, other.id))).toEqual([{ target: itTicket.id }]);
  });
});
