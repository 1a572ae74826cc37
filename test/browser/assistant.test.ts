/**
 * Get help in a real browser on the real stack (test/support/browser.ts): a requester asks the
 * answer bot in their own words (Enter sends), the answer streams in with its source linked, they
 * rate it, then hand over to a person and follow the link to the ticket, whose description is the
 * conversation. The page is scanned with axe before and after answering, light and dark.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { demo } from '../api/support';
import { embedPublishedArticles } from '../support/embed-articles';
import { SCREENSHOTS, useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, signIn, step, cspViolations } = harness;

beforeAll(async () => {
  await embedPublishedArticles(harness.api.db);
}, 120_000);

describe('Get help', () => {
  it('answers a requester from the knowledge base with its source, takes a rating, and hands over to a person', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const { context, page } = await newPage({ colorScheme });
      try {
        await step(page, `get-help-${colorScheme}`, async () => {
          await signIn(page, demo.requester);
          await page.getByRole('heading', { name: 'My tickets' }).waitFor();
          await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Get help' }).click();
          await page.getByRole('heading', { name: 'Get help' }).waitFor();
          await page.getByText('No questions yet.').waitFor();
          await expectAccessible(page, `get help, empty (${colorScheme})`);

          // Enter sends the question.
          await page.getByRole('textbox', { name: 'Your question' }).fill('forgot my password how do i make a new one');
          await page.getByRole('textbox', { name: 'Your question' }).press('Enter');
          const source = page.getByRole('link', { name: 'Reset your password or set up a new authenticator' });
          await source.waitFor();
          expect(await source.getAttribute('href')).toBe('/kb/reset-password-and-mfa');
          const log = page.getByRole('log', { name: 'Conversation' });
          expect(await log.getAttribute('aria-live')).toBe('polite');
          await expect.poll(() => log.textContent()).toContain('Choose Forgot my password');
          await expect.poll(() => page.getByRole('textbox', { name: 'Your question' }).inputValue()).toBe('');
          await expectAccessible(page, `get help, answered (${colorScheme})`);
          if (colorScheme === 'light') await page.screenshot({ path: `${SCREENSHOTS}/get-help-light-desktop.png`, fullPage: true, caret: 'initial' });

          await page.getByRole('button', { name: 'Helpful', exact: true }).click();
          await page.getByText('Thanks for rating this answer.').waitFor();
          expect(await page.getByRole('button', { name: 'Helpful', exact: true }).getAttribute('aria-pressed')).toBe('true');

          if (colorScheme === 'light') {
            await page.getByRole('button', { name: 'Talk to a person' }).click();
            const ticketLink = page.getByRole('link', { name: /^ticket #\d+$/ });
            await ticketLink.waitFor();
            await ticketLink.click();
            await page.getByRole('heading', { name: 'forgot my password how do i make a new one' }).waitFor();
            await expect.poll(() => page.getByText('You asked: forgot my password how do i make a new one', { exact: false }).first().isVisible()).toBe(true);
          }
        });
      } finally {
        await context.close();
      }
    }
    expect(cspViolations).toEqual([]);
  }, 240_000);
});
