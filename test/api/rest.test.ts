/** The REST face generated from the procedures (trpc-to-openapi), as a script or monitoring tool would use it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demo, PASSWORD, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let ticketId: string;
beforeAll(async () => {
  api = await startApi();
  ticketId = (await api.insertTicket({ requester: demo.requester, title: 'Scanner offline', description: 'The scanner in room 2 is offline.', department: 'it', assignee: demo.itAgent })).id;
  await api.insertTicket({ requester: demo.requester2, title: 'Payroll question', department: 'hr' });
}, 120_000);
afterAll(() => api?.stop());

const json = async (response: Response) => ({ status: response.status, body: (await response.json()) as Record<string, unknown> });

describe('REST routes and the OpenAPI document', () => {
  it('publishes an OpenAPI 3 document with the ticket routes and bearer auth', async () => {
    const { status, body } = await json(await fetch(`${api.url}/api/openapi.json`));
    expect(status).toBe(200);
    expect(body.openapi).toMatch(/^3\./);
    const paths = body.paths as Record<string, Record<string, unknown>>;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['/auth/sign-in', '/me', '/tickets', '/tickets/{id}', '/search/tickets', '/tickets/{ticketId}/comments', '/tickets/bulk']));
    expect(Object.keys(paths['/tickets']!)).toEqual(expect.arrayContaining(['get', 'post']));
    expect(JSON.stringify(body.components)).toContain('bearer');
  });

  it('signs in and reads tickets with plain JSON over HTTP', async () => {
    const signIn = await json(
      await fetch(`${api.url}/api/auth/sign-in`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: demo.itAgent, password: PASSWORD }) }),
    );
    expect(signIn.status).toBe(200);
    const headers = { authorization: `Bearer ${signIn.body.token as string}` };

    const me = await json(await fetch(`${api.url}/api/me`, { headers }));
    expect(me.body).toMatchObject({ email: demo.itAgent, role: 'agent' });

    const list = await json(await fetch(`${api.url}/api/tickets?status=assigned&status=triaged&limit=5&sort=created`, { headers }));
    expect(list.status).toBe(200);
    expect((list.body.items as { title: string }[]).map((t) => t.title)).toEqual(['Scanner offline']);
    expect(typeof (list.body.items as { createdAt: unknown }[])[0]!.createdAt).toBe('string');

    const one = await json(await fetch(`${api.url}/api/tickets/${ticketId}`, { headers }));
    expect(one.body).toMatchObject({ id: ticketId, title: 'Scanner offline', department: { slug: 'it' } });

    const search = await json(await fetch(`${api.url}/api/search/tickets?q=scanner`, { headers }));
    expect((search.body.items as { title: string }[]).map((t) => t.title)).toEqual(['Scanner offline']);
    const comments = await json(await fetch(`${api.url}/api/tickets/${ticketId}/comments`, { headers }));
    expect(comments.body).toEqual({ comments: [], hasMore: false });
  });

  it('answers errors with the tRPC code, a message and zod issues, never a stack or SQL', async () => {
    const anonymous = await json(await fetch(`${api.url}/api/tickets`));
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.code).toBe('UNAUTHORIZED');

    const { token } = await api.signIn(demo.requester2);
    const headers = { authorization: `Bearer ${token}` };
    const hidden = await json(await fetch(`${api.url}/api/tickets/${ticketId}`, { headers }));
    expect(hidden.status).toBe(404);
    const invalid = await json(await fetch(`${api.url}/api/tickets/not-a-uuid`, { headers }));
    expect(invalid.status).toBe(400);
    expect(invalid.body.issues).toEqual([expect.objectContaining({ path: ['id'], message: 'must be a ticket id (UUID)' })]);
    const badCreate = await json(await fetch(`${api.url}/api/tickets`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ title: 'x' }) }));
    expect(badCreate.status).toBe(400);
    expect(JSON.stringify(badCreate.body.issues)).toContain('must be at least 3 characters');
    const malformed = await json(await fetch(`${api.url}/api/tickets`, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: '{"title":' }));
    expect(malformed.status).toBe(400);
    for (const body of [anonymous.body, hidden.body, invalid.body, badCreate.body, malformed.body]) expect(JSON.stringify(body)).not.toMatch(/stack|\.ts:\d+|select |Scanner/i);
  });
});
