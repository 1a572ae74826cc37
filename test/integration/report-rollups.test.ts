/**
 * The reports' aggregates stay exact under concurrency: many tickets changing at once (the same
 * day's counters contended), every change delivered twice at the same moment (an activity retry),
 * and the API setting a building while the workflow's first change lands. Checked against the
 * audit trail and ticket rows the same transactions wrote, on PGlite and on a real PostgreSQL.
 */
import { eq, sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { buildings, departments, reportDaily, ticketFacts, ticketIntake, tickets, users } from '../../db/schema';
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
});
