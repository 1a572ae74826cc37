/**
 * `npm run admin:create`, run as a real process against an embedded PGlite DATA_DIR: the first
 * admin with a password from stdin, or an invitation link; the account then signs in through the
 * API like any other.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { databaseOptionsFromSettings, openDatabase } from '../../db/client';
import { adminAudit, users } from '../../db/schema';
import { outcome, startApi } from '../api/support';

const root = fileURLToPath(new URL('../..', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'deskflow-admin-create-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', APP_URL: 'https://desk.example.com', LOG_LEVEL: 'warn' };

function adminCreate(args: string[], stdin?: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin-create.ts', ...args], { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

/** The API on the same DATA_DIR, as npm start would open it. */
async function withApi<T>(use: (api: Awaited<ReturnType<typeof startApi>>) => Promise<T>): Promise<T> {
  const api = await startApi({ database: () => openDatabase(databaseOptionsFromSettings({ DATA_DIR: dataDir })) });
  try {
    return await use(api);
  } finally {
    await api.stop();
  }
}

function expectRefused(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
}

describe('npm run admin:create', () => {
  it('creates an admin with the password piped on stdin, audited; the admin signs in through the API', async () => {
    const created = await adminCreate(['--email', 'Grace.Hopper@Example.com', '--name', 'Grace Hopper'], 'a-long-first-password\n');
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('grace.hopper@example.com');

    await withApi(async (api) => {
      const { user, api: grace } = await api.signIn('grace.hopper@example.com', 'a-long-first-password');
      expect(user).toMatchObject({ role: 'admin', name: 'Grace Hopper' });
      expect(await outcome(grace.admin.users.list.query())).toBe('OK');
      // Nothing else: no demo organisation, and the password is what was typed (no newline).
      expect(await api.db.select({ email: users.email }).from(users)).toEqual([{ email: 'grace.hopper@example.com' }]);
      const [audit] = await api.db
        .select()
        .from(adminAudit)
        .where(and(eq(adminAudit.action, 'user.created'), eq(adminAudit.targetId, user.id)));
      expect(audit).toMatchObject({ actorId: null, targetType: 'user', details: { email: 'grace.hopper@example.com', role: 'admin', via: 'admin:create' } });
    });
  });

  it('refuses an email that has an account, bad input and a short password, each in one line', async () => {
    expectRefused(
      await adminCreate(['--email', 'GRACE.HOPPER@example.com', '--name', 'Someone Else'], 'another-long-password\n'),
      /^deskflow: there is already an account for grace\.hopper@example\.com/,
    );
    expectRefused(await adminCreate(['--email', 'not-an-email', '--name', 'X'], 'another-long-password\n'), /^deskflow: --email: must be an email address/);
    expectRefused(await adminCreate(['--name', 'No Email'], 'another-long-password\n'), /^deskflow: --email: .*usage: npm run admin:create/);
    expectRefused(await adminCreate(['--email', 'short@example.com', '--name', 'Short'], 'short\n'), /^deskflow: password: must be at least 10 characters/);
    expectRefused(await adminCreate(['--email', 'x@example.com', '--name', 'X', '--bogus'], ''), /^deskflow: .*--bogus/);
  });

  it('refuses while another process has the embedded database open', async () => {
    const database = await openDatabase(databaseOptionsFromSettings({ DATA_DIR: dataDir }));
    try {
      expectRefused(await adminCreate(['--email', 'busy@example.com', '--name', 'Busy'], 'another-long-password\n'), /^deskflow: the embedded database in .* is open in another process \(pid \d+/);
    } finally {
      await database.close();
    }
  });

  it('with --invite prints a one-time link whose token sets the password', async () => {
    const invited = await adminCreate(['--email', 'alan@example.com', '--name', 'Alan Turing', '--invite']);
    expect(invited.code).toBe(0);
    const link = /^(https:\/\/desk\.example\.com\/reset-password\?token=\S+)$/m.exec(invited.stdout)?.[1];
    expect(link, invited.stdout).toBeDefined();
    const token = new URL(link!).searchParams.get('token')!;

    await withApi(async (api) => {
      expect(await outcome(api.signIn('alan@example.com', 'anything-at-all'))).toBe('UNAUTHORIZED');
      const session = await api.client().auth.resetPassword.mutate({ token, newPassword: 'alans-own-password' });
      expect(session.user).toMatchObject({ email: 'alan@example.com', role: 'admin' });
      expect(await outcome(api.client().auth.resetPassword.mutate({ token, newPassword: 'once-more-please' }))).toBe('BAD_REQUEST');
      expect(await outcome(api.signIn('alan@example.com', 'alans-own-password'))).toBe('OK');
      const [audit] = await api.db.select().from(adminAudit).where(eq(adminAudit.action, 'user.invited'));
      expect(audit).toMatchObject({ actorId: null, details: { email: 'alan@example.com', role: 'admin', via: 'admin:create' } });
    });
  });
});
