/**
 * Administration of people: listing, inviting (account creation is shared with
 * `npm run admin:create`), changing roles and departments, deactivating. Every change and its
 * audit row commit in one transaction. (The invitation link: api/auth/email-tokens.ts.)
 */
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, ilike, or, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { departmentStaff, extraDepartmentIdsOf, oidcAccounts, users } from '../../../db/schema';
import type { Role } from '../../../db/schema/enums';
import { revokeAllApiTokens } from '../../auth/api-tokens';
import { issueInvitation } from '../../auth/email-tokens';
import { invalidateUserSessions } from '../../auth/session';
import type { AuthedContext } from '../../trpc';
import { changedFields, recordAdminAction } from '../audit/service';
import { assertDepartment, notFound } from '../shared';
import type { InviteUserInput, ListUsersInput, UpdateUserInput } from './schemas';

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

export async function listUsers(db: Db, input: ListUsersInput) {
  const pattern = input.q ? `%${input.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  const where = and(
    pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined,
    input.role ? eq(users.role, input.role) : undefined,
    input.departmentId ? eq(users.departmentId, input.departmentId) : undefined,
    input.active === undefined ? undefined : eq(users.active, input.active),
  );
  const [items, [total]] = await Promise.all([
    db.select(userColumns).from(users).where(where).orderBy(asc(users.name), asc(users.id)).limit(input.limit).offset(input.offset),
    db.select({ n: count() }).from(users).where(where),
  ]);
  return { items, total: total?.n ?? 0 };
}

/** Mails the invitation; the caller returns its link to the admin, for when mail does not arrive. */
async function mailInvitation(ctx: AuthedContext, user: { id: string; email: string; name: string }, invitation: { link: string }) {
  await ctx.services.mailer.send({
    to: user.email,
    userId: user.id,
    subject: 'You are invited to Deskflow',
    text: `Hello ${user.name},\n\n${ctx.user.name} invited you to Deskflow. Choose your password here (valid for 7 days):\n${invitation.link}\n`,
    template: { kind: 'invitation', data: { name: user.name, inviterName: ctx.user.name, link: invitation.link } },
  });
}

/** Creates the account and emails a link to choose a password; the admin gets the link too. */
export async function inviteUser(ctx: AuthedContext, input: InviteUserInput) {
  await assertDepartment(ctx.db, input.departmentId);
  const user = await createAccount(ctx.db, input, { actorId: ctx.user.id });
  if (!user) throw new TRPCError({ code: 'CONFLICT', message: `There is already an account for ${input.email}.` });
  const invitation = await issueInvitation(ctx.db, user.id, ctx.services.config.appUrl);
  await mailInvitation(ctx, user, invitation);
  return { ...user, invitation };
}

/**
 * A new invitation link (mailed, and returned to the admin); the earlier one stops working.
 * Only until the person can sign in: for anyone else it would let an admin set their password.
 */
export async function resendInvitation(ctx: AuthedContext, id: string) {
  const [user] = await ctx.db.select(userColumns).from(users).where(eq(users.id, id));
  if (!user) notFound('user');
  if (!user.active) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This account is deactivated; reactivate it first.' });
  if (user.hasPassword) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This person has already chosen a password; they can reset it from the sign-in page.' });
  const [sso] = await ctx.db.select({ userId: oidcAccounts.userId }).from(oidcAccounts).where(eq(oidcAccounts.userId, user.id)).limit(1);
  if (sso) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This person signs in with single sign-on; there is no invitation to accept.' });
  const invitation = await ctx.db.transaction(async (tx) => {
    const issued = await issueInvitation(tx, user.id, ctx.services.config.appUrl);
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'user.invitation_resent', targetType: 'user', targetId: user.id });
    return issued;
  });
  await mailInvitation(ctx, user, invitation);
  return { ok: true as const, invitation };
}

export async function updateUser(ctx: AuthedContext, input: UpdateUserInput) {
  const { id, extraDepartmentIds, ...changes } = input;
  const [before] = await ctx.db.select(userColumns).from(users).where(eq(users.id, id));
  if (!before) notFound('user');
  if (id === ctx.user.id && changes.role && changes.role !== 'admin') throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot take away your own admin role; ask another admin.' });
  await assertDepartment(ctx.db, changes.departmentId);
  const extra = extraDepartmentIds && [...new Set(extraDepartmentIds)].sort();
  for (const departmentId of extra ?? []) await assertDepartment(ctx.db, departmentId, 'extraDepartmentIds');
  const diff = changedFields({ ...before, extraDepartmentIds: [...before.extraDepartmentIds].sort() }, { ...changes, extraDepartmentIds: extra });
  if (Object.keys(diff).length === 0) return before;
  const after = await ctx.db.transaction(async (tx) => {
    if (extra) {
      await tx.delete(departmentStaff).where(eq(departmentStaff.userId, id));
      if (extra.length > 0) await tx.insert(departmentStaff).values(extra.map((departmentId) => ({ userId: id, departmentId })));
    }
    if (Object.keys(changes).length > 0) await tx.update(users).set(changes).where(eq(users.id, id));
    const [row] = await tx.select(userColumns).from(users).where(eq(users.id, id));
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'user.updated', targetType: 'user', targetId: id, details: diff });
    return row;
  });
  // Role and department are part of who a session is: take effect on the next call.
  ctx.services.principals.forgetUser(id);
  // ...and of what their open room connections may see: the rooms re-check them now.
  if ('role' in diff || 'departmentId' in diff || 'extraDepartmentIds' in diff) await ctx.services.rooms.userAccessChanged(id);
  return after!;
}

/** Signs the user out everywhere and revokes their API tokens; their tickets stay. */
export async function deactivateUser(ctx: AuthedContext, id: string) {
  if (id === ctx.user.id) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot deactivate your own account.' });
  const user = await ctx.db.transaction(async (tx) => {
    const [row] = await tx.update(users).set({ active: false }).where(eq(users.id, id)).returning(userColumns);
    if (!row) notFound('user');
    const sessionsEnded = await invalidateUserSessions(tx, row.id);
    const tokensRevoked = await revokeAllApiTokens(tx, row.id);
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'user.deactivated', targetType: 'user', targetId: row.id, details: { sessionsEnded, tokensRevoked } });
    return row;
  });
  ctx.services.principals.forgetUser(user.id);
  await ctx.services.rooms.userAccessChanged(user.id); // closes their open room connections
  return user;
}

export function reactivateUser(ctx: AuthedContext, id: string) {
  return ctx.db.transaction(async (tx) => {
    const [user] = await tx.update(users).set({ active: true }).where(eq(users.id, id)).returning(userColumns);
    if (!user) notFound('user');
    await recordAdminAction(tx, { actorId: ctx.user.id, action: 'user.reactivated', targetType: 'user', targetId: user.id });
    return user;
  });
}
