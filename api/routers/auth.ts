import { TRPCError } from '@trpc/server';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { users } from '../../db/schema';
import { dummyHash, verifyPassword } from '../auth/password';
import { createSession, generateSessionToken, invalidateSession, SESSION_COOKIE, SESSION_TTL_MS } from '../auth/session';
import { createTRPCRouter, protectedProcedure, publicProcedure, type Context } from '../trpc';

const ZSignInInput = z.object({
  email: z.email('must be an email address').max(254),
  password: z.string().min(1, 'must not be empty').max(1024),
});

function setSessionCookie(ctx: Context, token: string, maxAgeSeconds: number) {
  const secure = new URL(ctx.req.url).protocol === 'https:' ? '; Secure' : '';
  ctx.resHeaders.append('set-cookie', `${SESSION_COOKIE}=${token}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${maxAgeSeconds}${secure}`);
}

export const authRouter = createTRPCRouter({
  signIn: publicProcedure.input(ZSignInInput).mutation(async ({ ctx, input }) => {
    const [user] = await ctx.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, input.email.toLowerCase()));
    const ok = user?.passwordHash ? await verifyPassword(user.passwordHash, input.password) : await verifyPassword(await dummyHash, input.password).then(() => false);
    if (!user || !ok || !user.active) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Email or password is wrong, or the account is deactivated.' });
    const token = generateSessionToken();
    const session = await createSession(ctx.db, token, user.id);
    setSessionCookie(ctx, token, Math.floor(SESSION_TTL_MS / 1000));
    return {
      token,
      expiresAt: session.expiresAt,
      user: { id: user.id, email: user.email, name: user.name, role: user.role, departmentId: user.departmentId },
    };
  }),

  signOut: protectedProcedure.mutation(async ({ ctx }) => {
    await invalidateSession(ctx.db, ctx.session.id);
    setSessionCookie(ctx, '', 0);
    return { ok: true as const };
  }),

  me: protectedProcedure.query(({ ctx }) => ({ ...ctx.user, sessionExpiresAt: ctx.session.expiresAt })),
});
