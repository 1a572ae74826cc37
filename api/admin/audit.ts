/** The admin audit trail: every administrative change, who made it and what it was. Append-only. */
import type { Db, Tx } from '../../db/client';
import { adminAudit } from '../../db/schema';

export type AdminAction = {
  actorId: string | null;
  action: string;
  targetType: 'user' | 'department' | 'building' | 'category' | 'template' | 'settings' | 'api_token' | 'session';
  targetId?: string | null;
  details?: Record<string, unknown>;
};

export async function recordAdminAction(db: Db | Tx, entry: AdminAction): Promise<void> {
  await db.insert(adminAudit).values({ ...entry, targetId: entry.targetId ?? null, details: entry.details ?? {} });
}

/** What changed between two versions of a record, for the audit's details. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(after)) {
    if (value === undefined) continue;
    if (JSON.stringify(before[key]) !== JSON.stringify(value)) changes[key] = { from: before[key], to: value };
  }
  return changes;
}
