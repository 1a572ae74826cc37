/**
 * The ticket lifecycle on the time-skipping server: every transition, who may make it, routing,
 * screening, triage confidence, AI fallbacks, links and merges, continue-as-new.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { comments, ticketEvents, ticketIntake, ticketLinks, tickets, ticketWatchers, users } from '../../db/schema';
import { createActivities } from '../../worker/activities';
import {
  assignUpdate,
  cancelUpdate,
  claimUpdate,
  confirmResolutionUpdate,
  escalateUpdate,
  linkUpdate,
  mergeUpdate,
  reclassifyUpdate,
  reopenUpdate,
  reviewUpdate,
  transitionUpdate,
  triageUpdate,
  unassignUpdate,
  unlinkUpdate,
} from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { startLifecycleHarness, type LifecycleHarness } from '../support/lifecycle';

let h: LifecycleHarness;
let rita: Awaited<ReturnType<LifecycleHarness['user']>>;
let raj: Awaited<ReturnType<LifecycleHarness['user']>>;
let rosaUser: Awaited<ReturnType<LifecycleHarness['user']>>;
const rosa = () => rosaUser;
let ivy: Actor;
let otto: Actor;
let hana: Actor;
let sam: Actor;

beforeAll(async () => {
  h = await startLifecycleHarness();
  rita = await h.user('rita.requester@deskflow.test');
  raj = await h.user('raj.requester@deskflow.test');
  rosaUser = await h.user('rosa.requester@deskflow.test');
  ivy = await h.actor('ivy.it@deskflow.test');
  otto = await h.actor('otto.it@deskflow.test');
  hana = await h.actor('hana.hr@deskflow.test');
  sam = await h.actor('sam.supervisor@deskflow.test');
});
afterEach(() => h?.cleanup());
afterAll(() => h?.stop());

const asActor = (u: { id: string; role: Actor['role']; departmentId: string | null }): Actor => ({ id: u.id, role: u.role, departmentId: u.departmentId });

describe('intake: triage and routing', () => {
  it('routes by category to the skilled, least loaded agent, audits it, notifies the assignee and drafts a first reply', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Need access to the finance share #triage:Access@0.93', description: 'Please grant me read access.' });
    const view = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    expect(view).toMatchObject({ status: 'assigned', category: 'Access', departmentSlug: 'it', assigneeId: otto.id, needsTriage: false });
    const row = await h.row(ticket.id);
    expect(row).toMatchObject({ status: 'assigned', category: 'Access', assigneeId: otto.id, slaState: 'on_track' });
    expect(row.responseDueAt).toBeInstanceOf(Date);
    expect(row.resolutionDueAt).toBeInstanceOf(Date);
    const events = await h.events(ticket.id);
    expect(events.map((e) => [e.kind, e.field])).toEqual([
      ['created', null],
      ['triaged', 'status'],
      ['triaged', 'category'],
      ['triaged', 'departmentId'],
      ['triaged', 'slaPolicyId'],
      ['assigned', 'status'],
      ['assigned', 'assigneeId'],
    ]);
    expect(events.find((e) => e.kind === 'triaged')).toMatchObject({ source: 'ai', reason: expect.stringContaining('confidence 0.93') });
    expect(events.find((e) => e.field === 'assigneeId')!.reason).toMatch(/with skill Access, least loaded available agent/);
    await h.eventually(async () => (await h.notifications(ticket.id)).map((n) => [n.kind, n.userId])).toEqual([['assigned', otto.id]]);
    await h.eventually(async () => (await h.suggestions(ticket.id)).length).toBe(1);
    const [suggestion] = await h.suggestions(ticket.id);
    expect(suggestion).toMatchObject({ kind: 'first_reply', forUserId: otto.id, method: 'template' });
    expect(suggestion!.body).toContain(`#${ticket.number}`);
    const description = await ticket.handle.describe();
    expect(description.searchAttributes).toMatchObject({ TicketStatus: ['assigned'], TicketDepartment: ['it'], AssigneeId: [otto.id], SlaState: ['on_track'] });
    expect(description.searchAttributes.SlaDueAt).toHaveLength(1);
  });

  it('skips agents who are away and breaks workload ties round-robin', async () => {
    const dept = await h.createDepartment('Lab');
    const a = await h.createUser({ name: 'Lab Agent A', role: 'agent', department: dept.slug });
    const b = await h.createUser({ name: 'Lab Agent B', role: 'agent', department: dept.slug });
    await h.createUser({ name: 'Lab Agent Away', role: 'agent', department: dept.slug, away: true });
    const requester = await h.createUser({ name: 'Lab Requester' });
    const assignees: string[] = [];
    for (let i = 0; i < 3; i++) {
      const t = await h.openTicket({ requester, title: `Sample ${i} #triage:Miscellaneous@0.9`, description: 'Routine.', urgency: 'low' });
      await t.handle.executeUpdate(reclassifyUpdate, { args: [{ actor: sam, departmentId: dept.id }] });
      const v = await h.waitFor(t.handle, (s) => s.assigneeId !== null && s.departmentId === dept.id, 'assignment in the lab');
      assignees.push(v.assigneeId!);
    }
    // Nobody has work: A and B take one each; then they tie on load and the one assigned longest ago goes next.
    expect(new Set(assignees.slice(0, 2))).toEqual(new Set([a.id, b.id]));
    expect(assignees[2]).toBe(assignees[0]);
  });

  it('puts a low-confidence ticket into its department queue for a person to triage, then routes it', async () => {
    const ticket = await h.openTicket({ requester: raj, title: 'Something odd #triage:Miscellaneous@0.31', description: 'Not sure what this is.' });
    expect(ticket.view).toMatchObject({ status: 'new', needsTriage: true, departmentSlug: 'it', assigneeId: null });
    expect(await h.row(ticket.id)).toMatchObject({ status: 'new', needsTriage: true });
    const notified = await h.notifications(ticket.id);
    expect(notified.map((n) => [n.kind, n.userId])).toEqual([['needs_triage', sam.id]]);
    // Requesters and other departments may not triage it.
    expect(
      await h.rejection(() => ticket.handle.executeUpdate(triageUpdate, { args: [{ actor: asActor(raj), departmentId: ticket.view.departmentId!, category: 'Hardware', priority: 'high' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    expect(
      await h.rejection(() => ticket.handle.executeUpdate(triageUpdate, { args: [{ actor: hana, departmentId: ticket.view.departmentId!, category: 'Hardware', priority: 'high' }] })),
    ).toMatchObject({ type: 'Forbidden' });
    const hr = await h.department('hr');
    const triaged = await ticket.handle.executeUpdate(triageUpdate, { args: [{ actor: ivy, departmentId: hr.id, category: 'HR Support', priority: 'high', reason: 'payroll question' }] });
    expect(triaged).toMatchObject({ departmentSlug: 'hr', category: 'HR Support', priority: 'high', needsTriage: false });
    const routed = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment in HR');
    expect([hana.id, (await h.actor('hugo.hr@deskflow.test')).id]).toContain(routed.assigneeId);
    const triageEvents = await h.eventsOfKind(ticket.id, 'triaged');
    expect(triageEvents.every((e) => e.actorId === ivy.id && e.reason === 'payroll question')).toBe(true);
  });

  it('falls back to the rules when the AI provider fails, audits the fallback, and still routes the ticket', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Payroll shows the wrong salary #ai-fails', description: 'My payslip for May is missing overtime.' });
    const view = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    expect(view.departmentSlug).toBe('hr');
    const fallbacks = await h.eventsOfKind(ticket.id, 'ai_fallback');
    expect(fallbacks.map((e) => e.field).sort()).toEqual(['screening', 'triage']);
    expect(fallbacks[0]!.newValue).toMatchObject({ fallback: 'rules', error: expect.stringContaining('provider unavailable') });
    await h.eventually(async () => (await h.eventsOfKind(ticket.id, 'ai_fallback')).map((e) => e.field).sort()).toEqual(['first_reply', 'screening', 'triage']);
    expect((await h.suggestions(ticket.id))[0]).toMatchObject({ method: 'template', provider: 'offline' });
  });
});

describe('screening', () => {
  it('holds spam for review; an agent confirms and it is rejected, for good', async () => {
    const ticket = await h.openTicket({
      requester: raj,
      title: 'Limited time offer!!! Buy now #triage:Hardware@0.9',
      description: 'Click here for casino bonuses https://spam.example/a https://spam.example/b https://spam.example/c https://spam.example/d',
    });
    expect(ticket.view).toMatchObject({ status: 'new', review: { flags: ['spam'] }, assigneeId: null });
    expect(await h.row(ticket.id)).toMatchObject({ status: 'new', heldForReview: true, reviewReason: expect.stringContaining('spam') });
    expect(ticket.view.sla).toBeNull();
    // Held tickets are not routed and cannot be worked on.
    expect(await h.rejection(() => ticket.handle.executeUpdate(claimUpdate, { args: [{ actor: ivy }] }))).toMatchObject({
      type: 'IllegalTransition',
      message: expect.stringContaining('held for review'),
    });
    await ticket.handle.executeUpdate(reviewUpdate, { args: [{ actor: ivy, decision: 'reject', reason: 'casino spam' }] });
    expect(await h.row(ticket.id)).toMatchObject({ status: 'rejected', heldForReview: false });
    await expect(ticket.handle.result()).resolves.toBeUndefined();
    expect((await h.eventsOfKind(ticket.id, 'rejected'))[0]).toMatchObject({ actorId: ivy.id, reason: 'casino spam', field: 'status' });
  });

  it('releases a wrongly held ticket into triage and routing', async () => {
    const ticket = await h.openTicket({
      requester: rita,
      title: 'My colleague says you are all useless idiots #triage:Hardware@0.9',
      description: 'He asked me to file this; the printer on floor 2 jams.',
    });
    expect(ticket.view.review?.flags).toEqual(['abuse']);
    const released = await ticket.handle.executeUpdate(reviewUpdate, { args: [{ actor: sam, decision: 'release', reason: 'quoted, not abusive' }] });
    expect(released.review).toBeNull();
    const view = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment after release');
    expect(view.sla?.clocks.map((c) => c.running)).toEqual([true, true]);
    expect((await h.eventsOfKind(ticket.id, 'released'))[0]).toMatchObject({ actorId: sam.id, field: 'heldForReview', oldValue: true, newValue: false });
  });
});

describe('transitions and roles', () => {
  it('walks assigned → in_progress ⇄ waiting → resolved → closed, audited with actor and reason', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Monitor flickers #triage:Hardware@0.9', description: 'Second screen flickers.' });
    await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    const moves: Array<[string, Actor]> = [
      ['in_progress', ivy],
      ['waiting_on_customer', ivy],
      ['in_progress', ivy],
      ['waiting_on_third_party', ivy],
      ['resolved', ivy],
    ];
    for (const [to, actor] of moves) {
      const view = await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor, to: to as never, reason: `now ${to}` }] });
      expect(view.status).toBe(to);
    }
    const resolved = await h.row(ticket.id);
    expect(resolved).toMatchObject({ status: 'resolved', slaState: 'met' });
    expect(resolved.resolvedAt).toBeInstanceOf(Date);
    expect(resolved.autoCloseAt).toBeInstanceOf(Date);
    const closed = await ticket.handle.executeUpdate(confirmResolutionUpdate, { args: [{ actor: asActor(rita) }] });
    expect(closed.status).toBe('closed');
    const statusEvents = (await h.events(ticket.id)).filter((e) => e.field === 'status');
    expect(statusEvents.map((e) => [e.oldValue, e.newValue])).toEqual([
      ['new', 'triaged'],
      ['triaged', 'assigned'],
      ['assigned', 'in_progress'],
      ['in_progress', 'waiting_on_customer'],
      ['waiting_on_customer', 'in_progress'],
      ['in_progress', 'waiting_on_third_party'],
      ['waiting_on_third_party', 'resolved'],
      ['resolved', 'closed'],
    ]);
    expect(statusEvents.slice(2, 7).every((e) => e.actorId === ivy.id && e.source === 'api' && e.reason === `now ${e.newValue as string}`)).toBe(true);
    expect(statusEvents[7]).toMatchObject({ actorId: rita.id, reason: 'the requester confirmed the resolution' });
  });

  it('rejects an illegal move in the validator, before history, naming the allowed transitions', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Keyboard missing keys #triage:Hardware@0.9', description: 'The E key fell off.' });
    await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    const rejected = await h.rejection(() => ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: ivy, to: 'closed' }] }));
    expect(rejected.type).toBe('IllegalTransition');
    expect(rejected.message).toContain('cannot move to closed');
    expect(rejected.message).toContain('Allowed from assigned: transition → in_progress; transition → waiting_on_customer; transition → waiting_on_third_party; transition → resolved');
    expect(rejected.message).toContain('unassign → triaged');
    const history = (await ticket.handle.fetchHistory()).events!;
    expect(history.filter((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input?.name === 'transition')).toHaveLength(0);
  });

  it('checks roles in the validator: requesters, other departments, and supervisors', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Laptop battery swollen #triage:Hardware@0.9', description: 'It bulges.' });
    await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    expect(await h.rejection(() => ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: asActor(rita), to: 'in_progress' }] }))).toMatchObject({
      type: 'Forbidden',
      message: expect.stringContaining('requesters may only cancel, reopen or confirm'),
    });
    expect(await h.rejection(() => ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: hana, to: 'in_progress' }] }))).toMatchObject({
      type: 'Forbidden',
      message: expect.stringContaining('their department or assigned to them'),
    });
    expect(await h.rejection(() => ticket.handle.executeUpdate(cancelUpdate, { args: [{ actor: asActor(raj) }] }))).toMatchObject({
      type: 'Forbidden',
      message: expect.stringContaining('their own tickets'),
    });
    expect(await h.rejection(() => ticket.handle.executeUpdate(cancelUpdate, { args: [{ actor: ivy }] }))).toMatchObject({ type: 'Forbidden' });
    expect(await h.rejection(() => ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: { id: 'x' } as never, to: 'in_progress' }] }))).toMatchObject({ type: 'InvalidInput' });
    // Any agent of the department may act on its tickets, and so may supervisors.
    expect((await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: otto, to: 'in_progress' }] })).status).toBe('in_progress');
    expect((await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: 'waiting_on_third_party' }] })).status).toBe('waiting_on_third_party');
  });

  it('lets the requester cancel before work starts, not after', async () => {
    const early = await h.openTicket({ requester: rita, title: 'Need a new mouse #triage:Purchase@0.9', description: 'Wireless please.' });
    await h.waitFor(early.handle, (s) => s.status === 'assigned', 'assignment');
    const cancelled = await early.handle.executeUpdate(cancelUpdate, { args: [{ actor: asActor(rita), reason: 'found one' }] });
    expect(cancelled.status).toBe('cancelled');
    await expect(early.handle.result()).resolves.toBeUndefined();
    expect(await h.row(early.id)).toMatchObject({ status: 'cancelled' });

    const late = await h.openTicket({ requester: rita, title: 'Need a new dock #triage:Purchase@0.9', description: 'USB-C.' });
    await h.waitFor(late.handle, (s) => s.status === 'assigned', 'assignment');
    const agent = asActor(
      await h.db
        .select()
        .from(users)
        .where(eq(users.id, (await h.state(late.handle)).assigneeId!))
        .then((r) => r[0]!),
    );
    await late.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'in_progress' }] });
    const rejected = await h.rejection(() => late.handle.executeUpdate(cancelUpdate, { args: [{ actor: asActor(rita) }] }));
    expect(rejected).toMatchObject({ type: 'IllegalTransition', message: expect.stringContaining('cannot cancel: it is in_progress') });
  });

  it('assigns, reassigns, claims and unassigns with actor and reason; refuses an assignee outside the department', async () => {
    const ticket = await h.openTicket({ requester: raj, title: 'Shared drive full #triage:Storage@0.9', description: 'No space left.' });
    await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    await ticket.handle.executeUpdate(unassignUpdate, { args: [{ actor: sam, reason: 'rebalancing' }] });
    expect(await h.row(ticket.id)).toMatchObject({ status: 'triaged', assigneeId: null });
    const claimed = await ticket.handle.executeUpdate(claimUpdate, { args: [{ actor: otto }] });
    expect(claimed).toMatchObject({ status: 'assigned', assigneeId: otto.id });
    expect(await h.rejection(() => ticket.handle.executeUpdate(claimUpdate, { args: [{ actor: ivy }] }))).toMatchObject({ type: 'IllegalTransition' });
    const refused = await h.rejection(() => ticket.handle.executeUpdate(assignUpdate, { args: [{ actor: sam, assigneeId: rita.id }] }));
    expect(refused).toMatchObject({ type: 'InvalidInput', message: expect.stringContaining('is a requester') });
    await ticket.handle.executeUpdate(assignUpdate, { args: [{ actor: otto, assigneeId: ivy.id, reason: 'Ivy owns storage' }] });
    const events = (await h.events(ticket.id)).filter((e) => e.field === 'assigneeId');
    expect(events.map((e) => [e.kind, e.newValue, e.actorId, e.reason])).toEqual([
      ['assigned', ivy.id, null, expect.stringContaining('with skill Storage')],
      ['unassigned', null, sam.id, 'rebalancing'],
      ['claimed', otto.id, otto.id, null],
      ['assigned', ivy.id, otto.id, 'Ivy owns storage'],
    ]);
    const toIvy = (await h.notifications(ticket.id)).filter((n) => n.userId === ivy.id && n.kind === 'assigned');
    expect(toIvy).toHaveLength(2);
    // Nobody is notified of their own claim.
    expect((await h.notifications(ticket.id)).some((n) => n.userId === otto.id && n.kind === 'assigned' && n.createdAt > events[2]!.createdAt)).toBe(false);
  });

  it('escalates by hand with a reason: next level, supervisor told, priority raised per the chain', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Cannot print payslips #triage:Hardware@0.9', description: 'Printer offline.', urgency: 'low' });
    await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    const first = await ticket.handle.executeUpdate(escalateUpdate, { args: [{ actor: ivy, reason: 'requester is blocked' }] });
    expect(first).toMatchObject({ escalationLevel: 1, priority: 'low' });
    const second = await ticket.handle.executeUpdate(escalateUpdate, { args: [{ actor: ivy, reason: 'still blocked' }] });
    expect(second).toMatchObject({ escalationLevel: 2, priority: 'medium' });
    expect(second.sla?.policyName).toBe('Default medium');
    const escalations = await h.eventsOfKind(ticket.id, 'escalated');
    expect(escalations.filter((e) => e.field === 'escalationLevel').map((e) => [e.actorId, e.reason, (e.newValue as { level: number }).level])).toEqual([
      [ivy.id, 'requester is blocked', 1],
      [ivy.id, 'still blocked', 2],
    ]);
    expect((await h.notifications(ticket.id)).filter((n) => n.kind === 'escalated').map((n) => n.userId)).toContain(sam.id);
    expect(await h.rejection(() => ticket.handle.executeUpdate(escalateUpdate, { args: [{ actor: ivy, reason: '  ' }] }))).toMatchObject({ type: 'InvalidInput' });
  });
});

describe('notifications', () => {
  it('tells the requester each time their ticket is resolved, with a link to confirm or reopen it', async () => {
    const ticket = await h.openTicket({ requester: rita, title: 'Webcam is upside down #triage:Hardware@0.9', description: 'In every call.' });
    const { assigneeId } = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    const agent = asActor((await h.db.select().from(users).where(eq(users.id, assigneeId!)))[0]!);
    await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved', reason: 'driver updated' }] });
    const resolvedFor = async () => (await h.notifications(ticket.id)).filter((n) => n.kind === 'resolved');
    const [first] = await resolvedFor();
    expect(first).toMatchObject({
      userId: rita.id,
      title: `Your ticket #${ticket.number} was resolved`,
      body: expect.stringMatching(/confirm the resolution .* or reopen/),
      data: { link: `/tickets/${ticket.number}`, ticketNumber: ticket.number },
      readAt: null,
    });
    // Reopened and resolved again: told again; nobody else is told.
    await ticket.handle.executeUpdate(reopenUpdate, { args: [{ actor: asActor(rita), reason: 'flipped again' }] });
    await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved' }] });
    expect((await resolvedFor()).map((n) => n.userId)).toEqual([rita.id, rita.id]);
    // Other moves tell the requester nothing.
    expect((await h.notifications(ticket.id)).filter((n) => n.userId === rita.id).map((n) => n.kind)).toEqual(['resolved', 'resolved']);
  });

  it('tells the staff of the department that a ticket is held for review, each with a link', async () => {
    const ticket = await h.openTicket({
      requester: raj,
      title: 'Cheap pills, limited time offer!!! #triage:Hardware@0.9',
      description: 'Click here for casino bonuses https://spam.example/a https://spam.example/b https://spam.example/c https://spam.example/d',
    });
    expect(ticket.view.review?.flags).toEqual(['spam']);
    // The notifications are written by an activity after the hold: wait for them (one insert for all), then check who got one.
    const reviewNotifications = async () => (await h.notifications(ticket.id)).filter((n) => n.kind === 'review_needed');
    await expect.poll(async () => (await reviewNotifications()).map((n) => n.userId), { timeout: 15_000 }).toEqual(expect.arrayContaining([ivy.id, otto.id, sam.id]));
    const held = await reviewNotifications();
    expect(held.map((n) => n.userId)).not.toContain(hana.id);
    expect(held.map((n) => n.userId)).not.toContain(raj.id);
    expect(held.every((n) => (n.data as { link?: string }).link === `/tickets/${ticket.number}`)).toBe(true);
  });
});

describe('reopen', () => {
  it('reopens a resolved ticket back to its assignee with a new resolution cycle, and a closed one within the window', async () => {
    await h.setLifecycleSettings({ reopenWindowDays: 2 });
    const ticket = await h.openTicket({ requester: rita, title: 'Outlook crashes #triage:Miscellaneous@0.9', description: 'On start.' });
    const { assigneeId } = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    const agent = asActor((await h.db.select().from(users).where(eq(users.id, assigneeId!)))[0]!);
    await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved' }] });
    const reopened = await ticket.handle.executeUpdate(reopenUpdate, { args: [{ actor: asActor(rita), reason: 'crashed again' }] });
    expect(reopened).toMatchObject({ status: 'assigned', assigneeId, resolvedAt: null });
    expect(reopened.sla?.clocks.find((c) => c.target === 'resolution')).toMatchObject({ cycle: 2, running: true });
    await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'resolved' }] });
    await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: 'closed' }] });
    const again = await ticket.handle.executeUpdate(reopenUpdate, { args: [{ actor: asActor(rita), reason: 'still crashing' }] });
    expect(again).toMatchObject({ status: 'assigned', closedAt: null });
    expect((await h.eventsOfKind(ticket.id, 'reopened')).filter((e) => e.field === 'status').map((e) => [e.oldValue, e.reason])).toEqual([
      ['resolved', 'crashed again'],
      ['closed', 'still crashing'],
    ]);
  });

  it('after the reopen window the workflow completes; closed for good', async () => {
    await h.setLifecycleSettings({ reopenWindowDays: 0 });
    const ticket = await h.openTicket({ requester: rita, title: 'Teams freezes #triage:Miscellaneous@0.9', description: 'During calls.' });
    await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: sam, to: 'resolved' }] });
    await ticket.handle.executeUpdate(confirmResolutionUpdate, { args: [{ actor: asActor(rita) }] });
    await expect(ticket.handle.result()).resolves.toBeUndefined();
    await expect(ticket.handle.executeUpdate(reopenUpdate, { args: [{ actor: asActor(rita) }] })).rejects.toThrow(/completed|not found/i);
    expect(await h.row(ticket.id)).toMatchObject({ status: 'closed' });
    await h.setLifecycleSettings({ reopenWindowDays: 14 });
  });
});

describe('links', () => {
  it('merges a duplicate into its primary: comments and watchers move, the duplicate closes with a link and its workflow completes', async () => {
    const primary = await h.openTicket({ requester: rita, title: 'Wi-Fi down on floor 3 #triage:Hardware@0.9', description: 'No connection.' });
    const duplicate = await h.openTicket({ requester: raj, title: 'No Wi-Fi on the third floor #triage:Hardware@0.9', description: 'Since 9am.' });
    await h.waitFor(duplicate.handle, (s) => s.status === 'assigned', 'assignment');
    await h.db.insert(comments).values({ ticketId: duplicate.id, authorId: raj.id, body: 'Also the printer is offline.' });
    const watcher = await h.createUser({ name: 'Wanda Watcher' });
    await h.db.insert(ticketWatchers).values({ ticketId: duplicate.id, userId: watcher.id });
    const merged = await duplicate.handle.executeUpdate(mergeUpdate, { args: [{ actor: sam, primaryTicketId: primary.id }] });
    expect(merged).toMatchObject({ status: 'closed', mergedInto: { ticketId: primary.id, number: primary.number } });
    await expect(duplicate.handle.result()).resolves.toBeUndefined();
    expect(await h.db.select().from(comments).where(eq(comments.ticketId, primary.id))).toHaveLength(1);
    expect((await h.db.select().from(ticketWatchers).where(eq(ticketWatchers.ticketId, primary.id))).map((w) => w.userId).sort()).toEqual([raj.id, watcher.id].sort());
    expect(await h.db.select().from(ticketLinks).where(eq(ticketLinks.ticketId, duplicate.id))).toMatchObject([{ kind: 'duplicate_of', targetTicketId: primary.id }]);
    expect(await h.eventsOfKind(primary.id, 'merged_in')).toMatchObject([{ actorId: sam.id, newValue: { number: duplicate.number, movedComments: 1 } }]);
    expect(await h.row(duplicate.id)).toMatchObject({ status: 'closed' });
    expect(await h.rejection(() => primary.handle.executeUpdate(mergeUpdate, { args: [{ actor: sam, primaryTicketId: primary.id }] }))).toMatchObject({ type: 'InvalidInput' });
  });

  it('a parent cannot resolve while a child is open; it can once the child is resolved', async () => {
    const parent = await h.openTicket({ requester: rita, title: 'Office move #triage:Internal Project@0.9', description: 'Move 20 desks.' });
    const child = await h.openTicket({ requester: rita, title: 'Move the printers #triage:Hardware@0.9', description: 'Part of the office move.' });
    const parentView = await h.waitFor(parent.handle, (s) => s.status === 'assigned', 'parent assignment');
    const childView = await h.waitFor(child.handle, (s) => s.status === 'assigned', 'child assignment');
    const parentAgent = asActor((await h.db.select().from(users).where(eq(users.id, parentView.assigneeId!)))[0]!);
    const childAgent = asActor((await h.db.select().from(users).where(eq(users.id, childView.assigneeId!)))[0]!);
    await child.handle.executeUpdate(linkUpdate, { args: [{ actor: sam, kind: 'parent', targetTicketId: parent.id }] });
    await h.waitFor(parent.handle, (s) => s.openChildren.length === 1, 'the parent to hear of its child');
    const blocked = await h.rejection(() => parent.handle.executeUpdate(transitionUpdate, { args: [{ actor: parentAgent, to: 'resolved' }] }));
    expect(blocked).toMatchObject({ type: 'IllegalTransition', message: expect.stringContaining('1 child ticket is open') });
    // A loop is refused.
    expect(await h.rejection(() => parent.handle.executeUpdate(linkUpdate, { args: [{ actor: sam, kind: 'parent', targetTicketId: child.id }] }))).toMatchObject({
      type: 'InvalidInput',
      message: expect.stringContaining('loop'),
    });
    await child.handle.executeUpdate(transitionUpdate, { args: [{ actor: childAgent, to: 'resolved' }] });
    await h.waitFor(parent.handle, (s) => s.openChildren.length === 0, 'the parent to hear the child resolved');
    await parent.handle.executeUpdate(transitionUpdate, { args: [{ actor: parentAgent, to: 'resolved' }] });
    // Reopening the child makes it block again (the parent is resolved already, so nothing breaks).
    await child.handle.executeUpdate(reopenUpdate, { args: [{ actor: asActor(rita) }] });
    await h.waitFor(parent.handle, (s) => s.openChildren.length === 1, 'the parent to hear the child reopened');
    await child.handle.executeUpdate(unlinkUpdate, { args: [{ actor: sam, kind: 'parent', targetTicketId: parent.id }] });
    await h.waitFor(parent.handle, (s) => s.openChildren.length === 0, 'the parent to hear of the unlink');
    expect(await h.db.select().from(ticketLinks).where(eq(ticketLinks.ticketId, child.id))).toHaveLength(0);
  });
});

describe('activities are idempotent', () => {
  it('a retried change writes its row update, audit events and notifications once; a retried auto-assignment keeps its pick', async () => {
    const activities = createActivities({ db: h.db });
    const it = await h.department('it');
    const [intake] = await h.db.insert(ticketIntake).values({ requesterId: rosa().id, idempotencyKey: crypto.randomUUID() }).returning();
    const ticket = { ticketId: intake!.id, number: intake!.number, title: 'Monitor flickers', description: 'Second screen flickers.', urgency: 'low' as const, requesterId: rosa().id };
    await activities.insertTicket({ ...ticket, dedupeKey: `t${intake!.number}#created` });
    await activities.insertTicket({ ...ticket, dedupeKey: `t${intake!.number}#created` });
    const triaged = {
      ticketId: intake!.id,
      seq: 1,
      dedupeKey: `t${intake!.number}#1`,
      kind: 'triaged' as const,
      set: { status: 'triaged' as const, departmentId: it.id },
      actorId: null,
      source: 'workflow' as const,
    };
    await activities.applyTicketChange(triaged);
    await activities.applyTicketChange(triaged);
    const assign = {
      ticketId: intake!.id,
      seq: 2,
      dedupeKey: `t${intake!.number}#2`,
      kind: 'assigned' as const,
      set: {},
      actorId: null,
      source: 'workflow' as const,
      autoAssign: { pool: 'department' as const, departmentId: it.id, category: 'Hardware' },
      notifications: [{ key: 'assigned/2', kind: 'assigned' as const, audience: ['assignee' as const], strictAssignee: true, title: 'Assigned', body: 'to you' }],
    };
    const first = await activities.applyTicketChange(assign);
    const retried = await activities.applyTicketChange(assign);
    expect(first.assigneeId).toBe(ivy.id);
    expect(retried.assigneeId).toBe(first.assigneeId);
    const events = await h.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, intake!.id));
    expect(events.map((e) => [e.kind, e.field])).toEqual([
      ['created', null],
      ['triaged', 'status'],
      ['triaged', 'departmentId'],
      ['assigned', 'status'],
      ['assigned', 'assigneeId'],
    ]);
    expect(await h.notifications(intake!.id)).toHaveLength(1);
    expect((await h.db.select().from(tickets).where(eq(tickets.id, intake!.id)))[0]).toMatchObject({ status: 'assigned', assigneeId: ivy.id, lifecycleSeq: 2 });
  });
});

describe('temporal hygiene', () => {
  it('continues as new before the history grows large, carrying the whole state', async () => {
    await h.setLifecycleSettings({ historyEventBudget: 200 });
    const ticket = await h.openTicket({ requester: raj, title: 'Flaky docking station #triage:Hardware@0.9', description: 'Disconnects.' });
    const { assigneeId } = await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
    const agent = asActor((await h.db.select().from(users).where(eq(users.id, assigneeId!)))[0]!);
    const firstRun = (await ticket.handle.describe()).runId;
    let toggles = 0;
    while ((await ticket.handle.describe()).runId === firstRun && toggles < 80) {
      await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: toggles % 2 === 0 ? 'waiting_on_customer' : 'in_progress' }] });
      toggles++;
    }
    const description = await ticket.handle.describe();
    expect(description.runId).not.toBe(firstRun);
    const carried = await h.state(ticket.handle);
    expect(carried).toMatchObject({ assigneeId, number: ticket.number, persisted: true });
    expect(carried.seq).toBeGreaterThan(toggles);
    expect(carried.sla?.clocks.map((c) => c.target)).toEqual(['first_response', 'resolution']);
    // The new run keeps working and keeps the sequence (no duplicate audit keys).
    const next = carried.status === 'in_progress' ? 'waiting_on_third_party' : 'in_progress';
    expect((await ticket.handle.executeUpdate(transitionUpdate, { args: [{ actor: agent, to: next }] })).status).toBe(next);
    expect((await h.row(ticket.id)).lifecycleSeq).toBe(carried.seq + 1);
    await h.setLifecycleSettings({ historyEventBudget: 2000 });
  });
});

// Last: the hung provider calls keep running on the worker after their timeouts, and the test
// server does not skip time while an activity runs, so nothing after this may skip time.
describe('a slow AI provider', () => {
  it('never blocks a ticket: the activity timeout bounds each attempt, then the rules take over', async () => {
    const start = await h.now();
    const { handle, id } = await h.startTicket({ requester: rita, title: 'VPN drops #ai-hangs', description: 'Since Monday.' });
    // Three 4 s attempts plus backoff: the test server does not skip time while an activity runs.
    const view = await h.waitFor(handle, (s) => s.status === 'assigned', 'assignment', 30_000);
    expect(view.departmentSlug).toBe('it');
    const fallbacks = await h.eventsOfKind(id, 'ai_fallback');
    expect(fallbacks.map((e) => e.field)).toEqual(expect.arrayContaining(['screening', 'triage']));
    expect(fallbacks[0]!.newValue).toMatchObject({ error: expect.stringMatching(/timed? ?out/i) });
    expect((await h.now()) - start).toBeLessThan(30_000);
  });
});
