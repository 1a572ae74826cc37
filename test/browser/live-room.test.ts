/**
 * The ticket page's live room in a real browser (Debian's Chromium via playwright-core) on the real
 * stack: the API with Temporal and the worker, the rooms in workerd, the console built by Vite.
 * A requester and an agent, each in their own browser context, on one ticket: the agent types and
 * the requester sees "Ivy Iyer is typing…"; both see each other under "Also here"; the requester
 * reads the agent's reply and the agent sees "Seen by Rita Rossi"; a second agent opens the ticket
 * and the first gets the collision warning, stronger while they both write. Files dropped on the
 * composer (a DataTransfer dispatched on the drop zone) are attached to the ticket, and the API's
 * refusal of a file is shown; a file dropped on the new-ticket form is attached to the new ticket.
 * Each state is scanned with axe: no serious or critical violations.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { demo } from '../api/support';
import { useBrowserHarness } from '../support/browser';

const harness = useBrowserHarness();
const { newPage, expectAccessible, signIn, step, cspViolations } = harness;

/** Drops files on an element the way a file manager does: a drop event carrying a DataTransfer with the files. */
async function dropFiles(page: Page, zoneName: string, files: { name: string; type: string; bytes: number[] }[]) {
  const dataTransfer = await page.evaluateHandle((list) => {
    // In the page: the test's own typings (Node) have no DOM.
    const { DataTransfer } = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
    const transfer = new DataTransfer();
    for (const file of list) transfer.items.add(new File([new Uint8Array(file.bytes)], file.name, { type: file.type }));
    return transfer;
  }, files);
  const zone = page.getByRole('group', { name: zoneName });
  await zone.dispatchEvent('dragenter', { dataTransfer });
  await zone.dispatchEvent('dragover', { dataTransfer });
  await zone.dispatchEvent('drop', { dataTransfer });
}

const text = (body: string) => [...new TextEncoder().encode(body)];
/** A Windows executable's first bytes: the API refuses the type. */
const executable = [0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0xff, 0xff, 0x00, 0x00, 0xb8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x40];

const alsoHere = (page: Page) => page.getByRole('list', { name: 'Also here' });

describe('the live ticket room', () => {
  it('shows typing, presence, read markers and collisions between a requester and agents, and attaches dropped files', async () => {
    const requesterApi = await harness.api.signIn(demo.requester);
    const ticket = await requesterApi.api.ticket.create.mutate({ title: 'Laptop fan runs loud all day', description: 'Even with nothing open the fan never stops.' });
    await harness.api.route(ticket.id, { department: 'it', assignee: demo.itAgent });
    const ticketUrl = `${harness.api.url}/tickets/${ticket.id}`;

    const { context: requesterContext, page: requester } = await newPage();
    const { context: agentContext, page: agent } = await newPage();
    const { context: otherAgentContext, page: otherAgent } = await newPage();
    try {
      await step(requester, 'both-join', async () => {
        await signIn(requester, demo.requester);
        await requester.getByRole('heading', { name: 'My tickets' }).waitFor();
        await requester.goto(ticketUrl);
        await requester.getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });
        await signIn(agent, demo.itAgent);
        await agent.getByRole('heading', { name: 'Queue' }).waitFor();
        await agent.goto(ticketUrl);
        await agent.getByText('Live', { exact: true }).waitFor({ timeout: 15_000 });
      });

      await step(requester, 'presence', async () => {
        // Each sees the other; the requester sees the agent as Support, and no collision warning is theirs to see.
        await alsoHere(requester).getByText('Ivy Iyer').waitFor();
        expect(await alsoHere(requester).textContent()).toContain('(Support)');
        await alsoHere(agent).getByText('Rita Rossi').waitFor();
        expect(await agent.getByText('Collision warning').count()).toBe(0);
      });

      await step(requester, 'typing', async () => {
        await agent.getByLabel('Your reply').fill('Hello Rita, does it also happen on battery?');
        await requester.getByText('Ivy Iyer is typing…').waitFor({ timeout: 10_000 });
        await expectAccessible(requester, 'ticket with a typing indicator (requester)');
        await agent.getByRole('button', { name: 'Send reply' }).click();
        await requester.getByText('Hello Rita, does it also happen on battery?').waitFor({ timeout: 10_000 });
        await expect.poll(() => requester.getByText('Ivy Iyer is typing…').count()).toBe(0);
      });

      await step(agent, 'seen', async () => {
        // The requester's page is open and in view, so the reply is read: the agent sees it under the reply.
        const reply = agent.getByRole('listitem').filter({ hasText: 'Hello Rita, does it also happen on battery?' });
        await reply.getByText('Seen by Rita Rossi').waitFor({ timeout: 10_000 });
      });

      await step(agent, 'collision', async () => {
        await signIn(otherAgent, demo.itAgent2);
        await otherAgent.getByRole('heading', { name: 'Queue' }).waitFor();
        await otherAgent.goto(ticketUrl);
        await agent.getByText('Otto Okafor is also looking at this ticket.').waitFor({ timeout: 15_000 });
        await otherAgent.getByText('Ivy Iyer is also looking at this ticket.').waitFor();
        // The requester sees Otto as one more person from Support, nothing about what staff do among themselves.
        await alsoHere(requester).getByText('Otto Okafor').waitFor();
        expect(await requester.getByText('Collision warning').count()).toBe(0);
        // Both write at once: the warning says so, and asks Ivy to read Otto's reply first.
        await agent.getByLabel('Your reply').fill('Could you send me a photo of the sticker under the laptop?');
        await otherAgent.getByLabel('Your reply').fill('I can swap the laptop today.');
        await agent.getByText('Otto Okafor is writing on this ticket right now. Read their reply before you send yours').waitFor({ timeout: 10_000 });
        // Otto turns his reply into an internal note: announced to staff only.
        await otherAgent.getByText('Internal note', { exact: true }).click();
        const note = otherAgent.getByLabel('Internal note (only staff will see it)');
        await note.waitFor();
        await note.fill('Swap approved by the team lead.');
        await agent.getByText('Otto Okafor is writing an internal note…').waitFor({ timeout: 10_000 });
        await expectAccessible(agent, 'ticket with a collision warning (agent)');
        await note.fill('');
        await agent.getByText('Otto Okafor is also looking at this ticket.').waitFor({ timeout: 10_000 });
        expect(await requester.getByText('Otto Okafor is').count()).toBe(0);
      });

      await step(agent, 'drop-on-composer', async () => {
        await dropFiles(agent, 'Attach files to this ticket', [{ name: 'fan-noise-log.txt', type: 'text/plain', bytes: text('09:14 fan at 5200 rpm\n09:15 fan at 5400 rpm\n') }]);
        await agent.getByRole('list', { name: 'Uploads' }).getByText('Attached').waitFor({ timeout: 10_000 });
        await agent.getByRole('list', { name: 'Files on this ticket' }).getByRole('link', { name: 'fan-noise-log.txt' }).waitFor();
        // The API refuses an executable: the page says why, beside the file.
        await dropFiles(agent, 'Attach files to this ticket', [{ name: 'fix-fan.exe', type: 'application/octet-stream', bytes: executable }]);
        await agent.getByRole('alert').filter({ hasText: 'Not attached:' }).waitFor({ timeout: 10_000 });
        expect(await agent.getByRole('alert').filter({ hasText: 'Not attached:' }).textContent()).toMatch(/not accepted|not recognised/);
        await expectAccessible(agent, 'ticket after uploads (agent)');
        // The requester finds the file on the ticket.
        await requester.reload();
        await requester.getByRole('list', { name: 'Files on this ticket' }).getByRole('link', { name: 'fan-noise-log.txt' }).waitFor();
      });

      await step(requester, 'drop-on-new-ticket', async () => {
        await requester.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'New ticket' }).click();
        await requester.getByLabel('Title').fill('Docking station flickers');
        await requester.getByLabel('Description').fill('The external screen flickers every few seconds.');
        await dropFiles(requester, 'Attach files to the new ticket', [{ name: 'flicker-notes.txt', type: 'text/plain', bytes: text('Flickers when the charger is in.\n') }]);
        await requester.getByRole('list', { name: 'Uploads' }).getByText('Attached').waitFor({ timeout: 10_000 });
        await expectAccessible(requester, 'new ticket with a staged file');
        await requester.getByRole('button', { name: 'File ticket' }).click();
        await requester.getByRole('heading', { name: 'Docking station flickers' }).waitFor({ timeout: 15_000 });
        await requester.getByRole('list', { name: 'Files on this ticket' }).getByRole('link', { name: 'flicker-notes.txt' }).waitFor();
      });
      expect(cspViolations).toEqual([]);
    } finally {
      await Promise.all([requesterContext.close(), agentContext.close(), otherAgentContext.close()]);
    }
  }, 240_000);
});
