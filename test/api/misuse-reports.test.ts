/**
 * The daily misuse check as admins meet it: "Run now" triggers its Temporal Schedule; the workflow
 * embeds the day's tickets that lack an embedding and reports the requester who reached the ticket
 * limit with near-duplicate tickets; the admin restricts them (they can no longer open tickets, and
 * are told why), the restriction is audited, and lifting it lets them file again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { demo, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let admin: DeskflowClient;
let rita: DeskflowClient;
const filed: number[] = [];

async function refusal(call: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await call;
  } catch (error) {
    return { code: (error as { data?: { code?: string } }).data?.code ?? 'none', message: (error as Error).message };
  }
  return { code: 'OK', message: '' };
}

beforeAll(async () => {
  api = await startApi({ temporal: true, embeddings: true });
  ({ api: admin } = await api.signIn(demo.admin));
  ({ api: rita } = await api.signIn(demo.requester));
  await admin.admin.settings.update.mutate({ ticketRateLimit: { max: 3, windowHours: 24 } });
  for (const title of ['Printer on floor 2 is broken', 'The printer on floor 2 is broken', 'Need access to the finance share']) {
    const description = title.startsWith('Need') ? 'Please give me read access to the finance share drive.' : 'The printer on the second floor does not print anything at all.';
    filed.push((await rita.ticket.create.mutate({ title, description })).number);
  }
  // Another requester with one ordinary ticket: nothing to report.
  await (await api.signIn(demo.requester2)).api.ticket.create.mutate({ title: 'Monitor flickers', description: 'My second monitor flickers every few seconds.' });
}, 240_000);
afterAll(() => api?.stop());

describe('misuse reports', () => {
  it('run now reports the requester at the ticket limit with near-duplicate tickets, and nobody else', async () => {
    expect(await admin.admin.misuse.runNow.mutate()).toEqual({ triggered: true });
    const deadline = Date.now() + 60_000;
    let reports = (await admin.admin.misuse.list.query({ status: 'open' })).reports;
    while (reports.length === 0) {
      if (Date.now() > deadline) throw new Error('no misuse report was written');
      await new Promise((resolve) => setTimeout(resolve, 200));
      reports = (await admin.admin.misuse.list.query({ status: 'open' })).reports;
    }
    expect(reports.map((r) => r.user.email)).toEqual([demo.requester]);
    const { findings } = reports[0]!;
    expect(findings.ticketVolume).toMatchObject({ count: 3, limit: 3 });
    expect(findings.nearDuplicates.map((g) => g.tickets.map((t) => t.number))).toEqual([[filed[0], filed[1]]]);
    expect(findings.nearDuplicates[0]!.minSimilarity).toBeGreaterThanOrEqual(0.9);
  });

  it('restricting the user stops them opening tickets, with the reason, audited; lifting it lets them file again', async () => {
    const [report] = (await admin.admin.misuse.list.query({ status: 'open' })).reports;
    await admin.admin.misuse.restrict.mutate({ id: report!.id, reason: 'Repeated duplicate tickets' });
    await admin.admin.settings.update.mutate({ ticketRateLimit: { max: 50, windowHours: 24 } });
    const refused = await refusal(rita.ticket.create.mutate({ title: 'Printer still broken', description: 'Still not printing.' }));
    expect(refused.code).toBe('FORBIDDEN');
    expect(refused.message).toContain('Repeated duplicate tickets');
    expect((await admin.admin.misuse.list.query({ status: 'open' })).reports).toEqual([]);
    const [reviewed] = (await admin.admin.misuse.list.query({ status: 'reviewed' })).reports;
    expect(reviewed).toMatchObject({ action: 'restricted', reviewNote: 'Repeated duplicate tickets' });
    const audit = await admin.admin.audit.query({});
    expect(JSON.stringify(audit)).toContain('user.restricted');

    await admin.admin.misuse.lift.mutate({ userId: report!.user.id });
    const ticket = await rita.ticket.create.mutate({ title: 'Printer still broken', description: 'Still not printing.' });
    expect(ticket.number).toBeGreaterThan(filed[2]!);
  });
});
