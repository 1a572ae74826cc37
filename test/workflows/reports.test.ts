/**
 * Reports agree with the ticket histories they come from: known histories on the time-skipping
 * server (business hours Monday to Friday, 09:00–17:00 UTC; tickets opened on a Saturday so every
 * clock starts at Monday 09:00), then every figure of the report, read from the facts and daily
 * counts the workflow's activities kept. The organisation's timezone is the default calendar's
 * (Europe/London: UTC in winter; the test moves it to UTC so days are UTC days all year).
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessCalendars, DEFAULT_CALENDAR_NAME, notifications, ticketFacts, users } from '../../db/schema';
import { toSessionUser, type SessionUser } from '../../api/auth/session';
import { rateTicket } from '../../api/reports/ratings';
import { ZReportFilters } from '../../db/report-schemas';
import { buildReport } from '../../db/report-summary';
import { escalateUpdate, publicReplySignal, reclassifyUpdate, reopenUpdate, transitionUpdate } from '../../workflows/messages';
import type { BusinessCalendar } from '../../workflows/sla';
import type { Actor } from '../../workflows/types';
import { HOUR, MINUTE, nextWeekdayAt, startLifecycleHarness, type LifecycleHarness, type TicketHandle } from '../support/lifecycle';

let h: LifecycleHarness;

beforeAll(async () => {
  h = await startLifecycleHarness();
  await h.db.update(businessCalendars).set({ timezone: 'UTC' }).where(eq(businessCalendars.name, DEFAULT_CALENDAR_NAME));
});
afterAll(() => h?.stop());

const OFFICE_UTC: BusinessCalendar = { timezone: 'UTC', weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] };
const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (ms: number) => iso(ms).slice(0, 10);
const at = (monday: number, offsetDays: number, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number);
  return monday + offsetDays * 24 * HOUR + hh! * HOUR + mm! * MINUTE;
};
/** Figures in business ms, to the nearest minute (a change made "at" an instant lands a few ms later). */
const minutes = (ms: number | null | undefined) => (ms === null || ms === undefined ? ms : Math.round(ms / MINUTE));

async function sessionUser(id: string): Promise<SessionUser> {
  const [u] = await h.db.select().from(users).where(eq(users.id, id));
  return toSessionUser({ ...u!, extraDepartmentIds: [] });
}
async function assigneeOf(handle: TicketHandle): Promise<Actor> {
  const { assigneeId } = await h.state(handle);
  return h.actorOf((await h.db.select().from(users).where(eq(users.id, assigneeId!)))[0]!);
}
const reply = (handle: TicketHandle, author: Actor, when: number) =>
  handle.signal(publicReplySignal, { commentId: Math.floor(Math.random() * 1e9), authorId: author.id, authorRole: author.role, at: iso(when) });
const move = (handle: TicketHandle, actor: Actor, to: 'in_progress' | 'waiting_on_customer' | 'resolved') => handle.executeUpdate(transitionUpdate, { args: [{ actor, to }] });

describe('reports over a known history', () => {
  it('counts SLA compliance, business-time percentiles, pauses, backlog, volume, agents, breakdowns, escalations, screening, triage overrides and satisfaction exactly', async () => {
    const group = `reports-${crypto.randomUUID().slice(0, 8)}`;
    const calendar = await h.createCalendar(OFFICE_UTC);
    // First response within 60 business minutes, resolution within 4 business hours.
    const policy = await h.createPolicy({ group, calendarId: calendar.id, firstResponse: 60, resolution: 240, thresholds: [80, 100] });
    const requester = await h.createUser({ name: 'Report Requester', groups: [group] });
    const requesterActor = h.actorOf(requester);
    const sam = await h.actor('sam.supervisor@deskflow.test');

    const saturday = nextWeekdayAt(await h.now(), 6, '12:00');
    const mon = nextWeekdayAt(saturday, 1, '00:00');
    await h.advanceTo(saturday);
    const open = async (title: string) => {
      const t = await h.openTicket({ requester, title: `${title} #triage:Hardware@0.9`, description: 'Reports scenario.' });
      await h.waitFor(t.handle, (s) => s.status === 'assigned', 'assignment');
      return t;
    };
    const a = await open('Laptop will not boot');
    const b = await open('Monitor flickers');
    // Held by screening: no SLA, not routed.
    const held = await h.openTicket({
      requester,
      title: 'Limited time offer!!! Buy now',
      description: 'Click here for casino bonuses https://spam.example/a https://spam.example/b https://spam.example/c https://spam.example/d',
    });
    expect(held.view.review?.flags).toEqual(['spam']);
    const agentA = await assigneeOf(a.handle);
    const agentB = await assigneeOf(b.handle);

    // A: answered after 30 business minutes, waits on the customer 10:00–11:00, resolved at 12:00: 2 business hours, both SLAs met.
    await h.advanceTo(at(mon, 0, '09:30'));
    await reply(a.handle, agentA, at(mon, 0, '09:30'));
    await h.waitFor(a.handle, (s) => s.firstRespondedAt !== null, 'first response of A');
    await h.advanceTo(at(mon, 0, '09:40'));
    await move(a.handle, agentA, 'in_progress');
    await h.advanceTo(at(mon, 0, '10:00'));
    await move(a.handle, agentA, 'waiting_on_customer');
    // B's first response breaches at 10:00.
    await h.advanceTo(at(mon, 0, '11:00'));
    await move(a.handle, agentA, 'in_progress');
    // B: answered at 11:00 (2 business hours, breached).
    await reply(b.handle, agentB, at(mon, 0, '11:00'));
    await h.waitFor(b.handle, (s) => s.firstRespondedAt !== null, 'first response of B');
    await move(b.handle, agentB, 'in_progress');
    await h.advanceTo(at(mon, 0, '12:00'));
    await move(a.handle, agentA, 'resolved');
    // B's resolution breaches at 13:00; resolved Tuesday 10:00 (9 business hours), reopened at 11:00, resolved again at 12:00 (1 more).
    await h.advanceTo(at(mon, 1, '10:00'));
    await h.eventually(async () => (await h.eventsOfKind(b.id, 'sla_breached')).length).toBe(2);
    await move(b.handle, agentB, 'resolved');
    await h.advanceTo(at(mon, 1, '11:00'));
    await b.handle.executeUpdate(reopenUpdate, { args: [{ actor: requesterActor, reason: 'still flickers' }] });
    // C: opened Tuesday 12:00 inside hours; escalated by hand and its category corrected by the supervisor.
    await h.advanceTo(at(mon, 1, '12:00'));
    const c = await open('Docking station dead');
    const agentB2 = await assigneeOf(b.handle);
    await move(b.handle, agentB2, 'in_progress').catch(() => undefined);
    await move(b.handle, agentB2, 'resolved');
    await c.handle.executeUpdate(escalateUpdate, { args: [{ actor: sam, reason: 'VIP' }] });
    await c.handle.executeUpdate(reclassifyUpdate, { args: [{ actor: sam, category: 'Storage' }] });
    // At 12:50 C has used 50 of its 60 minutes: past the 80 % warning.
    await h.advanceTo(at(mon, 1, '12:50'));
    await h.eventually(async () => (await h.eventsOfKind(c.id, 'sla_warning')).length).toBe(1);
    const agentC = await assigneeOf(c.handle);

    // Ratings: A 4, B 2 (low: the IT supervisor is told).
    const requesterUser = await sessionUser(requester.id);
    await rateTicket(h.db, requesterUser, { ticketId: a.id, score: 4, comment: 'quick' });
    await rateTicket(h.db, requesterUser, { ticketId: b.id, score: 2, comment: 'took two tries' });
    const lowRating = await h.db.select().from(notifications).where(eq(notifications.kind, 'low_rating'));
    expect(lowRating.map((n) => [n.userId, n.ticketId])).toEqual([[sam.id, b.id]]);

    const now = new Date(await h.now());
    const admin = await sessionUser((await h.actor('admin@deskflow.test')).id);
    const filters = ZReportFilters.parse({ from: dayOf(saturday), to: dayOf(at(mon, 1, '00:00')) });
    const report = await buildReport(h.db, admin, filters, now);

    expect(report.period).toEqual({ from: dayOf(saturday), to: dayOf(at(mon, 1, '00:00')), timezone: 'UTC', interval: 'day' });
    expect(report.scope).toBe('all');
    expect(report.sla.firstResponse).toEqual({ total: 3, met: 1, breached: 1, open: 1, atRisk: 1, metRate: 0.5, breachedRate: 1 / 3 });
    expect(report.sla.resolution).toEqual({ total: 3, met: 1, breached: 1, open: 1, atRisk: 0, metRate: 0.5, breachedRate: 1 / 3 });
    expect(report.times.firstResponse.count).toBe(2);
    expect([minutes(report.times.firstResponse.p50Ms), minutes(report.times.firstResponse.p90Ms)]).toEqual([30, 120]);
    expect(report.times.resolution.count).toBe(2);
    // A: 09:00–10:00 and 11:00–12:00; B: 9 h in its first cycle and 1 h after the reopen.
    expect([minutes(report.times.resolution.p50Ms), minutes(report.times.resolution.p90Ms)]).toEqual([120, 600]);
    expect(report.times.paused.tickets).toBe(1);
    expect(minutes(report.times.paused.totalMs)).toBe(60);
    // Open now: C (50 minutes old) and the held ticket (opened Saturday noon, 3 days ago).
    expect(report.backlog).toEqual({
      open: 2,
      buckets: [
        { bucket: 'under_1d', count: 1 },
        { bucket: '1_3d', count: 0 },
        { bucket: '3_7d', count: 1 },
        { bucket: '7_30d', count: 0 },
        { bucket: 'over_30d', count: 0 },
      ],
    });
    expect(report.volume.series).toEqual([
      { start: dayOf(saturday), created: 3, resolved: 0, reopened: 0 },
      { start: dayOf(saturday + 24 * HOUR), created: 0, resolved: 0, reopened: 0 },
      { start: dayOf(mon), created: 0, resolved: 1, reopened: 0 },
      { start: dayOf(at(mon, 1, '00:00')), created: 1, resolved: 2, reopened: 1 },
    ]);
    expect(report.volume).toMatchObject({ created: 4, resolved: 3, reopened: 1, reopenRate: 0.5 });
    expect(report.escalations).toEqual([{ level: 1, tickets: 1 }]);
    expect(report.screening).toEqual({ held: 1 });
    expect(report.triage).toEqual({ automatic: 3, overridden: 1, overrideRate: 1 / 3 });
    expect(report.satisfaction).toEqual({ count: 2, average: 3, low: 1, distribution: [0, 1, 0, 1, 0] });
    const it = (await h.department('it')).id;
    // Screening holds a ticket after triage named its department: it waits in IT's review queue.
    expect(report.byDepartment).toEqual([{ id: it, name: 'IT', created: 4, resolved: 2, open: 2, breached: 1 }]);
    expect(report.byBuilding).toEqual([{ id: null, name: '(none)', created: 4, resolved: 2, open: 2, breached: 1 }]);

    // Agents: each ticket counts for its assignee now.
    const expected = new Map<string, { assigned: number; resolved: number; frt: number[]; res: number[]; reopened: number; everResolved: number; ratings: number[] }>();
    const add = (agent: Actor, t: { resolved: boolean; frt?: number; res?: number; reopened?: boolean; rating?: number }) => {
      const e = expected.get(agent.id) ?? { assigned: 0, resolved: 0, frt: [], res: [], reopened: 0, everResolved: 0, ratings: [] };
      e.assigned += 1;
      if (t.resolved) e.resolved += 1;
      if (t.frt !== undefined) e.frt.push(t.frt);
      if (t.res !== undefined) e.res.push(t.res);
      if (t.reopened) e.reopened += 1;
      if (t.resolved || t.reopened) e.everResolved += 1;
      if (t.rating !== undefined) e.ratings.push(t.rating);
      expected.set(agent.id, e);
    };
    add(agentA, { resolved: true, frt: 30, res: 120, rating: 4 });
    add(agentB2, { resolved: true, frt: 120, res: 600, reopened: true, rating: 2 });
    add(agentC, { resolved: false });
    const disc = (values: number[]) => (values.length === 0 ? null : [...values].sort((x, y) => x - y)[Math.ceil(values.length * 0.5) - 1]!);
    expect(
      report.agents.map((r) => ({
        id: r.assigneeId,
        assigned: r.assigned,
        resolved: r.resolved,
        frt: minutes(r.firstResponseP50Ms),
        res: minutes(r.resolutionP50Ms),
        reopenRate: r.reopenRate,
        satisfaction: r.satisfaction,
        ratings: r.ratings,
      })),
    ).toEqual(
      expect.arrayContaining(
        [...expected].map(([id, e]) => ({
          id,
          assigned: e.assigned,
          resolved: e.resolved,
          frt: disc(e.frt),
          res: disc(e.res),
          reopenRate: e.everResolved > 0 ? e.reopened / e.everResolved : null,
          satisfaction: e.ratings.length > 0 ? e.ratings.reduce((s, x) => s + x, 0) / e.ratings.length : null,
          ratings: e.ratings.length,
        })),
      ),
    );
    expect(report.agents).toHaveLength(expected.size);

    // Filters: the policy leaves out the held ticket; a priority nobody has leaves nothing.
    const byPolicy = await buildReport(h.db, admin, { ...filters, slaPolicyId: [policy.id] }, now);
    expect(byPolicy.volume.created).toBe(3);
    expect(byPolicy.screening.held).toBe(0);
    // A finer filter computes the percentiles, per-agent times and escalations exactly from the facts rows: the same figures here.
    const timesOf = (r: typeof report) => [r.times.firstResponse.p50Ms, r.times.firstResponse.p90Ms, r.times.resolution.p50Ms, r.times.resolution.p90Ms].map(minutes);
    expect(timesOf(byPolicy)).toEqual([30, 120, 120, 600]);
    expect(byPolicy.escalations).toEqual([{ level: 1, tickets: 1 }]);
    const agentTimes = (r: typeof report) => r.agents.map((a) => ({ id: a.assigneeId, frt: minutes(a.firstResponseP50Ms), res: minutes(a.resolutionP50Ms) }));
    expect(agentTimes(byPolicy)).toEqual(expect.arrayContaining(agentTimes(report)));
    expect(byPolicy.agents).toHaveLength(report.agents.length);
    // Under a priority filter the distributions come from their per-priority copy: every priority gives the whole report's figures.
    const everyPriority = await buildReport(h.db, admin, { ...filters, priority: ['low', 'medium', 'high', 'critical'] }, now);
    expect(timesOf(everyPriority)).toEqual(timesOf(report));
    expect(everyPriority.times).toEqual(report.times);
    expect(everyPriority.escalations).toEqual(report.escalations);
    expect(agentTimes(everyPriority)).toEqual(agentTimes(report));
    const none = await buildReport(h.db, admin, { ...filters, priority: ['critical'] }, now);
    expect(none.volume.created).toBe(0);
    expect(none.sla.firstResponse).toEqual({ total: 0, met: 0, breached: 0, open: 0, atRisk: 0, metRate: null, breachedRate: null });
    expect([none.times.firstResponse.p50Ms, none.times.resolution.p90Ms, none.escalations]).toEqual([null, null, []]);
    const weekly = await buildReport(h.db, admin, { ...filters, interval: 'week' }, now);
    expect(weekly.volume.series.reduce((s, w) => s + w.created, 0)).toBe(4);

    // Scopes: the IT supervisor sees IT only; an agent their own tickets; other departments are refused.
    const supervisor = await buildReport(h.db, await sessionUser(sam.id), filters, now);
    expect(supervisor.scope).toBe('departments');
    expect(supervisor.volume.created).toBe(4);
    const hr = (await h.department('hr')).id;
    await expect(buildReport(h.db, await sessionUser(sam.id), { ...filters, departmentId: [hr] }, now)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const own = await buildReport(h.db, await sessionUser(agentC.id), filters, now);
    expect(own.scope).toBe('own');
    expect(own.agents.map((r) => r.assigneeId)).toEqual([agentC.id]);
    await expect(buildReport(h.db, await sessionUser(agentC.id), { ...filters, assigneeId: [sam.id] }, now)).rejects.toMatchObject({ code: 'FORBIDDEN' });

    // The facts agree with the ticket rows they follow.
    const facts = await h.db.select().from(ticketFacts);
    expect(facts).toHaveLength(4);
    for (const f of facts) expect(f.status).toBe((await h.row(f.ticketId)).status);
  });
});
