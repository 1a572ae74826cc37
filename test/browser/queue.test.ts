/**
 * The agent workspace and the supervisor's SLA board in a real browser, on the real stack (API,
 * Temporal and the worker, the rooms in workerd). The queue: a change made elsewhere reaches its
 * row live, full-text search finds a ticket, rows are selected by keyboard and assigned in bulk,
 * `?` opens the shortcut sheet and Escape closes it. The SLA board shows a breached ticket, counted
 * by department and assignee; a ticket escalated twice through the API under Escalations at level 2;
 * and the team's workload, an away agent with their open tickets. Both pages are scanned with axe
 * (no serious or critical violations).
 */
import { and, count, eq, inArray } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tickets } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { demo } from '../api/support';
import { SCREENSHOTS, useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, checkPage, signIn, step, cspViolations } = harness;

describe('the agent queue and the SLA board', () => {
  it('updates queue rows live, searches, assigns in bulk by keyboard and lists the shortcuts', async () => {
    const requester = await harness.api.signIn(demo.requester);
    const toner = await requester.api.ticket.create.mutate({ title: 'Toner cartridge streaks on every page', description: 'The laser printer by the lifts leaves grey streaks.' });
    const vpn = await requester.api.ticket.create.mutate({ title: 'VPN drops every ten minutes', description: 'The tunnel reconnects but my calls drop.' });
    await harness.api.route(toner.id, { department: 'it' });
    await harness.api.route(vpn.id, { department: 'it' });

    const { context, page } = await newPage();
    try {
      await step(page, 'queue', async () => {
        await signIn(page, demo.itAgent);
        await page.getByRole('heading', { name: 'Queue' }).waitFor();
        await page.getByRole('link', { name: /Toner cartridge streaks/ }).waitFor();
        await page.locator('[data-live="live"]').waitFor({ timeout: 15_000 });
      });

      await step(page, 'live-update', async () => {
        // Otto takes the VPN ticket in his own session: Ivy's row shows it without a reload.
        await harness.api.route(vpn.id, { department: 'it', assignee: demo.itAgent2 });
        const vpnRow = page.getByRole('listitem').filter({ hasText: 'VPN drops every ten minutes' });
        await vpnRow.getByText('Otto Okafor').waitFor({ timeout: 10_000 });
      });

      await step(page, 'search', async () => {
        await page.getByRole('searchbox', { name: 'Search tickets' }).fill('toner');
        await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('toner');
        await page
          .getByRole('list', { name: 'Search results' })
          .getByRole('link', { name: /Toner cartridge streaks/ })
          .waitFor();
        expect(
          await page
            .getByRole('list', { name: 'Search results' })
            .getByRole('link', { name: /VPN drops/ })
            .count(),
        ).toBe(0);
        await page.getByRole('searchbox', { name: 'Search tickets' }).fill('');
        await page
          .getByRole('list', { name: 'All open tickets' })
          .getByRole('link', { name: /VPN drops/ })
          .waitFor();
      });

      await step(page, 'bulk', async () => {
        // x selects the focused row; then "Assign to me".
        for (const title of ['Toner cartridge streaks', 'VPN drops']) {
          await page.getByRole('link', { name: new RegExp(title) }).focus();
          await page.keyboard.press('x');
        }
        await page.getByText('2 selected').waitFor();
        await expectAccessible(page, 'queue with a selection');
        await page.getByRole('button', { name: 'Assign to me' }).click();
        await page.getByText('Changed 2 of 2.').waitFor({ timeout: 15_000 });
        for (const title of ['Toner cartridge streaks', 'VPN drops']) await page.getByRole('listitem').filter({ hasText: title }).getByText('Ivy Iyer').waitFor();
      });

      await step(page, 'shortcuts', async () => {
        await page.getByRole('link', { name: /VPN drops/ }).focus();
        await page.keyboard.press('?');
        const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
        await sheet.waitFor();
        await expectAccessible(page, 'shortcut sheet');
        await page.keyboard.press('Escape');
        await sheet.waitFor({ state: 'detached' });
      });

      await checkPage(context, '/queue', 'queue-workspace', (p) => p.getByRole('link', { name: /VPN drops/ }).waitFor(), { photos: true });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('shows supervisors the SLA board: a breached ticket, counted by department and assignee, linking to the ticket; escalations; the team’s workload', async () => {
    const breached = await harness.api.insertTicket({ requester: demo.requester2, title: 'Payroll share unreachable', department: 'it', assignee: demo.itAgent, status: 'in_progress' });
    await harness.api.db
      .update(tickets)
      .set({ slaState: 'breached', resolutionDueAt: new Date(Date.now() - 3_600_000) })
      .where(eq(tickets.id, breached.id));
    // Escalated twice by the supervisor through its workflow; its assignee, Otto, is away.
    const requester = await harness.api.signIn(demo.requester);
    const projector = await requester.api.ticket.create.mutate({ title: 'Projector in room 4 shows no signal', description: 'The board meeting starts at ten.' });
    await harness.api.route(projector.id, { department: 'it', assignee: demo.itAgent2 });
    const supervisor = await harness.api.signIn(demo.supervisor);
    await supervisor.api.ticket.escalate.mutate({ id: projector.id, reason: 'the board meets there at ten' });
    expect((await supervisor.api.ticket.escalate.mutate({ id: projector.id, reason: 'still no picture' })).escalationLevel).toBe(2);
    const otto = harness.api.userId(demo.itAgent2);
    await supervisor.api.availability.set.mutate({ userId: otto, status: 'away' });
    const [ottosOpen] = await harness.api.db
      .select({ n: count() })
      .from(tickets)
      .where(and(eq(tickets.assigneeId, otto), inArray(tickets.status, [...OPEN_STATUSES])));
    expect(ottosOpen!.n).toBeGreaterThanOrEqual(1);
    const { context, page } = await newPage();
    try {
      await step(page, 'sla-board', async () => {
        await signIn(page, demo.supervisor);
        await page.getByRole('heading', { name: 'Queue' }).waitFor();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'SLA board' }).click();
        await page.getByRole('heading', { name: 'SLA board' }).waitFor();
        const breachedList = page.getByRole('region', { name: /^Breached/ });
        await breachedList.getByRole('link', { name: /Payroll share unreachable/ }).waitFor();
        const byAssignee = page.getByRole('table', { name: 'By assignee' });
        expect(
          await byAssignee
            .getByRole('row', { name: /Ivy Iyer/ })
            .getByRole('cell')
            .first()
            .textContent(),
        ).toBe('1');

        const escalations = page.getByRole('region', { name: /^Escalations/ });
        const projectorRow = escalations.getByRole('row', { name: /Projector in room 4 shows no signal/ });
        await projectorRow.getByRole('cell', { name: 'Level 2' }).waitFor();
        await projectorRow.getByRole('cell', { name: 'Otto Okafor' }).waitFor();
        const ottoRow = page.getByRole('region', { name: 'Team workload' }).getByRole('row', { name: /Otto Okafor/ });
        const ottoCells = ottoRow.getByRole('cell');
        expect(await ottoCells.nth(0).textContent()).toMatch(/^Away until set back/);
        expect(await ottoCells.nth(1).textContent()).toBe(String(ottosOpen!.n));
        await expectAccessible(page, 'SLA board');
        // Keyboard: the escalated ticket's link takes focus and opens the ticket with Enter.
        await escalations.getByRole('link', { name: /Projector in room 4/ }).focus();
        await page.keyboard.press('Enter');
        await page.getByRole('heading', { name: 'Projector in room 4 shows no signal' }).waitFor();
        await page.goBack();
        await page.getByRole('heading', { name: 'SLA board' }).waitFor();
        await breachedList.getByRole('link', { name: /Payroll share unreachable/ }).click();
        await page.getByRole('heading', { name: 'Payroll share unreachable' }).waitFor();
      });
      await checkPage(
        context,
        '/sla-board',
        'sla-board',
        async (p) => {
          await p.getByRole('link', { name: /Payroll share unreachable/ }).waitFor();
          await p.getByRole('link', { name: /Projector in room 4/ }).waitFor();
          await p
            .getByRole('region', { name: 'Team workload' })
            .getByRole('row', { name: /Otto Okafor/ })
            .waitFor();
        },
        { photos: true },
      );
      await supervisor.api.availability.set.mutate({ userId: otto, status: 'available' });
    } catch (error) {
      await page.screenshot({ path: `${SCREENSHOTS}/failure-sla-board.png`, fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  }, 240_000);
});
