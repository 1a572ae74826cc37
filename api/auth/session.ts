/**
 * Sessions as the Lucia guide describes them: a random token goes to the client, only its
 * SHA-256 is stored, and expiry slides forward while the session is in use.
 */
import { sha256 } from '@oslojs/crypto/sha2';
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from '@oslojs/encoding';
import { and, eq, ne } from 'drizzle-orm';
import { staffDepartments } from '../../domain/access';
import type { Db } from '../../db/client';
import { extraDepartmentIdsOf, sessions, users, type User } from '../../db/schema';

const DAY = 24 * 60 * 60 * 1000;
export const SESSION_TTL_MS = 30 * DAY;
/** Extend a session once less than this remains, so active users never get signed out. */
const RENEW_WITHIN_MS = 15 * DAY;

export const SESSION_COOKIE = 'deskflow_session';

export type SessionUser = Pick<User, 'id' | 'email' | 'name' | 'role' | 'departmentId'> & {
  /** Departments the user works in as staff (domain/access.ts); empty for requesters. */
  staffDepartmentIds: string[];
};

/** The user columns a session or API token carries. */
export const sessionUserColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  departmentId: users.departmentId,
  active: users.active,
  extraDepartmentIds: extraDepartmentIdsOf(users.id),
};

/** A validated row of sessionUserColumns as the user the API works with. */
export function toSessionUser(row: { id: string; email: string; name: string; role: User['role']; departmentId: string | null; extraDepartmentIds: string[] }): SessionUser {
  const { extraDepartmentIds, ...user } = row;
  return { ...user, staffDepartmentIds: staffDepartments(row.role, row.departmentId, extraDepartmentIds) };
}
export type ValidatedSession = { session: { id: string; expiresAt: Date; renewed: boolean }; user: SessionUser };

export function generateSessionToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

export function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

export async function createSession(db: Db, token: string, userId: string): Promise<{ id: string; expiresAt: Date }> {
  const session = { id: sessionIdFromToken(token), userId, expiresAt: new Date(Date.now() + SESSION_TTL_MS) };
  await db.insert(sessions).values(session);
  return session;
}

export async function validateSessionToken(db: Db, token: string): Promise<ValidatedSession | null> {
  const id = sessionIdFromToken(token);
  const [row] = await db
    .select({
      expiresAt: sessions.expiresAt,
      user: sessionUserColumns,
    })
    .from(sessions)
    .innerJoin(users, eq(sessions.userId, users.id))
    .where(eq(sessions.id, id));
  if (!row) return null;
  const now = Date.now();
  if (now >= row.expiresAt.getTime() || !row.user.active) {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  let expiresAt = row.expiresAt;
  const renewed = now >= expiresAt.getTime() - RENEW_WITHIN_MS;
  if (renewed) {
    expiresAt = new Date(now + SESSION_TTL_MS);
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
  }
  return { session: { id, expiresAt, renewed }, user: toSessionUser(row.user) };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a user ("sign out everywhere"), except `keepSessionId` when given. */
export async function invalidateUserSessions(db: Db, userId: string, keepSessionId?: string): Promise<number> {
  const ended = await db
    .delete(sessions)
    .where(keepSessionId ? and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId)) : eq(sessions.userId, userId))
    .returning({ id: sessions.id });
  return ended.length;
}
