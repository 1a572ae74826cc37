/**
 * Satisfaction ratings and exports over HTTP: the requester rates a resolved ticket (changeable,
 * one per cycle; a low score tells the department's supervisor), the one-click link, the ticket
 * list as a streamed CSV in the caller's scope, report sections as CSV and the report as XLSX.
 * The figures themselves: test/workflows/reports.test.ts.
 */
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRatingToken } from '../../db/rating-links';
import { EXPORT_BATCH_SIZE, ticketColumns } from '../../api/reports/exports';
import { notifications, ticketRatings } from '../../db/schema';
import { demo, outcome, ROOM_SECRET, startApi, type ApiHarness } from './support';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApi();
}, 120_000);
afterAll(() => api?.stop());

const bearer = async (email: string) => ({ authorization: `Bearer ${(await api.signIn(email)).token}` });

describe('satisfaction', () => {
  it('lets the requester rate a resolved ticket, change the rating, and tells the supervisor about a low one', async () => {
    const ticket = await api.insertTicket({ requester: demo.requester, department: 'it', assignee: demo.itAgent, status: 'resolved' });
    const requester = (await api.signIn(demo.requester)).api;
    expect(await requester.report.rating.query({ ticketId: ticket.id })).toMatchObject({ canRate: true, cycle: 1, rating: null });
    await requester.report.rate.mutate({ ticketId: ticket.id, score: 5, comment: 'great' });
    const changed = await requester.report.rate.mutate({ ticketId: ticket.id, score: 1, comment: 'actually it broke again' });
    expect(changed).toMatchObject({ cycle: 1, score: 1, comment: 'actually it broke again' });
    expect(await api.db.select().from(ticketRatings).where(eq(ticketRatings.ticketId, ticket.id))).toHaveLength(1);
    const told = await api.db.select().from(notifications).where(eq(notifications.kind, 'low_rating'));
    expect(told.map((n) => n.userId)).toEqual([api.userId(demo.supervisor)]);
    expect(told[0]).toMatchObject({ ticketId: ticket.id, title: `Ticket #${ticket.number} was rated 1/5` });

    // Nobody else rates it; an open ticket is not rated yet; scores are 1 to 5.
    expect(await outcome((await api.signIn(demo.itAgent)).api.report.rate.mutate({ ticketId: ticket.id, score: 5 }))).toBe('FORBIDDEN');
    expect(await outcome((await api.signIn(demo.requester2)).api.report.rate.mutate({ ticketId: ticket.id, score: 5 }))).toBe('NOT_FOUND');
    const open = await api.insertTicket({ requester: demo.requester, department: 'it', status: 'in_progress' });
    expect(await outcome(requester.report.rate.mutate({ ticketId: open.id, score: 4 }))).toBe('BAD_REQUEST');
    expect(await outcome(requester.report.rate.mutate({ ticketId: ticket.id, score: 6 }))).toBe('BAD_REQUEST');

    // After 7 days the rating stands.
    await api.db
      .update(ticketRatings)
      .set({ createdAt: sql`now() - interval '8 days'` })
      .where(eq(ticketRatings.ticketId, ticket.id));
    expect(await requester.report.rating.query({ ticketId: ticket.id })).toMatchObject({ canRate: false, reason: 'A rating can be changed for 7 days.' });
    expect(await outcome(requester.report.rate.mutate({ ticketId: ticket.id, score: 3 }))).toBe('BAD_REQUEST');
  });

  it('rates through a signed one-click link without signing in, and refuses a tampered or expired one', async () => {
    const ticket = await api.insertTicket({ requester: demo.requester3, department: 'it', status: 'resolved' });
    const claims = { ticketId: ticket.id, cycle: 1, requesterId: api.userId(demo.requester3), expiresAt: Date.now() + 60_000 };
    const anonymous = api.client();
    const token = signRatingToken(claims, ROOM_SECRET);
    expect(await anonymous.report.rateByLink.mutate({ token, score: 4 })).toMatchObject({ ticketId: ticket.id, score: 4 });
    const tampered = signRatingToken({ ...claims, ticketId: crypto.randomUUID() }, 'another-secret-0123456789abcdef0123456789');
    expect(await outcome(anonymous.report.rateByLink.mutate({ token: tampered, score: 1 }))).toBe('BAD_REQUEST');
    const expired = signRatingToken({ ...claims, expiresAt: Date.now() - 1 }, ROOM_SECRET);
    expect(await outcome(anonymous.report.rateByLink.mutate({ token: expired, score: 1 }))).toBe('BAD_REQUEST');
  });
});

describe('exports', () => {
  it('streams the caller’s visible tickets as CSV in keyset batches, with the list’s filters and the column dictionary as header', async () => {
    // More than two batches in HR (the IT agent must see none of them), and a few in IT.
    const hr = api.departmentId('hr');
    const it = api.departmentId('it');
    const requesterId = api.userId(demo.requester2);
    const many = EXPORT_BATCH_SIZE * 2 + 17;
    await api.db.execute(sql`
      with intake as (
        insert into ticket_intake (requester_id, idempotency_key) select ${requesterId}::uuid, 'export-' || g from generate_series(1, ${many + 5}) g returning id, number
      )
      insert into tickets (id, number, title, description, urgency, priority, status, department_id, requester_id, workflow_id, created_at)
      select id, number, 'Export ' || number, 'x', 'low', 'low', 'assigned', case when number % ${many + 5} < 5 then ${it}::uuid else ${hr}::uuid end, ${requesterId}::uuid, 'ticket-' || number,
             now() - (number || ' seconds')::interval
      from intake`);

    const admin = await fetch(`${api.url}/api/exports/tickets.csv?departmentId=${hr}`, { headers: await bearer(demo.admin) });
    expect(admin.status).toBe(200);
    expect(admin.headers.get('content-type')).toContain('text/csv');
    expect(admin.headers.get('content-disposition')).toMatch(/^attachment; filename="tickets-\d{4}-\d\d-\d\d\.csv"$/);
    const rows = parse(await admin.text()) as string[][];
    expect(rows[0]).toEqual(ticketColumns.map(([name]) => name));
    const hrCount = Number(((await api.db.execute(sql`select count(*)::int as n from tickets where department_id = ${hr}::uuid`)) as unknown as { rows: { n: number }[] }).rows[0]!.n);
    expect(rows.length - 1).toBe(hrCount);
    expect(hrCount).toBeGreaterThan(2 * EXPORT_BATCH_SIZE);
    // Newest first, each ticket once across batch edges.
    const numbers = rows.slice(1).map((r) => Number(r[0]));
    expect(new Set(numbers).size).toBe(numbers.length);

    const agent = parse(await (await fetch(`${api.url}/api/exports/tickets.csv?status=assigned`, { headers: await bearer(demo.itAgent) })).text()) as string[][];
    expect(agent.slice(1).every((r) => r[6] === 'IT')).toBe(true);
    expect(agent.length - 1).toBeGreaterThanOrEqual(5);

    // The SLA board's escalated filter, as the query string spells it.
    await api.db.execute(
      sql`update tickets set escalation_level = 2 where department_id = ${hr}::uuid and number in (select number from tickets where department_id = ${hr}::uuid order by number limit 3)`,
    );
    const escalated = parse(await (await fetch(`${api.url}/api/exports/tickets.csv?escalated=true&departmentId=${hr}`, { headers: await bearer(demo.admin) })).text()) as string[][];
    expect(escalated).toHaveLength(1 + 3);
    const notEscalated = parse(await (await fetch(`${api.url}/api/exports/tickets.csv?escalated=false&departmentId=${hr}`, { headers: await bearer(demo.admin) })).text()) as string[][];
    expect(notEscalated.length - 1).toBe(hrCount - 3);
    const unclear = await fetch(`${api.url}/api/exports/tickets.csv?escalated=yes`, { headers: await bearer(demo.admin) });
    expect(unclear.status).toBe(400);
    expect(await unclear.json()).toMatchObject({ error: 'BAD_REQUEST', fieldErrors: { escalated: expect.any(Array) } });

    expect((await fetch(`${api.url}/api/exports/tickets.csv`)).status).toBe(401);
    const bad = await fetch(`${api.url}/api/exports/tickets.csv?status=nonsense`, { headers: await bearer(demo.admin) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: 'BAD_REQUEST', fieldErrors: { status: expect.any(Array) } });
  });

  it('exports report sections as CSV and the report as XLSX for staff in their scope', async () => {
    const period = 'from=2026-01-01&to=2026-01-31';
    const sla = await fetch(`${api.url}/api/exports/report.csv?section=sla&${period}`, { headers: await bearer(demo.supervisor) });
    expect(sla.status).toBe(200);
    expect(parse(await sla.text())).toEqual([
      ['target', 'total', 'met', 'breached', 'open', 'at_risk', 'met_rate', 'breached_rate'],
      ['first_response', '0', '0', '0', '0', '0', '', ''],
      ['resolution', '0', '0', '0', '0', '0', '', ''],
    ]);
    const volume = parse(await (await fetch(`${api.url}/api/exports/report.csv?section=volume&${period}&interval=week`, { headers: await bearer(demo.admin) })).text()) as string[][];
    expect(volume[0]).toEqual(['week_start', 'created', 'resolved', 'reopened']);
    expect(volume).toHaveLength(1 + 5);

    const xlsx = await fetch(`${api.url}/api/exports/report.xlsx?${period}`, { headers: await bearer(demo.itAgent) });
    expect(xlsx.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await xlsx.arrayBuffer()) as never);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['period', 'sla', 'times', 'backlog', 'volume', 'agents', 'departments', 'buildings', 'escalations', 'satisfaction', 'quality']);
    expect(workbook.getWorksheet('period')!.getRow(4).values).toEqual([undefined, 'scope', 'own']);

    expect((await fetch(`${api.url}/api/exports/report.xlsx?${period}`, { headers: await bearer(demo.requester) })).status).toBe(403);
    expect((await fetch(`${api.url}/api/exports/report.csv?section=sla&${period}&departmentId=${api.departmentId('hr')}`, { headers: await bearer(demo.supervisor) })).status).toBe(403);
    expect((await fetch(`${api.url}/api/exports/report.csv?section=nope&${period}`, { headers: await bearer(demo.admin) })).status).toBe(400);
    const rest = await fetch(`${api.url}/api/reports/summary?${period}`, { headers: await bearer(demo.supervisor) });
    expect(rest.status).toBe(200);
    expect(await rest.json()).toMatchObject({ scope: 'departments', period: { from: '2026-01-01', to: '2026-01-31' } });
  });
});
