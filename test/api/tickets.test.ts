/** Lists, filters, sorting, keyset pagination, full-text search, watchers and history (no lifecycle changes). */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildings, tickets } from '../../db/schema';
import { pgliteKind, postgresKind } from '../../dev-support/databases';
import { demo, outcome, startApi, type ApiHarness } from './support';

// PGlite and PostgreSQL through the Neon driver: search, keyset order and bytes must agree on both.
describe.each([{ kind: pgliteKind }, { kind: postgresKind() }])('on $kind.name', ({ kind }) => {
  let api: ApiHarness;
  const t0 = Date.parse('2025-03-03T09:00:00Z');
  const at = (minutes: number) => new Date(t0 + minutes * 60_000);
  let ids: Record<string, string> = {};

  beforeAll(async () => {
    api = await startApi({ database: kind.open });
    const [hq] = await api.db.select().from(buildings).where(eq(buildings.name, 'Headquarters'));
    const make = async (key: string, fields: Parameters<ApiHarness['insertTicket']>[0], extra: Partial<typeof tickets.$inferInsert> = {}) => {
      const row = await api.insertTicket(fields);
      if (Object.keys(extra).length > 0) await api.db.update(tickets).set(extra).where(eq(tickets.id, row.id));
      ids[key] = row.id;
    };
    ids = {};
    await make(
      'printer',
      { requester: demo.requester, title: 'Printer jams on every page', description: 'The printer on floor 3 jams.', department: 'it', assignee: demo.itAgent, priority: 'high', createdAt: at(0) },
      { resolutionDueAt: at(600), buildingId: hq!.id, category: 'Hardware', escalationLevel: 1 },
    );
    await make(
      'vpn',
      { requester: demo.requester, title: 'VPN disconnects hourly', description: 'The tunnel drops every hour on the hour.', department: 'it', assignee: null, status: 'triaged', createdAt: at(1) },
      { resolutionDueAt: at(300) },
    );
    await make(
      'payroll',
      { requester: demo.requester2, title: 'Payslip missing for March', description: 'I did not get my payslip.', department: 'hr', assignee: demo.hrAgent, createdAt: at(2) },
      { resolutionDueAt: null, escalationLevel: 1 },
    );
    await make(
      'laptop',
      {
        requester: demo.requester2,
        title: 'Laptop battery swollen',
        description: 'The battery bulges; it is unsafe.',
        department: 'it',
        assignee: demo.itAgent2,
        priority: 'critical',
        status: 'in_progress',
        createdAt: at(3),
      },
      { resolutionDueAt: at(120), slaState: 'at_risk', escalationLevel: 2 },
    );
    await make(
      'desk',
      { requester: demo.requester3, title: 'Desk is wobbly', description: 'My standing desk wobbles.', department: 'facilities', createdAt: at(4), status: 'resolved' },
      // Escalated once, but resolved since: no longer an open escalation.
      { resolutionDueAt: at(900), escalationLevel: 3 },
    );
    // Same creation instant, to prove the keyset never skips or repeats ties.
    for (let i = 0; i < 5; i++) await make(`tie${i}`, { requester: demo.requester3, title: `Monitor ${i} flickers`, description: 'Flicker.', department: 'it', createdAt: at(10) });
  }, 120_000);
  afterAll(async () => {
    await api?.stop();
    await kind.stop();
  });

  const titles = (page: { items: { title: string }[] }) => page.items.map((t) => t.title);

  describe('visibility in lists', () => {
    it('gives requesters their own tickets, agents and supervisors their department and assignments, admins all', async () => {
      const rita = await api.signIn(demo.requester);
      expect(titles(await rita.api.ticket.list.query({}))).toEqual(['VPN disconnects hourly', 'Printer jams on every page']);
      const hana = await api.signIn(demo.hrAgent);
      expect(titles(await hana.api.ticket.list.query({}))).toEqual(['Payslip missing for March']);
      const ivy = await api.signIn(demo.itAgent);
      expect((await ivy.api.ticket.list.query({ limit: 100 })).items).toHaveLength(8);
      const sam = await api.signIn(demo.supervisor);
      expect((await sam.api.ticket.list.query({ limit: 100 })).items).toHaveLength(8);
      const ada = await api.signIn(demo.admin);
      expect((await ada.api.ticket.list.query({ limit: 100 })).items).toHaveLength(10);
    });

    it('hides another requester’s ticket as NOT_FOUND, indistinguishable from a missing one', async () => {
      const rita = await api.signIn(demo.requester);
      const hidden = await rita.api.ticket.get.query({ id: ids.payroll! }).catch((e: Error) => e);
      const missing = await rita.api.ticket.get.query({ id: crypto.randomUUID() }).catch((e: Error) => e);
      expect((hidden as { data?: { code: string } }).data?.code).toBe('NOT_FOUND');
      expect((missing as { data?: { code: string } }).data?.code).toBe('NOT_FOUND');
      expect(JSON.stringify(hidden)).not.toContain('Payslip');
    });
  });

  describe('filters and sorting', () => {
    it('filters by status, priority, department, category, building, assignee, requester, SLA state and ranges', async () => {
      // An admin sees every department's tickets, so filters can be checked across all of them.
      const { api: sam } = await api.signIn(demo.admin);
      const [hq] = await api.db.select().from(buildings).where(eq(buildings.name, 'Headquarters'));
      expect(titles(await sam.ticket.list.query({ status: ['in_progress', 'triaged'] }))).toEqual(['Laptop battery swollen', 'VPN disconnects hourly']);
      expect(titles(await sam.ticket.list.query({ priority: ['critical'] }))).toEqual(['Laptop battery swollen']);
      expect(titles(await sam.ticket.list.query({ departmentId: [api.departmentId('hr'), api.departmentId('facilities')] }))).toEqual(['Desk is wobbly', 'Payslip missing for March']);
      expect(titles(await sam.ticket.list.query({ category: ['hardware'] }))).toEqual(['Printer jams on every page']);
      expect(titles(await sam.ticket.list.query({ buildingId: [hq!.id] }))).toEqual(['Printer jams on every page']);
      expect(titles(await sam.ticket.list.query({ assigneeId: api.userId(demo.itAgent2) }))).toEqual(['Laptop battery swollen']);
      expect((await sam.ticket.list.query({ assigneeId: 'none', limit: 100 })).items.map((t) => t.assignee)).toSatisfy((list: unknown[]) => list.every((a) => a === null));
      expect(titles(await sam.ticket.list.query({ requesterId: api.userId(demo.requester2) }))).toEqual(['Laptop battery swollen', 'Payslip missing for March']);
      expect(titles(await sam.ticket.list.query({ slaState: ['at_risk'] }))).toEqual(['Laptop battery swollen']);
      expect(titles(await sam.ticket.list.query({ createdFrom: at(1), createdTo: at(3) }))).toEqual(['Payslip missing for March', 'VPN disconnects hourly']);
      expect(titles(await sam.ticket.list.query({ dueFrom: at(100), dueTo: at(400), sort: 'due' }))).toEqual(['Laptop battery swollen', 'VPN disconnects hourly']);
      const ivy = await api.signIn(demo.itAgent);
      expect(titles(await ivy.api.ticket.list.query({ assigneeId: 'me' }))).toEqual(['Printer jams on every page']);
    });

    it('lists the open escalated tickets each viewer is staff of, with their levels; escalation stays hidden from requesters', async () => {
      const escalations = (page: { items: { title: string; escalationLevel: number | null }[] }) => page.items.map((t) => [t.title, t.escalationLevel]);
      const { api: ada } = await api.signIn(demo.admin);
      // Soonest due first (undated last); the resolved desk ticket is escalated but no longer open.
      expect(escalations(await ada.ticket.list.query({ escalated: true, sort: 'due' }))).toEqual([
        ['Laptop battery swollen', 2],
        ['Printer jams on every page', 1],
        ['Payslip missing for March', 1],
      ]);
      // Keyset pages under the filter: the same three, once each.
      const first = await ada.ticket.list.query({ escalated: true, sort: 'due', limit: 2 });
      const second = await ada.ticket.list.query({ escalated: true, sort: 'due', limit: 2, cursor: first.nextCursor! });
      expect([...titles(first), ...titles(second)]).toEqual(['Laptop battery swollen', 'Printer jams on every page', 'Payslip missing for March']);
      expect(second.nextCursor).toBeNull();
      const notEscalated = await ada.ticket.list.query({ escalated: false, limit: 100 });
      expect(notEscalated.items).toHaveLength(7);
      expect(titles(notEscalated)).toContain('Desk is wobbly');
      expect(notEscalated.items.find((t) => t.title === 'Desk is wobbly')?.escalationLevel).toBe(3);
      // A supervisor and an agent: their departments' escalations only.
      const { api: sam } = await api.signIn(demo.supervisor);
      expect(escalations(await sam.ticket.list.query({ escalated: true, sort: 'due' }))).toEqual([
        ['Laptop battery swollen', 2],
        ['Printer jams on every page', 1],
      ]);
      const { api: hana } = await api.signIn(demo.hrAgent);
      expect(escalations(await hana.ticket.list.query({ escalated: true }))).toEqual([['Payslip missing for March', 1]]);
      // The requester who filed escalated tickets sees them, but not that they are escalated.
      const { api: rita } = await api.signIn(demo.requester);
      expect((await rita.ticket.list.query({ escalated: true })).items).toEqual([]);
      expect(escalations(await rita.ticket.list.query({ escalated: false }))).toEqual([
        ['VPN disconnects hourly', null],
        ['Printer jams on every page', null],
      ]);
      expect((await rita.ticket.get.query({ id: ids.printer! })).escalationLevel).toBeNull();
      expect((await sam.ticket.get.query({ id: ids.printer! })).escalationLevel).toBe(1);
    });

    it('sorts by due date soonest first with undated tickets last, and by update time', async () => {
      // An admin sees every department's tickets, so filters can be checked across all of them.
      const { api: sam } = await api.signIn(demo.admin);
      const due = await sam.ticket.list.query({ sort: 'due', limit: 100, status: ['assigned', 'triaged', 'in_progress', 'resolved'] });
      expect(titles(due).slice(0, 4)).toEqual(['Laptop battery swollen', 'VPN disconnects hourly', 'Printer jams on every page', 'Desk is wobbly']);
      expect(due.items.slice(4).every((t) => t.resolutionDueAt === null)).toBe(true);
      await api.db
        .update(tickets)
        .set({ updatedAt: new Date(Date.now() + 60_000) })
        .where(eq(tickets.id, ids.payroll!));
      expect(titles(await sam.ticket.list.query({ sort: 'updated', limit: 1 }))).toEqual(['Payslip missing for March']);
    });

    it('pages with keyset cursors without skipping or repeating, in every sort order', async () => {
      // An admin sees every department's tickets, so filters can be checked across all of them.
      const { api: sam } = await api.signIn(demo.admin);
      for (const [sort, order] of [
        ['created', 'desc'],
        ['created', 'asc'],
        ['due', 'asc'],
        ['due', 'desc'],
        ['updated', 'desc'],
      ] as const) {
        const all = (await sam.ticket.list.query({ sort, order, limit: 100 })).items.map((t) => t.id);
        const paged: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await sam.ticket.list.query({ sort, order, limit: 3, cursor });
          paged.push(...page.items.map((t) => t.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        expect(paged, `${sort} ${order}`).toEqual(all);
        expect(new Set(paged).size).toBe(10);
      }
    });

    it('refuses a forged cursor or one from another sort order', async () => {
      // An admin sees every department's tickets, so filters can be checked across all of them.
      const { api: sam } = await api.signIn(demo.admin);
      const first = await sam.ticket.list.query({ limit: 2 });
      expect(await outcome(sam.ticket.list.query({ cursor: 'bm9wZQ' }))).toBe('BAD_REQUEST');
      expect(await outcome(sam.ticket.list.query({ sort: 'due', cursor: first.nextCursor! }))).toBe('BAD_REQUEST');
      const forged = Buffer.from(JSON.stringify({ s: 'created', o: 'desc', v: "x'; drop table tickets; --", id: crypto.randomUUID() })).toString('base64url');
      expect(await outcome(sam.ticket.list.query({ cursor: forged }))).toBe('BAD_REQUEST');
    });
  });

  describe('full-text search', () => {
    it('finds words in titles, descriptions and comments, stemmed and ranked, within visibility', async () => {
      const ivy = await api.signIn(demo.itAgent);
      await ivy.api.comment.add.mutate({ ticketId: ids.vpn!, body: 'Looks like the wireless driver again', internal: true });
      const results = await ivy.api.ticket.search.query({ q: 'printers jamming' });
      expect(results.items[0]!.title).toBe('Printer jams on every page');
      expect(results.items[0]!.snippet).toContain('«');

      const sam = await api.signIn(demo.supervisor);
      const byDescription = await sam.api.ticket.search.query({ q: 'tunnel' });
      expect(titles(byDescription)).toEqual(['VPN disconnects hourly']);
      // Title matches outrank description-only ones.
      const ranked = await sam.api.ticket.search.query({ q: 'battery' });
      expect(ranked.items[0]!.title).toBe('Laptop battery swollen');

      // Comments count, internal notes only for staff.
      expect(titles(await sam.api.ticket.search.query({ q: 'drivers' }))).toEqual(['VPN disconnects hourly']);
      const rita = await api.signIn(demo.requester);
      expect(titles(await rita.api.ticket.search.query({ q: 'drivers' }))).toEqual([]);

      const raj = await api.signIn(demo.requester2);
      expect(titles(await raj.api.ticket.search.query({ q: 'printer' }))).toEqual([]); // not his
      expect(titles(await raj.api.ticket.search.query({ q: 'payslip' }))).toEqual(['Payslip missing for March']);
    });
  });
});
