/**
 * The daily misuse check (workflows/misuse.ts) on the time-skipping server, with the real
 * activities on PGlite and the real sentence model: a user's last 24 hours built through real
 * ticket workflows (screening holds one ticket; two say the same thing; one more than the limit
 * allows) and a message screening held; a second user below every limit, whose older tickets
 * (outside the window) would have put them over it. The report must say what an admin needs:
 * the volume against the limit, each screened ticket and message once, and the near-duplicates
 * as one group; and the user below every limit gets no report.
 */
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { comments, misuseReports, ticketIntake, type MisuseFindings } from '../../db/schema';
import { TICKET_RATE_LIMIT_KEY, writeSettingValues } from '../../db/settings';
import { misuseActivities } from '../../worker/activities/misuse';
import { MISUSE_REPORT_WORKFLOW_TYPE, type MisuseReportResult } from '../../workflows/messages';
import { HOUR, startLifecycleHarness, type LifecycleHarness } from '../support/lifecycle';

let h: LifecycleHarness;

beforeAll(async () => {
  h = await startLifecycleHarness({ embeddings: true });
  const admin = await h.user('admin@deskflow.test');
  await writeSettingValues(h.db, { [TICKET_RATE_LIMIT_KEY]: { max: 3, windowHours: 24 } }, admin.id);
}, 240_000);
afterAll(() => h?.stop());

const SPAM = { title: 'Limited time offer!!! Buy now', description: 'Click here for casino bonuses https://spam.example/a https://spam.example/b https://spam.example/c https://spam.example/d' };

describe('the daily misuse check', () => {
  it('reports a user’s last 24 h (over the limit, screened ticket and message, near-duplicates) and nobody below every limit', async () => {
    const mallory = await h.createUser({ name: 'Mallory Misuse' });
    const nora = await h.createUser({ name: 'Nora Normal' });

    // Mallory: four tickets in the window against a limit of three; two of them the same printer; one held by screening.
    const printer = await h.openTicket({ requester: mallory, title: 'Printer on floor 2 is broken', description: 'The printer on the second floor does not print anything at all.' });
    const printerAgain = await h.openTicket({ requester: mallory, title: 'The printer on floor 2 is broken', description: 'The printer on the second floor does not print anything at all.' });
    const spam = await h.openTicket({ requester: mallory, ...SPAM });
    expect(spam.view.review?.flags).toEqual(['spam']);
    const finance = await h.openTicket({ requester: mallory, title: 'Need access to the finance share', description: 'Please give me read access to the finance share drive.' });
    // A message of hers that screening held (as api/comments/post.ts stores it).
    const [held] = await h.db
      .insert(comments)
      .values({ ticketId: finance.id, authorId: mallory.id, body: 'Buy now! Click here to claim your prize', internal: false, ai: false, reviewState: 'held' })
      .returning({ id: comments.id });
    expect(held).toBeDefined();

    // Nora: two different tickets in the window (under the limit); three more reserved 30 h ago, outside it.
    await h.openTicket({ requester: nora, title: 'Monitor flickers', description: 'My second monitor flickers every few seconds.' });
    await h.openTicket({ requester: nora, title: 'Keyboard is missing keys', description: 'The F and J keys came off my keyboard.' });
    const longAgo = new Date((await h.now()) - 30 * HOUR);
    await h.db.insert(ticketIntake).values([1, 2, 3].map((i) => ({ requesterId: nora.id, idempotencyKey: `misuse-test-old-${i}-${crypto.randomUUID()}`, createdAt: longAgo })));

    // The tickets' workflows end once idle (their embeddings written): no timer of theirs may skip time under the check.
    await h.cleanup();
    const result: MisuseReportResult = await h.env.client.workflow.execute(MISUSE_REPORT_WORKFLOW_TYPE, {
      taskQueue: h.taskQueue,
      workflowId: `misuse-report-${crypto.randomUUID()}`,
      args: [],
    });
    expect(Date.parse(result.windowEnd) - Date.parse(result.windowStart)).toBe(24 * HOUR);
    expect(result.embedded).not.toBeNull(); // the backfill ran (this worker has the model)

    const reports = await h.db
      .select()
      .from(misuseReports)
      .where(inArray(misuseReports.userId, [mallory.id, nora.id]));
    expect(reports.map((r) => r.userId)).toEqual([mallory.id]);
    const report = reports[0]!;
    expect(report).toMatchObject({ status: 'open', action: 'none' });
    expect(report.windowEnd.toISOString()).toBe(result.windowEnd);
    const findings: MisuseFindings = report.findings;

    expect(findings.ticketVolume).toEqual({ count: 4, limit: 3, windowHours: 24, overLimit: true });

    // Screened content: the held ticket and the held message, each once.
    expect(findings.screened.map(({ kind, ticketNumber, excerpt }) => ({ kind, ticketNumber, excerpt }))).toEqual([
      { kind: 'ticket', ticketNumber: spam.number, excerpt: SPAM.title },
      { kind: 'message', ticketNumber: finance.number, excerpt: 'Buy now! Click here to claim your prize' },
    ]);
    const [heldTicket, heldMessage] = findings.screened;
    expect(heldTicket!.ticketId).toBe(spam.id);
    expect(heldTicket!.reason).toEqual(expect.stringMatching(/\S/));
    expect(heldMessage).toMatchObject({ ticketId: finance.id, reason: 'held by screening (held)' });
    for (const item of findings.screened) {
      expect(Date.parse(item.at)).toBeGreaterThan(Date.parse(result.windowStart));
      expect(Date.parse(item.at)).toBeLessThanOrEqual(Date.parse(result.windowEnd));
    }

    // Near-duplicates: the two printer tickets, one group; the finance and spam tickets are not in it.
    expect(findings.nearDuplicates).toHaveLength(1);
    expect(findings.nearDuplicates[0]!.tickets).toEqual([
      { id: printer.id, number: printer.number, title: 'Printer on floor 2 is broken' },
      { id: printerAgain.id, number: printerAgain.number, title: 'The printer on floor 2 is broken' },
    ]);
    expect(findings.nearDuplicates[0]!.minSimilarity).toBeGreaterThanOrEqual(0.9);

    // Written once per user and window: the activity retried for the same window writes nothing more.
    expect(await misuseActivities(h.db).writeMisuseReports({ windowStart: result.windowStart, windowEnd: result.windowEnd })).toEqual({ reports: 0 });
    expect(await h.db.select({ id: misuseReports.id }).from(misuseReports).where(eq(misuseReports.userId, mallory.id))).toHaveLength(1);
  }, 240_000);
});
