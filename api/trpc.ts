/**
 * tRPC initialisation: context, error shape, and the procedure factories every router uses.
 * Access rules live here (roles) and in api/access.ts (row scopes), not in handlers.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import superjson from 'superjson';
import { z, ZodError } from 'zod';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Role } from '../db/schema/enums';
import { SESSION_COOKIE, validateSessionToken, type SessionUser } from './auth/session';
import { isUnavailable } from './errors';
import type { Logger } from './logger';

export type AppDeps = {
  db: Db;
  temporal: TemporalClient;
  taskQueue: string;
  roomTokenSecret: string;
  roomsUrl: string;
  logger: Logger;
};

export type Context = AppDeps & {
  req: Request;
  resHeaders: Headers;
  /** The raw session token, when the request carried one. */
  sessionToken: string | null;
};

export function bearerOrCookieToken(req: Request): string | null {
  const authorization = req.headers.get('authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) return authorization.slice(7).trim() || null;
  const cookie = req.headers.get('cookie');
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === SESSION_COOKIE) return decodeURIComponent(value.join('=')) || null;
  }
  return null;
}

export function createContextFactory(deps: AppDeps) {
  return ({ req, resHeaders }: { req: Request; resHeaders: Headers }): Context => ({ ...deps, req, resHeaders, sessionToken: bearerOrCookieToken(req) });
}

const t = initTRPC.context<Context>().create({
  transformer: superjson,
  // Never ship stack traces to clients, whatever NODE_ENV says.
  isDev: false,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    const hidden = error.code === 'INTERNAL_SERVER_ERROR';
    return {
      ...shape,
      message: hidden ? 'Something went wrong on our side; it has been logged.' : shape.message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, zodError },
    };
  },
});

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/** Infrastructure outages become SERVICE_UNAVAILABLE with a clear message instead of a 500. */
const availability = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && isUnavailable(result.error.cause)) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Deskflow is temporarily unavailable (database or workflow engine unreachable). Please retry shortly; nothing was lost.', cause: result.error.cause });
  }
  return result;
});

export const publicProcedure = t.procedure.use(availability);

export const protectedProcedure = publicProcedure.use(async ({ ctx, next }) => {
  const validated = ctx.sessionToken ? await validateSessionToken(ctx.db, ctx.sessionToken) : null;
  if (!validated) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Sign in first: send the session token as "Authorization: Bearer <token>" or the session cookie.' });
  return next({ ctx: { ...ctx, user: validated.user, session: validated.session } });
});

export type AuthedContext = Context & { user: SessionUser; session: { id: string; expiresAt: Date } };

function roleProcedure(allowed: readonly Role[], what: string) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!allowed.includes(ctx.user.role)) throw new TRPCError({ code: 'FORBIDDEN', message: `This needs ${what} rights.` });
    return next();
  });
}

export const agentProcedure = roleProcedure(['agent', 'supervisor', 'admin'], 'agent');
export const supervisorProcedure = roleProcedure(['supervisor', 'admin'], 'supervisor');
export const adminProcedure = roleProcedure(['admin'], 'admin');
