/**
 * Possible duplicates for agents (ticket.similar): the worker embeds every ticket after intake
 * (ticket workflow, PATCHES.embedTicket) and agents see the open tickets nearest by meaning that
 * they could merge, above a similarity floor; merging one takes it off the list.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { SIMILAR_TICKET_FLOOR } from '../../api/tickets/similar';
import { ticketEmbeddings } from '../../db/schema';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let ivy: DeskflowClient; // IT agent
let hana: DeskflowClient; // HR agent
type Filed = { id: string; number: number };
let vpn: Filed; // the first report
let vpnAgain: Filed; // the same problem in other words, by another requester
let vpnInHr: Filed; // the same problem, but in HR: Ivy has no staff powers there
let printer: Filed; // another IT problem

async function waitFor<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function file(email: string, title: string, description: string, department: string, assignee: string): Promise<Filed> {
  const { api: client } = await api.signIn(email);
  const ticket = await client.ticket.create.mutate({ title, description });
  await api.route(ticket.id, { department, assignee });
  await waitFor('its embedding', async () => (await api.db.select().from(ticketEmbeddings).where(eq(ticketEmbeddings.ticketId, ticket.id)))[0]);
  return { id: ticket.id, number: ticket.number };
}

beforeAll(async () => {
  api = await startApi({ temporal: true, embeddings: true });
  ({ api: ivy } = await api.signIn(demo.itAgent));
  ({ api: hana } = await api.signIn(demo.hrAgent));
  vpn = await file(demo.requester, 'VPN keeps disconnecting', 'My VPN connection drops every few minutes when I work from home.', 'it', demo.itAgent);
  vpnAgain = await file(demo.requester2, 'Remote access VPN drops all the time', 'Working from home, the VPN disconnects every couple of minutes.', 'it', demo.itAgent2);
  vpnInHr = await file(demo.requester3, 'VPN disconnecting constantly', 'The VPN connection keeps dropping every few minutes at home.', 'hr', demo.hrAgent);
  printer = await file(demo.requester3, 'Printer out of toner', 'The printer on the third floor says the toner is empty.', 'it', demo.itAgent);
}, 240_000);
afterAll(() => api?.stop());

describe('possible duplicates for agents', () => {
  it('lists the same problem in other words, not a different problem or a ticket the agent cannot work', async () => {
    const similar = await ivy.ticket.similar.query({ id: vpn.id });
    expect(similar.indexed).toBe(true);
    expect(similar.tickets.map((t) => t.number)).toEqual([vpnAgain.number]);
    expect(similar.tickets[0]!.similarity).toBeGreaterThanOrEqual(SIMILAR_TICKET_FLOOR);
    // The different problem is well below the floor (what the floor was chosen from).
    expect((await hana.ticket.similar.query({ id: vpnInHr.id })).tickets).toEqual([]);
    const admin = (await api.signIn(demo.admin)).api;
    expect((await admin.ticket.similar.query({ id: vpn.id })).tickets.map((t) => t.number).sort()).toEqual([vpnAgain.number, vpnInHr.number].sort());
    expect((await admin.ticket.similar.query({ id: printer.id })).tickets).toEqual([]);
  });

  it('is for staff of the ticket only', async () => {
    const rita = (await api.signIn(demo.requester)).api;
    expect(await outcome(rita.ticket.similar.query({ id: vpn.id }))).toBe('FORBIDDEN');
    expect(await outcome(hana.ticket.similar.query({ id: vpn.id }))).toBe('NOT_FOUND');
  });

  it('merging the duplicate into the first report takes it off the list', async () => {
    await ivy.ticket.merge.mutate({ id: vpnAgain.id, primaryId: vpn.id });
    expect((await ivy.ticket.get.query({ id: vpnAgain.id })).status).toBe('closed');
    expect((await ivy.ticket.similar.query({ id: vpn.id })).tickets).toEqual([]);
  });
});
