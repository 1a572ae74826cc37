/**
 * Registers Deskflow's custom search attributes on an external Temporal server (the dev server
 * gets them as start flags). Temporal Cloud manages them in its own console: a refusal there is
 * reported, not fatal.
 */
import type { Connection } from '@temporalio/client';
import proto from '@temporalio/proto';
import { searchAttributes } from '../temporal.config';

export async function ensureSearchAttributes(connection: Connection, namespace: string, log: (line: string) => void): Promise<void> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace }).catch(() => undefined);
  const missing = Object.values(searchAttributes).filter((key) => !existing?.customAttributes?.[key.name]);
  if (missing.length === 0) return;
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((key) => [key.name, proto.temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
    });
    log(`registered search attributes ${missing.map((k) => k.name).join(', ')}`);
  } catch (error) {
    log(`could not register search attributes ${missing.map((k) => k.name).join(', ')} (${(error as Error).message.split('\n')[0]}); register them with: temporal operator search-attribute create`);
  }
}
