/**
 * The web console in a real browser (Debian's Chromium via playwright-core) on the real stack:
 * the API with Temporal and the worker, the rooms in workerd, the console built by Vite and served
 * by the API at /. A requester signs in, files a ticket (the API's field errors shown beside the
 * field), follows it, and sees the agent's reply arrive live while the agent's internal note never
 * reaches the page; the agent sees the note, marked as internal. Every page visited is scanned
 * with axe (no serious or critical violations), in light and dark, and photographed on desktop and
 * phone into test-results/screenshots/.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seedDemoHistory } from '../../db/seed-history';
import { connectTicketRoom } from '../../realtime/client';
import { issueRatingToken } from '../../db/rating-links';
import { demo, ROOM_SECRET } from '../api/support';
import { SCREENSHOTS, useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, checkPage, signIn, cspViolations, pageErrors } = harness;

describe('the web console', () => {
  it('is served at / with long-lived assets, a strict CSP, and JSON 404s for unknown API paths', async () => {
    const html = await fetch(`${harness.api.url}/tickets`, { headers: { accept: 'text/html' } });
    expect(html.status).toBe(200);
    expect(html.headers.get('cache-control')).toBe('no-cache');
    expect(html.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(html.headers.get('content-security-policy')).toContain(`connect-src 'self' ${harness.api.roomsUrl.replace('http:', 'ws:')}`);
    expect(html.headers.get('x-content-type-options')).toBe('nosniff');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(await html.text())?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${harness.api.url}${script}`, { headers: { 'accept-encoding': 'br' } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // The build's brotli copy, not compressed per request.
    expect(asset.headers.get('content-encoding')).toBe('br');
    const unknownApi = await fetch(`${harness.api.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(unknownApi.status).toBe(404);
    expect(unknownApi.headers.get('content-type')).toContain('application/json');
    expect(await unknownApi.json()).toMatchObject({ code: 'NOT_FOUND' });
    const missingAsset = await fetch(`${harness.api.url}/assets/missing.js`);
    expect(missingAsset.status).toBe(404);
  });

  it('lets a requester sign in, file a ticket, follow it and talk live with the agent, who alone sees internal notes', async () => {
    const { context: requesterContext, page } = await newPage();
    try {
      await page.goto(`${harness.api.url}/`);
      await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
      await expectAccessible(page, 'sign in');
      await page.screenshot({ path: `${SCREENSHOTS}/sign-in-light-desktop.png`, caret: 'initial' });
      await signIn(page, demo.requester);
      await page.getByRole('heading', { name: 'My tickets' }).waitFor();
      await expectAccessible(page, 'my tickets');

      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
      await page.getByRole('heading', { name: 'New ticket' }).waitFor();
      await expectAccessible(page, 'new ticket');
      // The API's zod error, beside the field it concerns.
      await page.getByLabel('Title').fill('PC');
      await page.getByLabel('Description').fill('It does not start since this morning.');
      await page.getByRole('button', { name: 'File ticket' }).click();
      await expect.poll(() => page.getByText('Title must be at least 3 characters.').isVisible()).toBe(true);
      // Corrected in the same form, the next submit files it (the server's error leaves with the edit).
      await page.getByLabel('Title').fill('My PC does not start');
      await expect.poll(() => page.getByText('Title must be at least 3 characters.').isVisible()).toBe(false);
      await page.getByRole('button', { name: 'File ticket' }).click();
      await page.getByRole('heading', { name: 'My PC does not start' }).waitFor();
      const ticketPath = new URL(page.url()).pathname;
      const ticketId = ticketPath.split('/').pop()!;
      await page.getByText('Live', { exact: true }).waitFor();
      await expectAccessible(page, 'ticket');

      // The agent answers: an internal note first, then a public reply; the reply arrives live, the note never does.
      await harness.api.route(ticketId, { department: 'it', assignee: demo.itAgent });
      // The agent answers in the ticket's room, as the agent workspace does: an internal note, then a reply.
      const agent = await harness.api.signIn(demo.itAgent);
      const grant = await agent.api.realtime.token.mutate({ ticketId });
      const agentRoom = connectTicketRoom({ url: grant.url, ticketId, token: grant.token, WebSocket });
      await agentRoom.ready;
      await agentRoom.sendMessage({ body: 'Internal: check the PSU warranty first.', internal: true });
      await agentRoom.sendMessage({ body: 'Hello Rita, is the power light on?' });
      agentRoom.close();
      await page.getByText('Hello Rita, is the power light on?').waitFor({ timeout: 10_000 });
      expect(await page.getByText('Internal: check the PSU warranty first.').count()).toBe(0);

      // The requester answers from the page.
      await page.getByLabel('Your reply').fill('No light at all.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.getByRole('listitem').filter({ hasText: 'No light at all.' }).waitFor();
      expect(await page.getByText('Internal note').count()).toBe(0);

      // In My tickets, in plain words, and still no internal note after a reload.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'My tickets' }).click();
      await page.getByRole('link', { name: /My PC does not start/ }).waitFor();
      await page.goto(`${harness.api.url}${ticketPath}`);
      await page.getByText('No light at all.').waitFor();
      expect(await page.getByText('Internal: check the PSU warranty first.').count()).toBe(0);

      await checkPage(requesterContext, '/tickets', 'my-tickets', (p) => p.getByRole('link', { name: /My PC does not start/ }).waitFor(), { photos: true });
      await checkPage(requesterContext, '/tickets/new', 'new-ticket', (p) => p.getByLabel('Title').waitFor(), { photos: true });
      await checkPage(requesterContext, ticketPath, 'ticket-requester', (p) => p.getByText('No light at all.').waitFor(), { photos: true });

      // The agent: the queue, then the ticket with the internal note clearly marked.
      const { context: agentContext, page: agentPage } = await newPage();
      try {
        await signIn(agentPage, demo.itAgent);
        await agentPage.getByRole('heading', { name: 'Queue' }).waitFor();
        await agentPage.getByRole('link', { name: /My PC does not start/ }).waitFor();
        await expectAccessible(agentPage, 'queue');
        // j moves to the first row; Enter opens it.
        await agentPage.keyboard.press('j');
        await agentPage.keyboard.press('Enter');
        await agentPage.getByRole('heading', { name: 'My PC does not start' }).waitFor();
        const note = agentPage.getByRole('listitem').filter({ hasText: 'Internal: check the PSU warranty first.' });
        await note.getByText('Internal note: staff only').waitFor();
        await expectAccessible(agentPage, 'ticket (agent)');
        await checkPage(agentContext, '/queue', 'queue', (p) => p.getByRole('link', { name: /My PC does not start/ }).waitFor(), { photos: true });
        await checkPage(agentContext, ticketPath, 'ticket-agent', (p) => p.getByText('Internal note: staff only').waitFor(), { photos: true });
      } finally {
        await agentContext.close();
      }
      expect(cspViolations).toEqual([]);
    } catch (error) {
      await page.screenshot({ path: `${SCREENSHOTS}/failure.png`, fullPage: true }).catch(() => undefined);
      throw new Error(`${String(error)}\npage errors: ${pageErrors.join('\n') || 'none'}\nat ${page.url()}`, { cause: error });
    } finally {
      await requesterContext.close();
    }
  }, 240_000);

  it('shows supervisors the reports dashboard (charts with their numbers as tables and CSV), which requesters never download, and lets a requester rate a resolved ticket', async () => {
    await seedDemoHistory(harness.api.db, { tickets: 150 });
    const resolved = await harness.api.insertTicket({ requester: demo.requester2, title: 'Projector flickers in room 4', department: 'it', assignee: demo.itAgent, status: 'resolved' });
    const scripts: string[] = [];
    const { context: requesterContext, page } = await newPage();
    page.on('request', (request) => {
      if (request.resourceType() === 'script') scripts.push(new URL(request.url()).pathname);
    });
    const { context: supervisorContext, page: supervisorPage } = await newPage();
    try {
      // The requester rates the resolution from the ticket page, by keyboard.
      await signIn(page, demo.requester2);
      await page.getByRole('heading', { name: 'My tickets' }).waitFor();
      // As from the resolution mail's confirm button: the ticket's number, which lands on its id's page.
      await page.goto(`${harness.api.url}/tickets/${resolved.number}?action=confirm`);
      await page.getByRole('note').filter({ hasText: 'If this solved it' }).waitFor();
      expect(new URL(page.url()).pathname).toBe(`/tickets/${resolved.id}`);
      await page.getByRole('heading', { name: 'How did we do?' }).waitFor();
      await expectAccessible(page, 'ticket rating (requester)');
      await page.getByRole('radio', { name: '4: Good' }).focus();
      await page.keyboard.press('Space');
      await page.getByLabel('Comment (optional)').fill('Quick and friendly.');
      await page.getByRole('button', { name: 'Send rating' }).click();
      await page.getByRole('status').filter({ hasText: 'Thank you for your rating.' }).waitFor();
      await expect.poll(async () => (await harness.api.client((await harness.api.signIn(demo.requester2)).token).report.rating.query({ ticketId: resolved.id })).rating?.score).toBe(4);

      // The resolution mail's one-click "5", opened without a session: rated on arrival, then a comment.
      const token = await issueRatingToken(harness.api.db, resolved.id, ROOM_SECRET);
      const { context: mailContext, page: mailPage } = await newPage();
      try {
        await mailPage.goto(`${harness.api.url}/rate/${token}?score=5`);
        await mailPage.getByRole('status').filter({ hasText: 'You rated the resolution 5 out of 5' }).waitFor();
        await expectAccessible(mailPage, 'one-click rating');
        await mailPage.getByLabel('Anything to add? (optional)').fill('Fixed before lunch.');
        await mailPage.getByRole('button', { name: 'Send comment' }).click();
        await mailPage.getByRole('status').filter({ hasText: 'with your comment' }).waitFor();
      } finally {
        await mailContext.close();
      }
      const rated = (await harness.api.client((await harness.api.signIn(demo.requester2)).token).report.rating.query({ ticketId: resolved.id })).rating;
      expect(rated).toMatchObject({ score: 5, comment: 'Fixed before lunch.' });
      // Requesters have no Reports link, and their pages never fetched the reports chunk (recharts).
      expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).count()).toBe(0);
      expect(scripts.filter((s) => /reports/i.test(s))).toEqual([]);

      await signIn(supervisorPage, demo.supervisor);
      await supervisorPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
      await supervisorPage.getByRole('heading', { name: 'Reports', exact: true }).waitFor();
      await supervisorPage.getByRole('link', { name: 'Last 90 days' }).click();
      await supervisorPage.getByRole('region', { name: 'Volume', exact: true }).getByText('Show the numbers').click();
      await supervisorPage.getByRole('table', { name: 'Tickets per period' }).waitFor();
      await expectAccessible(supervisorPage, 'reports');
      const csv = await supervisorPage.getByRole('link', { name: 'Download CSV of SLA compliance' }).getAttribute('href');
      const download = await supervisorPage.request.get(`${harness.api.url}${csv}`);
      expect(download.status()).toBe(200);
      expect((await download.text()).split('\n')[0]).toBe('target,total,met,breached,open,at_risk,met_rate,breached_rate');
      await checkPage(supervisorContext, '/reports?days=90', 'reports', (p) => p.getByRole('region', { name: 'SLA compliance', exact: true }).waitFor(), { photos: true });
      expect(cspViolations).toEqual([]);
    } catch (error) {
      await supervisorPage.screenshot({ path: `${SCREENSHOTS}/failure-reports.png`, fullPage: true }).catch(() => undefined);
      throw new Error(`${String(error)}\npage errors: ${pageErrors.join('\n') || 'none'}\nat ${supervisorPage.url()} / ${page.url()}`, { cause: error });
    } finally {
      await requesterContext.close();
      await supervisorContext.close();
    }
  }, 240_000);
});
