/**
 * The access matrix, generated: every procedure of appRouter × every role × every relation of
 * the ticket to the caller, each asserted allowed or denied with the right code. A procedure
 * without an entry in access-matrix.ts fails here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { appRouter } from '../../api/router';
import { accessMatrix, relations, roles, type Expected, type MatrixRole } from './access-matrix';
import { buildWorld, callByPath, type World } from './matrix-support';
import { outcome, startApi, type ApiHarness } from './support';

type ProcedureDef = { _def: { type: 'query' | 'mutation' | 'subscription' } };
const procedures = Object.entries((appRouter as unknown as { _def: { procedures: Record<string, ProcedureDef> } })._def.procedures).map(([path, p]) => ({ path, type: p._def.type }));

let api: ApiHarness;
let world: World;
const clients = new Map<MatrixRole, DeskflowClient>();

async function signInEveryone() {
  clients.set('anonymous', api.client());
  for (const role of ['requester', 'agent', 'supervisor', 'admin'] as const) clients.set(role, (await api.signIn(world.callers[role])).api);
}

beforeAll(async () => {
  api = await startApi({ temporal: true });
  world = await buildWorld(api);
  await signInEveryone();
}, 180_000);
afterAll(() => api?.stop());

describe('the access matrix', () => {
  it('has an entry for every procedure, and none for procedures that do not exist', () => {
    const missing = procedures.filter((p) => !accessMatrix[p.path]).map((p) => p.path);
    expect(missing, 'add these procedures to test/api/access-matrix.ts').toEqual([]);
    const stale = Object.keys(accessMatrix).filter((path) => !procedures.some((p) => p.path === path));
    expect(stale, 'remove these entries from test/api/access-matrix.ts').toEqual([]);
  });

  for (const { path, type } of procedures) {
    it(`${path}`, async () => {
      const entry = accessMatrix[path];
      expect(entry, `no access-matrix entry for ${path}`).toBeDefined();
      if (!entry || type === 'subscription') return;
      const failures: string[] = [];
      for (const role of roles) {
        for (const relation of relations) {
          const ticket = world.tickets[role === 'anonymous' ? 'requester' : role][relation];
          const callerEmail = role === 'anonymous' ? world.callers.requester : world.callers[role];
          const expected: Expected = role === 'anonymous' ? (entry.public ? 'OK' : 'UNAUTHORIZED') : entry.allow(role, relation);
          const input = await entry.input?.({ role, relation, ticket, callerEmail, fx: world.fx });
          const client = entry.freshSession && role !== 'anonymous' ? (await api.signIn(callerEmail)).api : clients.get(role)!;
          const actual = await outcome(callByPath(client, path, type, input));
          const passes = expected === 'OK' ? actual === 'OK' || (entry.allowedErrors ?? []).includes(actual) : actual === expected;
          if (!passes) failures.push(`${role} × ${relation}: expected ${expected}, got ${actual}`);
        }
      }
      // "Sign out everywhere" also ended the shared sessions.
      if (entry.freshSession) await signInEveryone();
      expect(failures).toEqual([]);
    });
  }
});
