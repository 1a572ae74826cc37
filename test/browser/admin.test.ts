/**
 * The console's admin section, notification center and availability in a real browser (Debian's
 * Chromium via playwright-core) on the real stack (API with Temporal and the worker, rooms in
 * workerd, the console built by Vite and served at /), with the same harness as console.test.ts:
 * an admin invites someone (the link the API returns works) and edits a business calendar
 * (weekly hours, a holiday, the timezone; the API's validation error beside the open hours); a
 * requester sees a notification arrive live and marks it read; a supervisor sets availability.
 * Every new page is scanned with axe (no serious or critical violations) in light and dark, and
 * the main ones photographed on desktop and phone into test-results/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebConsoleBuilt } from '../../dev-support/web-console';
import { demo, PASSWORD, startApi, type ApiHarness } from '../api/support';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = 'test-results/screenshots';

const desktop = { width: 1280, height: 800 };
const phone = { width: 390, height: 844 };

let api: ApiHarness;
let browser: Browser;
/** Content-Security-Policy violations the console caused: there must be none. */
const cspViolations: string[] = [];
/** What went wrong in pages, printed when a step fails. */
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (.ci/run does).`);
  const build = await ensureWebConsoleBuilt();
  if (build.kind === 'failed') throw build.error;
  mkdirSync(SCREENSHOTS, { recursive: true });
  [api, browser] = await Promise.all([startApi({ temporal: true, rooms: true }), chromium.launch({ executablePath: CHROMIUM })]);
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

async function newPage(
  options: { viewport?: typeof desktop; colorScheme?: 'light' | 'dark'; storageState?: Awaited<ReturnType<BrowserContext['storageState']>> } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: options.viewport ?? desktop, colorScheme: options.colorScheme ?? 'light', storageState: options.storageState });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error' && message.text().includes('Content Security Policy')) cspViolations.push(message.text());
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('response', (response) => {
    if (response.url().includes('/trpc/') && response.status() >= 400) pageErrors.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
  });
  return { context, page };
}

/** axe on the page as it is now: no serious or critical violations. */
async function expectAccessible(page: Page, name: string) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious, `axe on ${name}`).toEqual([]);
}

/**
 * The page scanned with axe in light and dark on desktop; with `photos`, also on phones, and
 * photographed in all four.
 */
async function checkPage(signedIn: BrowserContext, path: string, name: string, ready: (page: Page) => Promise<void>, photos = false) {
  const storageState = await signedIn.storageState();
  for (const colorScheme of ['light', 'dark'] as const) {
    for (const [device, viewport] of [
      ['desktop', desktop],
      ['phone', phone],
    ] as const) {
      if (device === 'phone' && !photos) continue;
      const { context, page } = await newPage({ viewport, colorScheme, storageState });
      try {
        await page.goto(`${api.url}${path}`);
        await ready(page);
        await expectAccessible(page, `${name} (${colorScheme}, ${device})`);
        if (photos) await page.screenshot({ path: `${SCREENSHOTS}/${name}-${colorScheme}-${device}.png`, fullPage: true, caret: 'initial' });
      } finally {
        await context.close();
      }
    }
  }
}

async function signIn(page: Page, email: string) {
  await page.goto(`${api.url}/`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Runs a browser step; on failure, a screenshot and what the pages said. */
async function step(page: Page, name: string, run: () => Promise<void>) {
  try {
    await run();
  } catch (error) {
    await page.screenshot({ path: `${SCREENSHOTS}/failure-${name}.png`, fullPage: true }).catch(() => undefined);
    throw new Error(`${String(error)}\npage errors: ${pageErrors.join('\n') || 'none'}\nat ${page.url()}`, { cause: error });
  }
}

describe('the console for admins, notifications and availability', () => {
  it('lets an admin invite someone, who accepts, and edit a business calendar, with the API’s errors beside the field', async () => {
    const { context, page } = await newPage();
    let invitationPath = '';
    try {
      await step(page, 'admin', async () => {
        await signIn(page, demo.admin);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
        await page.getByRole('heading', { name: 'Users' }).waitFor();
        await page.getByRole('cell', { name: /Rita/ }).first().waitFor();

        // Invite: the API mails the link and returns it; the page shows it.
        await page.getByLabel('Email', { exact: true }).fill('nina.new@deskflow.test');
        await page.getByLabel('Name', { exact: true }).fill('Nina New');
        await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
        const link = page.getByLabel('Invitation link');
        await link.waitFor();
        const invitation = new URL((await link.textContent())!);
        expect(invitation.pathname).toBe('/reset-password');
        invitationPath = `${invitation.pathname}${invitation.search}`;
        expect(api.mails().some((mail) => mail.to === 'nina.new@deskflow.test' && mail.text.includes(invitation.search))).toBe(true);
        await page.getByRole('cell', { name: /^Nina New/ }).waitFor();
        await expect
          .poll(() =>
            page
              .getByRole('row', { name: /Nina New/ })
              .getByText('Invited, no password yet')
              .isVisible(),
          )
          .toBe(true);

        // Inviting the same address again: the API's refusal, said on the form.
        await page.getByLabel('Email', { exact: true }).fill('nina.new@deskflow.test');
        await page.getByLabel('Name', { exact: true }).fill('Nina Again');
        await page.getByRole('button', { name: 'Send invitation', exact: true }).click();
        await page.getByRole('alert').filter({ hasText: 'There is already an account for nina.new@deskflow.test.' }).waitFor();
      });

      // The invited person follows the link (on this server), chooses a password and is signed in.
      const { context: invitedContext, page: invited } = await newPage();
      try {
        await step(invited, 'invitation', async () => {
          await invited.goto(`${api.url}${invitationPath}`);
          await invited.getByLabel('New password').fill('a long enough password');
          await invited.getByRole('button', { name: 'Save password and sign in' }).click();
          await invited.getByRole('heading', { name: 'My tickets' }).waitFor();
          // A requester sees no admin section, and its address sends them home.
          expect(await invited.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
          await invited.goto(`${api.url}/admin/users`);
          await invited.getByRole('heading', { name: 'My tickets' }).waitFor();
        });
      } finally {
        await invitedContext.close();
      }

      await step(page, 'calendar', async () => {
        await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'SLA and calendars' }).click();
        await page.getByRole('heading', { name: 'SLA policies' }).waitFor();
        // A new calendar (Monday to Friday, 09:00-17:00) opens in its editor.
        await page.getByLabel('Calendar name').fill('Head office');
        await page.getByRole('button', { name: 'Create calendar' }).click();
        await page.getByRole('heading', { name: 'Calendar: Head office' }).waitFor();
        await expectAccessible(page, 'calendar');

        // Monday closing before it opens: the API refuses, and says so beside the open hours.
        await page.getByLabel('Monday opens', { exact: true }).fill('17:00');
        await page.getByLabel('Monday closes', { exact: true }).fill('09:00');
        await page.getByRole('button', { name: 'Save calendar' }).click();
        const hours = page.getByRole('group', { name: 'Open hours' });
        await hours.getByRole('alert').filter({ hasText: 'end 09:00 must be after start 17:00' }).waitFor();
        expect(await page.getByLabel('Monday closes', { exact: true }).getAttribute('aria-invalid')).toBe('true');
        await expectAccessible(page, 'calendar with an error');
        await page.screenshot({ path: `${SCREENSHOTS}/admin-calendar-error-light-desktop.png`, fullPage: true, caret: 'initial' });

        // Fixed, with a holiday and another timezone: saved.
        await page.getByLabel('Monday closes', { exact: true }).fill('18:00');
        await page.getByLabel('Holiday date').fill('2027-03-15');
        await page.getByRole('button', { name: 'Add holiday' }).click();
        await page
          .getByRole('list', { name: 'Holidays' })
          .getByText(/15 Mar 2027|Mar 15, 2027/)
          .waitFor();
        const timezone = page.getByRole('combobox', { name: 'Timezone' });
        await timezone.fill('Paris');
        await page.getByRole('option', { name: 'Europe/Paris' }).click();
        await page.getByRole('button', { name: 'Save calendar' }).click();
        await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
        expect(await hours.getByRole('alert').count()).toBe(0);

        // A policy on it, with a target the API refuses first (beside its field), then accepts.
        await page.getByRole('link', { name: '← SLA and calendars' }).click();
        await page.getByRole('button', { name: 'New policy' }).click();
        await page.getByLabel('Name', { exact: true }).fill('Standard');
        await page.getByLabel('First response', { exact: true }).fill('0');
        await page.getByRole('button', { name: 'Create policy' }).click();
        await page.getByText('First response minutes must be more than 0 minutes.').waitFor();
        await page.getByLabel('First response', { exact: true }).fill('30');
        await page.getByLabel('Warn at (percent of the target used)').fill('50, 80, 100');
        await page.getByRole('button', { name: 'Create policy' }).click();
        await page.getByRole('list', { name: 'SLA policies' }).getByText('First response 30 min', { exact: false }).waitFor();
        await page.getByRole('list', { name: 'SLA policies' }).getByText('warns at 50 %, 80 %, 100 %', { exact: false }).waitFor();
      });
      const admin = await api.signIn(demo.admin);
      const office = (await admin.api.admin.sla.calendar.list.query()).find((c) => c.name === 'Head office')!;
      expect(office.timezone).toBe('Europe/Paris');
      expect(office.weeklyHours).toContainEqual({ day: 1, start: '17:00', end: '18:00' });
      expect(office.holidays).toContain('2027-03-15');
      const audit = await admin.api.admin.audit.query({ targetType: 'business_calendar', targetId: office.id });
      expect(audit.map((entry) => entry.action)).toContain('sla.calendar.update');

      // Every admin page: axe in light and dark; the main ones photographed on desktop and phone.
      await checkPage(context, '/admin/users', 'admin-users', (p) => p.getByRole('cell', { name: /^Nina New/ }).waitFor(), true);
      await checkPage(context, `/admin/sla/calendars/${office.id}`, 'admin-calendar', (p) => p.getByLabel('Monday opens', { exact: true }).waitFor(), true);
      await checkPage(context, '/admin/sla', 'admin-sla', (p) => p.getByRole('list', { name: 'Business calendars' }).waitFor(), true);
      await checkPage(context, '/admin/departments', 'admin-departments', (p) => p.getByRole('cell', { name: 'it', exact: true }).waitFor());
      await checkPage(context, '/admin/buildings', 'admin-buildings', (p) => p.getByRole('heading', { name: 'New building' }).waitFor());
      await checkPage(context, '/admin/categories', 'admin-categories', (p) => p.getByRole('heading', { name: 'New category' }).waitFor());
      await checkPage(context, '/admin/templates', 'admin-templates', (p) => p.getByRole('heading', { name: 'New template' }).waitFor());
      await checkPage(context, '/admin/settings', 'admin-settings', (p) => p.getByRole('table', { name: /notification defaults/ }).waitFor());
      await checkPage(context, '/admin/tokens', 'admin-tokens', (p) => p.getByRole('heading', { name: 'New token' }).waitFor());
      await checkPage(
        context,
        '/admin/audit',
        'admin-audit',
        (p) =>
          p
            .getByRole('cell', { name: /sla: calendar: update/ })
            .first()
            .waitFor(),
        true,
      );
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 400_000);

  it('shows a requester a notification as it arrives; they mark it read, and set their preferences', async () => {
    const ticket = await api.insertTicket({ requester: demo.requester, department: 'it', assignee: demo.itAgent, title: 'Laptop battery is swelling' });
    const { context, page } = await newPage();
    try {
      await step(page, 'notifications', async () => {
        await signIn(page, demo.requester);
        await page.getByRole('heading', { name: 'My tickets' }).waitFor();
        await page.getByRole('link', { name: 'Notifications, none unread' }).click();
        await page.getByRole('heading', { name: 'Notifications' }).waitFor();
        await page.getByText('No notifications yet.', { exact: false }).waitFor();
        await expectAccessible(page, 'notifications (empty)');

        // The agent replies (through the API): the bell and the list update without a reload.
        const agent = await api.signIn(demo.itAgent);
        await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'We will swap the battery this afternoon.', clientId: crypto.randomUUID() });
        await page.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor({ timeout: 10_000 });
        const item = page.getByRole('listitem').filter({ hasText: 'Laptop battery is swelling' });
        await item.getByText('Unread').waitFor();
        await expectAccessible(page, 'notifications');
        await page.screenshot({ path: `${SCREENSHOTS}/notifications-light-desktop.png`, fullPage: true, caret: 'initial' });

        await item.getByRole('button', { name: /^Mark read/ }).click();
        await page.getByRole('link', { name: 'Notifications, none unread' }).waitFor();
        expect(await item.getByText('Unread').count()).toBe(0);
        // It links to its ticket.
        await item.getByRole('link').first().click();
        await page.getByRole('heading', { name: 'Laptop battery is swelling' }).waitFor();

        // Preferences: stop mailing new replies; it is saved (and no longer the default).
        await page.goto(`${api.url}/notifications/preferences`);
        await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
        await page.getByRole('button', { name: 'Email for new replies' }).click();
        await page.getByRole('option', { name: 'Never' }).click();
        await page.getByRole('button', { name: 'Use the organisation default for new replies' }).waitFor();
      });
      const requester = await api.signIn(demo.requester);
      const { preferences } = await requester.api.notification.preferences.query();
      expect(preferences.find((p) => p.kind === 'message')).toMatchObject({ email: 'never', isDefault: false });

      await checkPage(context, '/notifications', 'notifications', (p) => p.getByRole('listitem').filter({ hasText: 'Laptop battery is swelling' }).waitFor(), true);
      await checkPage(context, '/notifications/preferences', 'notification-preferences', (p) => p.getByRole('button', { name: 'Email for new replies' }).waitFor(), true);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);

  it('lets a supervisor set their own availability and see their team’s', async () => {
    const { context, page } = await newPage();
    try {
      await step(page, 'availability', async () => {
        await signIn(page, demo.supervisor);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Availability' }).click();
        await page.getByRole('heading', { name: 'My availability' }).waitFor();
        await page.getByRole('list', { name: 'Team availability' }).getByText('Otto', { exact: false }).waitFor();
        await page.getByRole('radiogroup', { name: 'Status' }).getByText('Away', { exact: true }).click();
        await page.getByLabel('Most open tickets at once').fill('5');
        await page.getByRole('button', { name: 'Save your availability' }).click();
        await page.getByRole('region', { name: 'My availability' }).getByText('Routing skips for now').waitFor();
      });
      const supervisor = await api.signIn(demo.supervisor);
      expect(await supervisor.api.availability.getMine.query()).toMatchObject({ status: 'away', maxOpenTickets: 5, routable: false });
      await checkPage(context, '/availability', 'availability', (p) => p.getByRole('list', { name: 'Team availability' }).waitFor(), true);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
