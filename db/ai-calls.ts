/** Recording AI calls (`ai_calls`): the worker's activities and the API's streaming write through here. */
import type { Db } from './client';
import { aiCalls, type NewAiCallRow } from './schema';

const MAX_ERROR = 500;

export async function recordAiCall(db: Db, row: NewAiCallRow): Promise<void> {
  await db.insert(aiCalls).values({ ...row, error: row.error ? row.error.slice(0, MAX_ERROR) : null, latencyMs: Math.max(0, Math.round(row.latencyMs)) });
}
