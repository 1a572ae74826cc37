/**
 * The knowledge base in the console, in a real browser on the real stack (same harness as
 * console.test.ts): a requester searches, reads an article (Markdown rendered) and votes, and never
 * sees a draft or a staff-only article; an agent writes a draft with an image, edits it, publishes
 * it and finds both versions in its history; a stale save is refused with a clear message; a
 * ticket shows related articles to its requester and its agent, and the agent turns it into a
 * draft that opens in the editor. Every screen is scanned with axe, in light and dark.
 */
import { describe, expect, it } from 'vitest';
import { demo } from '../api/support';
import { useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, checkPage, signIn, step, cspViolations } = harness;

/** A 1×1 PNG: the upload check reads its magic bytes. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');

describe('the knowledge base in the console', () => {
  it('lets a requester search, read and vote, and never shows them a draft or a staff-only article', async () => {
    // The newest articles: a draft, a published staff-only one, then a published one for everyone (the marker the list must show).
    const agent = await harness.api.signIn(demo.itAgent);
    const draft = await agent.api.kb.create.mutate({ title: 'Printer firmware rollout plan (draft)', body: 'Not ready yet.' });
    const staffOnly = await agent.api.kb.create.mutate({ title: 'Zebra label printer service codes', body: 'Service codes for the zebra printers.', visibility: 'staff' });
    await agent.api.kb.publish.mutate({ id: staffOnly.id });
    const marker = await agent.api.kb.create.mutate({ title: 'Find the nearest printer', body: 'Open the floor plan and look for the printer icon.' });
    await agent.api.kb.publish.mutate({ id: marker.id });

    const { context, page } = await newPage();
    try {
      await step(page, 'requester-list', async () => {
        await signIn(page, demo.requester);
        await page.getByRole('heading', { name: 'My tickets' }).waitFor();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge base' }).click();
        await page.getByRole('heading', { name: 'Knowledge base' }).waitFor();
        const list = page.getByRole('list', { name: 'Articles' });
        await list.getByRole('link', { name: 'Find the nearest printer' }).waitFor();
        expect(await list.getByRole('link', { name: draft.title }).count()).toBe(0);
        expect(await list.getByRole('link', { name: staffOnly.title }).count()).toBe(0);
        // Requesters see no status badges: everything they get is published.
        expect(await list.getByText('Published', { exact: true }).count()).toBe(0);
        await expectAccessible(page, 'knowledge base (requester)');

        // Searching for the staff-only article by its title: whatever else matches, never it (the agent's search below finds it).
        await page.getByRole('searchbox', { name: 'Search articles' }).fill(staffOnly.title);
        await page.getByText(`“${staffOnly.title}”`, { exact: false }).waitFor();
        expect(await page.getByRole('main').getByRole('link', { name: staffOnly.title }).count()).toBe(0);
      });

      await step(page, 'requester-search-read-vote', async () => {
        await page.getByRole('searchbox', { name: 'Search articles' }).fill('I forgot my password');
        await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('I forgot my password');
        const results = page.getByRole('list', { name: 'Search results' });
        await results.getByRole('link', { name: 'Reset your password or set up a new authenticator' }).click();
        await page.getByRole('heading', { level: 1, name: 'Reset your password or set up a new authenticator' }).waitFor();
        // The Markdown is rendered: its headings, numbered steps and table.
        await page.getByRole('heading', { level: 2, name: 'Steps' }).waitFor();
        await page.getByRole('cell', { name: 'Too short, or used before' }).waitFor();
        await page.getByText(/^1 view$/).waitFor();
        await expectAccessible(page, 'article (requester)');

        await page.getByRole('button', { name: 'Helpful (0)', exact: true }).click();
        const helpful = page.getByRole('button', { name: 'Helpful (1)', exact: true });
        await helpful.waitFor();
        expect(await helpful.getAttribute('aria-pressed')).toBe('true');
        await page.getByRole('status').filter({ hasText: 'you said this was helpful' }).waitFor();
        // Changing one's mind moves the vote rather than adding one.
        await page.getByRole('button', { name: 'Not helpful (0)', exact: true }).click();
        await page.getByRole('button', { name: 'Not helpful (1)', exact: true }).waitFor();
        await page.getByRole('button', { name: 'Helpful (0)', exact: true }).waitFor();
        await expectAccessible(page, 'article after a vote');
      });
      const article = await (await harness.api.signIn(demo.requester)).api.kb.get.query({ slug: 'reset-password-and-mfa' });
      expect(article).toMatchObject({ helpfulCount: 0, notHelpfulCount: 1, myVote: 'not_helpful' });

      // The agent's list shows the draft and the staff-only article, badged.
      const { context: agentContext, page: agentPage } = await newPage();
      try {
        await step(agentPage, 'agent-list', async () => {
          await signIn(agentPage, demo.itAgent);
          await agentPage.getByRole('heading', { name: 'Queue' }).waitFor();
          await agentPage.goto(`${harness.api.url}/kb`);
          const list = agentPage.getByRole('list', { name: 'Articles' });
          await list.getByRole('listitem').filter({ hasText: draft.title }).getByText('Draft', { exact: true }).waitFor();
          await list.getByRole('listitem').filter({ hasText: staffOnly.title }).getByText('Staff only', { exact: true }).waitFor();
          await expectAccessible(agentPage, 'knowledge base (agent)');
          await agentPage.getByRole('searchbox', { name: 'Search articles' }).fill(staffOnly.title);
          await agentPage.getByRole('list', { name: 'Search results' }).getByRole('link', { name: staffOnly.title }).waitFor();
        });
        await checkPage(agentContext, '/kb', 'kb-agent', (p) => p.getByRole('list', { name: 'Articles' }).getByRole('link', { name: draft.title }).waitFor());
      } finally {
        await agentContext.close();
      }
      await checkPage(context, '/kb?q=vpn', 'kb-search', (p) => p.getByRole('list', { name: 'Search results' }).getByRole('link').first().waitFor());
      await checkPage(context, '/kb/reset-password-and-mfa', 'kb-article', (p) => p.getByRole('button', { name: /^Helpful/ }).waitFor());
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('lets an agent write, illustrate, edit and publish an article with its history, and refuses a stale save clearly', async () => {
    const { context, page } = await newPage();
    try {
      let slug = '';
      await step(page, 'new-draft', async () => {
        await signIn(page, demo.itAgent);
        await page.getByRole('heading', { name: 'Queue' }).waitFor();
        await page.goto(`${harness.api.url}/kb`);
        await page.getByRole('link', { name: 'New article' }).click();
        await page.getByRole('heading', { name: 'New article' }).waitFor();
        await page.getByLabel('Title').fill('Connect to the meeting room screen');
        await page.getByRole('button', { name: /Category/ }).click();
        await page.getByRole('option', { name: 'Network & VPN' }).click();
        await page.getByLabel('Body (Markdown)').fill('## Steps\n\n1. Plug in the **USB-C** cable.\n2. Press *Share*.');
        // The preview renders as it is typed.
        await page.getByRole('region', { name: 'Preview' }).getByRole('heading', { name: 'Steps' }).waitFor();
        await page.getByRole('region', { name: 'Preview' }).locator('strong', { hasText: 'USB-C' }).waitFor();
        await expectAccessible(page, 'new article');
        await page.getByRole('button', { name: 'Save draft' }).click();
        await page.getByRole('heading', { level: 1, name: 'Connect to the meeting room screen', exact: true }).waitFor();
        await page.getByText('Draft', { exact: true }).first().waitFor();
        slug = new URL(page.url()).pathname.split('/').pop()!;
      });

      await step(page, 'edit-with-image', async () => {
        await page.getByRole('link', { name: 'Edit', exact: true }).click();
        await page.getByRole('heading', { name: 'Edit “Connect to the meeting room screen”' }).waitFor();
        const body = page.getByLabel('Body (Markdown)');
        await body.fill(`${await body.inputValue()}\n3. If nothing shows, restart the screen.\n`);
        const chooser = page.waitForEvent('filechooser');
        await page.getByRole('button', { name: 'Add a file or image' }).click();
        await (await chooser).setFiles({ name: 'screen-ports.png', mimeType: 'image/png', buffer: PNG });
        await page.getByRole('status').filter({ hasText: 'Added screen-ports.png' }).waitFor();
        expect(await body.inputValue()).toMatch(/!\[screen-ports\.png\]\(\/kb\/files\/[0-9a-f-]{36}\)/);
        await page.getByRole('region', { name: 'Preview' }).getByRole('img', { name: 'screen-ports.png' }).waitFor();
        await page.getByLabel('What changed').fill('Add the restart step and a photo of the ports');
        await expectAccessible(page, 'editor');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        await page.getByRole('heading', { level: 1, name: 'Connect to the meeting room screen', exact: true }).waitFor();
        await page.getByText('restart the screen').waitFor();
        // The image is served to the article's readers and shows in the article.
        await expect.poll(() => page.getByRole('img', { name: 'screen-ports.png' }).evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(1);
      });

      await step(page, 'publish-and-history', async () => {
        await page.getByRole('button', { name: 'Publish' }).click();
        await page.getByRole('status').filter({ hasText: 'Published' }).waitFor();
        await page.getByRole('button', { name: 'Unpublish' }).waitFor();
        const history = page.getByRole('list', { name: 'Versions' });
        await history.getByRole('listitem').filter({ hasText: 'Version 2' }).getByText('Add the restart step and a photo of the ports', { exact: false }).waitFor();
        await history.getByRole('listitem').filter({ hasText: 'Version 2' }).getByText('Ivy', { exact: false }).waitFor();
        await expectAccessible(page, 'article (agent)');
        // The first version, as it was.
        await history.getByRole('link', { name: 'Version 1' }).click();
        await page.getByRole('note').filter({ hasText: 'You are looking at version 1 of 2' }).waitFor();
        expect(await page.getByText('restart the screen').count()).toBe(0);
        await expectAccessible(page, 'old version');
        await page.getByRole('link', { name: 'Show the current version' }).click();
        await page.getByText('restart the screen').waitFor();
      });
      const requester = await harness.api.signIn(demo.requester);
      expect((await requester.api.kb.get.query({ slug })).status).toBe('published');

      await step(page, 'conflict', async () => {
        await page.getByRole('link', { name: 'Edit', exact: true }).click();
        await page.getByRole('heading', { name: 'Edit “Connect to the meeting room screen”' }).waitFor();
        // Otto saves a newer version while Ivy's editor is open on version 2.
        const otto = await harness.api.signIn(demo.itAgent2);
        const current = await otto.api.kb.get.query({ slug });
        await otto.api.kb.update.mutate({ id: current.id, body: `${current.body}\n\nOtto's tip: use the HDMI cable if USB-C fails.`, note: 'HDMI fallback', expectedVersion: current.version });

        await page.getByLabel('Title').fill('Connect a laptop to the meeting room screen');
        await page.getByLabel('What changed').fill('Clearer title');
        await page.getByRole('button', { name: 'Save', exact: true }).click();
        const alert = page.getByRole('alert').filter({ hasText: 'Someone saved a newer version of this article while you were editing.' });
        await alert.waitFor();
        // Nothing typed is lost.
        expect(await page.getByLabel('Title').inputValue()).toBe('Connect a laptop to the meeting room screen');
        await expectAccessible(page, 'editor with a conflict');
        await alert.getByRole('button', { name: /Load the latest version/ }).click();
        await expect.poll(() => page.getByLabel('Body (Markdown)').inputValue()).toContain("Otto's tip");
        await page.getByText('Editing version 3.').waitFor();
      });
      await checkPage(context, `/kb/${slug}/edit`, 'kb-editor', (p) => p.getByLabel('Body (Markdown)').waitFor());
      await checkPage(context, `/kb/${slug}`, 'kb-article-staff', (p) => p.getByRole('list', { name: 'Versions' }).waitFor());
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 300_000);

  it('shows related articles on a ticket, and lets its agent turn the ticket into a draft article', async () => {
    const requester = await harness.api.signIn(demo.requester);
    const ticket = await requester.api.ticket.create.mutate({ title: 'VPN will not connect from home', description: 'The VPN client says the connection failed since this morning.' });
    await harness.api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    const agent = await harness.api.signIn(demo.itAgent);
    await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'Remove the VPN profile, install it again from the company portal, then restart.', clientId: crypto.randomUUID() });
    await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'Internal: her laptop is due for replacement.', internal: true, clientId: crypto.randomUUID() });

    const { context, page } = await newPage();
    try {
      await step(page, 'requester-related', async () => {
        await signIn(page, demo.requester);
        await page.getByRole('heading', { name: 'My tickets' }).waitFor();
        await page.goto(`${harness.api.url}/tickets/${ticket.id}`);
        const related = page.getByRole('region', { name: 'Related articles' });
        await related.getByRole('link', { name: 'VPN will not connect from home' }).waitFor();
        expect(await related.getByRole('button', { name: 'Turn into article' }).count()).toBe(0);
        await expectAccessible(page, 'ticket with related articles (requester)');
        await related.getByRole('link', { name: 'VPN will not connect from home' }).click();
        await page.getByRole('heading', { level: 1, name: 'VPN will not connect from home' }).waitFor();
      });
    } finally {
      await context.close();
    }

    const { context: agentContext, page: agentPage } = await newPage();
    try {
      await step(agentPage, 'turn-into-article', async () => {
        await signIn(agentPage, demo.itAgent);
        await agentPage.getByRole('heading', { name: 'Queue' }).waitFor();
        await agentPage.goto(`${harness.api.url}/tickets/${ticket.id}`);
        const related = agentPage.getByRole('region', { name: 'Related articles' });
        await related.getByRole('link', { name: 'VPN will not connect from home' }).waitFor();
        await expectAccessible(agentPage, 'ticket with related articles (agent)');
        await related.getByRole('button', { name: 'Turn into article' }).click();
        await agentPage.getByRole('heading', { name: 'Edit “VPN will not connect from home”' }).waitFor();
        const body = await agentPage.getByLabel('Body (Markdown)').inputValue();
        expect(body).toContain('install it again from the company portal');
        expect(body).not.toContain('due for replacement');
        await agentPage.getByText('Draft', { exact: true }).waitFor();
      });
      await checkPage(agentContext, `/tickets/${ticket.id}`, 'ticket-related', (p) => p.getByRole('region', { name: 'Related articles' }).getByRole('button', { name: 'Turn into article' }).waitFor());
      expect(cspViolations).toEqual([]);
    } finally {
      await agentContext.close();
    }
  }, 300_000);
});
