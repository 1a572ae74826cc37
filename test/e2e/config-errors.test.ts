/**
 * Bad configuration ends in one clear line (what is wrong, how to fix it) and exit code 1,
 * never a stack trace.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/start-process';

const root = fileURLToPath(new URL('../..', import.meta.url));
const scratch = mkdtempSync(join(tmpdir(), 'deskflow-config-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A PATH with node and nothing else: no Go, no Java. */
function pathWithOnlyNode(): string {
  const bin = mkdtempSync(join(scratch, 'bin-'));
  symlinkSync(process.execPath, join(bin, 'node'));
  return bin;
}

function run(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      env: { ...process.env, DATA_DIR: mkdtempSync(join(scratch, 'data-')), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function expectOneLine(result: { code: number | null; stderr: string }, pattern: RegExp) {
  expect(result.code).toBe(1);
  const lines = result.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('npm warn'));
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(result.stderr).not.toMatch(/^\s+at /m);
}

describe('npm start with bad configuration', () => {
  it('names a malformed DATABASE_URL and shows its expected form', async () => {
    expectOneLine(await run(['scripts/start.ts'], { DATABASE_URL: 'mysql://nope' }), /^deskflow: DATABASE_URL: must look like postgres:\/\/user:password@host:5432\/database$/);
  });

  it('names a malformed SMTP_URL and shows its expected form', async () => {
    expectOneLine(await run(['scripts/start.ts'], { SMTP_URL: 'mail.example.com:587' }), /^deskflow: SMTP_URL: must look like smtp:\/\/user:password@mail\.example\.com:587 or smtps:/);
  });

  it('names a malformed MAIL_IMAP_URL and shows its expected form', async () => {
    expectOneLine(
      await run(['scripts/start.ts'], { MAIL_IMAP_URL: 'imaps://imap.example.com:993/INBOX' }),
      /^deskflow: MAIL_IMAP_URL: needs a user and a password \(percent-encoded\): imaps:\/\/user:password@imap\.example\.com:993\/INBOX$/,
    );
  });

  it('refuses to seed the demo organisation into DATABASE_URL with the published demo password', async () => {
    expectOneLine(
      await run(['scripts/start.ts'], { DATABASE_URL: 'postgres://deskflow:secret@127.0.0.1:1/deskflow', SEED_DEMO: 'always', DEMO_PASSWORD: '' }),
      /^deskflow: DEMO_PASSWORD: the default demo password is public; set DEMO_PASSWORD to one of your own/,
    );
  });

  it('says an unreachable TEMPORAL_ADDRESS cannot be reached and how to fix it', async () => {
    const port = await freePort();
    expectOneLine(
      await run(['scripts/start.ts'], { TEMPORAL_ADDRESS: `127.0.0.1:${port}`, API_PORT: String(await freePort()), INTERNAL_PORT: String(await freePort()), ROOMS_PORT: String(await freePort()) }),
      new RegExp(`^deskflow: cannot reach Temporal at 127\\.0\\.0\\.1:${port} .*unset TEMPORAL_ADDRESS`),
    );
  });

  it('refuses to serve the internal endpoints on the public port', async () => {
    expectOneLine(await run(['scripts/start.ts'], { API_PORT: '3100', INTERNAL_PORT: '3100' }), /^deskflow: INTERNAL_PORT: must differ from API_PORT \(3100\)/);
  });

  it('says which port is taken and which variable moves it', async () => {
    const server: Server = createServer();
    const port = await new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
    try {
      expectOneLine(await run(['scripts/start.ts'], { API_PORT: String(port) }), new RegExp(`^deskflow: port ${port} \\(API_PORT\\) is already in use: .*set API_PORT to a free port$`));
    } finally {
      server.close();
    }
  });

  it('says Go is needed when the Temporal CLI is not built yet and Go is missing', async () => {
    const result = await run(['scripts/start.ts'], {
      PATH: pathWithOnlyNode(),
      DESKFLOW_CACHE_DIR: mkdtempSync(join(scratch, 'cache-')),
      API_PORT: String(await freePort()),
      INTERNAL_PORT: String(await freePort()),
      ROOMS_PORT: String(await freePort()),
      TEMPORAL_DEV_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    });
    expectOneLine(result, /^deskflow: Go is needed to build the Temporal CLI: install Go .*or set TEMPORAL_ADDRESS/);
  });
});

describe('tool provisioning without Java', () => {
  it("says Java is needed for Temporal's test server", async () => {
    const result = await run(['scripts/tools.ts', 'test-server'], { PATH: pathWithOnlyNode(), JAVA_HOME: '', DESKFLOW_CACHE_DIR: mkdtempSync(join(scratch, 'cache-')) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Java 17+ is needed for Temporal's time-skipping test server: apt-get install openjdk-17-jre-headless");
    expect(result.stderr).not.toMatch(/^\s+at /m);
  });
});
