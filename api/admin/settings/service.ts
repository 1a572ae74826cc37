/**
 * Organisation settings of the API (admin-editable): one row per key in `settings`, validated
 * on the way in and on the way out, with defaults for anything never set. Lifecycle settings
 * (auto-close, reopen window) are the ticket workflow's, under the key `lifecycle`.
 */
import type { Db, Tx } from '../../../db/client';
import { readSettingValues, writeSettingValues } from '../../../db/settings';
import type { AuthedContext } from '../../trpc';
import { changedFields, recordAdminAction } from '../audit/service';
import { defaultSettings, ZSettings, type Settings } from './schemas';

export type { Settings } from './schemas';

const keys = Object.keys(defaultSettings) as (keyof Settings)[];

export async function getSettings(db: Db | Tx): Promise<Settings> {
  const merged: Record<string, unknown> = { ...defaultSettings, ...Object.fromEntries(await readSettingValues(db, keys)) };
  // A row written by an older version that no longer validates falls back to the default.
  const parsed = ZSettings.safeParse(merged);
  if (parsed.success) return parsed.data;
  const repaired: Record<string, unknown> = { ...merged };
  for (const issue of parsed.error.issues) {
    const key = issue.path[0] as keyof Settings;
    repaired[key] = defaultSettings[key];
  }
  return ZSettings.parse(repaired);
}

/** Whether self sign-up (by form or single sign-on) admits this address's domain. */
export function signUpDomainAllowed(settings: Settings, email: string): boolean {
  return settings.signUpDomains.length === 0 || settings.signUpDomains.includes(email.split('@').at(-1)!.toLowerCase());
}

/** Applies the changes and audits them, in one transaction. */
export function updateSettings(ctx: AuthedContext, changes: Partial<Settings>): Promise<Settings> {
  return ctx.db.transaction(async (tx) => {
    const before = await getSettings(tx);
    await writeSettingValues(tx, changes, ctx.user.id);
    const after = await getSettings(tx);
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'settings.updated', targetType: 'settings', details: changedFields(before, changes) });
    return after;
  });
}
