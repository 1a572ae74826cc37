/**
 * Single-use, expiring links sent by email: password resets and invitations. Issuing a new
 * link voids the user's earlier ones of the same purpose; consuming one is atomic, so a link
 * works exactly once even when clicked twice at the same moment.
 */
import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { emailTokens, type EmailTokenPurpose } from '../../db/schema';
import { hashToken, randomToken } from './tokens';

export const EMAIL_TOKEN_TTL_MS: Record<EmailTokenPurpose, number> = {
  password_reset: 60 * 60 * 1000,
  invitation: 7 * 24 * 60 * 60 * 1000,
};

export async function issueEmailToken(db: Db, userId: string, purpose: EmailTokenPurpose): Promise<{ token: string; expiresAt: Date }> {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + EMAIL_TOKEN_TTL_MS[purpose]);
  await db.transaction(async (tx) => {
    await tx
      .update(emailTokens)
      .set({ usedAt: new Date() })
      .where(and(eq(emailTokens.userId, userId), eq(emailTokens.purpose, purpose), isNull(emailTokens.usedAt)));
    await tx.insert(emailTokens).values({ id: hashToken(token), userId, purpose, expiresAt });
  });
  return { token, expiresAt };
}

/** Marks the token used and returns its user, or null when it is unknown, used or expired. */
export async function consumeEmailToken(db: Db, token: string, purposes: readonly EmailTokenPurpose[]): Promise<{ userId: string; purpose: EmailTokenPurpose } | null> {
  const [row] = await db
    .update(emailTokens)
    .set({ usedAt: new Date() })
    .where(and(eq(emailTokens.id, hashToken(token)), inArray(emailTokens.purpose, [...purposes]), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, new Date())))
    .returning({ userId: emailTokens.userId, purpose: emailTokens.purpose });
  return row ?? null;
}

/** The web app's page that consumes a reset or invitation token (sets the password). */
export function emailTokenLink(appUrl: string, token: string): string {
  return `${appUrl}/reset-password?token=${encodeURIComponent(token)}`;
}

/** A new invitation link for a user who has not chosen a password yet; voids the earlier one. */
export async function issueInvitation(db: Db, userId: string, appUrl: string): Promise<{ link: string; expiresAt: Date }> {
  const { token, expiresAt } = await issueEmailToken(db, userId, 'invitation');
  return { link: emailTokenLink(appUrl, token), expiresAt };
}
