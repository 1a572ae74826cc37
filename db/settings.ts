/**
 * Queries on the `settings` table (one row per key), shared by the API (organisation settings,
 * lifecycle settings) and the worker (what a ticket runs under). What each key holds is
 * validated by its owner: api/admin/settings/ and workflows/sla/policy-schema.ts (db knows no schema
 * but its own tables).
 */
import { inArray, sql } from 'drizzle-orm';
import type { Db, Tx } from './client';
import { DEFAULT_MISUSE_REPORT_TIME, DEFAULT_NOTIFICATION_RETENTION_DAYS, DEFAULT_TICKET_RATE_LIMIT } from '../domain/vocabulary';
import { settings } from './schema';

/** The ticket workflow's lifecycle settings (auto-close, reopen window, …). */
export const LIFECYCLE_SETTINGS_KEY = 'lifecycle';
/** Bumped by every SLA policy, calendar or lifecycle settings edit; tickets remember the version they applied. */
export const SLA_CONFIG_VERSION_KEY = 'sla.configVersion';

/** Organisation setting (api/admin/settings/): days after which read notifications are deleted by the pruning schedule. */
export const NOTIFICATION_RETENTION_DAYS_KEY = 'notificationRetentionDays';

/** The notification retention in days: the admin's setting, or the default when unset or not a sensible number. */
export async function readNotificationRetentionDays(db: Db | Tx): Promise<number> {
  const value = (await readSettingValues(db, [NOTIFICATION_RETENTION_DAYS_KEY])).get(NOTIFICATION_RETENTION_DAYS_KEY);
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 3650 ? value : DEFAULT_NOTIFICATION_RETENTION_DAYS;
}

/** Organisation settings (api/admin/settings/) the worker reads too: the per-requester ticket limit and the misuse check's time. */
export const TICKET_RATE_LIMIT_KEY = 'ticketRateLimit';
export const MISUSE_REPORT_TIME_KEY = 'misuseReportTime';

/** The per-requester ticket limit: the admin's setting, or the default when unset or malformed. */
export async function readTicketRateLimit(db: Db | Tx): Promise<{ max: number; windowHours: number }> {
  const value = (await readSettingValues(db, [TICKET_RATE_LIMIT_KEY])).get(TICKET_RATE_LIMIT_KEY) as { max?: unknown; windowHours?: unknown } | undefined;
  const max = value?.max;
  const windowHours = value?.windowHours;
  return typeof max === 'number' && max >= 1 && typeof windowHours === 'number' && windowHours >= 1 ? { max, windowHours } : { ...DEFAULT_TICKET_RATE_LIMIT };
}

/** The misuse check's local time of day ("HH:MM"): the admin's setting, or the default. */
export async function readMisuseReportTime(db: Db | Tx): Promise<string> {
  const value = (await readSettingValues(db, [MISUSE_REPORT_TIME_KEY])).get(MISUSE_REPORT_TIME_KEY);
  return typeof value === 'string' && /^([01]\d|2[0-3]):[0-5]\d$/.test(value) ? value : DEFAULT_MISUSE_REPORT_TIME;
}

/** The stored values of these keys (keys never set are absent). */
export async function readSettingValues(db: Db | Tx, keys: readonly string[]): Promise<Map<string, unknown>> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(inArray(settings.key, [...keys]));
  return new Map(rows.map((r) => [r.key, r.value]));
}

/** Inserts or replaces these keys' values, remembering who set them. */
export async function writeSettingValues(db: Db | Tx, values: Record<string, unknown>, actorId: string): Promise<void> {
  const entries = Object.entries(values).filter(([, value]) => value !== undefined);
  if (entries.length === 0) return;
  await db
    .insert(settings)
    .values(entries.map(([key, value]) => ({ key, value, updatedById: actorId })))
    .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedById: actorId, updatedAt: new Date() } });
}

/** The stored lifecycle settings (unvalidated: see `lifecycleSettingsOrDefaults`) and the SLA configuration version. */
export async function readLifecycleSettings(db: Db | Tx): Promise<{ stored: unknown; configVersion: number }> {
  const byKey = await readSettingValues(db, [LIFECYCLE_SETTINGS_KEY, SLA_CONFIG_VERSION_KEY]);
  const version = Number(byKey.get(SLA_CONFIG_VERSION_KEY) ?? 0);
  return { stored: byKey.get(LIFECYCLE_SETTINGS_KEY) ?? {}, configVersion: Number.isFinite(version) ? version : 0 };
}

/** Bumps the SLA configuration version (inside the caller's transaction when given one) and returns it. */
export async function bumpSlaConfigVersion(db: Pick<Db, 'execute'>): Promise<number> {
  const result = await db.execute<{ value: unknown }>(sql`
    insert into ${settings} (key, value) values (${SLA_CONFIG_VERSION_KEY}, '1'::jsonb)
    on conflict (key) do update set value = to_jsonb(coalesce((${settings.value} #>> '{}')::int, 0) + 1), updated_at = now()
    returning value`);
  const rows = (result as unknown as { rows: { value: unknown }[] }).rows;
  return Number(rows[0]?.value ?? 1);
}
