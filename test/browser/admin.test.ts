/**
 * The console's admin section, notification center and availability in a real browser (Debian's
 * Chromium via playwright-core) on the real stack (API with Temporal and the worker, rooms in
 * workerd, the console built by Vite and served at /), with the same harness as console.test.ts:
 * an admin invites someone (the link the API returns works) and edits a business calendar
 * (weekly hours, a holiday, the timezone; the API's validation error beside the open hours) and a
 * department's escalation group (people found by name, requesters not offered, the API's refusal
 * beside the group, saved and still there after a reload); a requester sees a notification arrive
 * live and marks it read; a supervisor sets availability.
 * Every new page is scanned with axe (no serious or critical violations) in light and dark, and
 * the main ones photographed on desktop and phone into test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import { demo } from '../api/support';
import { SCREENSHOTS, useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, checkPage, signIn, step, cspViolations } = harness;

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
        expect(harness.api.mails().some((mail) => mail.to === 'nina.new@deskflow.test' && mail.text.includes(invitation.search))).toBe(true);
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
          await invited.goto(`${harness.api.url}${invitationPath}`);
          await invited.getByLabel('New password').fill('a long enough password');
          await invited.getByRole('button', { name: 'Save password and sign in' }).click();
          await invited.getByRole('heading', { name: 'My tickets' }).waitFor();
          // A requester sees no admin section, and its address sends them home.
          expect(await invited.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
          await invited.goto(`${harness.api.url}/admin/users`);
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
      const admin = await harness.api.signIn(demo.admin);
      const office = (await admin.api.admin.sla.calendar.list.query()).find((c) => c.name === 'Head office')!;
      expect(office.timezone).toBe('Europe/Paris');
      expect(office.weeklyHours).toContainEqual({ day: 1, start: '17:00', end: '18:00' });
      expect(office.holidays).toContain('2027-03-15');
      const audit = await admin.api.admin.audit.query({ targetType: 'business_calendar', targetId: office.id });
      expect(audit.map((entry) => entry.action)).toContain('sla.calendar.update');

      // Every admin page: axe in light and dark; the main ones photographed on desktop and phone.
      await checkPage(context, '/admin/users', 'admin-users', (p) => p.getByRole('cell', { name: /^Nina New/ }).waitFor(), { photos: true });
      await checkPage(context, `/admin/sla/calendars/${office.id}`, 'admin-calendar', (p) => p.getByLabel('Monday opens', { exact: true }).waitFor(), { photos: true });
      await checkPage(context, '/admin/sla', 'admin-sla', (p) => p.getByRole('list', { name: 'Business calendars' }).waitFor(), { photos: true });
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
        { photos: true },
      );
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 400_000);

  it('lets an admin choose a department’s escalation group, with the API’s refusal beside the group, and keeps it after a reload', async () => {
    const admin = await harness.api.signIn(demo.admin);
    const facilities = (await admin.api.admin.departments.list.query()).find((d) => d.slug === 'facilities')!;
    const hugo = (await admin.api.admin.users.list.query({ q: 'Hugo Hansen' })).items[0]!;
    expect(await admin.api.admin.sla.escalationGroup.get.query({ departmentId: facilities.id })).toEqual([]);
    const { context, page } = await newPage();
    try {
      await step(page, 'escalation groups', async () => {
        await signIn(page, demo.admin);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
        await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'SLA and calendars' }).click();
        const section = page.getByRole('region', { name: 'Escalation groups' });
        await section.getByRole('button', { name: /Department/ }).click();
        await page.getByRole('option', { name: 'Facilities', exact: true }).click();
        await section.getByText('No escalation group: when an escalation hands a ticket to the group', { exact: false }).waitFor();
        await expectAccessible(page, 'escalation groups (none yet)');

        // Requesters are not offered (the API refuses them); staff of any department are.
        const picker = section.getByRole('combobox', { name: 'Add a person' });
        // As a person would: click into the field (Playwright scrolls it into view first), then type. A
        // scroll while the list is open closes it (React Aria), as fill()'s own late scroll event did.
        const search = async (typed: string) => {
          await picker.click();
          await picker.fill('');
          await picker.pressSequentially(typed);
        };
        await search('Rita');
        await page.getByText('No active agent, supervisor or admin matches “Rita”.').waitFor();
        const group = section.getByRole('list', { name: 'Escalation group of Facilities' });
        for (const [typed, name] of [
          ['Sam', 'Sam Supervisor'],
          ['fred.facilities', 'Fred Fontaine'],
          ['Hugo', 'Hugo Hansen'],
        ] as const) {
          await search(typed);
          await page.getByRole('option', { name }).click();
          await group.getByText(name, { exact: true }).waitFor();
          expect(await picker.inputValue()).toBe('');
        }
        const removeButtons = async () => Promise.all((await group.getByRole('button').all()).map((button) => button.getAttribute('aria-label')));
        // Listed by name: the API keeps a set, not a ranking.
        expect(await removeButtons()).toEqual(['Remove Fred Fontaine', 'Remove Hugo Hansen', 'Remove Sam Supervisor']);
        await section.getByText('Unsaved changes').waitFor();

        // Meanwhile Hugo is deactivated: the API refuses the group, and the page says so beside it.
        await admin.api.admin.users.deactivate.mutate({ id: hugo.id });
        await section.getByRole('button', { name: 'Save escalation group' }).click();
        const members = section.getByRole('group', { name: 'Escalation group of Facilities' });
        await members.getByRole('alert').filter({ hasText: 'only active agents, supervisors and admins can take escalations: Hugo Hansen' }).waitFor();
        expect(await members.getAttribute('aria-describedby')).toBe('escalation-group-error');
        expect(await admin.api.admin.sla.escalationGroup.get.query({ departmentId: facilities.id })).toEqual([]);
        await expectAccessible(page, 'escalation groups with an error');

        // Without him (by keyboard): saved.
        await group.getByRole('button', { name: 'Remove Hugo Hansen' }).focus();
        await page.keyboard.press('Enter');
        await expect.poll(removeButtons).toEqual(['Remove Fred Fontaine', 'Remove Sam Supervisor']);
        await section.getByRole('button', { name: 'Save escalation group' }).click();
        await section.getByRole('status').filter({ hasText: 'Saved. Escalations in Facilities go to Fred Fontaine and Sam Supervisor from now on.' }).waitFor();
        expect(await members.getByRole('alert').count()).toBe(0);
        expect(await section.getByText('Unsaved changes').count()).toBe(0);

        // After a reload: the same group, as the API has it.
        await page.reload();
        await section.getByRole('button', { name: /Department/ }).click();
        await page.getByRole('option', { name: 'Facilities', exact: true }).click();
        await group.getByText('Sam Supervisor', { exact: true }).waitFor();
        const saved = await admin.api.admin.sla.escalationGroup.get.query({ departmentId: facilities.id });
        expect(saved.map((m) => m.name)).toEqual(['Fred Fontaine', 'Sam Supervisor']);
        expect(await removeButtons()).toEqual(saved.map((m) => `Remove ${m.name}`));
        await expectAccessible(page, 'escalation groups');
        await page.screenshot({ path: `${SCREENSHOTS}/admin-escalation-groups-light-desktop.png`, fullPage: true, caret: 'initial' });
      });
      const audit = await admin.api.admin.audit.query({ targetType: 'department', targetId: facilities.id });
      expect(audit.map((entry) => entry.action)).toContain('sla.escalation_group.set');
      await checkPage(context, '/admin/sla', 'admin-sla-escalation-groups', (p) => p.getByRole('list', { name: 'Escalation group of Facilities' }).waitFor());
      expect(cspViolations).toEqual([]);
    } finally {
      await admin.api.admin.users.reactivate.mutate({ id: hugo.id });
      await context.close();
    }
  }, 240_000);

  it('lets an admin edit a policy’s escalation chain, with the API’s refusal inside the step it concerns', async () => {
    const admin = await harness.api.signIn(demo.admin);
    const calendar = await admin.api.admin.sla.calendar.create.mutate({ name: 'Chained hours', timezone: 'Europe/London', alwaysOpen: true, weeklyHours: [], holidays: [] });
    const created = await admin.api.admin.sla.policy.create.mutate({
      name: 'Chained',
      category: 'Chained escalations',
      calendarId: calendar.id,
      firstResponseMinutes: 60,
      nextResponseMinutes: 240,
      resolutionMinutes: 1440,
      escalation: [
        { level: 1, target: 'any', trigger: { atPercent: 75 }, notify: ['assignee'], raisePriority: false, reassignToEscalationGroup: false },
        { level: 2, target: 'first_response', trigger: { afterBreachMinutes: 30 }, notify: ['supervisor'], raisePriority: true, reassignToEscalationGroup: false },
      ],
    });
    const saved = async () => (await admin.api.admin.sla.policy.list.query()).find((p) => p.id === created.id)!.escalation;
    const { context, page } = await newPage();
    // By keyboard, as the visual box sits over React Aria's hidden input.
    const press = async (box: ReturnType<typeof page.getByRole>) => {
      await box.focus();
      await page.keyboard.press('Space');
    };
    try {
      await step(page, 'escalation chain', async () => {
        await signIn(page, demo.admin);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
        await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'SLA and calendars' }).click();
        const policies = page.getByRole('list', { name: 'SLA policies' });
        const summary = policies.getByRole('listitem').filter({ hasText: 'Chained' });
        await summary.getByText('Escalates: level 1 at 75 % (notify assignee), level 2 at breach + 30 min of first response (notify supervisors, raise priority)').waitFor();

        await page.getByRole('button', { name: 'Edit Chained' }).click();
        const chain = page.getByRole('group', { name: 'Escalation chain' });
        await chain.getByRole('group', { name: 'Level 2', exact: true }).waitFor();
        await chain.getByRole('button', { name: 'Add a step' }).click();
        const level3 = chain.getByRole('group', { name: 'Level 3', exact: true });
        expect(await level3.getByLabel('Level', { exact: true }).inputValue()).toBe('3');
        await level3.getByRole('button', { name: /When/ }).click();
        await page.getByRole('option', { name: 'N minutes after the breach' }).click();
        await level3.getByLabel('Minutes after the breach', { exact: true }).fill('60');
        await press(level3.getByRole('checkbox', { name: 'Assignee', exact: true }));
        await press(level3.getByRole('checkbox', { name: 'Supervisors', exact: true }));
        await press(level3.getByRole('checkbox', { name: 'Reassign to the escalation group', exact: true }));
        await expectAccessible(page, 'SLA policy form with its escalation chain');
        // Level 1 goes, by keyboard.
        await chain.getByRole('button', { name: 'Remove level 1' }).focus();
        await page.keyboard.press('Enter');
        await expect.poll(() => chain.getByRole('group', { name: /^Level \d$/ }).count()).toBe(2);
        await page.getByRole('button', { name: 'Save policy' }).click();
        await summary
          .getByText('Escalates: level 2 at breach + 30 min of first response (notify supervisors, raise priority), level 3 at breach + 1 h (notify supervisors, reassign to escalation group)')
          .waitFor();
      });
      expect(await saved()).toEqual([
        { level: 2, target: 'first_response', trigger: { afterBreachMinutes: 30 }, notify: ['supervisor'], raisePriority: true, reassignToEscalationGroup: false },
        { level: 3, target: 'any', trigger: { afterBreachMinutes: 60 }, notify: ['supervisor'], raisePriority: false, reassignToEscalationGroup: true },
      ]);

      await step(page, 'escalation chain refused', async () => {
        // A step that does nothing: the API refuses it, and the page says so inside that step.
        await page.getByRole('button', { name: 'Edit Chained' }).click();
        const level2 = page.getByRole('group', { name: 'Escalation chain' }).getByRole('group', { name: 'Level 2', exact: true });
        await press(level2.getByRole('checkbox', { name: 'Supervisors', exact: true }));
        await press(level2.getByRole('checkbox', { name: 'Raise the priority', exact: true }));
        await page.getByRole('button', { name: 'Save policy' }).click();
        await level2.getByRole('alert').filter({ hasText: 'A step must notify someone, raise the priority or reassign.' }).waitFor();
        const errorId = await level2.getByRole('alert').getAttribute('id');
        expect(await level2.getAttribute('aria-describedby')).toBe(errorId);
        expect(await page.getByRole('group', { name: 'Level 3', exact: true }).getByRole('alert').count()).toBe(0);
        await expectAccessible(page, 'SLA policy form with a refused escalation step');
        await page.getByRole('button', { name: 'Cancel' }).click();
      });
      expect((await saved()).map((s) => s.level)).toEqual([2, 3]);
      expect((await saved())[0]!.notify).toEqual(['supervisor']);
      expect(cspViolations).toEqual([]);
    } finally {
      await admin.api.admin.sla.policy.delete.mutate({ id: created.id });
      await admin.api.admin.sla.calendar.delete.mutate({ id: calendar.id });
      await context.close();
    }
  }, 240_000);

  it('shows a requester a notification as it arrives; they mark it read, and set their preferences', async () => {
    const ticket = await harness.api.insertTicket({ requester: demo.requester, department: 'it', assignee: demo.itAgent, title: 'Laptop battery is swelling' });
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
        const agent = await harness.api.signIn(demo.itAgent);
        await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'We will swap the battery this afternoon.', clientId: crypto.randomUUID() });
        await page.getByRole('link', { name: 'Notifications, 1 unread' }).waitFor({ timeout: 10_000 });
        const item = page.getByRole('listitem').filter({ hasText: 'Laptop battery is swelling' });
        await item.getByText('Unread').waitFor();
        await expectAccessible(page, 'notifications');
        await page.screenshot({ path: `${SCREENSHOTS}/notifications-light-desktop.png`, fullPage: true, caret: 'initial' });

        await item.getByRole('button', { name: /^Mark read/ }).click();
        await page.getByRole('link', { name: 'Notifications, none unread' }).waitFor();
        // The bell and the list are separate queries: the item's own mark goes once its list refetches.
        await expect.poll(() => item.getByText('Unread').count()).toBe(0);
        // It links to its ticket.
        await item.getByRole('link').first().click();
        await page.getByRole('heading', { name: 'Laptop battery is swelling' }).waitFor();

        // Preferences: stop mailing new replies; it is saved (and no longer the default).
        await page.goto(`${harness.api.url}/notifications/preferences`);
        await page.getByRole('heading', { name: 'Notification preferences' }).waitFor();
        await page.getByRole('button', { name: 'Email for new replies' }).click();
        await page.getByRole('option', { name: 'Never' }).click();
        await page.getByRole('button', { name: 'Use the organisation default for new replies' }).waitFor();
      });
      const requester = await harness.api.signIn(demo.requester);
      const { preferences } = await requester.api.notification.preferences.query();
      expect(preferences.find((p) => p.kind === 'message')).toMatchObject({ email: 'never', isDefault: false });

      await checkPage(context, '/notifications', 'notifications', (p) => p.getByRole('listitem').filter({ hasText: 'Laptop battery is swelling' }).waitFor(), { photos: true });
      await checkPage(context, '/notifications/preferences', 'notification-preferences', (p) => p.getByRole('button', { name: 'Email for new replies' }).waitFor(), { photos: true });
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
      const supervisor = await harness.api.signIn(demo.supervisor);
      expect(await supervisor.api.availability.getMine.query()).toMatchObject({ status: 'away', maxOpenTickets: 5, routable: false });
      await checkPage(context, '/availability', 'availability', (p) => p.getByRole('list', { name: 'Team availability' }).waitFor(), { photos: true });
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);
});
