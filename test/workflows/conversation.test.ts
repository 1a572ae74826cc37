/**
 * The workflow hears the conversation: messages posted through the one message path
 * (api/comments/post.ts, what the tRPC procedure, REST and the rooms' store endpoint all call)
 * move the ticket's clocks, on the time-skipping server with real activities on PGlite. An
 * agent's first public message meets first response; each requester message restarts next
 * response, resumes a ticket waiting on the customer and postpones the auto-close of a resolved
 * one; internal notes and held messages count for none; a resent message counts once.
 */
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Connection } from '@temporalio/client';
import { postMessage, ReplySignalError, type PostMessageInput } from '../../api/comments/post';
import { comments, users } from '../../db/schema';
import type { BusinessCalendar } from '../../workflows/sla';
import { transitionUpdate } from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { HOUR, MINUTE, nextWeekdayAt, startLifecycleHarness, type LifecycleHarness, type TicketHandle } from '../support/lifecycle';

let h: LifecycleHarness;

beforeAll(async () => {
  h = await startLifecycleHarness();
});
afterEach(() => h?.cleanup());
afterAll(() => h?.stop());

const OFFICE_UTC: BusinessCalendar = { timezone: 'UTC', weeklyHours: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] };
const iso = (ms: number) => new Date(ms).toISOString();
const day = (monday: number, offsetDays: number, hhmm: string) => {
  const [hh, mm] = hhmm.split(':').map(Number);
  return monday + offsetDays * 24 * HOUR + hh! * HOUR + mm! * MINUTE;
};
/** Within 2 s of the expected instant, or a readable mismatch. */
const near = (actual: number | null | undefined, expected: number): true | string =>
  actual !== null && actual !== undefined && Math.abs(actual - expected) <= 2000 ? true : `${actual == null ? String(actual) : iso(actual)} instead of ${iso(expected)}`;

/** A ticket with a policy of its own (office hours, targets in minutes), opened on a Saturday: clocks start Monday 09:00. */
async function openTicket(targets: { firstResponse: number; nextResponse?: number; resolution: number }) {
  const group = `g-${crypto.randomUUID().slice(0, 8)}`;
  const calendar = await h.createCalendar(OFFICE_UTC);
  await h.createPolicy({ group, calendarId: calendar.id, thresholds: [80, 100], escalation: [], ...targets });
  const requester = await h.createUser({ name: `Requester ${group}`, groups: [group] });
  const openAt = nextWeekdayAt(await h.now(), 6, '12:00');
  await h.advanceTo(openAt);
  const ticket = await h.openTicket({ requester, title: 'Docking station dead #triage:Hardware@0.9', description: 'No display.' });
  await h.waitFor(ticket.handle, (s) => s.status === 'assigned', 'assignment');
  const agent = await assigneeOf(ticket.handle);
  return { ...ticket, requester, agent, monday: nextWeekdayAt(openAt, 1, '00:00') };
}

async function assigneeOf(handle: TicketHandle): Promise<Actor> {
  const { assigneeId } = await h.state(handle);
  const [u] = await h.db.select().from(users).where(eq(users.id, assigneeId!));
  return { id: u!.id, role: u!.role, departmentId: u!.departmentId };
}

/** A message through the one path, as the rooms' store endpoint sends it (no room to push into here). */
const say = (ticketId: string, author: { id: string }, body: string, extra: Partial<PostMessageInput> = {}) =>
  postMessage({ db: h.db, temporal: h.env.client, room: null }, { ticketId, authorId: author.id, body, clientId: crypto.randomUUID(), ...extra });

/** Public replies the workflow received (signals in its history), by comment id. */
async function signalledReplies(handle: TicketHandle): Promise<number[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === 'publicReply')
    .map((a) => {
      const payload = a!.input!.payloads![0]!.data!;
      return (JSON.parse(Buffer.from(payload).toString()) as { commentId: number }).commentId;
    });
}

describe('messages move the clocks', () => {
  it('an internal note counts for nothing; the agent’s first public message meets first response; each requester message restarts next response', async () => {
    const t = await openTicket({ firstResponse: 240, nextResponse: 60, resolution: 2400 });
    const mon = t.monday;
    await h.advanceTo(day(mon, 0, '09:30'));
    const note = await say(t.id, t.agent, 'Checking the dock firmware first.', { internal: true });
    await h.advanceTo(day(mon, 0, '10:00'));
    const reply = await say(t.id, t.agent, 'Please try another USB-C cable.');
    await h.eventually(async () => near((await h.row(t.id)).firstRespondedAt?.getTime(), day(mon, 0, '10:00'))).toBe(true);
    expect(await h.eventsOfKind(t.id, 'first_response')).toHaveLength(1);
    expect(await signalledReplies(t.handle)).toEqual([reply.comment.id]); // never the note
    expect((await h.eventsOfKind(t.id, 'comment_added')).map((e) => (e.newValue as { commentId: number }).commentId)).toEqual([note.comment.id, reply.comment.id]);

    await h.advanceTo(day(mon, 0, '16:30'));
    await say(t.id, t.requester, 'Another cable did not help.');
    await h.eventually(async () => near((await h.row(t.id)).responseDueAt?.getTime(), day(mon, 1, '09:30'))).toBe(true); // 30 min Monday + 30 min Tuesday
    await h.advanceTo(day(mon, 1, '09:15'));
    await say(t.id, t.agent, 'A new dock is on its way.');
    await h.eventually(async () => (await h.row(t.id)).responseDueAt).toBeNull();
    expect(await h.eventsOfKind(t.id, 'first_response')).toHaveLength(1); // the second agent message met next response only
  });

  it('a requester message resumes a ticket waiting on the customer; an agent message does not', async () => {
    const t = await openTicket({ firstResponse: 6000, resolution: 6000 });
    await h.advanceTo(day(t.monday, 0, '10:00'));
    for (const to of ['in_progress', 'waiting_on_customer'] as const) await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: t.agent, to }] });
    const question = await say(t.id, t.agent, 'Which dock model is it?');
    const answer = await say(t.id, t.requester, 'A WD19.');
    await h.eventually(async () => (await h.row(t.id)).status).toBe('in_progress');
    // Both were heard, in order; only the requester's moved the status.
    expect(await signalledReplies(t.handle)).toEqual([question.comment.id, answer.comment.id]);
    const resumed = (await h.eventsOfKind(t.id, 'status_changed')).filter((e) => e.reason === 'the requester replied');
    expect(resumed).toHaveLength(1);
    expect(resumed[0]).toMatchObject({ actorId: t.requester.id, newValue: 'in_progress' });
  });

  it('a requester message postpones the auto-close of a resolved ticket', async () => {
    await h.setLifecycleSettings({ autoCloseBusinessDays: 2 });
    try {
      const t = await openTicket({ firstResponse: 6000, resolution: 6000 });
      const mon = t.monday;
      await h.advanceTo(day(mon, 0, '10:00'));
      await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: t.agent, to: 'resolved' }] });
      await h.advanceTo(day(mon, 1, '15:00'));
      await say(t.id, t.requester, 'It works now, but let me test it tomorrow.');
      await h.eventually(async () => near((await h.row(t.id)).autoCloseAt?.getTime(), day(mon, 3, '15:00'))).toBe(true);
      expect(await h.eventsOfKind(t.id, 'auto_close_postponed')).toHaveLength(1);
      await h.advanceTo(day(mon, 3, '15:00') + 500);
      await h.eventually(async () => (await h.row(t.id)).status).toBe('closed');
    } finally {
      await h.setLifecycleSettings({ autoCloseBusinessDays: 5 });
    }
  });
});

describe('what the workflow must not hear twice, or at all', () => {
  it('a resent message (same clientId) is stored once and counted once, though signalled again', async () => {
    const t = await openTicket({ firstResponse: 240, resolution: 2400 });
    await h.advanceTo(day(t.monday, 0, '10:00'));
    const first = await say(t.id, t.agent, 'On it.', { clientId: 'agent-msg-1' });
    const again = await say(t.id, t.agent, 'On it.', { clientId: 'agent-msg-1' });
    expect(again).toMatchObject({ created: false, comment: { id: first.comment.id } });
    await h.eventually(async () => (await signalledReplies(t.handle)).length).toBe(2);
    expect(await signalledReplies(t.handle)).toEqual([first.comment.id, first.comment.id]);
    // An Update runs after both signals' handlers (one change at a time): once it returns, both were handled.
    await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: t.agent, to: 'in_progress' }] });
    // The workflow dedupes by commentId: one first response; and one audit event, one stored row.
    expect(await h.eventsOfKind(t.id, 'first_response')).toHaveLength(1);
    expect(await h.eventsOfKind(t.id, 'comment_added')).toHaveLength(1);
    expect(await h.db.select().from(comments).where(eq(comments.ticketId, t.id))).toHaveLength(1);
  });

  it('when Temporal cannot be reached the message is stored whole but refused; the resend with the same clientId tells the workflow', async () => {
    const t = await openTicket({ firstResponse: 240, resolution: 2400 });
    await h.advanceTo(day(t.monday, 0, '10:00'));
    const unreachable = new Client({ connection: Connection.lazy({ address: '127.0.0.1:1', connectTimeout: '200 ms' }) });
    const input = { ticketId: t.id, authorId: t.agent.id, body: 'On my way.', clientId: 'temporal-down' };
    const failure = await postMessage({ db: h.db, temporal: unreachable, room: null }, input).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ReplySignalError);
    // Stored with its audit event (one transaction), not yet heard.
    const [stored] = await h.db.select().from(comments).where(eq(comments.clientId, 'temporal-down'));
    expect((await h.eventsOfKind(t.id, 'comment_added')).map((e) => (e.newValue as { commentId: number }).commentId)).toEqual([stored!.id]);
    expect(await signalledReplies(t.handle)).toEqual([]);

    const resent = await postMessage({ db: h.db, temporal: h.env.client, room: null }, input);
    expect(resent).toMatchObject({ created: false, comment: { id: stored!.id } });
    await h.eventually(async () => (await h.row(t.id)).firstRespondedAt).not.toBeNull();
    expect(await signalledReplies(t.handle)).toEqual([stored!.id]);
    expect(await h.eventsOfKind(t.id, 'comment_added')).toHaveLength(1);
  });

  it('a message screening holds is not heard until staff release it', async () => {
    const t = await openTicket({ firstResponse: 6000, resolution: 6000 });
    await h.advanceTo(day(t.monday, 0, '10:00'));
    for (const to of ['in_progress', 'waiting_on_customer'] as const) await t.handle.executeUpdate(transitionUpdate, { args: [{ actor: t.agent, to }] });
    const held = await say(t.id, t.requester, 'You people are useless idiots. Buy now, click here to claim your prize!');
    expect(held.comment.held).toBe(true);
    // A later public message proves the held one was not signalled (signals arrive in order).
    const later = await say(t.id, t.agent, 'We will look at it.');
    await h.eventually(async () => signalledReplies(t.handle)).toEqual([later.comment.id]);
    expect((await h.row(t.id)).status).toBe('waiting_on_customer');
    expect((await h.notifications(t.id)).filter((n) => n.kind === 'review_needed').map((n) => n.userId)).toEqual([t.agent.id]);
  });
});
