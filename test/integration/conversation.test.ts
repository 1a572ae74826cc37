/**
 * One conversation per ticket, end to end: the whole stack (Temporal dev server, the worker,
 * PGlite, the API over HTTP, the rooms in workerd). Messages sent in a ticket's live room reach
 * the ticket's workflow like replies through the API do: an agent's first public message meets
 * first response, a requester's resumes a ticket waiting on them and postpones the auto-close of
 * a resolved one, internal notes count for nothing, and a resent message counts once. Messages
 * sent through the API appear live in the room.
 */
import { and, asc, eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments, ticketEvents, tickets } from '../../db/schema';
import { connectTicketRoom, type RoomClient } from '../../realtime/client';
import { demo, startApi, type ApiHarness } from '../api/support';

let api: ApiHarness;
const open: RoomClient[] = [];
beforeAll(async () => {
  api = await startApi({ temporal: true, rooms: true });
}, 180_000);
afterAll(async () => {
  for (const client of open) client.close();
  await api?.stop();
});

type Session = Awaited<ReturnType<ApiHarness['signIn']>>;

async function joinRoom(session: Session, ticketId: string) {
  const grant = await session.api.realtime.token.mutate({ ticketId });
  const client = connectTicketRoom({ url: grant.url, ticketId, token: grant.token, WebSocket });
  open.push(client);
  await client.ready;
  return client;
}

async function row(ticketId: string) {
  const [found] = await api.db.select().from(tickets).where(eq(tickets.id, ticketId));
  return found!;
}

const eventsOfKind = (ticketId: string, kind: string) =>
  api.db
    .select()
    .from(ticketEvents)
    .where(and(eq(ticketEvents.ticketId, ticketId), eq(ticketEvents.kind, kind)))
    .orderBy(asc(ticketEvents.id));

const eventually = <T>(fn: () => Promise<T> | T) => expect.poll(fn, { timeout: 20_000, interval: 100 });

/** Public replies the ticket's workflow received (signals in its history), by comment id. */
async function signalledReplies(ticketNumber: number): Promise<number[]> {
  const history = await api.env!.client.workflow.getHandle(`ticket-${ticketNumber}`).fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionSignaledEventAttributes)
    .filter((a) => a?.signalName === 'publicReply')
    .map((a) => (JSON.parse(Buffer.from(a!.input!.payloads![0]!.data!).toString()) as { commentId: number }).commentId);
}

/** A ticket filed by Rita, routed to IT and assigned to Ivy, with both in its room. */
async function ticketWithRoom(title: string) {
  const rita = await api.signIn(demo.requester);
  const ivy = await api.signIn(demo.itAgent);
  const ticket = await rita.api.ticket.create.mutate({ title, description: 'Since this morning.' });
  await api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
  return { ticket, rita, ivy, ritaRoom: await joinRoom(rita, ticket.id), ivyRoom: await joinRoom(ivy, ticket.id) };
}

async function move(session: Session, ticketId: string, status: 'in_progress' | 'waiting_on_customer' | 'waiting_on_third_party' | 'resolved') {
  const moved = await session.api.ticket.bulkUpdate.mutate({ ticketIds: [ticketId], change: { action: 'status', status } });
  expect(moved.results[0]).toMatchObject({ ok: true, status });
}

describe('messages in a ticket room reach its workflow', () => {
  it('an internal note counts for nothing; the agent’s first public message in the room meets first response', async () => {
    const { ticket, ivyRoom, ritaRoom } = await ticketWithRoom('Monitor flickers');
    const note = await ivyRoom.sendMessage({ body: 'Probably the cable; checking stock.', internal: true });
    const toRita = ritaRoom.next('message');
    const reply = await ivyRoom.sendMessage({ body: 'I will bring a new cable at 2 pm.' });
    expect((await toRita).message.id).toBe(reply.id);
    await eventually(async () => (await row(ticket.id)).firstRespondedAt).not.toBeNull();
    expect(await eventsOfKind(ticket.id, 'first_response')).toHaveLength(1);
    expect(await signalledReplies(ticket.number)).toEqual([reply.id]);
    expect((await eventsOfKind(ticket.id, 'comment_added')).map((e) => (e.newValue as { commentId: number }).commentId)).toEqual([note.id, reply.id]);
  });

  it('a requester’s room message resumes a ticket waiting on them; resent with the same clientId it is stored and counted once', async () => {
    const { ticket, ivy, ivyRoom, ritaRoom } = await ticketWithRoom('Teams audio drops');
    await move(ivy, ticket.id, 'in_progress');
    await move(ivy, ticket.id, 'waiting_on_customer');
    await ivyRoom.sendMessage({ body: 'Which headset do you use?' });
    const first = await ritaRoom.sendMessage({ body: 'A Jabra Evolve 2.', clientId: 'rita-headset' });
    await eventually(async () => (await row(ticket.id)).status).toBe('in_progress');
    // The same message again (a client retry): the stored one is returned and the workflow told again.
    const again = await ritaRoom.sendMessage({ body: 'A Jabra Evolve 2.', clientId: 'rita-headset' });
    expect(again.id).toBe(first.id);
    await eventually(async () => (await signalledReplies(ticket.number)).filter((id) => id === first.id).length).toBe(2);
    // A lifecycle Update runs after both signals' handlers (one change at a time) …
    await move(ivy, ticket.id, 'waiting_on_third_party');
    // …and it counted once: one resume, one stored row, one audit event.
    expect((await eventsOfKind(ticket.id, 'status_changed')).filter((e) => e.reason === 'the requester replied')).toHaveLength(1);
    expect(
      await api.db
        .select()
        .from(comments)
        .where(and(eq(comments.ticketId, ticket.id), eq(comments.clientId, 'rita-headset'))),
    ).toHaveLength(1);
    expect((await eventsOfKind(ticket.id, 'comment_added')).filter((e) => (e.newValue as { commentId: number }).commentId === first.id)).toHaveLength(1);
  });

  it('a requester’s room message postpones the auto-close of a resolved ticket', async () => {
    const { ticket, ivy, ritaRoom } = await ticketWithRoom('VPN drops every hour');
    await move(ivy, ticket.id, 'resolved');
    const before = (await row(ticket.id)).autoCloseAt;
    expect(before).not.toBeNull();
    await ritaRoom.sendMessage({ body: 'It dropped again just now.' });
    await eventually(async () => (await eventsOfKind(ticket.id, 'auto_close_postponed')).length).toBe(1);
    // Counted from the reply now (the same instant as before only outside business hours).
    expect((await row(ticket.id)).autoCloseAt!.getTime()).toBeGreaterThanOrEqual(before!.getTime());
    expect((await row(ticket.id)).status).toBe('resolved');
  });

  it('a reply through the API appears live in the room, once, and reaches the workflow', async () => {
    const { ticket, ivy, ritaRoom } = await ticketWithRoom('Printer offline');
    const live = ritaRoom.next('message', (f) => f.message.body === 'Restarted the print server.', 15_000);
    const posted = await ivy.api.comment.add.mutate({ ticketId: ticket.id, body: 'Restarted the print server.' });
    expect((await live).message.id).toBe(posted.id);
    await eventually(async () => (await row(ticket.id)).firstRespondedAt).not.toBeNull();
    const marker = ritaRoom.next('message', (f) => f.message.body === 'marker');
    await ivy.api.comment.add.mutate({ ticketId: ticket.id, body: 'marker' });
    await marker;
    expect(ritaRoom.framesOf('message').filter((f) => f.message.id === posted.id)).toHaveLength(1);
  });
});
