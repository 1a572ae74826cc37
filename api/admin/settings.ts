/**
 * Organisation settings of the API (admin-editable): one row per key in `settings`, validated
 * on the way in and on the way out, with defaults for anything never set. Lifecycle settings
 * (auto-close, reopen window) are the ticket workflow's, under the key `lifecycle`.
 */
import { inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { settings } from '../../db/schema';

export const ZSettings = z.object({
  /** Tickets one requester may open per window. */
  ticketRateLimit: z.object({
    max: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10,000'),
    windowHours: z.number().int().min(1, 'must be at least 1 hour').max(24 * 31, 'must be at most 31 days'),
  }),
  /** Anyone may create a requester account (optionally only with these email domains). */
  signUpEnabled: z.boolean(),
  signUpDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain like example.com'),
    )
    .max(50),
  /**
   * Whether single sign-on may link an existing supervisor or administrator account by its email
   * (otherwise only accounts without those rights are matched by email).
   */
  oidcLinkPrivileged: z.boolean(),
  /** How long after posting an author may still edit a comment. */
  commentEditWindowMinutes: z.number().int().min(0).max(7 * 24 * 60, 'must be at most 7 days'),
});
export type Settings = z.infer<typeof ZSettings>;

export const defaultSettings: Settings = {
  ticketRateLimit: { max: 5, windowHours: 24 },
  signUpEnabled: false,
  signUpDomains: [],
  oidcLinkPrivileged: false,
  commentEditWindowMinutes: 15,
};

const keys = Object.keys(defaultSettings) as (keyof Settings)[];

export async function getSettings(db: Db): Promise<Settings> {
  const rows = await db.select().from(settings).where(inArray(settings.key, keys));
  const merged: Record<string, unknown> = { ...defaultSettings };
  for (const row of rows) merged[row.key] = row.value;
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

export async function updateSettings(db: Db, changes: Partial<Settings>, actorId: string): Promise<Settings> {
  const entries = Object.entries(changes).filter(([, value]) => value !== undefined);
  if (entries.length > 0) {
    await db
      .insert(settings)
      .values(entries.map(([key, value]) => ({ key, value, updatedById: actorId })))
      .onConflictDoUpdate({ target: settings.key, set: { value: sql`excluded.value`, updatedById: actorId, updatedAt: new Date() } });
  }
  return getSettings(db);
}
