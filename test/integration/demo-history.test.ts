/** The demo history npm start seeds: settled tickets whose aggregates agree with their events, so every report has something to show. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toSessionUser } from '../../api/auth/session';
import { buildReport } from '../../db/report-summary';
import type { Database } from '../../db/client';
import { users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { seedDemoHistory } from '../../db/seed-history';
import { freshPglite } from '../../dev-support/databases';

let database: Database;
beforeAll(async () => {
  database = await freshPglite();
  await seedDemo(database.db, 'a-demo-password');
});
afterAll(() => database?.close());

const DAY = 86_400_000;
const one = async <T>(query: ReturnType<typeof sql>) => ((await database.db.execute(query)) as unknown as { rows: T[] }).rows[0]!;

describe('demo history', () => {
  it('seeds settled tickets over 90 days with facts and daily counts that agree with the audit trail', async () => {
    const now = Date.UTC(2026, 10, 30, 12);
    const lines: string[] = [];
    expect(await seedDemoHistory(database.db, { tickets: 300, now, onProgress: (l) => lines.push(l) })).toBe(300);
    expect(lines.at(-1)).toMatch(/^demo history: 300 \/ 300 tickets/);
    const raw = await one<{ created: number; resolved: number; reopened: number; open: number; oldest: string }>(sql`
      select (select count(*) from tickets)::int as created,
             (select count(*) from ticket_events where kind = 'status_changed' and new_value = '"resolved"'::jsonb)::int as resolved,
             (select count(*) from ticket_events where kind = 'reopened')::int as reopened,
             (select count(*) from tickets where status not in ('closed', 'rejected'))::int as open,
             (select min(created_at)::text from tickets) as oldest`);
    const daily = await one<{ created: number; resolved: number; reopened: number }>(
      sql`select sum(created)::int as created, sum(resolved)::int as resolved, sum(reopened)::int as reopened from report_daily`,
    );
    expect(raw.open).toBe(0);
    expect(daily).toEqual({ created: raw.created, resolved: raw.resolved, reopened: raw.reopened });
    expect(Date.parse(raw.oldest)).toBeGreaterThanOrEqual(now - 90 * DAY);
    // Each reservation is dated like its ticket, so the per-requester limit (5 a day) leaves the demo requesters free to file.
    const intake = await one<{ matched: number; mismatched: number; lastDay: number }>(sql`
      select (select count(*) from ticket_intake i join tickets t on t.id = i.id where i.created_at = t.created_at)::int as matched,
             (select count(*) from ticket_intake i join tickets t on t.id = i.id where i.created_at <> t.created_at)::int as mismatched,
             (select count(*) from ticket_intake where created_at >= ${new Date(now - DAY).toISOString()}::timestamptz)::int as "lastDay"`);
    expect(intake).toEqual({ matched: 300, mismatched: 0, lastDay: 0 });

    const [admin] = await database.db
      .select()
      .from(users)
      .where(sql`${users.role} = 'admin'`);
    const report = await buildReport(database.db, toSessionUser({ ...admin!, extraDepartmentIds: [] }), { from: '2026-09-01', to: '2026-11-30', interval: 'week' }, new Date(now));
    expect(report.volume.created).toBe(300);
    expect(report.sla.firstResponse.met + report.sla.firstResponse.breached).toBeGreaterThan(250);
    expect(report.sla.firstResponse.breached).toBeGreaterThan(0);
    expect(report.satisfaction.count).toBeGreaterThan(50);
    expect(report.escalations.length).toBeGreaterThan(0);
    expect(report.agents.length).toBeGreaterThan(2);
    expect(report.times.resolution.p90Ms).toBeGreaterThan(report.times.resolution.p50Ms!);
  });
});
