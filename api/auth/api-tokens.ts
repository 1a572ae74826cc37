/**
 * API tokens for integrations: `dfk_<random>`, scoped (read, write, admin), expiring and
 * revocable. Stored as SHA-256 only; a token acts as its owner, never beyond its scopes.
 */
import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { apiTokens, users, type ApiTokenScope } from '../../db/schema';
import { sessionUserColumns, toSessionUser, type SessionUser } from './session';
import { hashToken, randomToken } from './tokens';

export const API_TOKEN_PREFIX = 'dfk_';
const DAY = 24 * 60 * 60 * 1000;
/** Writing last-used on every request would make each read a write; once a minute is enough to audit. */
const LAST_USED_GRANULARITY_MS = 60_000;

export const isApiToken = (token: string) => token.startsWith(API_TOKEN_PREFIX);

/** Refused: the user already holds the most active API tokens one person may have. */
export class TooManyApiTokens extends Error {
  override name = 'TooManyApiTokens';
  constructor(readonly limit: number) {
    super(`You already hold ${limit} active API tokens, the most one person may have; revoke one you no longer use first.`);
  }
}

/** A new token for the user, who may hold at most `maxActive` active (unrevoked, unexpired) ones. */
export async function createApiToken(db: Db, input: { userId: string; name: string; scopes: ApiTokenScope[]; expiresInDays: number }, maxActive = Infinity) {
  const token = `${API_TOKEN_PREFIX}${randomToken(24)}`;
  return db.transaction(async (tx) => {
    if (Number.isFinite(maxActive)) {
      // Locking the owner's row makes concurrent creations count one after the other.
      await tx.select({ id: users.id }).from(users).where(eq(users.id, input.userId)).for('update');
      const active = await tx.$count(apiTokens, and(eq(apiTokens.userId, input.userId), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, new Date())));
      if (active >= maxActive) throw new TooManyApiTokens(maxActive);
    }
    const [row] = await tx
      .insert(apiTokens)
      .values({
        userId: input.userId,
        name: input.name,
        tokenHash: hashToken(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        scopes: [...new Set(input.scopes)],
        expiresAt: new Date(Date.now() + input.expiresInDays * DAY),
      })
      .returning({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, scopes: apiTokens.scopes, expiresAt: apiTokens.expiresAt, createdAt: apiTokens.createdAt });
    return { token, ...row! };
  });
}

export type ValidatedApiToken = { token: { id: string; scopes: ApiTokenScope[] }; user: SessionUser };

export async function validateApiToken(db: Db, token: string): Promise<ValidatedApiToken | null> {
  const [row] = await db
    .select({
      id: apiTokens.id,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      revokedAt: apiTokens.revokedAt,
      lastUsedAt: apiTokens.lastUsedAt,
      user: sessionUserColumns,
    })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, hashToken(token)));
  const now = Date.now();
  if (!row || row.revokedAt || row.expiresAt.getTime() <= now || !row.user.active) return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
    await db
      .update(apiTokens)
      .set({ lastUsedAt: new Date(now) })
      .where(eq(apiTokens.id, row.id));
  }
  return { token: { id: row.id, scopes: row.scopes as ApiTokenScope[] }, user: toSessionUser(row.user) };
}

export function listApiTokens(db: Db, userId: string) {
  return db
    .select({
      id: apiTokens.id,
      name: apiTokens.name,
      prefix: apiTokens.prefix,
      scopes: apiTokens.scopes,
      expiresAt: apiTokens.expiresAt,
      lastUsedAt: apiTokens.lastUsedAt,
      revokedAt: apiTokens.revokedAt,
      createdAt: apiTokens.createdAt,
    })
    .from(apiTokens)
    .where(eq(apiTokens.userId, userId))
    .orderBy(desc(apiTokens.createdAt));
}

/** Revokes one of the user's tokens; false when there is no such live token. */
export async function revokeApiToken(db: Db, userId: string, id: string): Promise<boolean> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return revoked.length > 0;
}

export async function revokeAllApiTokens(db: Db, userId: string): Promise<number> {
  const revoked = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt), gt(apiTokens.expiresAt, new Date())))
    .returning({ id: apiTokens.id });
  return revoked.length;
}
