/**
 * The admin's mail page in a real browser on the real stack: the outbox with the SMTP server's
 * answer of a failed mail, queued again from the page (mail.test.ts covers the delivery after a retry);
 * incoming mail that failed, with its raw message; the addresses that bounce. axe on the page.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { inboundMail, mailAddressFailures, mailOutbox } from '../../db/schema';
import { demo } from '../api/support';
import { useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, signIn, step, cspViolations } = harness;

describe('the admin mail page', () => {
  it('shows failed outgoing mail with the server’s answer and queues it again, incoming failures with their raw message, and bouncing addresses', async () => {
    const { api } = harness;
    // A real mail in the outbox: the worker queues "ticket received" for a new ticket (this stack's
    // worker has no SMTP server, so it stays queued); then its failure as a refusing server leaves it.
    const rita = await api.signIn(demo.requester);
    const ticket = await rita.api.ticket.create.mutate({ title: 'Docking station flickers', description: 'The second screen goes black every few minutes.', urgency: 'medium' });
    const received = async () => (await api.db.select().from(mailOutbox).where(eq(mailOutbox.ticketNumber, ticket.number)))[0];
    await expect.poll(async () => (await received())?.status, { timeout: 60_000 }).toBe('queued');
    await api.db
      .update(mailOutbox)
      .set({ status: 'failed', attempts: 8, lastError: '550 5.1.0 Requested action not taken: mailbox unavailable' })
      .where(eq(mailOutbox.id, (await received())!.id));
    await api.db.insert(inboundMail).values({
      messageId: '<broken-1@example.com>',
      source: 'push',
      sender: 'pat.partner@example.com',
      subject: 'Invoice attached',
      outcome: 'failed',
      reason: 'The message could not be parsed: no header/body boundary',
      raw: new TextEncoder().encode('Subject: Invoice attached\nthis is not a MIME message'),
      size: 52,
    });
    await api.db.insert(mailAddressFailures).values({ address: 'gone.person@example.com', failures: 3, lastReason: '5.1.1 user unknown' });

    const { context, page } = await newPage();
    try {
      await step(page, 'mail page', async () => {
        await signIn(page, demo.admin);
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).click();
        await page.getByRole('navigation', { name: 'Administration' }).getByRole('link', { name: 'Mail' }).click();
        await page.getByRole('heading', { name: 'Mail', exact: true }).waitFor();

        const failedRow = page.getByRole('row', { name: new RegExp(`#${ticket.number}`) });
        await failedRow.getByText('550 5.1.0 Requested action not taken: mailbox unavailable').waitFor();
        await expect.poll(() => failedRow.getByText('Failed', { exact: true }).isVisible()).toBe(true);

        // Incoming: the failure and its reason; its raw message on demand.
        const inboundRow = page.getByRole('row', { name: /pat\.partner@example\.com/ });
        await inboundRow.getByText('no header/body boundary').waitFor();
        await inboundRow.getByRole('button', { name: /Details/ }).click();
        await page.getByLabel('Raw message').getByText('this is not a MIME message').waitFor();

        await page
          .getByRole('row', { name: /gone\.person@example\.com/ })
          .getByText('5.1.1 user unknown')
          .waitFor();
        await expectAccessible(page, 'admin mail');

        // Retry: selected from the page, the mail is back in the queue for its delivery workflow
        await failedRow.getByRole('checkbox', { name: /rita\.requester@deskflow\.test/ }).check();
        await page.getByRole('button', { name: 'Retry 1 selected' }).click();
        await page.getByRole('status').filter({ hasText: '1 mail queued again.' }).waitFor();
        // Queued again, or already tried once more by its workflow (this stack's worker has no SMTP server to send it).
        await expect.poll(async () => ((row) => row.status === 'queued' || row.attempts > 8)((await received())!), { timeout: 30_000 }).toBe(true);
      });
    } finally {
      await context.close();
    }
    expect(cspViolations).toEqual([]);
  });

  it('is not there for agents: the API refuses them and the console shows no admin link', async () => {
    const agent = await harness.api.signIn(demo.itAgent);
    await expect(agent.api.admin.mail.list.query({})).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });
    const { context, page } = await newPage();
    try {
      await step(page, 'agent', async () => {
        await signIn(page, demo.itAgent);
        // The navigation has rendered the agent's links (Queue) before the absence is checked.
        await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Queue' }).waitFor();
        expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Admin' }).count()).toBe(0);
      });
    } finally {
      await context.close();
    }
  });
});
