/**
 * Changes that reach a ticket while its previous change is still being written: the ticket row
 * (what people see) already shows the new state, the workflow has not yet heard back from the
 * activity. Such a change is judged on the ticket as that write leaves it, not refused on the
 * state before it.
 */
import { WorkflowUpdateStage } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transitionUpdate } from '../../workflows/messages';
import type { Actor } from '../../workflows/types';
import { startLifecycleHarness, type LifecycleHarness } from '../support/lifecycle';

/** Holds applyTicketChanges back after it has committed, until released (once per arm()). */
function holdAfterWrite() {
  let gate: { wrote: () => void; released: Promise<void> } | null = null;
  return {
    arm() {
      let wrote = () => {};
      let release = () => {};
      const written = new Promise<void>((resolve) => (wrote = resolve));
      const released = new Promise<void>((resolve) => (release = resolve));
      gate = { wrote, released };
      return { wrote: written, release };
    },
    async after() {
      const armed = gate;
      gate = null;
      if (!armed) return;
      armed.wrote();
      await armed.released;
    },
  };
}

const hold = holdAfterWrite();
let h: LifecycleHarness;
let otto: Actor;

beforeAll(async () => {
  h = await startLifecycleHarness({
    wrapActivities: (activities) => ({
      ...activities,
      async applyTicketChanges(...args: Parameters<typeof activities.applyTicketChanges>) {
        const result = await activities.applyTicketChanges(...args);
        await hold.after();
        return result;
      },
    }),
  });
  otto = await h.actor('otto.it@deskflow.test');
});
afterAll(() => h?.stop());

describe('a change sent while the previous one is being written', () => {
  it('is accepted when that write makes it legal: the assignee starts work on a ticket the row already shows as theirs', async () => {
    const rita = await h.user('rita.requester@deskflow.test');
    const gate = hold.arm();
    // Intake writes "triaged" and "assigned" (to Otto, the skilled and least loaded agent) in one activity.
    const ticket = await h.startTicket({ requester: rita, title: 'Need access to the finance share #triage:Access@0.93', description: 'Read access, please.' });
    await gate.wrote;
    expect(await h.row(ticket.id)).toMatchObject({ status: 'assigned', assigneeId: otto.id });

    // The workflow has not heard back yet: its own state still says "triaged".
    const update = await ticket.handle.startUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor: otto, reason: 'on it' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    gate.release();
    const view = await update.result();
    expect(view).toMatchObject({ status: 'in_progress', assigneeId: otto.id });
    await h.eventually(async () => (await h.row(ticket.id)).status).toBe('in_progress');
  });

  it('is still refused, with the reason, when the ticket as written does not allow it', async () => {
    const rita = await h.user('rita.requester@deskflow.test');
    const hana = await h.actor('hana.hr@deskflow.test');
    const gate = hold.arm();
    const ticket = await h.startTicket({ requester: rita, title: 'Need access to the finance share #triage:Access@0.93', description: 'Read access, please.' });
    await gate.wrote;
    // Hana (HR) may not start work on an IT ticket assigned to Otto, before or after the write.
    // The workflow takes the update in (its validator refuses it, or accepts it for the handler to
    // judge) while the write is still held; only then is the write let through.
    const taken = await ticket.handle.startUpdate(transitionUpdate, { args: [{ to: 'in_progress', actor: hana, reason: 'mine now' }], waitForStage: WorkflowUpdateStage.ACCEPTED }).then(
      (update) => ({ update }),
      (error: unknown) => ({ error }),
    );
    gate.release();
    const error = 'error' in taken ? taken.error : await taken.update.result().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error & { cause?: unknown }).cause)).toMatch(/agents may only change tickets of their department or assigned to them/);
    expect(await h.row(ticket.id)).toMatchObject({ status: 'assigned', assigneeId: otto.id });
  });
});
