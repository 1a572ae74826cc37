/**
 * "Schedule by mail" on the reports page in a real browser, on the real stack (API, Temporal and
 * the worker): a supervisor opens the dialog by keyboard, schedules the report weekly, sees it in
 * "My scheduled reports", pauses it (its Temporal Schedule pauses) and deletes it (the Schedule
 * goes). The dialog and the list are scanned with axe (no serious or critical violations).
 */
import { ScheduleNotFoundError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { reportSubscriptionScheduleId } from '../../workflows/messages';
import { demo } from '../api/support';
import { useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, signIn, step, cspViolations } = harness;

describe('scheduled reports on the reports page', () => {
  it('schedules the report by mail from a keyboard-operable dialog, pauses and deletes it', async () => {
    const { context, page } = await newPage();
    const sam = (await harness.api.signIn(demo.supervisor)).api;
    try {
      await step(page, 'empty', async () => {
        await signIn(page, demo.supervisor);
        await page.waitForURL((url) => !url.pathname.startsWith('/sign-in'));
        await page.goto(`${harness.api.url}/reports?days=7`);
        await page.getByText('No scheduled reports yet.', { exact: false }).waitFor({ timeout: 20_000 });
      });

      await step(page, 'dialog', async () => {
        await page.getByRole('button', { name: 'Schedule by mail' }).focus();
        await page.keyboard.press('Enter');
        const dialog = page.getByRole('dialog', { name: 'Schedule this report by mail' });
        await dialog.waitFor();
        await expectAccessible(page, 'schedule-by-mail dialog');
        await dialog.getByRole('textbox', { name: 'Time' }).fill('07:45');
        await dialog.getByRole('button', { name: 'Schedule' }).press('Enter');
        await dialog.waitFor({ state: 'detached' });
      });

      const [created] = await sam.report.subscriptions.list.query();
      expect(created).toMatchObject({ period: 'weekly', day: 1, time: '07:45', filters: { interval: 'day' }, paused: false });
      const schedule = harness.api.env!.client.schedule.getHandle(reportSubscriptionScheduleId(created!.id));
      expect((await schedule.describe()).state.paused).toBe(false);

      await step(page, 'listed-and-paused', async () => {
        const row = page.getByRole('row', { name: /Mondays at 07:45/ });
        await row.waitFor();
        await expectAccessible(page, 'my scheduled reports');
        await row.getByRole('button', { name: /^Pause the report mailed Mondays at 07:45/ }).press('Enter');
        await row.getByText('Paused').waitFor();
        // A Schedule update is a signal to Temporal's scheduler workflow, and describe() reads that
        // workflow's state: it follows the accepted update a moment later.
        await expect.poll(async () => (await schedule.describe()).state.paused, { timeout: 15_000 }).toBe(true);
      });

      await step(page, 'deleted', async () => {
        await page.getByRole('button', { name: /^Delete the report mailed Mondays at 07:45/ }).press('Enter');
        await page.getByRole('dialog', { name: 'Delete this scheduled report?' }).getByRole('button', { name: 'Delete' }).press('Enter');
        await page.getByText('No scheduled reports yet.', { exact: false }).waitFor();
        await expect(schedule.describe()).rejects.toBeInstanceOf(ScheduleNotFoundError);
      });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
