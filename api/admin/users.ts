/**
 * Creating accounts, shared by admin.users.invite and `npm run admin:create`: the row and its
 * audit entry in one transaction. (The invitation link: api/auth/email-tokens.ts.)
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { extraDepartmentIdsOf, users } from '../../db/schema';
import type { Role } from '../../domain/vocabulary';
import { recordAdminAction } from './audit';

export const ZName = z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters');

/** What admin screens show of a user (never the password hash). */
export const userColumns = {
  id: users.id,
  email: users.email,
  name: users.name,
  role: users.role,
  departmentId: users.departmentId,
  /** Departments the user works in besides their home department (staff powers there too). */
  extraDepartmentIds: extraDepartmentIdsOf(users.id),
  active: users.active,
  skills: users.skills,
  groups: users.groups,
  away: users.away,
  hasPassword: sql<boolean>`${users.passwordHash} is not null`,
  createdAt: users.createdAt,
};

export type NewAccount = {
  email: string;
  name: string;
  role: Role;
  departmentId?: string | null;
  skills?: string[];
  groups?: string[];
  /** Set: the account can sign in at once (`user.created`); unset: it waits for an invitation (`user.invited`). */
  passwordHash?: string;
};

/** The new account, or null when the email has one already (compared case-insensitively). */
export async function createAccount(db: Db, account: NewAccount, audit: { actorId: string | null; via?: string }) {
  return db.transaction(async (tx) => {
    const [user] = await tx
      .insert(users)
      .values({
        email: account.email.toLowerCase(),
        name: account.name,
        role: account.role,
        departmentId: account.departmentId ?? null,
        skills: account.skills ?? [],
        groups: account.groups ?? [],
        passwordHash: account.passwordHash ?? null,
      })
      .onConflictDoNothing()
      .returning(userColumns);
    if (!user) return null;
    await recordAdminAction(tx, {
      actorId: audit.actorId,
      action: account.passwordHash ? 'user.created' : 'user.invited',
      targetType: 'user',
      targetId: user.id,
      details: { email: user.email, role: user.role, departmentId: user.departmentId, ...(audit.via ? { via: audit.via } : {}) },
    });
    return user;
  });
}
