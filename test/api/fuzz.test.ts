/**
 * Fuzzing every procedure's input (fast-check) over real HTTP: malformed, mistyped, oversized
 * and exotic superjson values (BigInt, Date, Map, Set, NaN, undefined) as admin, requester and
 * anonymous. Every answer must be a 4xx (or a success), never a 5xx, and never leak a stack,
 * SQL or another user's data.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { appRouter } from '../../api/router';
import { demo, PASSWORD, rawCall, startApi, type ApiHarness } from './support';

type ProcedureDef = { _def: { type: 'query' | 'mutation' | 'subscription'; inputs: unknown[] } };
const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } })._def.procedures).map(([path, p]) => ({
  path,
  type: p._def.type,
  inputs: p._def.inputs,
}));

const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

let api: ApiHarness;
let realIds: string[] = [];
let secretTitle: string;

beforeAll(async () => {
  api = await startApi({ temporal: true });
  // Another requester's ticket whose title must never show up in anyone else's error.
  const raj = await api.signIn(demo.requester2);
  secretTitle = 'Secret: salary of the CFO';
  const secret = await raj.api.ticket.create.mutate({ title: secretTitle, description: 'Confidential payroll matter.' });
  const rita = await api.signIn(demo.requester);
  const own = await rita.api.ticket.create.mutate({ title: 'Mouse double-clicks', description: 'Every click is two.' });
  realIds = [secret.id, own.id, api.userId(demo.requester), api.userId(demo.itAgent), api.departmentId('it')];
}, 180_000);
afterAll(() => api?.stop());

/** The keys of a procedure's object input, when it has one (through optional/default wrappers). */
function inputKeys(inputs: unknown[]): string[] {
  let schema = inputs[0] as z.ZodType | undefined;
  for (let i = 0; schema && i < 5; i++) {
    if (schema instanceof z.ZodObject) return Object.keys(schema.shape);
    const def = (schema as unknown as { _zod: { def: { innerType?: z.ZodType; in?: z.ZodType } } })._zod.def;
    schema = def.innerType ?? def.in;
  }
  return [];
}

const huge = fc.constantFrom('x'.repeat(70_000), '\u0000'.repeat(5_000), '💥'.repeat(30_000));
const nasty = fc.constantFrom("'; drop table tickets; --", '../../../etc/passwd', '<script>alert(1)</script>', '%00', '\\u0000', 'ticket-1000', '{"$gt":""}', 'me', 'none', '__proto__');
const leaf = (ids: string[]) =>
  fc.oneof(
    fc.string({ maxLength: 300 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0, Number.MAX_SAFE_INTEGER + 2, -1),
    fc.bigInt(),
    fc.date({ noInvalidDate: false }),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.uuid(),
    fc.constantFrom(...ids),
    huge,
    nasty,
  );
const value = (ids: string[]) =>
  fc.letrec((tie) => ({
    any: fc.oneof(
      { depthSize: 'small', maxDepth: 3 },
      leaf(ids),
      fc.array(tie('any'), { maxLength: 4 }),
      fc.dictionary(fc.string({ maxLength: 8 }), tie('any'), { maxKeys: 4 }),
      fc.constant(new Map([['a', 1]])),
      fc.constant(new Set([1, 2])),
    ),
  })).any;

function inputArbitrary(keys: string[], ids: string[]) {
  const anything = value(ids);
  const shaped = keys.length > 0 ? fc.record(Object.fromEntries(keys.map((k) => [k, anything])), { requiredKeys: [] }) : anything;
  return fc.oneof(shaped, anything, fc.array(shaped, { maxLength: 3 }));
}

async function sessions() {
  return {
    admin: (await api.signIn(demo.admin)).token,
    requester: (await api.signIn(demo.requester)).token,
    anonymous: null,
  } as Record<string, string | null>;
}

const leaks = /(at \S+ \(|\.ts:\d+|node_modules|stack|select .* from|insert into|violates|duplicate key|syntax error)/i;

describe('fuzzing every procedure', () => {
  for (const { path, type, inputs } of procedures) {
    if (type === 'subscription') continue;
    it(`${path} answers malformed input with 4xx, never 5xx`, async () => {
      const tokens = await sessions();
      const keys = inputKeys(inputs);
      await fc.assert(
        fc.asyncProperty(inputArbitrary(keys, realIds), fc.constantFrom('admin', 'requester', 'anonymous'), async (input, who) => {
          const token = tokens[who];
          const response = await rawCall(api.url, path, { type, input, headers: token ? { authorization: `Bearer ${token}`, origin: api.url } : {} });
          expect(response.status, `${who} ${JSON.stringify(response.error ?? response.text).slice(0, 300)}`).toBeLessThan(500);
          if (response.status >= 400) {
            expect(response.text).not.toMatch(leaks);
            if (who !== 'admin') expect(response.text).not.toContain(secretTitle);
          }
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('attachment.upload answers random multipart bodies with 4xx', async () => {
    const { token } = await api.signIn(demo.requester);
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom('file', 'ticketId', 'other', ''), fc.oneof(fc.string({ maxLength: 50 }), fc.uint8Array({ maxLength: 200 }), fc.constantFrom(...realIds)), { maxKeys: 3 }),
        async (fields) => {
          const form = new FormData();
          for (const [name, v] of Object.entries(fields)) form.append(name, typeof v === 'string' ? v : new File([v], 'random.bin'));
          const response = await fetch(`${api.url}/trpc/attachment.upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
          expect(response.status).toBeLessThan(500);
          expect(response.status === 200 || response.status >= 400).toBe(true);
        },
      ),
      { numRuns: RUNS * 2 },
    );
  });

  it('REST routes answer random query strings and bodies with 4xx', async () => {
    const { token } = await api.signIn(demo.itAgent);
    const routes = ['/api/tickets', `/api/tickets/${realIds[1]}`, '/api/search/tickets', `/api/tickets/${realIds[1]}/comments`, '/api/me'];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.dictionary(
          fc.constantFrom('status', 'limit', 'cursor', 'q', 'sort', 'createdFrom', 'assigneeId', 'offset', 'id'),
          fc.oneof(fc.string({ maxLength: 100 }), fc.constantFrom('-1', '1e309', 'NaN', 'null', '[]', 'x'.repeat(5000))),
        ),
        fc.oneof(fc.constant(undefined), fc.json()),
        async (route, query, body) => {
          const url = `${api.url}${route}?${new URLSearchParams(query).toString()}`;
          const response =
            body === undefined
              ? await fetch(url, { headers: { authorization: `Bearer ${token}` } })
              : await fetch(url.replace(/\?.*$/, ''), { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: RUNS * 3 },
    );
  });

  it('still signs in normally after all that', async () => {
    expect((await rawCall(api.url, 'auth.signIn', { type: 'mutation', input: { email: demo.itAgent, password: PASSWORD } })).status).toBe(200);
  });
});
