/**
 * Identity: password sign-in, self sign-up (when enabled), sign-out (here or everywhere),
 * password change and reset by emailed link, single sign-on, and API tokens.
 */
import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { apiTokenScopes, users } from '../../db/schema';
import { getSettings, signUpDomainAllowed } from '../admin/settings/service';
import { recordAdminAction } from '../admin/audit/service';
import { sessionCookie } from '../auth/cookie';
import { createApiToken, listApiTokens, revokeApiToken, TooManyApiTokens } from '../auth/api-tokens';
import { consumeEmailToken, emailTokenLink, issueEmailToken } from '../auth/email-tokens';
import { bindingCookie, OidcError } from '../auth/oidc';
import { dummyHash, hashPassword, verifyPassword } from '../../lib/password';
import { ZEmail, ZNewPassword } from '../auth/passwords-policy';
import { getProfile, updateProfile, ZProfile, ZUpdateProfileInput } from '../auth/profile';
import { createSession, generateSessionToken, invalidateSession, invalidateUserSessions, SESSION_TTL_MS } from '../auth/session';
import { createTRPCRouter, limitFurther, protectedProcedure, publicProcedure, sessionProcedure, type Context } from '../trpc';
import { resolveReturnTo } from '../auth/return-to';

const ZSignInInput = z.object({
  email: ZEmail,
  password: z.string().min(1, 'must not be empty').max(1024, 'must be at most 1024 characters'),
});

async function startSession(ctx: Context, user: { id: string; email: string; name: string; role: (typeof users.$inferSelect)['role']; departmentId: string | null }) {
  const token = generateSessionToken();
  const session = await createSession(ctx.db, token, user.id);
  ctx.resHeaders.append('set-cookie', sessionCookie(ctx, token, Math.floor(SESSION_TTL_MS / 1000)));
  return { token, expiresAt: session.expiresAt, user: { id: user.id, email: user.email, name: user.name, role: user.role, departmentId: user.departmentId } };
}

const findByEmail = async (ctx: Context, email: string) => {
  const [user] = await ctx.db
    .select()
    .from(users)
    .where(eq(sql`lower(${users.email})`, email.toLowerCase()));
  return user;
};

const ZSession = z.object({
  token: z.string(),
  expiresAt: z.date(),
  user: z.object({ id: z.uuid(), email: z.string(), name: z.string(), role: z.enum(['requester', 'agent', 'supervisor', 'admin']), departmentId: z.uuid().nullable() }),
});

export const authRouter = createTRPCRouter({
  /** How people can sign in here, for a sign-in page. */
  providers: publicProcedure.query(async ({ ctx }) => {
    const settings = await getSettings(ctx.db);
    return { password: true, signUp: settings.signUpEnabled, sso: ctx.services.oidc ? { name: ctx.services.oidc.displayName } : null };
  }),

  signIn: publicProcedure
    .meta({ openapi: { method: 'POST', path: '/auth/sign-in', tags: ['auth'], protect: false, summary: 'Sign in with email and password; returns a session token' } })
    .input(ZSignInInput)
    .output(ZSession)
    .mutation(async ({ ctx, input }) => {
      // Per account as well as per address: an attacker with many addresses still gets few guesses at one password.
      limitFurther(ctx, ctx.services.limiters.signIn, `account:${input.email.toLowerCase()}`, 'sign-in attempts for this account');
      const user = await findByEmail(ctx, input.email);
      // Verify against a dummy hash for unknown users, so timing does not reveal which emails exist.
      const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyPassword(await dummyHash, input.password).then(() => false);
      if (!user || !ok || !user.active) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Email or password is wrong, or the account is deactivated.' });
      return startSession(ctx, user);
    }),

  /**
   * Self sign-up, when an admin has enabled it. Proves the email by sending a link that sets the
   * password; the answer is the same whether or not the email already has an account.
   */
  signUp: publicProcedure.input(z.object({ email: ZEmail, name: z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters') })).mutation(async ({ ctx, input }) => {
    const settings = await getSettings(ctx.db);
    if (!settings.signUpEnabled) throw new TRPCError({ code: 'FORBIDDEN', message: 'Self sign-up is turned off here; ask an administrator for an invitation.' });
    const email = input.email.toLowerCase();
    if (!signUpDomainAllowed(settings, email)) {
      throw new TRPCError({ code: 'FORBIDDEN', message: `Sign-up is open to addresses at ${settings.signUpDomains.join(', ')} only.` });
    }
    const existing = await findByEmail(ctx, email);
    if (existing) {
      if (existing.active) {
        const { token } = await issueEmailToken(ctx.db, existing.id, 'password_reset');
        await ctx.services.mailer.send({
          to: existing.email,
          userId: existing.id,
          subject: 'You already have a Deskflow account',
          text: `Someone (hopefully you) tried to sign up with this address. You already have an account; to set a new password, open:\n${resetLink(ctx, token)}\n`,
          template: { kind: 'account_exists', data: { link: resetLink(ctx, token) } },
        });
      }
    } else {
      const user = await ctx.db.transaction(async (tx) => {
        const [row] = await tx.insert(users).values({ email, name: input.name, role: 'requester' }).onConflictDoNothing().returning();
        if (row) await recordAdminAction(tx, { actorId: null, action: 'user.signed_up', targetType: 'user', targetId: row.id, details: { email } });
        return row;
      });
      if (user) {
        const { token } = await issueEmailToken(ctx.db, user.id, 'invitation');
        await ctx.services.mailer.send({
          to: email,
          userId: user.id,
          subject: 'Finish creating your Deskflow account',
          text: `Welcome, ${input.name}. Choose your password here (valid for 7 days):\n${resetLink(ctx, token)}\n`,
          template: { kind: 'invitation', data: { name: input.name, inviterName: null, link: resetLink(ctx, token) } },
        });
      }
    }
    return { ok: true as const, message: 'Check your inbox: we sent a link to finish signing up.' };
  }),

  signOut: sessionProcedure.mutation(async ({ ctx }) => {
    await invalidateSession(ctx.db, ctx.session.id);
    ctx.services.principals.forget(ctx.session.id);
    ctx.services.limiters.principal.forget(`session:${ctx.session.id}`);
    ctx.resHeaders.append('set-cookie', sessionCookie(ctx, '', 0));
    return { ok: true as const };
  }),

  /** Ends every session of the caller, on every device, this one included. */
  signOutEverywhere: sessionProcedure.mutation(async ({ ctx }) => {
    const ended = await invalidateUserSessions(ctx.db, ctx.user.id);
    ctx.services.principals.forgetUser(ctx.user.id);
    ctx.resHeaders.append('set-cookie', sessionCookie(ctx, '', 0));
    return { ok: true as const, sessionsEnded: ended };
  }),

  me: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/me', tags: ['auth'], summary: 'The signed-in user or the API token owner' } })
    .input(z.void())
    .output(
      z.object({
        id: z.uuid(),
        email: z.string(),
        name: z.string(),
        role: z.enum(['requester', 'agent', 'supervisor', 'admin']),
        departmentId: z.uuid().nullable(),
        sessionExpiresAt: z.date().nullable(),
        via: z.enum(['session', 'apiToken']),
        scopes: z.array(z.enum(apiTokenScopes)).nullable(),
      }),
    )
    .query(({ ctx }) => ({
      ...ctx.user,
      sessionExpiresAt: ctx.session?.expiresAt ?? null,
      via: ctx.principal.kind,
      scopes: ctx.principal.kind === 'apiToken' ? ctx.principal.token.scopes : null,
    })),

  /** The caller's name and the timezone their daily digest follows (null: the organisation's, given beside it). */
  profile: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/me/profile', tags: ['auth'], summary: 'Your name and the timezone your daily digest mail follows' } })
    .input(z.void())
    .output(ZProfile)
    .query(({ ctx }) => getProfile(ctx.db, ctx.user.id)),

  /**
   * Changes the caller's name and/or timezone (an IANA zone, or null for the organisation's); the
   * next daily digest comes at 08:00 in the new zone (the digest Schedule reads it on each run).
   */
  updateProfile: protectedProcedure
    .meta({ openapi: { method: 'PATCH', path: '/me/profile', tags: ['auth'], summary: 'Change your name or the timezone of your daily digest mail' } })
    .input(ZUpdateProfileInput)
    .output(ZProfile)
    .mutation(({ ctx, input }) => updateProfile(ctx, input)),

  /** Changes the password and signs out every other session. */
  changePassword: sessionProcedure.input(z.object({ currentPassword: z.string().min(1, 'must not be empty').max(1024), newPassword: ZNewPassword })).mutation(async ({ ctx, input }) => {
    const [user] = await ctx.db.select().from(users).where(eq(users.id, ctx.user.id));
    if (!user?.passwordHash || !(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'The current password is wrong.' });
    }
    if (input.newPassword === input.currentPassword) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The new password must differ from the current one.' });
    await ctx.db
      .update(users)
      .set({ passwordHash: await hashPassword(input.newPassword) })
      .where(eq(users.id, user.id));
    const ended = await invalidateUserSessions(ctx.db, user.id, ctx.session.id);
    ctx.services.principals.forgetUser(user.id);
    return { ok: true as const, otherSessionsEnded: ended };
  }),

  /**
   * Always answers the same, so it cannot be used to find out which emails have accounts; past the
   * per-address limit the mail is not sent (the links already sent still work).
   */
  requestPasswordReset: publicProcedure.input(z.object({ email: ZEmail })).mutation(async ({ ctx, input }) => {
    const user = await findByEmail(ctx, input.email);
    const mailAllowed = ctx.services.limiters.resetMail.take(`reset:${input.email.toLowerCase()}`).allowed;
    if (user?.active && !mailAllowed) ctx.logger.warn({ userId: user.id }, 'password reset mail not sent: too many asked for this address recently');
    if (user?.active && mailAllowed) {
      const { token } = await issueEmailToken(ctx.db, user.id, 'password_reset');
      await ctx.services.mailer.send({
        to: user.email,
        userId: user.id,
        subject: 'Reset your Deskflow password',
        text: `Hello ${user.name},\n\nto choose a new password, open this link within the next hour:\n${resetLink(ctx, token)}\n\nIf you did not ask for this, ignore this mail; your password stays as it is.\n`,
        template: { kind: 'password_reset', data: { name: user.name, link: resetLink(ctx, token) } },
      });
    }
    return { ok: true as const, message: 'If that address has an account, a reset link is on its way.' };
  }),

  /** Sets a new password from an emailed link (reset or invitation), ends all sessions, and signs in. */
  resetPassword: publicProcedure
    .input(z.object({ token: z.string().min(16, 'is not a valid link token').max(128, 'is not a valid link token'), newPassword: ZNewPassword }))
    .output(ZSession)
    .mutation(async ({ ctx, input }) => {
      const consumed = await consumeEmailToken(ctx.db, input.token, ['password_reset', 'invitation']);
      if (!consumed) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This link is invalid, expired or already used; ask for a new one.' });
      const [user] = await ctx.db
        .update(users)
        .set({ passwordHash: await hashPassword(input.newPassword) })
        .where(eq(users.id, consumed.userId))
        .returning();
      if (!user?.active) throw new TRPCError({ code: 'BAD_REQUEST', message: 'This account is deactivated; ask an administrator.' });
      await invalidateUserSessions(ctx.db, user.id);
      ctx.services.principals.forgetUser(user.id);
      return startSession(ctx, user);
    }),

  /**
   * Starts single sign-on: the URL to send the browser to, and the cookie binding the flow to this
   * browser (browsers keep it only when the app and the API are on the same site; otherwise send
   * the browser to /auth/oidc/start instead).
   */
  ssoStart: publicProcedure.input(z.object({ returnTo: z.string().max(2000).optional() }).optional()).mutation(async ({ ctx, input }) => {
    const oidc = ctx.services.oidc;
    if (!oidc) throw new TRPCError({ code: 'NOT_FOUND', message: 'Single sign-on is not configured here.' });
    const returnTo = resolveReturnTo(input?.returnTo, ctx.services.config.appUrl, ctx.services.origins);
    if (!returnTo) throw new TRPCError({ code: 'BAD_REQUEST', message: 'returnTo must be a path or a URL on a Deskflow origin.' });
    try {
      const { url, binding } = await oidc.start(returnTo);
      ctx.resHeaders.append('set-cookie', bindingCookie(ctx.services.config.publicUrl, binding));
      return { url: url.toString() };
    } catch (error) {
      if (error instanceof OidcError) throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: error.message, cause: error });
      throw error;
    }
  }),

  tokens: createTRPCRouter({
    list: sessionProcedure.query(({ ctx }) => listApiTokens(ctx.db, ctx.user.id)),
    /** The token itself is shown once, here; only its hash is kept. */
    create: sessionProcedure
      .input(
        z.object({
          name: z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters'),
          scopes: z.array(z.enum(apiTokenScopes)).min(1, 'pick at least one scope').max(apiTokenScopes.length),
          expiresInDays: z.number().int().min(1, 'must be at least 1 day').max(366, 'must be at most 366 days').default(90),
        }),
      )
      .mutation(async ({ ctx, input }) => {
        if (input.scopes.includes('admin') && ctx.user.role !== 'admin') throw new TRPCError({ code: 'FORBIDDEN', message: 'Only administrators can create tokens with the "admin" scope.' });
        return ctx.db
          .transaction(async (tx) => {
            const created = await createApiToken(tx, { userId: ctx.user.id, ...input }, ctx.services.config.apiTokensPerUser);
            await recordAdminAction(tx, { actorId: ctx.user.id, action: 'api_token.created', targetType: 'api_token', targetId: created.id, details: { name: created.name, scopes: created.scopes } });
            return created;
          })
          .catch((error: unknown) => {
            throw error instanceof TooManyApiTokens ? new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error }) : error;
          });
      }),
    revoke: sessionProcedure.input(z.object({ id: z.uuid('must be a token id') })).mutation(async ({ ctx, input }) => {
      await ctx.db.transaction(async (tx) => {
        if (!(await revokeApiToken(tx, ctx.user.id, input.id))) throw new TRPCError({ code: 'NOT_FOUND', message: 'No such active token.' });
        await recordAdminAction(tx, { actorId: ctx.user.id, action: 'api_token.revoked', targetType: 'api_token', targetId: input.id });
      });
      ctx.services.principals.forget(input.id);
      ctx.services.limiters.principal.forget(`token:${input.id}`);
      return { ok: true as const };
    }),
  }),
});

function resetLink(ctx: Context, token: string): string {
  return emailTokenLink(ctx.services.config.appUrl, token);
}
