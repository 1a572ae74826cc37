/**
 * SLA clock rules, end to end in the ticket workflow on the time-skipping server: business hours
 * (nights, weekends, holidays, DST), pauses counted in business time, thresholds that fire once
 * per cycle and are re-armed by a pause, replies, reopen cycles, retargeting, policy edits,
 * escalation levels and auto-close. Tickets open on a Saturday, outside hours, so every clock
 * starts at Monday 09:00 exactly and deadlines are exact instants.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { users, type TicketEvent } from '../../db/schema';
import { publicReplySignal, reclassifyUpdate, reopenUpdate, transitionUpdate } from '../../workflows/messages';
import type { BusinessCalendar } from '../../workflows/sla';
import type { Actor, EscalationStep } from '../../workflows/types';
import { HOUR, MINUTE, nextWeekdayAt, startLifecycleHarness, type LifecycleHarness, type TicketHandle } from '../support/lifecycle';

let h: LifecycleHarness;
let sam: Actor;

beforeAll(async () => {
  h = await startLifecycleHarness();
  sam = await h.actor('sam.supervisor@deskflow.test');
});
afterEach(() => h?.cleanup());
afterAll(() => h?.stop());

const OFFICE_UTC: BusinessCalendar = { timezone: 'UTC', weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] };
const iso = (ms: number) => new Date(ms).toISOString();
/** A change made "at" an instant lands a few ms later in workflow time (time runs while the test talks to the server). */
const expectNear = (actual: number | null | undefined, expected: number, toleranceMs = 2000) => {
  expect(actual, `${actual === null || actual === undefined ? actual : iso(actual)} vs ${iso(expected)}`).toBeTypeOf('number');
  expect(Math.abs(actual! - expected), `${iso(actual!)} vs ${iso(expected)}`).toBeLessThanOrEqual(toleranceMs);
};
const day = (monday: number, offsetDays: number, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number);
  return monday + offsetDays * 24 * HOUR + hh! * HOUR + mm! * MINUTE;
};

type Setup = {
  calendar?: BusinessCalendar;
  firstResponse?: number;
  nextResponse?: number;
  resolution?: number;
  thresholds?: number[];
  escalation?: EscalationStep[];
  urgency?: 'low' | 'medium' | 'high' | 'critical';
  /** Open the ticket at this instant (default: next Saturday 12:00 UTC). */
  openAt?: number;
};

/** A requester group with its own calendar and policy, and a ticket opened by its member. Returns the Monday 00:00 UTC after it. */
async function openWithPolicy(setup: Setup = {}) {
  const group = `g-${crypto.randomUUID().slice(0, 8)}`;
  const calendar = await h.createCalendar(setup.calendar ?? OFFICE_UTC);
  const policy = await h.createPolicy({
    group,
    calendarId: calendar.id,
    firstResponse: setup.firstResponse ?? 600,
    nextResponse: setup.nextResponse,
    resolution: setup.resolution ?? 2400,
    thresholds: setup.thresholds ?? [80, 100],
    escalation: setup.escalation ?? [],
  });
  const requester = await h.createUser({ name: `Requester ${group}`, groups: [group] });
  const openAt = setup.openAt ?? nextWeekdayAt(await h.now(), 6, '12:00');
  await h.advanceTo(openAt);
  const ticket = await h.openTicket({ requester, title: 'Docking station dead #triage:Hardware@0.9', description: 'No display.', urgency: setup.urgency ?? 'medium' });
  await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
  const monday = nextWeekdayAt(openAt, 1, '00:00');
  return { ...ticket, requester, policy, calendar, group, monday };
}

const slaEvents = async (ticketId: string) => (await h.events(ticketId)).filter((e) => e.kind.startsWith('sla_') && e.kind !== 'sla_policy_changed');
/** Thresholds fired, with due times to the nearest minute (changes land a few ms after the instant a test names). */
const summary = (events: TicketEvent[]) =>
  events.map((e) => {
    const v = e.newValue as { target: string; percent: number; cycle: number; dueAt: string };
    return `${v.target} ${v.percent}% c${v.cycle} due ${minute(Date.parse(v.dueAt))}`;
  });
const minute = (ms: number) => iso(Math.round(ms / MINUTE) * MINUTE);
/** Within 2 s of the expected instant, or a readable mismatch. */
const near = (actual: number | null | undefined, expected: number): true | string =>
  actual !== null && actual !== undefined && Math.abs(actual - expected) <= 2000 ? true : `${actual == null ? String(actual) : iso(actual)} instead of ${iso(expected)}`;
const lateness = (events: TicketEvent[]) => events.map((e) => (e.newValue as { lateMs: number }).lateMs);

async function assigneeOf(handle: TicketHandle): Promise<Actor> {
  const { assigneeId } = await h.state(handle);
  const [u] = await h.db.select().from(users).where(eq(users.id, assigneeId!));
  return { id: u!.id, role: u!.role, departmentId: u!.departmentId };
}

const reply = (handle: TicketHandle, author: { id: string; role: Actor['role'] }, at: number, commentId = Math.floor(Math.random() * 1e6)) =>
  handle.signal(publicReplySignal, { commentId, authorId: author.id, authorRole: author.role, at: iso(at) });

describe('business time', () => {
  it('accrues only inside hours: a ticket opened on Saturday is due across the night, warned at 80 % and breached at 100 % exactly once', async () => {
    const t = await openWithPolicy({ firstResponse: 600, resolution: 1200 });
    const mon = t.monday;
    const row = await h.row(t.id);
    expect(iso(row.responseDueAt!.getTime())).toBe(iso(day(mon, 1, '11:00'))); // 8 h Monday + 2 h Tuesday
    expect(iso(row.resolutionDueAt!.getTime())).toBe(iso(day(mon, 2, '13:00'))); // 8 + 8 + 4 h
    const view = await h.state(t.handle);
    expect(view.sla?.clocks.find((c) => c.target === 'first_response')?.next).toEqual({ percent: 80, dueAt: day(mon, 0, '17:00') });

    await h.advanceTo(day(mon, 0, '17:00') + 500);
    await h.eventually(async () => summary(await slaEvents(t.id))).toEqual([`first_response 80% c1 due ${minute(day(mon, 0, '17:00'))}`]);
    await h.eventually(async () => (await h.row(t.id)).slaState).toBe('at_risk');
    await h.advanceTo(day(mon, 1, '11:00') + 500);
    await h.eventually(async () => (await slaEvents(t.id)).length).toBe(2);
    const events = await slaEvents(t.id);
    expect(summary(events)).toEqual([`first_response 80% c1 due ${minute(day(mon, 0, '17:00'))}`, `first_response 100% c1 due ${minute(day(mon, 1, '11:00'))}`]);
    expect(events.map((e) => e.kind)).toEqual(['sla_warning', 'sla_breached']);
    expect(Math.max(...lateness(events))).toBeLessThan(1000);
    await h.eventually(async () => (await h.row(t.id)).slaState).toBe('breached');
    const notified = await h.notifications(t.id);
    const assignee = (await h.state(t.handle)).assigneeId;
    expect(notified.filter((n) => n.kind === 'sla_warning').map((n) => n.userId)).toEqual([assignee]);
    expect(
      notified
        .filter((n) => n.kind === 'sla_breached')
        .map((n) => n.userId)
        .sort(),
    ).toEqual([assignee, sam.id].sort());
    await h.eventually(async () => (await t.handle.describe()).searchAttributes.SlaState).toEqual(['breached']);
  });

  it('skips holidays', async () => {
    const openAt = nextWeekdayAt(await h.now(), 6, '12:00');
    const monday = nextWeekdayAt(openAt, 1, '00:00');
    const holiday = iso(monday).slice(0, 10);
    const t = await openWithPolicy({ openAt, firstResponse: 120, calendar: { ...OFFICE_UTC, holidays: [holiday] } });
    expect(iso((await h.row(t.id)).responseDueAt!.getTime())).toBe(iso(day(monday, 1, '11:00')));
  });

  it('keeps the wall-clock deadline right across a DST change (Europe/London, March 2027)', async () => {
    // Open 00:00-04:00 local every day; on Sunday 28 March 2027 that window is only 3 h long (01:00 GMT → 02:00 BST).
    const nights: BusinessCalendar = { timezone: 'Europe/London', weeklyHours: ([1, 2, 3, 4, 5, 6, 7] as const).map((d) => ({ day: d, start: '00:00', end: '04:00' })), holidays: [] };
    const t = await openWithPolicy({ openAt: Date.parse('2027-03-27T12:00:00Z'), calendar: nights, firstResponse: 300 });
    expect(iso((await h.row(t.id)).responseDueAt!.getTime())).toBe('2027-03-29T01:00:00.000Z'); // 3 h Sunday + 2 h from Monday 00:00 BST
    await h.advanceTo(Date.parse('2027-03-29T01:00:00Z') + 500);
    await h
      .eventually(async () => summary(await slaEvents(t.id)))
      .toEqual([`first_response 80% c1 due ${minute(Date.parse('2027-03-29T00:00:00Z'))}`, `first_response 100% c1 due ${minute(Date.parse('2027-03-29T01:00:00Z'))}`]);
  });
});

describe('pauses', () => {
  it('counts a pause in business time, never adding its wall-clock length to a deadline', async () => {
    const t = await openWithPolicy({ firstResponse: 240, resolution: 420 });
    const mon = t.monday;
    const agent = await assigneeOf(t.handle);
    await h.advanceTo(day(mon, 0, '10:00'));
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'waiting_on_customer' }] });
    const paused = await h.row(t.id);
    expect(paused).toMatchObject({ slaState: 'paused', responseDueAt: null, resolutionDueAt: null });
    await h.advanceTo(day(mon, 1, '10:00')); // 24 h of wall clock, 7 h of them business hours
    await reply(t.handle, { id: t.requester.id, role: 'requester' }, day(mon, 1, '10:00'));
    await h.eventually(async () => (await h.row(t.id)).status).toBe('in_progress');
    const resumed = await h.row(t.id);
    expectNear(resumed.responseDueAt?.getTime(), day(mon, 1, '13:00')); // 1 h accrued, 3 h left
    expectNear(resumed.resolutionDueAt?.getTime(), day(mon, 1, '16:00')); // 1 h accrued, 6 h left
    expect(resumed.slaState).toBe('on_track');
    expect((await h.eventsOfKind(t.id, 'status_changed')).at(-1)).toMatchObject({ actorId: t.requester.id, reason: 'the requester replied', newValue: 'in_progress' });
  });

  it('re-arms a threshold a pause interrupted: the breach still fires, once, late by exactly the paused business time', async () => {
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 300 });
    const mon = t.monday;
    const agent = await assigneeOf(t.handle);
    await h.advanceTo(day(mon, 0, '12:50')); // 3 h 50 min accrued; 80 % (4 h) was due at 13:00, 100 % at 14:00
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'waiting_on_third_party' }] });
    await h.advanceTo(day(mon, 1, '12:00')); // far past both original due times
    expect(await slaEvents(t.id)).toEqual([]);
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'in_progress' }] });
    await h.advanceTo(day(mon, 1, '13:10') + 500);
    await h.eventually(async () => summary(await slaEvents(t.id))).toEqual([`resolution 80% c1 due ${minute(day(mon, 1, '12:10'))}`, `resolution 100% c1 due ${minute(day(mon, 1, '13:10'))}`]);
    await h.advanceTo(day(mon, 3, '12:00'));
    expect(await slaEvents(t.id)).toHaveLength(2);
  });

  it('fires a threshold that came due before a change in the same step, before pausing', async () => {
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 300 });
    const mon = t.monday;
    const agent = await assigneeOf(t.handle);
    await h.advanceTo(day(mon, 0, '13:00')); // 80 % is due at this very instant
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'waiting_on_customer' }] });
    await h.eventually(async () => summary(await slaEvents(t.id))).toEqual([`resolution 80% c1 due ${minute(day(mon, 0, '13:00'))}`]);
    const row = await h.row(t.id);
    expect(row.slaState).toBe('paused');
  });
});

describe('replies', () => {
  it('meets first response with an agent public reply; each requester reply starts next response', async () => {
    const t = await openWithPolicy({ firstResponse: 240, nextResponse: 60, resolution: 2400 });
    const mon = t.monday;
    const agent = await assigneeOf(t.handle);
    await h.advanceTo(day(mon, 0, '09:30'));
    await reply(t.handle, { id: t.requester.id, role: 'requester' }, day(mon, 0, '09:30')); // before any agent reply: first response still runs
    await h.advanceTo(day(mon, 0, '10:00'));
    await reply(t.handle, agent, day(mon, 0, '10:00'));
    await h.eventually(async () => near((await h.row(t.id)).firstRespondedAt?.getTime(), day(mon, 0, '10:00'))).toBe(true);
    expect((await h.row(t.id)).responseDueAt).toBeNull();
    expect(await h.eventsOfKind(t.id, 'first_response')).toHaveLength(1);
    await h.advanceTo(day(mon, 0, '16:30'));
    await reply(t.handle, { id: t.requester.id, role: 'requester' }, day(mon, 0, '16:30'));
    await h.eventually(async () => near((await h.row(t.id)).responseDueAt?.getTime(), day(mon, 1, '09:30'))).toBe(true); // 30 min Monday + 30 min Tuesday
    await h.advanceTo(day(mon, 1, '09:15'));
    await reply(t.handle, agent, day(mon, 1, '09:15'));
    await h.eventually(async () => (await h.row(t.id)).responseDueAt).toBeNull();
    await h.advanceTo(day(mon, 1, '11:00'));
    await reply(t.handle, { id: t.requester.id, role: 'requester' }, day(mon, 1, '11:00'));
    await h.eventually(async () => near((await h.row(t.id)).responseDueAt?.getTime(), day(mon, 1, '12:00'))).toBe(true);
    await h.advanceTo(day(mon, 1, '12:00') + 500);
    // Cycle 1 was answered at 09:15, before its 80 % (09:18): nothing fired for it.
    await h.eventually(async () => summary(await slaEvents(t.id))).toEqual([`next_response 80% c2 due ${minute(day(mon, 1, '11:48'))}`, `next_response 100% c2 due ${minute(day(mon, 1, '12:00'))}`]);
    const view = await h.state(t.handle);
    expect(view.sla?.clocks.find((c) => c.target === 'first_response')).toMatchObject({ state: 'met' });
  });

  it('reopening starts a new resolution cycle whose thresholds fire again, once each', async () => {
    await h.setLifecycleSettings({ reopenWindowDays: 14 });
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 60 });
    const mon = t.monday;
    const agent = await assigneeOf(t.handle);
    await h.advanceTo(day(mon, 0, '10:00') + 500);
    await h.eventually(async () => (await slaEvents(t.id)).length).toBe(2);
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved' }] });
    await h.advanceTo(day(mon, 1, '09:00'));
    await t.handle.executeUpdate(reopenUpdate, { args: [{ actor: { id: t.requester.id, role: 'requester', departmentId: null }, reason: 'not fixed' }] });
    await h.advanceTo(day(mon, 1, '10:00') + 500);
    await h
      .eventually(async () => summary(await slaEvents(t.id)))
      .toEqual([
        `resolution 80% c1 due ${minute(day(mon, 0, '09:48'))}`,
        `resolution 100% c1 due ${minute(day(mon, 0, '10:00'))}`,
        `resolution 80% c2 due ${minute(day(mon, 1, '09:48'))}`,
        `resolution 100% c2 due ${minute(day(mon, 1, '10:00'))}`,
      ]);
  });
});

describe('retargeting', () => {
  it('a priority change recomputes deadlines from the business time already accrued', async () => {
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 480 });
    // The same group's policy for high priority is stricter.
    await h.createPolicy({ group: t.group, priority: 'high', calendarId: t.calendar.id, firstResponse: 6000, resolution: 240, escalation: [], name: `high ${t.group}` });
    const mon = t.monday;
    await h.advanceTo(day(mon, 0, '10:00')); // 1 h accrued
    await t.handle.executeUpdate(reclassifyUpdate, { args: [{ actor: sam, priority: 'high', reason: 'whole team blocked' }] });
    const row = await h.row(t.id);
    expectNear(row.resolutionDueAt?.getTime(), day(mon, 0, '13:00')); // 4 h target − 1 h accrued
    const [changed] = await h.eventsOfKind(t.id, 'sla_policy_changed');
    expect(changed).toMatchObject({ actorId: sam.id, oldValue: { policy: `policy ${t.group}` }, newValue: { policy: `high ${t.group}`, targetsMinutes: { resolution: 240 } } });
    expect((await h.eventsOfKind(t.id, 'reclassified')).map((e) => [e.field, e.newValue])).toEqual(expect.arrayContaining([['priority', 'high']]));
  });

  it('an admin policy edit reaches open tickets, from then on, audited', async () => {
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 480 });
    const mon = t.monday;
    await h.advanceTo(day(mon, 0, '11:00')); // 2 h accrued
    await h.editPolicy(t.policy.id, { resolutionSeconds: 600 * 60 }, [t.handle]);
    await h.eventually(async () => near((await h.row(t.id)).resolutionDueAt?.getTime(), day(mon, 1, '11:00'))).toBe(true); // 10 h − 2 h = 8 h: Monday 6 h + Tuesday 2 h
    const [changed] = await h.eventsOfKind(t.id, 'sla_policy_changed');
    expect(changed).toMatchObject({ source: 'workflow', oldValue: { version: 1, targetsMinutes: { resolution: 480 } }, newValue: { version: 2, targetsMinutes: { resolution: 600 } } });
    expect((await h.row(t.id)).slaConfigVersion).toBeGreaterThan(0);
  });
});

describe('escalation', () => {
  it('runs the chain: L1 at warning, L2 at breach (supervisor, priority up), L3 an hour after the breach (escalation group)', async () => {
    const chain: EscalationStep[] = [
      { level: 1, target: 'resolution', trigger: { atPercent: 80 }, notify: ['assignee'], raisePriority: false, reassignToEscalationGroup: false },
      { level: 2, target: 'resolution', trigger: { atPercent: 100 }, notify: ['supervisor'], raisePriority: true, reassignToEscalationGroup: false },
      { level: 3, target: 'resolution', trigger: { afterBreachMinutes: 60 }, notify: ['supervisor', 'escalation_group'], raisePriority: false, reassignToEscalationGroup: true },
    ];
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 120, escalation: chain, urgency: 'medium' });
    const mon = t.monday;
    const first = (await h.state(t.handle)).assigneeId;
    await h.advanceTo(day(mon, 0, '10:36') + 500);
    await h.eventually(async () => (await h.row(t.id)).escalationLevel).toBe(1);
    await h.advanceTo(day(mon, 0, '11:00') + 500);
    await h.eventually(async () => (await h.row(t.id)).escalationLevel).toBe(2);
    expect((await h.row(t.id)).priority).toBe('high');
    // An agent pauses the ticket for 30 minutes: the post-breach hour is business time and pauses too.
    const agent = await assigneeOf(t.handle);
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'waiting_on_third_party' }] });
    await h.advanceTo(day(mon, 0, '11:30'));
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'in_progress' }] });
    await h.advanceTo(day(mon, 0, '12:29'));
    expect((await h.row(t.id)).escalationLevel).toBe(2);
    await h.advanceTo(day(mon, 0, '12:30') + 500);
    await h.eventually(async () => (await h.row(t.id)).escalationLevel).toBe(3);
    const row = await h.row(t.id);
    const group = [(await h.user('sam.supervisor@deskflow.test')).id, (await h.user('otto.it@deskflow.test')).id];
    expect(group).toContain(row.assigneeId);
    expect(row.assigneeId).not.toBe(first);
    const escalations = (await h.eventsOfKind(t.id, 'escalated')).filter((e) => e.field === 'escalationLevel');
    expect(escalations.map((e) => (e.newValue as { level: number; actions: string[] }).level)).toEqual([1, 2, 3]);
    expect((escalations[2]!.newValue as { actions: string[] }).actions).toContain('reassign to escalation group');
    const l3 = (await h.events(t.id)).find((e) => e.field === 'assigneeId' && e.newValue === row.assigneeId);
    expect(l3?.reason).toMatch(/escalation group/);
    expect((await h.notifications(t.id)).some((n) => n.userId === sam.id && n.kind === 'sla_breached')).toBe(true);
  });
});

describe('auto-close', () => {
  it('closes a resolved ticket after N business days without a requester reply; a reply postpones it', async () => {
    await h.setLifecycleSettings({ autoCloseBusinessDays: 2 });
    const t = await openWithPolicy({ firstResponse: 6000, resolution: 6000 });
    const mon = t.monday;
    const agent = await assigneeOf(t.handle);
    await h.advanceTo(day(mon, 0, '10:00'));
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved' }] });
    expectNear((await h.row(t.id)).autoCloseAt?.getTime(), day(mon, 2, '10:00'));
    await h.advanceTo(day(mon, 1, '15:00'));
    await reply(t.handle, { id: t.requester.id, role: 'requester' }, day(mon, 1, '15:00'));
    await h.eventually(async () => near((await h.row(t.id)).autoCloseAt?.getTime(), day(mon, 3, '15:00'))).toBe(true);
    await h.advanceTo(day(mon, 3, '14:59'));
    expect((await h.row(t.id)).status).toBe('resolved');
    await h.advanceTo(day(mon, 3, '15:00') + 500);
    await h.eventually(async () => (await h.row(t.id)).status).toBe('closed');
    expect((await h.eventsOfKind(t.id, 'auto_closed'))[0]).toMatchObject({ source: 'workflow', actorId: null, reason: expect.stringContaining('2 business days') });
    await h.setLifecycleSettings({ autoCloseBusinessDays: 5 });
  });
});
