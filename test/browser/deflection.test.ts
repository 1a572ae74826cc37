/**
 * Ticket deflection in a real browser on the real stack: as a requester types a new ticket, the
 * form offers the knowledge-base articles that match it; one opens in place by keyboard, and
 * "This solved it" records the deflection and shows a confirmation instead of filing a ticket.
 * The form with its suggestions and the confirmation are scanned with axe and photographed.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { kbArticles, kbDeflections, tickets } from '../../db/schema';
import { articleEmbeddingText } from '../../domain/knowledge';
import { sentenceEmbedder } from '../../lib/sentence-embedder';
import { demo } from '../api/support';
import { SCREENSHOTS, useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, signIn, step, cspViolations } = harness;

describe('deflection on the new-ticket form', () => {
  it('suggests the matching article while the requester types, opens it by keyboard, and "This solved it" files no ticket', async () => {
    const db = harness.api.db;
    // The starter articles, embedded as their embedding workflow would (the harness seeds them without vectors).
    const embedder = await sentenceEmbedder();
    const articles = await db.select().from(kbArticles);
    const vectors = await embedder.embed(articles.map((a) => articleEmbeddingText(a)));
    for (const [i, a] of articles.entries()) await db.update(kbArticles).set({ embedding: vectors[i], embeddedVersion: a.version }).where(eq(kbArticles.id, a.id));
    const requesterId = harness.api.userId(demo.requester3);
    const ticketsBefore = (await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.requesterId, requesterId))).length;

    const { context, page } = await newPage();
    try {
      await step(page, 'suggestions', async () => {
        await signIn(page, demo.requester3);
        await page.getByRole('heading', { name: 'My tickets' }).waitFor();
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
        await page.getByRole('heading', { name: 'New ticket' }).waitFor();
        await page.getByLabel('Title').fill('Cannot reach the intranet from home');
        await page.getByLabel('Description').pressSequentially('The globe icon just spins when I connect from my broadband.', { delay: 5 });
        const suggestions = page.getByRole('region', { name: 'These articles may solve it' });
        await suggestions.getByRole('button', { name: 'VPN will not connect from home', exact: true }).waitFor({ timeout: 15_000 });
        await expectAccessible(page, 'new ticket with suggestions');
      });

      await step(page, 'open-article', async () => {
        const toggle = page.getByRole('button', { name: 'VPN will not connect from home', exact: true });
        expect(await toggle.getAttribute('aria-expanded')).toBe('false');
        await toggle.focus();
        await page.keyboard.press('Enter');
        expect(await toggle.getAttribute('aria-expanded')).toBe('true');
        const body = page.getByRole('region', { name: 'VPN will not connect from home' });
        await body
          .getByText(/GlobalProtect/)
          .first()
          .waitFor();
        await expectAccessible(page, 'new ticket with an article open');
        await page.screenshot({ path: `${SCREENSHOTS}/new-ticket-suggestions-light-desktop.png`, fullPage: true, caret: 'initial' });
      });

      await step(page, 'solved', async () => {
        await page.getByRole('button', { name: 'This solved it: VPN will not connect from home' }).click();
        await page.getByRole('heading', { name: 'Glad that solved it' }).waitFor();
        await page.getByRole('status').filter({ hasText: 'no ticket was filed' }).waitFor();
        await expectAccessible(page, 'deflection confirmation');
        // The confirmation took the form's place: keyboard focus is on its heading.
        expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id)).toBe('solved-title');
      });

      const rows = await db.select().from(kbDeflections).where(eq(kbDeflections.userId, requesterId));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ title: 'Cannot reach the intranet from home', articleId: articles.find((a) => a.slug === 'vpn-will-not-connect')!.id });
      expect((await db.select({ id: tickets.id }).from(tickets).where(eq(tickets.requesterId, requesterId))).length).toBe(ticketsBefore);
      expect(cspViolations).toEqual([]);
    } finally {
      await context.close();
    }
  }, 240_000);
});
