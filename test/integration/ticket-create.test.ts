import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ticketEvents } from '../../db/schema';
import { startStack, type Stack } from '../support/stack';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
}, 120_000);
afterAll(() => stack?.stop());

describe('creating a ticket end to end (dev server, PGlite, worker, API over HTTP)', () => {
  it('runs triage and assignment in the ticket workflow and persists the result', async () => {
    const { api } = await stack.signIn('rita.requester@deskflow.test');
    const created = await api.ticket.create.mutate({ title: 'Laptop will not boot', description: 'Black screen after the update this morning.', urgency: 'high' });
    expect(created.number).toBeGreaterThanOrEqual(1000);

    const handle = stack.env.client.workflow.getHandle(`ticket-${created.number}`);
    await expect.poll(async () => (await api.ticket.get.query({ id: created.id })).status, { timeout: 15_000 }).toBe('assigned');
    const ticket = await api.ticket.get.query({ id: created.id });
    expect(ticket.department?.slug).toBe('it');
    expect(ticket.assignee?.name).toBeTruthy();

    const description = await handle.describe();
    expect(description.searchAttributes).toMatchObject({ TicketNumber: [created.number] });
    await expect.poll(async () => (await handle.describe()).searchAttributes.TicketStatus, { timeout: 10_000 }).toEqual(['assigned']);

    const events = await stack.db.select().from(ticketEvents).where(eq(ticketEvents.ticketId, created.id));
    expect(events.map((e) => e.kind)).toEqual(expect.arrayContaining(['created', 'triaged', 'assigned']));
  });

  it('never creates two tickets for one idempotency key, even concurrently', async () => {
    const { api } = await stack.signIn('raj.requester@deskflow.test');
    const input = { title: 'VPN drops every hour', description: 'Since Monday.', idempotencyKey: 'raj-vpn-0001' };
    const results = await Promise.all([api.ticket.create.mutate(input), api.ticket.create.mutate(input), api.ticket.create.mutate(input)]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    const list = await api.ticket.list.query({});
    expect(list.items.filter((t) => t.title === input.title)).toHaveLength(1);
  });
});
