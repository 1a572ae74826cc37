/**
 * Self-service on the time-skipping server with real activities: re-triage after the requester
 * edits their ticket (detailsEdited signal), and automatic routing that respects agents'
 * availability (away until a time, a cap on open tickets).
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../db/schema';
import { assignUpdate, detailsEditedSignal, reclassifyUpdate } from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { startLifecycleHarness, type LifecycleHarness } from '../support/lifecycle';

let h: LifecycleHarness;
let rita: Awaited<ReturnType<LifecycleHarness['user']>>;
let sam: Actor;

beforeAll(async () => {
  h = await startLifecycleHarness();
  rita = await h.user('rita.requester@deskflow.test');
  sam = await h.actor('sam.supervisor@deskflow.test');
});
afterEach(() => h?.cleanup());
afterAll(() => h?.stop());

describe('re-triage after a material edit', () => {
  it('routes a ticket that waited for a person once the edited text is clear enough', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Something odd #triage:Miscellaneous@0.31', description: 'Not sure what this is.' });
    expect(ticket.view).toMatchObject({ status: 'new', needsTriage: true, departmentSlug: 'it' });
    await ticket.handle.signal(detailsEditedSignal, { title: 'My payslip is wrong #triage:HR Support@0.95', description: 'May payroll is missing overtime.', actorId: rita.id });
    const routed = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'routing after the edit');
    expect(routed).toMatchObject({ departmentSlug: 'hr', category: 'HR Support', needsTriage: false });
    const [hana, hugo] = [await h.user('hana.hr@deskflow.test'), await h.user('hugo.hr@deskflow.test')];
    expect([hana.id, hugo.id]).toContain(routed.assigneeId);
    const [retriaged] = await h.eventsOfKind(ticket.id, 'retriaged');
    expect(retriaged).toMatchObject({ actorId: rita.id, reason: expect.stringMatching(/department.*changed/) });
    expect(await h.row(ticket.id)).toMatchObject({ status: 'assigned', category: 'HR Support', needsTriage: false });
  });

  it('moves an unassigned triaged ticket to the department the new text belongs to', async () => {
    const itAgents = await h.db
      .select({ id: users.id })
      .from(users)
      .where(inArray(users.email, ['ivy.it@deskflow.test', 'otto.it@deskflow.test', 'nia.it@deskflow.test']));
    const ids = itAgents.map((a) => a.id);
    await h.db.update(users).set({ away: true }).where(inArray(users.id, ids));
    try {
      const ticket = await h.openTicket({ requester: rita, title: 'Need VPN access #triage:Access@0.93', description: 'For working from home.' });
      await h.eventually(async () => (await h.eventsOfKind(ticket.id, 'no_agent_available')).length).toBe(1);
      expect(await h.state(ticket.handle)).toMatchObject({ status: 'triaged', departmentSlug: 'it', assigneeId: null });
      await ticket.handle.signal(detailsEditedSignal, { title: 'Actually: my leave balance is wrong #triage:HR Support@0.9', description: 'Leave, not VPN.', actorId: rita.id });
      const routed = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'routing to HR');
      expect(routed).toMatchObject({ departmentSlug: 'hr', category: 'HR Support' });
    } finally {
      await h.db.update(users).set({ away: false }).where(inArray(users.id, ids));
    }
  });

  it('keeps the routing when triage of the edited text is still unsure, and says so', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Odd thing #triage:Miscellaneous@0.31', description: 'Hmm.' });
    await ticket.handle.signal(detailsEditedSignal, { title: 'Odd thing, more detail #triage:Miscellaneous@0.35', description: 'It happens on Mondays.', actorId: rita.id });
    await h.eventually(async () => (await h.eventsOfKind(ticket.id, 'retriaged')).map((e) => e.reason)).toEqual([expect.stringContaining('routing unchanged')]);
    expect(await h.state(ticket.handle)).toMatchObject({ status: 'new', needsTriage: true, assigneeId: null });
  });
});

describe('routing respects availability', () => {
  /** A department of its own with two agents, and a ticket routed into it by reclassification. */
  async function lab() {
    const dept = await h.createDepartment('Avail');
    const a = await h.createUser({ name: 'Avail Agent A', role: 'agent', department: dept.slug });
    const b = await h.createUser({ name: 'Avail Agent B', role: 'agent', department: dept.slug });
    const requester = await h.createUser({ name: 'Avail Requester' });
    const route = async (i: number) => {
      const t = await h.openTicket({ requester, title: `Sample ${i} #triage:Miscellaneous@0.9`, description: 'Routine.', urgency: 'low' });
      await t.handle.executeUpdate(reclassifyUpdate, { args: [{ actor: sam, departmentId: dept.id }] });
      await h.eventually(async () => (await h.row(t.id)).departmentId).toBe(dept.id);
      return t;
    };
    return { dept, a, b, route };
  }

  it('skips an agent away until a later time, and picks them again once that time has passed', async () => {
    const { a, b, route } = await lab();
    await h.db
      .update(users)
      .set({ away: true, awayUntil: new Date(Date.now() + 3_600_000) })
      .where(eq(users.id, a.id));
    for (let i = 0; i < 2; i++) {
      const t = await route(i);
      const v = await h.waitFor(t.handle, (s) => s.assigneeId !== null, 'assignment');
      expect(v.assigneeId).toBe(b.id);
    }
    // The hour is over (the database's clock decides, as in production): A is back without anyone acting.
    await h.db
      .update(users)
      .set({ awayUntil: new Date(Date.now() - 1000) })
      .where(eq(users.id, a.id));
    const t = await route(2);
    expect((await h.waitFor(t.handle, (s) => s.assigneeId !== null, 'assignment')).assigneeId).toBe(a.id);
  });

  it('stops at an agent’s cap of open tickets; with nobody left the ticket waits in the queue; a person may still assign by hand', async () => {
    const { a, b, route } = await lab();
    await h.db.update(users).set({ away: true }).where(eq(users.id, a.id));
    await h.db.update(users).set({ maxOpenTickets: 1 }).where(eq(users.id, b.id));
    const first = await route(0);
    expect((await h.waitFor(first.handle, (s) => s.assigneeId !== null, 'assignment')).assigneeId).toBe(b.id);
    const second = await route(1);
    await h.eventually(async () => (await h.eventsOfKind(second.id, 'no_agent_available')).length).toBe(1);
    expect(await h.state(second.handle)).toMatchObject({ status: 'triaged', assigneeId: null });
    // Manual assignment ignores availability: a person knows something routing does not (an admin here: the department is new).
    const admin = await h.actor('admin@deskflow.test');
    const assigned = await second.handle.executeUpdate(assignUpdate, { args: [{ actor: admin, assigneeId: a.id, reason: 'back early' }] });
    expect(assigned).toMatchObject({ status: 'assigned', assigneeId: a.id });
  });
});
