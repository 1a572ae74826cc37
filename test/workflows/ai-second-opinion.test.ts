/**
 * The triage second opinion on the time-skipping server: when the offline model is unsure (below
 * the desk's minimum, 0.5) and an external model is configured, routing asks the model (over HTTP,
 * the recorded-response server answers "Hardware" at 0.91) and takes its answer; both are
 * audited. A failing model leaves the offline triage, and a person triages the ticket.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createOpenAICompatibleProvider } from '../../worker/ai/openai-compatible-provider';
import { startLifecycleHarness, type LifecycleHarness } from '../support/lifecycle';
import { startTestLlm, type RecordedLlm } from '../support/recorded-llm';

let h: LifecycleHarness;
let llm: RecordedLlm;

beforeAll(async () => {
  llm = await startTestLlm();
  h = await startLifecycleHarness({ model: createOpenAICompatibleProvider({ baseUrl: llm.baseUrl, apiKey: null, model: 'gpt-4o-mini', timeoutMs: 3000 }) });
});
afterAll(async () => {
  await h?.stop();
  await llm?.close();
});
beforeEach(() => llm.reset());
afterEach(() => h.cleanup());

describe('a second opinion on unsure triage', () => {
  it("takes the model's surer answer in a known category, routes by it and audits both opinions", async () => {
    const requester = await h.createUser({ name: 'Second Opinion' });
    const ticket = await h.openTicket({ requester, title: 'Docking station: no picture #triage:Miscellaneous@0.3', description: 'Both monitors stay dark since this morning.' });
    expect(ticket.view.needsTriage).toBe(false);
    // Routed once the assignment is written (the workflow's state can be a step ahead of the row).
    await h.eventually(async () => (await h.row(ticket.id)).assigneeId).not.toBeNull();
    const row = await h.row(ticket.id);
    expect(row).toMatchObject({ category: 'Hardware', needsTriage: false });
    expect(row.assigneeId).not.toBeNull();
    const [opinion] = await h.eventsOfKind(ticket.id, 'ai_second_opinion');
    expect(opinion).toMatchObject({
      field: 'triage',
      oldValue: { category: 'Miscellaneous', confidence: 0.3 },
      newValue: { provider: 'openai-compatible', model: 'gpt-4o-mini', category: 'Hardware', confidence: 0.91, adopted: true },
    });
    const [triaged] = await h.eventsOfKind(ticket.id, 'triaged');
    expect(triaged!.reason).toContain('Hardware, confidence 0.91');
    // The model was shown the ticket and the desk's categories.
    const [prompt] = llm.promptsOf('triage');
    expect(prompt).toContain('Docking station: no picture');
    expect(prompt).toContain('"Hardware"');
  });

  it('never asks when the offline model is sure', async () => {
    const requester = await h.createUser({ name: 'Sure Triage' });
    const ticket = await h.openTicket({ requester, title: 'Need access to the finance share #triage:Access@0.93', description: 'Read access, please.' });
    expect(ticket.view.needsTriage).toBe(false);
    expect(await h.eventsOfKind(ticket.id, 'ai_second_opinion')).toEqual([]);
    expect(llm.promptsOf('triage')).toEqual([]);
  });

  it('keeps the offline triage when the model fails, audits the fallback, and a person triages', async () => {
    llm.behave('triage', 'http-500');
    const requester = await h.createUser({ name: 'Failing Opinion' });
    const ticket = await h.openTicket({ requester, title: 'Docking station: no picture #triage:Miscellaneous@0.3', description: 'Both monitors stay dark since this morning.' });
    expect(ticket.view.needsTriage).toBe(true);
    // The workflow's state says needs-triage a moment before the write that records it (and its audit events) commits.
    await h
      .eventually(() => h.eventsOfKind(ticket.id, 'ai_fallback'))
      .toEqual([expect.objectContaining({ field: 'triage_second_opinion', newValue: expect.objectContaining({ fallback: 'offline triage' }) })]);
    expect(await h.eventsOfKind(ticket.id, 'ai_second_opinion')).toEqual([]);
    // Bounded: the aiDraft policy's two attempts, no more.
    expect(llm.promptsOf('triage')).toHaveLength(2);
    expect((await h.row(ticket.id)).category).toBe('Miscellaneous');
  });
});
