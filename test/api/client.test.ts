/** The typed client (api/client.ts) against the real API: batching, and what crosses the wire. */
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeskflowClient } from '../../api/client';
import { demo, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let token: string;
let ticketId: string;
beforeAll(async () => {
  api = await startApi();
  ticketId = (await api.insertTicket({ requester: demo.requester, title: 'Scanner offline', description: 'The scanner in room 2 is offline.', department: 'it', assignee: demo.itAgent })).id;
  token = (await api.signIn(demo.itAgent)).token;
}, 120_000);
afterAll(() => api?.stop());

/** A client that counts the HTTP requests it sends. */
function countingClient(batch?: boolean) {
  const sent: string[] = [];
  const client = createDeskflowClient(api.url, token, { batch, fetch: (input, init) => (sent.push(String(input)), fetch(input, init)) });
  return { client, sent };
}

describe('the typed client', () => {
  it('sends calls made together as one request by default, and one request per call with batch: false', async () => {
    const batched = countingClient();
    const [me, ticket, list] = await Promise.all([batched.client.auth.me.query(), batched.client.ticket.get.query({ id: ticketId }), batched.client.ticket.list.query({ limit: 5 })]);
    expect(me.email).toBe(demo.itAgent);
    expect(ticket.title).toBe('Scanner offline');
    expect(list.items.map((t) => t.id)).toContain(ticketId);
    expect(batched.sent).toHaveLength(1);

    const single = countingClient(false);
    const again = await Promise.all([single.client.auth.me.query(), single.client.ticket.get.query({ id: ticketId }), single.client.ticket.list.query({ limit: 5 })]);
    expect(again).toEqual([me, ticket, list]);
    expect(single.sent).toHaveLength(3);
  });

  it('gets dates back as Dates and nulls as nulls', async () => {
    const { client } = countingClient();
    const ticket = await client.ticket.get.query({ id: ticketId });
    expect(ticket.createdAt).toBeInstanceOf(Date);
    expect(Math.abs(ticket.createdAt.getTime() - Date.now())).toBeLessThan(120_000);
    expect(ticket.building).toBeNull();
  });

  it('gets errors with their code and field messages, batched or not', async () => {
    for (const batch of [true, false]) {
      const { client } = countingClient(batch);
      const error = await client.ticket.get.query({ id: 'not-a-uuid' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCClientError);
      const data = (error as TRPCClientError<never>).data as unknown as { code: string; zodError: { fieldErrors: Record<string, string[]> } };
      expect(data.code).toBe('BAD_REQUEST');
      expect(data.zodError.fieldErrors.id).toBeDefined();
    }
  });
});
