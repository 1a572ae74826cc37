/**
 * The agent's tools on a ticket page in a real browser, on the real stack (API, Temporal and the
 * worker, the rooms in workerd): assign to a colleague (the assignee shows), escalate with a reason
 * (the API's field error beside the field first; then the timeline shows the reason), link two
 * tickets (the link shows on both), merge a duplicate, add a watcher and watch the ticket oneself.
 * Each open dialog is scanned with axe (no serious or critical violations); focus moves into it and
 * Escape closes it. The ticket's requester sees none of these tools.
 */
import type { Locator, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demo } from '../api/support';
import { useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, signIn, step, cspViolations } = harness;

/** Opens a dialog by its button; focus must be inside it. */
async function openDialog(page: Page, button: string, title: string): Promise<Locator> {
  await page.getByRole('button', { name: button }).click();
  const dialog = page.getByRole('dialog', { name: title });
  await dialog.waitFor();
  await expect.poll(() => dialog.and(page.locator(':focus-within')).count()).toBe(1);
  return dialog;
}

/** Finds a ticket in a dialog's ticket picker by number and chooses it. */
async function pickTicket(dialog: Locator, field: string, ticket: { number: number; title: string }) {
  await dialog.getByRole('searchbox', { name: `${field}: find by number or words` }).fill(`#${ticket.number}`);
  await dialog.getByRole('status').filter({ hasText: '1 found.' }).waitFor();
  await dialog
    .locator('label')
    .filter({ hasText: `#${ticket.number} ${ticket.title}` })
    .click();
  await expect.poll(() => dialog.getByRole('radio', { name: new RegExp(`#${ticket.number} `) }).isChecked()).toBe(true);
}

describe('the agent ticket tools', () => {
  it('assigns, escalates, links, merges and manages watchers through accessible dialogs; the requester sees none of them', async () => {
    const requester = await harness.api.signIn(demo.requester);
    const printer = await requester.api.ticket.create.mutate({ title: 'Third floor printer jams', description: 'Paper jams on every print job since Monday.' });
    const toner = await requester.api.ticket.create.mutate({ title: 'Order toner for the third floor', description: 'The printer shows a low toner warning.' });
    const duplicate = await requester.api.ticket.create.mutate({ title: 'Printer on floor three keeps jamming', description: 'Every job jams the paper tray.' });
    for (const ticket of [printer, toner, duplicate]) await harness.api.route(ticket.id, { department: 'it', assignee: demo.itAgent });

    const { context, page } = await newPage();
    try {
      await signIn(page, demo.itAgent);
      await page.getByRole('heading', { name: 'Queue' }).waitFor();
      await page.goto(`${harness.api.url}/tickets/${printer.id}`);
      await page.getByRole('heading', { name: printer.title }).waitFor();

      await step(page, 'assign', async () => {
        const dialog = await openDialog(page, 'Assign…', `Assign ticket #${printer.number}`);
        await dialog.getByRole('button', { name: /Assignee/ }).click();
        await page.getByRole('option', { name: 'Otto Okafor' }).click();
        await expectAccessible(page, 'assign dialog');
        await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
        await dialog.waitFor({ state: 'detached', timeout: 15_000 });
        await page.getByRole('region', { name: 'Details' }).getByText('Otto Okafor').waitFor();
      });

      await step(page, 'escalate', async () => {
        const dialog = await openDialog(page, 'Escalate…', `Escalate ticket #${printer.number}`);
        // The API's zod error, beside the field it concerns.
        await dialog.getByRole('button', { name: 'Escalate', exact: true }).click();
        const reason = dialog.getByRole('textbox', { name: 'Reason' });
        await dialog.getByText('Reason say why (at least 3 characters).').waitFor();
        await expect.poll(() => reason.getAttribute('aria-invalid')).toBe('true');
        await expectAccessible(page, 'escalate dialog with a field error');
        await reason.fill('The whole floor cannot print payslips');
        await dialog.getByRole('button', { name: 'Escalate', exact: true }).click();
        await dialog.waitFor({ state: 'detached', timeout: 15_000 });
        const timeline = page.getByRole('region', { name: 'Timeline' });
        await timeline.getByText('“The whole floor cannot print payslips”').waitFor({ timeout: 15_000 });
      });

      await step(page, 'escape', async () => {
        const dialog = await openDialog(page, 'Link…', `Link ticket #${printer.number} to another`);
        await page.keyboard.press('Escape');
        await dialog.waitFor({ state: 'detached' });
        // Focus goes back to the button that opened it.
        await expect.poll(() => page.locator(':focus').textContent()).toBe('Link…');
      });

      await step(page, 'link', async () => {
        const dialog = await openDialog(page, 'Link…', `Link ticket #${printer.number} to another`);
        await pickTicket(dialog, 'Other ticket', toner);
        await expectAccessible(page, 'link dialog');
        await dialog.getByRole('button', { name: 'Link', exact: true }).click();
        await dialog.waitFor({ state: 'detached', timeout: 15_000 });
        await page
          .getByRole('list', { name: 'Linked tickets' })
          .getByRole('link', { name: `#${toner.number} ${toner.title}` })
          .waitFor();
        // And on the other ticket.
        await page.goto(`${harness.api.url}/tickets/${toner.id}`);
        await page.getByRole('heading', { name: toner.title }).waitFor();
        await page
          .getByRole('list', { name: 'Linked tickets' })
          .getByRole('link', { name: `#${printer.number} ${printer.title}` })
          .waitFor();
      });

      await step(page, 'watchers', async () => {
        await page.goto(`${harness.api.url}/tickets/${printer.id}`);
        await page.getByRole('heading', { name: printer.title }).waitFor();
        const dialog = await openDialog(page, 'Add watcher…', 'Add a watcher');
        await dialog.getByRole('button', { name: /Person/ }).click();
        await page.getByRole('option', { name: 'Nia Novak' }).click();
        await expectAccessible(page, 'add watcher dialog');
        await dialog.getByRole('button', { name: 'Add watcher', exact: true }).click();
        await dialog.waitFor({ state: 'detached', timeout: 15_000 });
        const watchers = page.getByRole('list', { name: 'Watchers' });
        await watchers.getByText('Nia Novak').waitFor();
        await page.getByRole('button', { name: 'Watch this ticket' }).click();
        await watchers.getByText('Ivy Iyer (you)').waitFor();
        // Still there once the list is read again from the API.
        await page.reload();
        await page.getByRole('list', { name: 'Watchers' }).getByText('Ivy Iyer (you)').waitFor();
        await page.getByRole('list', { name: 'Watchers' }).getByText('Nia Novak').waitFor();
      });

      await step(page, 'merge', async () => {
        await page.goto(`${harness.api.url}/tickets/${duplicate.id}`);
        await page.getByRole('heading', { name: duplicate.title }).waitFor();
        const dialog = await openDialog(page, 'Merge…', `Merge ticket #${duplicate.number} into another`);
        await pickTicket(dialog, 'Merge into', printer);
        await expectAccessible(page, 'merge dialog');
        await dialog.getByRole('button', { name: 'Merge', exact: true }).click();
        await dialog.waitFor({ state: 'detached', timeout: 15_000 });
        await page
          .getByRole('list', { name: 'Linked tickets' })
          .filter({ hasText: 'Merged into' })
          .getByRole('link', { name: `#${printer.number} ${printer.title}` })
          .waitFor({ timeout: 15_000 });
        await page.getByText('Closed', { exact: true }).first().waitFor();
        // A merged ticket offers no more moves.
        await page.getByRole('region', { name: 'Timeline' }).getByText(`Merged into #${printer.number}`).waitFor({ timeout: 15_000 });
        expect(await page.getByRole('button', { name: 'Merge…' }).count()).toBe(0);
      });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }

    const { context: requesterContext, page: requesterPage } = await newPage();
    try {
      await step(requesterPage, 'requester', async () => {
        await signIn(requesterPage, demo.requester);
        await requesterPage.getByRole('heading', { name: 'My tickets' }).waitFor();
        await requesterPage.goto(`${harness.api.url}/tickets/${printer.id}`);
        await requesterPage.getByRole('heading', { name: printer.title }).waitFor();
        // The requester's own move comes from the same lifecycle answer as the agent's tools: once it shows, they would have too.
        await requesterPage.getByRole('button', { name: 'Cancel ticket' }).waitFor();
        await requesterPage.getByRole('region', { name: 'Timeline' }).getByRole('listitem').first().waitFor();
        for (const name of ['Assign…', 'Escalate…', 'Merge…', 'Link…', 'Add watcher…', 'Watch this ticket', 'Unlink']) expect(await requesterPage.getByRole('button', { name }).count(), name).toBe(0);
        expect(await requesterPage.getByRole('heading', { name: 'Watchers' }).count()).toBe(0);
        expect(await requesterPage.getByRole('heading', { name: 'Linked tickets' }).count()).toBe(0);
        // Reasons are for staff: the escalation's reason never reaches the requester's timeline.
        expect(await requesterPage.getByText('The whole floor cannot print payslips').count()).toBe(0);
      });
    } finally {
      await requesterContext.close();
    }
  }, 300_000);
});
