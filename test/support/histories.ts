/** Reads the workflow histories recorded by scripts/record-histories.ts (test/fixtures/histories). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import proto from '@temporalio/proto';

export const historiesDir = fileURLToPath(new URL('../fixtures/histories', import.meta.url));

export type RecordedHistories = {
  label: string;
  scenario: string;
  description: string;
  recordedAt: string;
  histories: { workflowId: string; history: unknown }[];
};

export function historyFromPlain(plain: unknown): proto.temporal.api.history.v1.History {
  return proto.temporal.api.history.v1.History.fromObject(plain as Record<string, unknown>);
}

export function loadRecordedHistories(): (RecordedHistories & { file: string })[] {
  return readdirSync(historiesDir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, ...(JSON.parse(readFileSync(join(historiesDir, file), 'utf8')) as RecordedHistories) }));
}
