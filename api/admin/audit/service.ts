/** The admin audit trail: every administrative change, who made it and what it was. Append-only. */
import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import type { Db, Tx } from '../../../db/client';
import { adminAudit, users } from '../../../db/schema';
import type { AuditInput } from './schemas';

export type AdminAction = {
  actorId: string | null;
  action: string;
  targetType: 'user' | 'department' | 'building' | 'category' | 'template' | 'settings' | 'api_token' | 'session' | 'mail' | 'misuse_report' | 'schedule';
  targetId?: string | null;
  details?: Record<string, unknown>;
};

/** Written in the transaction of the change it records: the change and its audit row commit together. */
export async function recordAdminAction(tx: Tx, entry: AdminAction): Promise<void> {
  await tx.insert(adminAudit).values({ ...entry, targetId: entry.targetId ?? null, details: entry.details ?? {} });
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

/** The admin audit trail, newest first. */
export function listAudit(db: Db, input: AuditInput) {
  const conditions: (SQL | undefined)[] = [
    input.targetType ? eq(adminAudit.targetType, input.targetType) : undefined,
    input.targetId ? eq(adminAudit.targetId, input.targetId) : undefined,
    input.before ? lt(adminAudit.id, input.before) : undefined,
  ];
  return db
    .select({
      id: adminAudit.id,
      action: adminAudit.action,
      targetType: adminAudit.targetType,
      targetId: adminAudit.targetId,
      details: adminAudit.details,
      createdAt: adminAudit.createdAt,
      actor: { id: users.id, name: users.name },
    })
    .from(adminAudit)
    .leftJoin(users, eq(users.id, adminAudit.actorId))
    .where(and(...conditions))
    .orderBy(desc(adminAudit.id))
    .limit(input.limit);
}
