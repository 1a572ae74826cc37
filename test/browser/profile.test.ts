/**
 * The profile page in a real browser on the real stack (the harness of console.test.ts): a
 * requester opens it from the header, searches the timezone list by keyboard (nothing matches;
 * then Berlin, with the local time there), gets the API's error beside an emptied name, saves, and
 * sees the new name in the header and both after a reload; the page links to the notification
 * preferences and back. Scanned with axe (light and dark; phone too, photographed).
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { users } from '../../db/schema';
import { demo } from '../api/support';
import { useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, checkPage, signIn, step, cspViolations } = harness;

describe('the profile page', () => {
  it('lets a requester set their name and the timezone of their digest, by keyboard, with the API’s errors beside the field', async () => {
    const { context, page } = await newPage();
    try {
      await step(page, 'profile', async () => {
        await signIn(page, demo.requester);
        await page.getByRole('heading', { name: 'My tickets' }).waitFor();
        await page
          .getByRole('banner')
          .getByRole('link', { name: /^Profile/ })
          .click();
        await page.getByRole('heading', { name: 'Profile', exact: true }).waitFor();
        const timezone = page.getByRole('combobox', { name: 'Timezone' });
        // The demo organisation has no business calendar here: its timezone is UTC.
        expect(await timezone.inputValue()).toBe('Organisation default (UTC)');
        await page.getByText('Now in UTC:').waitFor();
        await expectAccessible(page, 'profile');

        // Keyboard only: type to search; nothing matches, then Berlin; arrows and Enter choose.
        await timezone.focus();
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.type('Atlantis');
        await page.getByText('No timezone matches “Atlantis”.').waitFor();
        await page.keyboard.press('ControlOrMeta+a');
        await page.keyboard.type('Berl');
        await page.getByRole('option', { name: 'Europe/Berlin' }).waitFor();
        await page.keyboard.press('ArrowDown');
        await page.keyboard.press('Enter');
        await expect.poll(() => timezone.inputValue()).toBe('Europe/Berlin');
        await page.getByText('Now in Europe/Berlin:').waitFor();

        // An emptied name: the API refuses, beside the field.
        const name = page.getByRole('textbox', { name: 'Name' });
        await name.fill('');
        await page.getByRole('button', { name: 'Save profile' }).click();
        await page.getByText('Name must not be empty.').waitFor();
        expect(await name.getAttribute('aria-invalid')).toBe('true');
        await expectAccessible(page, 'profile with an error');

        await name.fill('Rita Berlin');
        await page.getByRole('button', { name: 'Save profile' }).click();
        await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        await page.getByRole('banner').getByRole('link', { name: 'Profile: Rita Berlin' }).waitFor();

        await page.reload();
        await page.getByRole('heading', { name: 'Profile', exact: true }).waitFor();
        await expect.poll(() => page.getByRole('combobox', { name: 'Timezone' }).inputValue()).toBe('Europe/Berlin');
        expect(await page.getByRole('textbox', { name: 'Name' }).inputValue()).toBe('Rita Berlin');

        // Neighbours: the notification preferences link here and back.
        await page.getByRole('link', { name: 'notification preferences' }).click();
        await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
        await page.getByRole('main').getByRole('link', { name: 'profile' }).click();
        await page.getByRole('heading', { name: 'Profile', exact: true }).waitFor();
      });
      const [rita] = await harness.api.db.select({ name: users.name, timezone: users.timezone }).from(users).where(eq(users.email, demo.requester));
      expect(rita).toEqual({ name: 'Rita Berlin', timezone: 'Europe/Berlin' });

      await checkPage(context, '/profile', 'profile', (p) => p.getByText('Now in Europe/Berlin:').waitFor(), { photos: true });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);
});
