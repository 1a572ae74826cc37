/**
 * The leak test: a unique canary is planted in an internal note, a message held by screening for
 * staff review (the ticket's own requester wrote it), a staff-only attachment's name
 * and an internal history reason (an escalation's) on tickets of every department. Then every
 * read procedure (generated from appRouter, so a new one is covered without touching this file)
 * and every REST GET route (generated from the OpenAPI document) is called, the ticket's room and
 * its replay are opened, and the notifications are read, as each principal who must not see
 * them: requesters (the ticket's own and others), agents and a supervisor of other departments,
 * an agent who filed the ticket, an agent and a requester watching it, a deactivated user and an
 * expired session. The canary must never appear, in an answer or in an error.
 */
import { eq } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sessionIdFromToken } from '../../api/auth/session';
import type { DeskflowClient } from '../../api/client';
import { appRouter } from '../../api/router';
import { notifications, sessions } from '../../db/schema';
import { connectTicketRoom, type RoomClient } from '../../realtime/client';
import { accessMatrix, type FixtureTicket, type MatrixRole } from './access-matrix';
import { buildWorld, callByPath, type World } from './matrix-support';
import { demo, startApi, type ApiHarness } from './support';

const CANARY = `canary-${crypto.randomUUID()}`;

type ProcedureDef = { _def: { type: 'query' | 'mutation' | 'subscription' } };
const queries = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } })._def.procedures)
  .filter(([, p]) => p._def.type === 'query')
  .map(([path]) => path);

/** Everything a caller got back, as text: values (Dates, Maps and Sets included) or the error. */
function text(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v] : typeof v === 'bigint' ? String(v) : v)) ?? '';
}

/**
 * The caller's own notifications (notification.list, GET /notifications) span every ticket, including
 * those they are staff of, where the canary rightly reaches them: of such a feed, only what it says
 * about `ticketId` (a ticket they must not see) counts; anything else answered is kept whole.
 */
function aboutTicket(answer: string, ticketId: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer);
  } catch {
    return answer;
  }
  const items = (parsed as { items?: unknown } | null)?.items;
  if (!Array.isArray(items)) return answer;
  return text(items.filter((item: { ticket?: { id?: string } | null }) => item.ticket?.id === ticketId));
}

async function settle(call: Promise<unknown>): Promise<string> {
  try {
    return text(await call);
  } catch (error) {
    const e = error as { message?: string; data?: unknown; shape?: unknown };
    return text({ message: e.message, data: e.data, shape: e.shape });
  }
}

type Principal = { name: string; role: Exclude<MatrixRole, 'anonymous'>; email: string; client: DeskflowClient; token: string; userId: string; tickets: FixtureTicket[] };

let api: ApiHarness;
let world: World;
let principals: Principal[];
const canaryTickets: { ticket: FixtureTicket; staff: string }[] = [];

beforeAll(async () => {
  api = await startApi({ temporal: true, rooms: true });
  world = await buildWorld(api);
  const { requester: itOwn } = world.tickets;
  const rita = itOwn.own;
  const it = world.tickets.agent.sameDepartment;
  const hr = world.tickets.agent.otherDepartment;
  const filedByAgent = world.tickets.agent.filedElsewhere;
  const watched = world.tickets.agent.watching;
  const facilities = await (async () => {
    const { api: client } = await api.signIn(demo.requester3);
    const ticket = await client.ticket.create.mutate({ title: 'Radiator is cold', description: 'The radiator in room 4 is cold.' });
    await api.route(ticket.id, { department: 'facilities', assignee: 'fred.facilities@deskflow.test' });
    return { id: ticket.id, number: ticket.number, requesterEmail: demo.requester3 };
  })();
  canaryTickets.push(
    { ticket: rita, staff: demo.itAgent },
    { ticket: it, staff: demo.itAgent2 },
    { ticket: hr, staff: demo.hrAgent },
    { ticket: filedByAgent, staff: demo.hrAgent },
    { ticket: watched, staff: demo.hrAgent },
    { ticket: facilities, staff: 'fred.facilities@deskflow.test' },
  );

  // Escalated by an admin, so the assignee is told (with the reason) in a notification.
  const { api: admin } = await api.signIn(demo.admin);
  for (const { ticket, staff } of canaryTickets) {
    const { api: client } = await api.signIn(staff);
    await client.comment.add.mutate({ ticketId: ticket.id, body: `Internal: ${CANARY} requester is under investigation, do not disclose.`, internal: true });
    const form = new FormData();
    form.append('file', new File(['investigation notes'], `${CANARY}-notes.txt`));
    form.append('ticketId', ticket.id);
    form.append('internal', 'true');
    await client.attachment.upload.mutate(form);
    await admin.ticket.escalate.mutate({ id: ticket.id, reason: `${CANARY} escalated: investigation pending` });
    // A message screening holds for staff review: not even its author gets it back until staff release it.
    const { api: filer } = await api.signIn(ticket.requesterEmail);
    const held = await filer.comment.add.mutate({ ticketId: ticket.id, body: `Congratulations, you have won! Click here to claim your prize: held-${CANARY}` });
    expect(held.held).toBe(true);
  }

  const hrTickets = [hr, filedByAgent, watched];
  const everyTicket = canaryTickets.map((c) => c.ticket);
  const signIn = async (name: string, role: Principal['role'], email: string, tickets: FixtureTicket[]): Promise<Principal> => {
    const session = await api.signIn(email);
    return { name, role, email, client: session.api, token: session.token, userId: api.userId(email), tickets };
  };
  principals = [
    await signIn('the requester who filed it', 'requester', demo.requester, [rita]),
    await signIn('a requester watching it', 'requester', demo.requester, [watched]),
    await signIn('another requester', 'requester', demo.requester3, everyTicket),
    await signIn('an agent of another department (IT on HR, facilities)', 'agent', demo.itAgent, [...hrTickets, facilities]),
    await signIn('an agent of another department (HR on IT)', 'agent', demo.hrAgent, [rita, it, facilities]),
    await signIn('a supervisor of another department', 'supervisor', demo.supervisor, [...hrTickets, facilities]),
    await signIn('an agent who filed it in another department', 'agent', demo.itAgent, [filedByAgent]),
    await signIn('an agent watching it', 'agent', demo.itAgent, [watched]),
  ];
  const deactivated = await signIn('a deactivated agent of its department', 'agent', 'hugo.hr@deskflow.test', hrTickets);
  await admin.admin.users.deactivate.mutate({ id: deactivated.userId });
  const expired = await signIn('an expired session of its department', 'agent', demo.hrAgent, hrTickets);
  await api.db
    .update(sessions)
    .set({ expiresAt: new Date(Date.now() - 1000) })
    .where(eq(sessions.id, sessionIdFromToken(expired.token)));
  principals.push(deactivated, expired);
}, 300_000);
afterAll(() => api?.stop());

describe('a planted canary', () => {
  it('is planted where staff of each ticket see it', async () => {
    for (const { ticket, staff } of canaryTickets) {
      const { api: client } = await api.signIn(staff);
      expect(text(await client.comment.list.query({ ticketId: ticket.id }))).toContain(CANARY);
      expect(text(await client.comment.list.query({ ticketId: ticket.id }))).toContain(`held-${CANARY}`);
      expect(text(await client.attachment.list.query({ ticketId: ticket.id }))).toContain(CANARY);
      expect(text(await client.ticket.history.query({ id: ticket.id }))).toContain(CANARY);
      expect(text(await client.ticket.search.query({ q: CANARY }))).toContain(ticket.id);
    }
  });

  // Every read procedure for every principal and ticket: a few hundred calls, longer than the default minute on a shared machine.
  it('never reaches anyone else through a read procedure', async () => {
    const leaks: string[] = [];
    for (const principal of principals) {
      for (const ticket of principal.tickets) {
        for (const path of queries) {
          const entry = accessMatrix[path];
          const input = path === 'ticket.search' ? { q: CANARY } : await entry?.input?.({ role: principal.role, relation: 'otherDepartment', ticket, callerEmail: principal.email, fx: world.fx });
          const settled = await settle(callByPath(principal.client, path, 'query', input));
          const answer = path === 'notification.list' ? aboutTicket(settled, ticket.id) : settled;
          if (answer.includes(CANARY)) leaks.push(`${path} as ${principal.name} on #${ticket.number}: ${answer.slice(0, 200)}`);
        }
        // A room token, where they get one: never one that sees internal.
        const grant = await principal.client.realtime.token.mutate({ ticketId: ticket.id }).catch(() => null);
        if (grant && (await api.roomClaims(grant)).internal) leaks.push(`realtime.token as ${principal.name} on #${ticket.number}: sees internal`);
      }
    }
    expect(leaks).toEqual([]);
    expect(queries.length).toBeGreaterThan(20);
  }, 180_000);

  it('never reaches anyone else through a REST route', async () => {
    const document = (await (await fetch(`${api.url}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const routes = Object.entries(document.paths)
      .filter(([, methods]) => 'get' in methods)
      .map(([path]) => path);
    expect(routes.length).toBeGreaterThan(3);
    const leaks: string[] = [];
    for (const principal of principals) {
      for (const ticket of principal.tickets) {
        for (const route of routes) {
          const url = new URL(`${api.url}/api${route.replace(/\{(id|ticketId)\}/g, ticket.id)}`);
          if (route.includes('search')) url.searchParams.set('q', CANARY);
          const answered = await (await fetch(url, { headers: { authorization: `Bearer ${principal.token}` } })).text();
          const body = route === '/notifications' ? aboutTicket(answered, ticket.id) : answered;
          if (body.includes(CANARY)) leaks.push(`GET ${route} as ${principal.name} on #${ticket.number}`);
        }
      }
    }
    expect(leaks).toEqual([]);
  });

  it('never reaches anyone else through a notification', async () => {
    // Stored per user: the expired session's user is staff of the ticket (their session reads nothing: above).
    for (const principal of principals.filter((p) => !p.name.includes('expired'))) {
      const rows = await api.db.select().from(notifications).where(eq(notifications.userId, principal.userId));
      const aboutTheirTickets = rows.filter((row) => principal.tickets.some((t) => t.id === row.ticketId));
      expect(text(aboutTheirTickets), principal.name).not.toContain(CANARY);
    }
    // It did reach staff (the escalation's reason is in the notification's body).
    const all = await api.db.select({ body: notifications.body }).from(notifications);
    expect(text(all)).toContain(CANARY);
  });

  it('never reaches anyone else in the ticket room, its replay, or live', async () => {
    const withRoom = principals.filter((p) => p.name.includes('filed') || p.name.includes('watching'));
    expect(withRoom.length).toBeGreaterThanOrEqual(4);
    const open: RoomClient[] = [];
    try {
      for (const principal of withRoom) {
        for (const ticket of principal.tickets) {
          const staffEmail = canaryTickets.find((c) => c.ticket.id === ticket.id)!.staff;
          const staffGrant = await (await api.signIn(staffEmail)).api.realtime.token.mutate({ ticketId: ticket.id });
          const staffRoom = connectTicketRoom({ url: staffGrant.url, ticketId: ticket.id, token: staffGrant.token, WebSocket });
          open.push(staffRoom);
          expect(text((await staffRoom.ready).history)).toContain(CANARY);

          const grant = await principal.client.realtime.token.mutate({ ticketId: ticket.id });
          const live = connectTicketRoom({ url: grant.url, ticketId: ticket.id, token: grant.token, WebSocket });
          const replay = connectTicketRoom({ url: grant.url, ticketId: ticket.id, token: grant.token, WebSocket, lastSeenId: 0 });
          open.push(live, replay);
          expect(text(await live.ready), principal.name).not.toContain(CANARY);
          expect(text(await replay.ready), principal.name).not.toContain(CANARY);
          expect(text(replay.messages), principal.name).not.toContain(CANARY);

          // Live: an internal note and a held message, then a public marker; the marker's arrival proves they did not come.
          const marker = `marker-${crypto.randomUUID()}`;
          const arrived = live.next('message', (frame) => frame.message.body === marker, 15_000);
          await staffRoom.sendMessage({ body: `Internal, live: ${CANARY}`, internal: true });
          // And a held message through the API (pushed into the room), by the ticket's requester.
          const { api: filer } = await api.signIn(ticket.requesterEmail);
          await filer.comment.add.mutate({ ticketId: ticket.id, body: `Congratulations, you have won! Click here to claim your prize, live: ${CANARY}` });
          await staffRoom.sendMessage({ body: marker });
          await arrived;
          expect(text(live.frames), principal.name).not.toContain(CANARY);
          expect(text(live.messages), principal.name).not.toContain(CANARY);
        }
      }
    } finally {
      for (const client of open) client.close();
    }
  });

  it('is refused to people without access even through the internal replay the rooms use', async () => {
    // By user: an expired session is the room token's business (it expires with it), not the user's.
    for (const principal of principals.filter((p) => !p.name.includes('expired'))) {
      for (const ticket of principal.tickets) {
        const response = await fetch(`${api.internalUrl}/internal/rooms/tickets/${ticket.id}/messages?internal=1&viewer=${principal.userId}`, {
          headers: { authorization: `Bearer ${api.internalSecret}` },
        });
        expect(await response.text(), principal.name).not.toContain(CANARY);
      }
    }
  });
});
