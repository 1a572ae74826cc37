/**
 * The reports' aggregates stay exact under concurrency: many tickets changing at once (the same
 * day's counters contended), every change delivered twice at the same moment (an activity retry),
 * and the API setting a building while the workflow's first change lands. Checked against the
 * audit trail and ticket rows the same transactions wrote, on PGlite and on a real PostgreSQL.
 * The rollups the reports read (report_rollup, report_rollup_values) stay equal to a recomputation
 * from ticket_facts while many tickets move between departments, priorities and assignees in
 * opposite directions at once, are rated, escalated and deleted.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { buildings, departments, reportDaily, ticketFacts, ticketIntake, tickets, users } from '../../db/schema';
import { rateTicket } from '../../api/reports/ratings';
import { toSessionUser } from '../../api/auth/session';
import { seedDemo } from '../../db/seed';
import { pgliteKind, postgresKind } from '../../dev-support/databases';
import { createActivities } from '../../worker/activities';
import type { TicketChange } from '../../workflows/types';

const postgres = postgresKind();
afterAll(() => postgres.stop());

const TICKETS = 40;
const HOUR = 3_600_000;

describe.each([pgliteKind, postgres])('on $name', (kind) => {
  let database: Database;
  beforeEach(async () => {
    database = await kind.open();
    await seedDemo(database.db, 'a-demo-password');
  });
  afterEach(() => database.close());

  it('counts every ticket opened, resolved and reopened exactly once while changes race and repeat', async () => {
    const { db } = database;
    const activities = createActivities({ db });
    const [requester] = await db.select().from(users).where(eq(users.email, 'rita.requester@deskflow.test'));
    const [it] = await db.select().from(departments).where(eq(departments.slug, 'it'));
    const [building] = await db.insert(buildings).values({ name: 'North' }).returning();
    // Noon UTC on one day: whatever the organisation's timezone, all changes fall on one local day.
    const noon = Date.UTC(2026, 2, 10, 12);

    const ids: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const [intake] = await db
        .insert(ticketIntake)
        .values({ requesterId: requester!.id, idempotencyKey: `rollups-${i}` })
        .returning();
      await activities.insertTicket({
        ticketId: intake!.id,
        number: intake!.number,
        title: `Ticket ${i}`,
        description: 'x',
        urgency: 'medium',
        requesterId: requester!.id,
        dedupeKey: `w${i}#created`,
      });
      ids.push(intake!.id);
    }
    const clocks = (at: number, stopped: boolean): NonNullable<TicketChange['facts']> => ({
      at,
      paused: false,
      firstResponse: { elapsedMs: 60_000, targetMs: 3_600_000, cycle: 1, stopped: true, met: true, breached: false, atRisk: false },
      resolution: { elapsedMs: 120_000, targetMs: 14_400_000, cycle: 1, stopped, met: stopped, breached: false, atRisk: false },
    });
    const changesOf = (ticketId: string, i: number): TicketChange[] => {
      const base = { ticketId, actorId: null, source: 'workflow' as const };
      const set = { departmentId: it!.id, priority: 'medium' as const, category: 'Hardware' };
      return [
        { ...base, seq: 1, dedupeKey: `w${i}#1`, kind: 'triaged', set: { ...set, status: 'triaged' }, facts: clocks(noon, false) },
        { ...base, seq: 2, dedupeKey: `w${i}#2`, kind: 'status_changed', set: { ...set, status: 'resolved', resolvedAt: noon + HOUR }, facts: clocks(noon + HOUR, true) },
        { ...base, seq: 3, dedupeKey: `w${i}#3`, kind: 'reopened', set: { ...set, status: 'in_progress', resolvedAt: null }, facts: clocks(noon + 2 * HOUR, false) },
        { ...base, seq: 4, dedupeKey: `w${i}#4`, kind: 'status_changed', set: { ...set, status: 'resolved', resolvedAt: noon + 3 * HOUR }, facts: clocks(noon + 3 * HOUR, true) },
      ];
    };
    // Each ticket's changes in order (as its workflow sends them), each one twice at once; all tickets at once; the API sets the building meanwhile.
    await Promise.all(
      ids.map(async (ticketId, i) => {
        const setBuilding = db.transaction(async (tx) => {
          await tx.update(tickets).set({ buildingId: building!.id }).where(eq(tickets.id, ticketId));
          await tx.update(ticketFacts).set({ buildingId: building!.id }).where(eq(ticketFacts.ticketId, ticketId));
        });
        for (const change of changesOf(ticketId, i)) await Promise.all([activities.applyTicketChange(change), activities.applyTicketChange(change)]);
        await setBuilding;
      }),
    );

    const [daily] = await db
      .select({ created: sql<number>`sum(${reportDaily.created})::int`, resolved: sql<number>`sum(${reportDaily.resolved})::int`, reopened: sql<number>`sum(${reportDaily.reopened})::int` })
      .from(reportDaily);
    // The same figures from the raw tables: tickets, and status events of the audit trail.
    const raw = await db.execute<{ created: number; resolved: number; reopened: number }>(sql`
      select (select count(*) from tickets)::int as created,
             (select count(*) from ticket_events where field = 'status' and new_value = '"resolved"'::jsonb)::int as resolved,
             (select count(*) from ticket_events where kind = 'reopened' and field = 'status')::int as reopened`);
    const expected = (raw as unknown as { rows: { created: number; resolved: number; reopened: number }[] }).rows[0]!;
    expect(expected).toEqual({ created: TICKETS, resolved: 2 * TICKETS, reopened: TICKETS });
    expect(daily).toEqual(expected);
    // All on one local day; the counters of an event carry the building as it was then (set before or after the event, as the race went).
    expect(new Set((await db.select({ day: reportDaily.day }).from(reportDaily)).map((r) => r.day))).toEqual(new Set(['2026-03-10']));

    const facts = await db.select().from(ticketFacts);
    expect(facts).toHaveLength(TICKETS);
    for (const f of facts) {
      expect(f).toMatchObject({ status: 'resolved', reopenCount: 1, resolutionCycle: 1, resolutionMs: 120_000, firstResponseMet: true, buildingId: building!.id, lifecycleSeq: 4 });
      expect(f.resolvedAt?.getTime()).toBe(noon + 3 * HOUR);
      expect(f.createdAt.getTime()).toBe(noon);
    }
  });
  it('keeps the rollups equal to a recomputation from ticket_facts while tickets move between rollup rows in opposite directions at once', async () => {
    const { db } = database;
    const activities = createActivities({ db });
    const [requester] = await db.select().from(users).where(eq(users.email, 'rita.requester@deskflow.test'));
    const agents = await db.select().from(users).where(eq(users.role, 'agent'));
    const [it, hr] = await Promise.all(['it', 'hr'].map(async (slug) => (await db.select().from(departments).where(eq(departments.slug, slug)))[0]!));
    const [building] = await db.insert(buildings).values({ name: 'South' }).returning();
    const noon = Date.UTC(2026, 4, 12, 12);
    const ids: string[] = [];
    for (let i = 0; i < TICKETS; i++) {
      const [intake] = await db
        .insert(ticketIntake)
        .values({ requesterId: requester!.id, idempotencyKey: `moves-${i}` })
        .returning();
      await activities.insertTicket({ ticketId: intake!.id, number: intake!.number, title: `Move ${i}`, description: 'x', urgency: 'medium', requesterId: requester!.id, dedupeKey: `m${i}#created` });
      ids.push(intake!.id);
    }
    // Even tickets start where odd ones end and the other way round, so concurrent changes subtract from and add to the same rollup rows in opposite orders.
    const sides = [
      { departmentId: it!.id, priority: 'low' as const, category: 'Hardware', assigneeId: agents[0]!.id },
      { departmentId: hr!.id, priority: 'high' as const, category: 'HR Support', assigneeId: agents[1]!.id },
    ];
    const clocks = (at: number, i: number, step: number, stopped: boolean): NonNullable<TicketChange['facts']> => ({
      at,
      paused: step === 2,
      firstResponse: { elapsedMs: 1_000 * (i + 1) * step, targetMs: 3_600_000, cycle: 1, stopped: step >= 2, met: step >= 2, breached: false, atRisk: step === 1 },
      resolution: { elapsedMs: 60_000 * (i + 1) * step, targetMs: 14_400_000, cycle: 1, stopped, met: stopped, breached: i % 3 === 0 && step >= 2, atRisk: false },
    });
    const changesOf = (ticketId: string, i: number): TicketChange[] => {
      const base = { ticketId, actorId: null, source: 'workflow' as const };
      const [from, to] = i % 2 === 0 ? [sides[0]!, sides[1]!] : [sides[1]!, sides[0]!];
      return [
        { ...base, seq: 1, dedupeKey: `m${i}#1`, kind: 'triaged', set: { ...from, status: 'assigned' }, facts: clocks(noon, i, 1, false) },
        { ...base, seq: 2, dedupeKey: `m${i}#2`, kind: 'reclassified', set: { ...to, status: 'waiting_on_customer' }, facts: clocks(noon + HOUR, i, 2, false) },
        { ...base, seq: 3, dedupeKey: `m${i}#3`, kind: 'escalated', set: { ...to, status: 'in_progress', escalationLevel: 1 + (i % 2) }, facts: clocks(noon + 2 * HOUR, i, 3, false) },
        { ...base, seq: 4, dedupeKey: `m${i}#4`, kind: 'status_changed', set: { ...to, status: 'resolved', resolvedAt: noon + 3 * HOUR }, facts: clocks(noon + 3 * HOUR, i, 4, true) },
      ];
    };
    const rita = toSessionUser({ ...requester!, extraDepartmentIds: [] });
    await Promise.all(
      ids.map(async (ticketId, i) => {
        const setBuilding = db.transaction(async (tx) => {
          await tx.update(tickets).set({ buildingId: building!.id }).where(eq(tickets.id, ticketId));
          await tx.update(ticketFacts).set({ buildingId: building!.id }).where(eq(ticketFacts.ticketId, ticketId));
        });
        for (const change of changesOf(ticketId, i)) await Promise.all([activities.applyTicketChange(change), activities.applyTicketChange(change)]);
        await setBuilding;
        if (i % 4 !== 3) await rateTicket(db, rita, { ticketId, score: 1 + (i % 5) });
      }),
    );
    // A deleted ticket takes its contribution with it.
    await db.delete(tickets).where(eq(tickets.id, ids[TICKETS - 1]!));

    const rowsOf = async <T>(query: ReturnType<typeof sql>) => (await db.execute(query)) as unknown as { rows: T[] };
    // The rollups as kept (rows emptied by moves left out) and as recomputed from the facts rows now, counting directly.
    const recomputed = await rowsOf<{ row: Record<string, unknown> }>(sql`
      select jsonb_build_object('day', f.report_day, 'department_id', f.department_id, 'category', f.category, 'priority', f.priority, 'building_id', f.building_id, 'assignee_id', f.assignee_id,
        'tickets', count(*), 'resolved', count(*) filter (where f.resolved_at is not null), 'fr_met', count(*) filter (where f.first_response_met), 'res_breached', count(*) filter (where f.resolution_breached),
        'paused_now', count(*) filter (where f.paused_since is not null), 'paused_ms', sum(f.paused_ms), 'ratings', count(f.rating), 'rating_sum', coalesce(sum(f.rating), 0),
        'frt_count', count(*) filter (where f.first_responded_at is not null and f.first_response_ms is not null)) as row
      from ticket_facts f group by f.report_day, f.department_id, f.category, f.priority, f.building_id, f.assignee_id, f.sla_policy_id`);
    const keptFigures = await rowsOf<{ row: Record<string, unknown> }>(sql`
      select jsonb_build_object('day', r.day, 'department_id', r.department_id, 'category', r.category, 'priority', r.priority, 'building_id', r.building_id, 'assignee_id', r.assignee_id,
        'tickets', r.tickets, 'resolved', r.resolved, 'fr_met', r.fr_met, 'res_breached', r.res_breached, 'paused_now', r.paused_now, 'paused_ms', r.paused_ms, 'ratings', r.ratings,
        'rating_sum', r.rating_sum, 'frt_count', r.frt_count) as row
      from report_rollup r where r.tickets <> 0`);
    const sortRows = (list: { row: Record<string, unknown> }[]) => list.map((r) => JSON.stringify(r.row, Object.keys(r.row).sort())).sort();
    expect(recomputed.rows.length).toBeGreaterThan(1);
    expect(sortRows(keptFigures.rows)).toEqual(sortRows(recomputed.rows));
    // Every column of both rollups, against the set-based rebuild (the migration's backfill) of the same facts rows.
    const snapshot = async () => ({
      rollup: (await rowsOf<{ row: string }>(sql`select (to_jsonb(r) - 'id')::text as row from report_rollup r where to_jsonb(r) - 'id' <> '{}' order by 1`)).rows
        .map((r) => JSON.parse(r.row) as Record<string, unknown>)
        .filter((r) => Object.entries(r).some(([k, v]) => typeof v === 'number' && v !== 0 && k !== 'day')),
      values: (await rowsOf<{ row: string }>(sql`select (to_jsonb(v) - 'id')::text as row from report_rollup_values v where v.count <> 0 or v.sum <> 0 order by 1`)).rows.map((r) => r.row),
      valuesByPriority: (await rowsOf<{ row: string }>(sql`select (to_jsonb(v) - 'id')::text as row from report_rollup_values_by_priority v where v.count <> 0 or v.sum <> 0 order by 1`)).rows.map(
        (r) => r.row,
      ),
    });
    const maintained = await snapshot();
    expect(maintained.values.length).toBeGreaterThan(2);
    await db.execute(sql`select report_rollups_rebuild()`);
    const rebuilt = await snapshot();
    expect(maintained.rollup).toEqual(rebuilt.rollup);
    expect(maintained.values).toEqual(rebuilt.values);
    expect(maintained.valuesByPriority).toEqual(rebuilt.valuesByPriority);
    // Tickets moved between priorities: the per-priority distributions still add up to the others.
    const summedOverPriority = await rowsOf<{ row: string }>(
      sql`select to_jsonb(x)::text as row from (select day, department_id, assignee_id, measure, bucket, sum(count)::int as count, sum(sum)::bigint as sum
          from report_rollup_values_by_priority group by 1, 2, 3, 4, 5 having sum(count) <> 0 or sum(sum) <> 0) x order by 1`,
    );
    const unsplit = await rowsOf<{ row: string }>(
      sql`select to_jsonb(x)::text as row from (select day, department_id, assignee_id, measure, bucket, count, sum from report_rollup_values where count <> 0 or sum <> 0) x order by 1`,
    );
    expect(summedOverPriority.rows).toEqual(unsplit.rows);
    // And the figures a person would check: everything resolved, the expected escalations, the ratings given.
    const [totals] = (
      await rowsOf<Record<string, number>>(sql`select sum(tickets)::int as tickets, sum(resolved)::int as resolved, sum(ratings)::int as ratings, sum(open)::int as open from report_rollup`)
    ).rows;
    expect(totals).toEqual({ tickets: TICKETS - 1, resolved: TICKETS - 1, ratings: ids.slice(0, TICKETS - 1).filter((_, i) => i % 4 !== 3).length, open: 0 });
    const levels = (
      await rowsOf<{ level: number; tickets: number }>(
        sql`select bucket as level, sum(count)::int as tickets from report_rollup_values where measure = 3 group by bucket having sum(count) > 0 order by bucket`,
      )
    ).rows;
    expect(levels).toEqual([
      { level: 1, tickets: Math.ceil((TICKETS - 1) / 2) },
      { level: 2, tickets: Math.floor((TICKETS - 1) / 2) },
    ]);
  });
});
