/**
 * The caller's own profile (auth.profile / auth.updateProfile): their name, and the timezone their
 * daily digest mail follows (users.timezone; null: the organisation's). The digest needs no
 * Schedule of its own per user: the `deskflow-mail-digest` Schedule (worker/schedules.ts) runs
 * every quarter hour and reads each user's timezone then (db/mail-outbox.ts enqueueDueDigests), so
 * a saved zone moves the next digest to DIGEST_HOUR there.
 */
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { DIGEST_HOUR, organisationTimezone } from '../../db/mail-outbox';
import { users } from '../../db/schema';
import type { AuthedContext } from '../trpc';

/** "Europe/London", "America/Argentina/Buenos_Aires", "UTC", "Etc/GMT+5": a zone name, never an offset such as "+01:00". */
const ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/**
 * The IANA zone `zone` names, spelled as the runtime's Intl spells it ("europe/paris" becomes
 * "Europe/Paris"), or null when Intl does not know it. Links ("US/Eastern") are zones too.
 */
export function canonicalTimeZone(zone: string): string | null {
  if (!ZONE_NAME.test(zone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export const ZTimeZone = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .transform((zone, ctx) => {
    const canonical = canonicalTimeZone(zone);
    if (canonical === null) {
      ctx.addIssue({ code: 'custom', message: `is not an IANA timezone: "${zone}" (expected e.g. "Europe/London")` });
      return z.NEVER;
    }
    return canonical;
  });

export const ZUpdateProfileInput = z
  .object({
    name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters').optional(),
    /** null: the organisation's timezone. */
    timezone: ZTimeZone.nullable().optional(),
  })
  .strict();

export const ZProfile = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  /** Their own zone; null when they follow the organisation's. */
  timezone: z.string().nullable(),
  organisationTimezone: z.string(),
  /** The local hour (in `timezone`, else the organisation's) their daily digest mail is queued at. */
  digestHour: z.number().int(),
});
export type Profile = z.infer<typeof ZProfile>;

export async function getProfile(db: Db, userId: string): Promise<Profile> {
  const [user] = await db.select({ id: users.id, email: users.email, name: users.name, timezone: users.timezone }).from(users).where(eq(users.id, userId));
  if (!user) throw new TRPCError({ code: 'NOT_FOUND', message: 'Your account no longer exists.' });
  return { ...user, organisationTimezone: await organisationTimezone(db), digestHour: DIGEST_HOUR };
}

/** Saves what the input names (an absent field stays as it is) and returns the profile as stored. */
export async function updateProfile(ctx: AuthedContext, input: z.infer<typeof ZUpdateProfileInput>): Promise<Profile> {
  const change: Partial<Pick<typeof users.$inferInsert, 'name' | 'timezone'>> = {};
  if (input.name !== undefined) change.name = input.name;
  if (input.timezone !== undefined) change.timezone = input.timezone;
  if (Object.keys(change).length > 0) {
    await ctx.db.update(users).set(change).where(eq(users.id, ctx.user.id));
    // Cached principals carry the name (auth.me, authors shown to others): drop them so the next call reads it.
    if (change.name !== undefined) ctx.services.principals.forgetUser(ctx.user.id);
  }
  return getProfile(ctx.db, ctx.user.id);
}
