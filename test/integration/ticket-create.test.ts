import { TRPCClientError } from '@trpc/client';
import type { AppRouter } from '../../api/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { ticketEvents } from '../../db/schema';
import { startStack, type Stack } from '../../dev-support/stack';

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

  it('answers invalid input with BAD_REQUEST and zod field errors, creating nothing', async () => {
    const { api } = await stack.signIn('rosa.requester@deskflow.test');
    const error = await api.ticket.create.mutate({ title: 'x', description: '', urgency: 'whenever' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    const data = (error as TRPCClientError<AppRouter>).data!;
    expect(data.code).toBe('BAD_REQUEST');
    expect(data.httpStatus).toBe(400);
    expect(Object.keys(data.zodError!.fieldErrors).sort()).toEqual(['description', 'title', 'urgency']);
    expect((data.zodError!.fieldErrors as Record<string, string[]>).title).toEqual(['must be at least 3 characters']);
    expect((await api.ticket.list.query({})).items).toHaveLength(0);
  });

  it('keeps tickets private: no session is UNAUTHORIZED, another requester gets NOT_FOUND', async () => {
    const rita = await stack.signIn('rita.requester@deskflow.test');
    const ticket = await rita.api.ticket.create.mutate({ title: 'Private matter', description: 'Only for IT.' });
    await expect(stack.client().ticket.get.query({ id: ticket.id })).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    const raj = await stack.signIn('raj.requester@deskflow.test');
    await expect(raj.api.ticket.get.query({ id: ticket.id })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect((await raj.api.ticket.list.query({})).items.map((t) => t.id)).not.toContain(ticket.id);
  });

  it('refuses a wrong password without saying whether the email exists', async () => {
    const anonymous = stack.client();
    const wrongPassword = await anonymous.auth.signIn.mutate({ email: 'rita.requester@deskflow.test', password: 'not-her-password' }).catch((e: TRPCClientError<never>) => e);
    const unknownEmail = await anonymous.auth.signIn.mutate({ email: 'nobody@deskflow.test', password: 'not-her-password' }).catch((e: TRPCClientError<never>) => e);
    expect(wrongPassword).toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    expect(unknownEmail).toMatchObject({ data: { code: 'UNAUTHORIZED' } });
    expect((wrongPassword as Error).message).toBe((unknownEmail as Error).message);
  });

  it('signs out: the token stops working', async () => {
    const { api } = await stack.signIn('rita.requester@deskflow.test');
    expect((await api.auth.me.query()).email).toBe('rita.requester@deskflow.test');
    await api.auth.signOut.mutate();
    await expect(api.auth.me.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });
});
