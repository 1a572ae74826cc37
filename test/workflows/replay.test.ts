/**
 * Every recorded history in test/fixtures/histories (written by scripts/record-histories.ts from
 * real runs of earlier workflow code) still replays with today's code: changes to what a running
 * ticket does sit behind patched(), so tickets started by any released version keep working.
 */
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker/worker';
import { historyFromPlain, loadRecordedHistories } from '../support/histories';

const recorded = loadRecordedHistories();

describe('replaying recorded ticket histories with the current workflow code', () => {
  it('has fixtures from the walking skeleton (v0) and from the full lifecycle (v1)', () => {
    const labels = new Set(recorded.map((r) => r.label));
    expect(labels).toContain('v0');
    expect(labels).toContain('v1');
  });

  it.each(recorded.map((r) => [r.file, r] as const))('%s replays without nondeterminism', async (_file, fixture) => {
    const histories = fixture.histories.map((h) => ({ workflowId: h.workflowId, history: historyFromPlain(h.history) }));
    expect(histories.length).toBeGreaterThan(0);
    const results = [];
    for await (const result of Worker.runReplayHistories({ workflowBundle: await workflowBundle() }, histories)) results.push(result);
    expect(results.map((r) => [r.workflowId, r.error?.message ?? null])).toEqual(histories.map((h) => [h.workflowId, null]));
  });
});
