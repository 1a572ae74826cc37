/**
 * Scheduled reports by mail, on the real stack (PGlite, Temporal dev server, the worker): saving a
 * subscription creates its Temporal Schedule (weekly or monthly at a local time in the
 * organisation's timezone), changing it changes the Schedule's calendar and pause, deleting it
 * deletes the Schedule; the workflow queues one report mail per period whose figures are
 * report.summary's, and a second run of the period queues nothing more; the owner's scope is read
 * when the report runs. Access and bad input are refused with clear errors.
 */
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import { eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { organisationTimezone } from '../../db/reports';
import { mailOutbox, users } from '../../db/schema';
import type { MailData } from '../../domain/mail';
import { lastFullPeriod, localDate } from '../../domain/report-subscriptions';
import { headlineFigures, reportDigestKey } from '../../worker/activities/report-digest';
import { renderMail } from '../../worker/mail/templates';
import { REPORT_DIGEST_WORKFLOW_TYPE, reportSubscriptionScheduleId, type ReportDigestInput, type ReportDigestResult } from '../../workflows/messages';
import { demo, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let temporal: Client;
let sam: DeskflowClient;
let timezone: string;

beforeAll(async () => {
  api = await startApi({ temporal: true });
  temporal = api.env!.client;
  sam = (await api.signIn(demo.supervisor)).api;
  timezone = await organisationTimezone(api.db);
}, 240_000);
afterAll(() => api?.stop());

/** The local weekday, day of month and time of an instant in the organisation's timezone. */
const local = (at: Date) => {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: timezone, weekday: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { weekday: get('weekday'), day: Number(get('day')), time: `${get('hour')}:${get('minute')}` };
};

const runDigest = (input: ReportDigestInput) =>
  temporal.workflow.execute(REPORT_DIGEST_WORKFLOW_TYPE, { taskQueue: api.taskQueue, workflowId: `report-digest-test-${crypto.randomUUID()}`, args: [input] }) as Promise<ReportDigestResult>;

const digestRows = (subscriptionId: string) =>
  api.db
    .select()
    .from(mailOutbox)
    .where(like(mailOutbox.idempotencyKey, `report-digest:${subscriptionId}:%`));

describe('scheduled reports and their Temporal Schedules', () => {
  it('creating one creates its Schedule; updating changes the calendar and pauses it; deleting removes it', async () => {
    const created = await sam.report.subscriptions.create.mutate({ filters: { departmentId: [api.departmentId('it')], interval: 'day' }, period: 'weekly', day: 1, time: '07:30', format: 'xlsx' });
    expect(created).toMatchObject({ period: 'weekly', day: 1, time: '07:30', format: 'xlsx', paused: false, timezone, lastQueuedAt: null });
    const handle = temporal.schedule.getHandle(reportSubscriptionScheduleId(created.id));
    let described = await handle.describe();
    expect(described.action).toMatchObject({ type: 'startWorkflow', workflowType: REPORT_DIGEST_WORKFLOW_TYPE, taskQueue: api.taskQueue, args: [{ subscriptionId: created.id }] });
    expect(described.spec.timezone).toBe(timezone);
    expect(described.state.paused).toBe(false);
    // What a user would notice: the next runs fall on Mondays at 07:30 in the organisation's timezone.
    expect(described.info.nextActionTimes.length).toBeGreaterThan(0);
    for (const next of described.info.nextActionTimes) expect(local(next)).toMatchObject({ weekday: 'Monday', time: '07:30' });

    const updated = await sam.report.subscriptions.update.mutate({ id: created.id, period: 'monthly', day: 15, time: '18:05', paused: true });
    expect(updated).toMatchObject({ period: 'monthly', day: 15, time: '18:05', paused: true });
    // A Schedule update is a signal to Temporal's scheduler workflow; describe() reads its state a moment later.
    await expect.poll(async () => (await handle.describe()).state.paused, { timeout: 15_000 }).toBe(true);
    await sam.report.subscriptions.update.mutate({ id: created.id, paused: false });
    await expect.poll(async () => (await handle.describe()).state.paused, { timeout: 15_000 }).toBe(false);
    described = await handle.describe();
    for (const next of described.info.nextActionTimes) expect(local(next)).toMatchObject({ day: 15, time: '18:05' });
    expect((await sam.report.subscriptions.list.query()).map((s) => s.id)).toContain(created.id);

    await sam.report.subscriptions.delete.mutate({ id: created.id });
    await expect(handle.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
    expect((await sam.report.subscriptions.list.query()).map((s) => s.id)).not.toContain(created.id);
  });

  it('refuses requesters, filters outside the caller’s scope, other people’s subscriptions and bad input, with clear errors', async () => {
    const rita = (await api.signIn(demo.requester)).api;
    expect(await outcome(rita.report.subscriptions.create.mutate({ period: 'weekly', day: 1, time: '07:30' }))).toBe('FORBIDDEN');
    expect(await outcome(rita.report.subscriptions.list.query())).toBe('FORBIDDEN');
    await expect(sam.report.subscriptions.create.mutate({ filters: { departmentId: [api.departmentId('hr')], interval: 'day' }, period: 'weekly', day: 1, time: '07:30' })).rejects.toThrow(
      /departmentId: you may report only on the departments you supervise/,
    );
    const ivy = (await api.signIn(demo.itAgent)).api;
    await expect(ivy.report.subscriptions.create.mutate({ filters: { assigneeId: [api.userId(demo.supervisor)], interval: 'day' }, period: 'weekly', day: 1, time: '07:30' })).rejects.toThrow(
      /assigneeId: agents see their own figures only/,
    );
    // An agent may schedule their own figures; nobody else sees or changes it.
    const ivys = await ivy.report.subscriptions.create.mutate({ period: 'monthly', day: 20, time: '06:00' });
    expect(await outcome(sam.report.subscriptions.update.mutate({ id: ivys.id, paused: true }))).toBe('NOT_FOUND');
    expect(await outcome(sam.report.subscriptions.delete.mutate({ id: ivys.id }))).toBe('NOT_FOUND');
    expect((await sam.report.subscriptions.list.query()).map((s) => s.id)).not.toContain(ivys.id);

    await expect(sam.report.subscriptions.create.mutate({ period: 'weekly', day: 8, time: '07:30' })).rejects.toThrow(/must be 1 \(Monday\) to 7 \(Sunday\) for a weekly report/);
    await expect(sam.report.subscriptions.create.mutate({ period: 'monthly', day: 31, time: '07:30' })).rejects.toThrow(/must be 1 to 28 for a monthly report/);
    await expect(sam.report.subscriptions.create.mutate({ period: 'weekly', day: 1, time: '25:00' })).rejects.toThrow(/must be a time HH:MM/);
    // @ts-expect-error: not a period
    await expect(sam.report.subscriptions.create.mutate({ period: 'daily', day: 1, time: '07:30' })).rejects.toThrow(/must be weekly or monthly/);
    await expect(ivy.report.subscriptions.update.mutate({ id: ivys.id, period: 'weekly' })).rejects.toThrow(/day: must be 1 \(Monday\) to 7/);
    expect(await outcome(ivy.report.subscriptions.update.mutate({ id: ivys.id, day: 29 }))).toBe('BAD_REQUEST');
  });
});

describe('the report mail', () => {
  it('queues one report_digest mail per period whose figures are report.summary’s, and a second run of the period queues nothing more', async () => {
    const rita = (await api.signIn(demo.requester)).api;
    for (const title of ['VPN drops every hour', 'Laptop will not boot', 'Printer on floor 2 is jammed']) await rita.ticket.create.mutate({ title, description: `${title}, since this morning.` });
    const today = localDate(new Date(), timezone);
    const filters = { departmentId: [api.departmentId('it')], interval: 'day' as const };
    // Wait until the tickets' workflows have written their facts and the figures stand still.
    const summaryNow = () => sam.report.summary.query({ ...filters, from: today, to: today });
    let previous = await summaryNow();
    const deadline = Date.now() + 60_000;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      const current = await summaryNow();
      if (current.volume.created >= 3 && JSON.stringify(headlineFigures(current)) === JSON.stringify(headlineFigures(previous))) break;
      if (Date.now() > deadline) throw new Error(`the tickets' facts did not settle: ${JSON.stringify(headlineFigures(current))}`);
      previous = current;
    }

    const subscription = await sam.report.subscriptions.create.mutate({ filters, period: 'weekly', day: 1, time: '07:30', format: 'csv' });
    const first = await runDigest({ subscriptionId: subscription.id, period: { from: today, to: today } });
    expect(first).toMatchObject({ status: 'queued', period: { from: today, to: today } });
    const summary = await summaryNow();

    const [row] = await api.db.select().from(mailOutbox).where(eq(mailOutbox.id, first.mailId!));
    expect(row).toMatchObject({ kind: 'report_digest', toAddress: demo.supervisor, userId: api.userId(demo.supervisor), idempotencyKey: reportDigestKey(subscription.id, today) });
    const data = row!.data as MailData['report_digest'];
    expect(data.figures).toEqual(headlineFigures(summary));
    expect(data.figures.find((f) => f.key === 'created')!.value).toBeGreaterThanOrEqual(3);
    expect(data).toMatchObject({ scope: 'departments', period: { kind: 'weekly', from: today, to: today, timezone } });
    expect(data.link).toBe(`/reports?from=${today}&to=${today}&interval=day&departmentId=${api.departmentId('it')}`);
    expect(data.download!.link).toBe(`/api/exports/report.csv?section=sla&from=${today}&to=${today}&interval=day&departmentId=${api.departmentId('it')}`);
    // The mail as its reader sees it: the headline figures in both parts.
    const rendered = await renderMail({ kind: 'report_digest', data }, { url: (path) => new URL(path, 'https://desk.example').toString(), unsubscribeUrl: null, fromName: 'Deskflow' });
    expect(rendered.subject).toBe(`Weekly Deskflow report, ${today} to ${today}`);
    expect(rendered.text).toMatch(new RegExp(`Tickets opened +${summary.volume.created}\n`));

    const second = await runDigest({ subscriptionId: subscription.id, period: { from: today, to: today } });
    expect(second).toEqual({ status: 'already-queued', period: { from: today, to: today }, mailId: first.mailId });
    expect(await digestRows(subscription.id)).toHaveLength(1);
    expect((await sam.report.subscriptions.list.query()).find((s) => s.id === subscription.id)!.lastQueuedAt).not.toBeNull();

    // Triggering the Schedule runs the workflow for the last full week, through the same activity.
    await temporal.schedule.getHandle(reportSubscriptionScheduleId(subscription.id)).trigger();
    const lastWeek = lastFullPeriod('weekly', new Date(), timezone);
    const until = Date.now() + 60_000;
    while (!(await digestRows(subscription.id)).some((r) => r.idempotencyKey === reportDigestKey(subscription.id, lastWeek.from))) {
      if (Date.now() > until) throw new Error('the triggered Schedule queued no mail for last week');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(await digestRows(subscription.id)).toHaveLength(2);
  });

  it('reads the owner’s scope when it runs: demoted to agent, their own figures; to requester, no mail', async () => {
    const subscription = await sam.report.subscriptions.create.mutate({ filters: { departmentId: [api.departmentId('it')], interval: 'day' }, period: 'monthly', day: 1, time: '07:00' });
    const samId = api.userId(demo.supervisor);
    try {
      await api.db.update(users).set({ role: 'agent' }).where(eq(users.id, samId));
      const asAgent = await runDigest({ subscriptionId: subscription.id, period: { from: '2026-01-01', to: '2026-01-31' } });
      expect(asAgent.status).toBe('queued');
      const [row] = await api.db.select().from(mailOutbox).where(eq(mailOutbox.id, asAgent.mailId!));
      expect((row!.data as MailData['report_digest']).scope).toBe('own');

      await api.db.update(users).set({ role: 'requester' }).where(eq(users.id, samId));
      expect(await runDigest({ subscriptionId: subscription.id, period: { from: '2026-02-01', to: '2026-02-28' } })).toMatchObject({ status: 'out-of-scope', mailId: null });
      expect(await digestRows(subscription.id)).toHaveLength(1);
    } finally {
      await api.db.update(users).set({ role: 'supervisor' }).where(eq(users.id, samId));
    }
  });
});
