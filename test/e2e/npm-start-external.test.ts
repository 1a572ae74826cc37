/**
 * `npm start` in its production shape: DATABASE_URL → PostgreSQL through the Neon driver (via
 * Neon's wsproxy), TEMPORAL_ADDRESS → an existing Temporal server, so it starts neither itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from '@neondatabase/serverless';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeskflowClient } from '../../api/client';
import { neonConfigFor, startPostgres, startWsproxy, type PostgresHandle, type WsproxyHandle } from '../../scripts/pg';
import { ensureTemporalCli } from '../../scripts/tools';
import { freePort, runStart, waitForOutput, type StartedProcess } from '../support/start-process';

const password = 'external-demo-password';
const dataDir = mkdtempSync(join(tmpdir(), 'deskflow-ext-'));
let pg: PostgresHandle;
let proxy: WsproxyHandle;
let temporal: TestWorkflowEnvironment;
let running: StartedProcess;
let apiUrl: string;

beforeAll(async () => {
  pg = await startPostgres();
  proxy = await startWsproxy({ pgPort: pg.port });
  const cli = await ensureTemporalCli();
  // A bare server with no custom search attributes: npm start must register them itself.
  temporal = await TestWorkflowEnvironment.createLocal({ server: { ...(cli ? { executable: { type: 'existing-path' as const, path: cli } } : {}), ip: '127.0.0.1' } });
  const address = temporal.connection.options.address;
  apiUrl = `http://127.0.0.1:${await freePort()}`;
  running = runStart({
    DATA_DIR: dataDir,
    DATABASE_URL: pg.url,
    NEON_WS_PROXY: proxy.wsProxyHost,
    TEMPORAL_ADDRESS: address,
    // The demo organisation goes into DATABASE_URL only when asked, and never with the default password.
    SEED_DEMO: 'always',
    DEMO_PASSWORD: password,
    DEMO_HISTORY_TICKETS: '300',
    API_PORT: new URL(apiUrl).port,
    INTERNAL_PORT: String(await freePort()),
    ROOMS_PORT: String(await freePort()),
    LOG_LEVEL: 'warn',
  });
  await waitForOutput(running, 'Deskflow is up', 150_000);
});

afterAll(async () => {
  running?.interrupt();
  await running?.exited;
  await temporal?.teardown();
  await proxy?.stop();
  await pg?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start with DATABASE_URL and TEMPORAL_ADDRESS', () => {
  it('starts no Temporal server of its own and registers the search attributes on the given one', async () => {
    expect(running.output()).not.toContain('starting the Temporal dev server');
    expect(running.output()).toContain('registered search attributes');
    const { response } = await temporal.connection.operatorService.listSearchAttributes({ namespace: 'default' }).then((response) => ({ response }));
    expect(Object.keys(response.customAttributes ?? {})).toEqual(expect.arrayContaining(['TicketNumber', 'TicketStatus', 'SlaState', 'SlaDueAt']));
  });

  it('creates and assigns a ticket, persisted in PostgreSQL', async () => {
    const { token } = await createDeskflowClient(apiUrl).auth.signIn.mutate({ email: 'raj.requester@deskflow.test', password });
    const api = createDeskflowClient(apiUrl, token);
    const ticket = await api.ticket.create.mutate({ title: 'Shared drive is read-only', description: 'Cannot save to the team share since this morning.' });
    await expect.poll(async () => (await api.ticket.get.query({ id: ticket.id })).status, { timeout: 20_000 }).toBe('assigned');

    neonConfigFor(proxy.wsProxyHost);
    const direct = new Pool({ connectionString: pg.url });
    try {
      const { rows } = await direct.query<{ status: string }>('select status from tickets where id = $1', [ticket.id]);
      expect(rows).toEqual([{ status: 'assigned' }]);
    } finally {
      await direct.end();
    }
  });
});
