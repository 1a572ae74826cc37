/**
 * scripts/tools.ts: cache layout, reuse of cached builds, and the provisioned binaries
 * really serving the SDK's test environments (dev server and time-skipping test server).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../lib/ports';
import { TEMPORAL_CLI_VERSION, TEST_SERVER_VERSION, cacheRoot, ensureTemporalCli, ensureTestServer, ensureWsproxy, findPostgresBin, toolDir } from '../../scripts/tools';

const quiet = { log: () => {} };

/** Processes whose command line contains every one of `parts` (Linux /proc). */
function processesWith(...parts: string[]): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
      if (parts.every((p) => cmdline.includes(p))) found.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return found;
}

async function eventually(check: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return check();
}

describe('cache location', () => {
  it('honours DESKFLOW_CACHE_DIR, then XDG_CACHE_HOME, then ~/.cache', () => {
    expect(cacheRoot({ DESKFLOW_CACHE_DIR: '/x/df', XDG_CACHE_HOME: '/x/xdg' })).toBe('/x/df');
    expect(cacheRoot({ XDG_CACHE_HOME: '/x/xdg' })).toBe('/x/xdg/deskflow');
    expect(cacheRoot({ XDG_CACHE_HOME: 'relative/ignored' })).toMatch(/\/\.cache\/deskflow$/);
    expect(toolDir('temporal-cli', '1.5.1', { DESKFLOW_CACHE_DIR: '/x/df' })).toBe('/x/df/temporal-cli-1.5.1');
  });
});

describe('provisioned tools', () => {
  it('finds the Debian PostgreSQL server binaries', () => {
    const bin = findPostgresBin();
    expect(bin, 'apt-get install postgresql').toBeDefined();
    expect(fs.existsSync(path.join(bin!, 'initdb'))).toBe(true);
  });

  it('reuses the cached Temporal CLI, test server and wsproxy without rebuilding', async () => {
    const t0 = Date.now();
    const cli = await ensureTemporalCli(quiet);
    const server = await ensureTestServer(quiet);
    const proxy = await ensureWsproxy(quiet);
    expect(Date.now() - t0).toBeLessThan(5000); // cached: a version check, no go/mvn
    expect(cli).toBe(path.join(toolDir('temporal-cli', TEMPORAL_CLI_VERSION), 'temporal'));
    expect(spawnSync(cli!, ['--version'], { encoding: 'utf8' }).stdout).toContain(`version ${TEMPORAL_CLI_VERSION}`);
    expect(server).toBe(path.join(toolDir('temporal-test-server', TEST_SERVER_VERSION), 'test-server'));
    expect(fs.readFileSync(server, 'utf8')).toMatch(/^exec /m);
    expect(fs.existsSync(proxy)).toBe(true);
  }, 600_000);
});

describe('SDK test environments on the provisioned binaries', () => {
  it('starts and tears down the time-skipping test server (wrapper execs java)', async () => {
    const path_ = await ensureTestServer(quiet);
    const port = await freePort();
    const env = await TestWorkflowEnvironment.createTimeSkipping({
      server: { executable: { type: 'existing-path', path: path_ }, port },
    });
    try {
      expect(env.supportsTimeSkipping).toBe(true);
      const before = await env.currentTimeMs();
      await env.sleep('1 day'); // skipped, not waited
      expect((await env.currentTimeMs()) - before).toBeGreaterThanOrEqual(86_400_000);
      expect(processesWith('io.temporal.testserver.TestServer', String(port))).toHaveLength(1);
    } finally {
      await env.teardown();
    }
    expect(await eventually(() => processesWith('io.temporal.testserver.TestServer', String(port)).length === 0)).toBe(true);
  }, 60_000);

  it('starts and tears down the Temporal dev server from the cached CLI', async () => {
    const cli = await ensureTemporalCli(quiet);
    expect(cli).toBeDefined();
    const port = await freePort();
    const env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: cli! }, ip: '127.0.0.1', port },
    });
    try {
      const info = await env.connection.workflowService.getSystemInfo({});
      expect(info.serverVersion).toMatch(/^\d+\.\d+/);
    } finally {
      await env.teardown();
    }
    expect(await eventually(() => processesWith(cli!, 'start-dev', String(port)).length === 0)).toBe(true);
  }, 60_000);
});
