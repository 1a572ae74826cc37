/**
 * tRPC initialisation: context, error shape, and the procedure factories every router uses.
 * Access rules live here (who may call: roles, API-token scopes, CSRF, rate limits) and in
 * api/access.ts (which rows: ticket scopes), not in handlers.
 */
import { initTRPC, TRPCError } from '@trpc/server';
import type { OpenApiMeta } from 'trpc-to-openapi';
import { z, ZodError } from 'zod';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Db } from '../db/client';
import type { Role } from '../domain/vocabulary';
import type { ApiTokenScope } from '../db/schema/identity';
import { createDatabaseStorage, type AttachmentStorage } from './attachments/storage';
import { createOidcService, type OidcService } from './auth/oidc';
import { authenticate, credentialFromRequest, type Credential, type Principal } from './auth/principal';
import { PrincipalCache } from './auth/principal-cache';
import type { SessionUser } from './auth/session';
import type { ApiConfig } from './config';
import { isUnavailable, postgresErrorCode, RetryLater } from './errors';
import type { Logger } from '../lib/logger';
import { createRoomsAccessNotifier, type RoomsAccessNotifier } from './internal/rooms-push';
import { createMailDispatcher, createOutboxMailer, type MailDispatcher, type Mailer } from './mail';
import { addressBucket } from './security/client-address';
import { allowedOrigins, sameOriginRequest } from './security/origin';
import { rateLimitHeaders, TokenBucketLimiter, type RateLimitDecision } from './security/rate-limit';
import { transformer } from './transformer';
import { lazyEmbedder } from './knowledge/embedder';
import type { SentenceEmbedder } from '../lib/sentence-embedder';

export type AppDeps = {
  db: Db;
  temporal: TemporalClient;
  taskQueue: string;
  roomTokenSecret: string;
  roomsUrl: string;
  /**
   * Bearer secret for pushes into the rooms (INTERNAL_API_SECRET): the API tells them when a
   * user's access changes. Without it the rooms' periodic re-check (a minute) is all there is.
   */
  internalSecret?: string;
  logger: Logger;
  /** Overrides of the API settings; the rest comes from the environment (deskflow.config.ts). */
  config?: Partial<ApiConfig>;
  /** Where mail goes; by default into the outbox (db/mail-outbox.ts), which the worker sends. */
  mailer?: Mailer;
  /** Where attachment bytes live; by default in Postgres. */
  storage?: AttachmentStorage;
  /** The sentence model for knowledge base search; by default loaded on first use from config.sentenceModelDir. */
  embedder?: SentenceEmbedder;
};

export type ApiServices = {
  config: ApiConfig;
  mailer: Mailer;
  /** Starts the delivery of outbox mails the API just queued (after their commit). */
  dispatchMail: MailDispatcher;
  storage: AttachmentStorage;
  origins: Set<string>;
  /**
   * Per session or API token; per client address (anonymous calls, failed authentications); per
   * account (sign-in attempts; password-reset mails).
   */
  limiters: { principal: TokenBucketLimiter; anonymous: TokenBucketLimiter; signIn: TokenBucketLimiter; resetMail: TokenBucketLimiter };
  /** Single sign-on, when configured. */
  oidc: OidcService | null;
  principals: PrincipalCache;
  /** Tells the live rooms about access changes (api/internal/rooms-push.ts). */
  rooms: RoomsAccessNotifier;
  /** The sentence model for knowledge base search, or undefined where it cannot load (search is then full text only). */
  knowledgeEmbedder: () => Promise<SentenceEmbedder | undefined>;
};

/**
 * Reset links mailed to one address: 3 at once, then one every 20 minutes. Enough for a person who
 * clicks again; not enough to flood someone's inbox through the public form.
 */
const RESET_MAILS_PER_ACCOUNT = { capacity: 3, refillPerSecond: 1 / 1200 };

export function createServices(deps: AppDeps, config: ApiConfig): ApiServices {
  const dispatchMail = createMailDispatcher(deps);
  return {
    config,
    mailer: deps.mailer ?? createOutboxMailer({ db: deps.db, logger: deps.logger, dispatch: dispatchMail }),
    dispatchMail,
    storage: deps.storage ?? createDatabaseStorage(deps.db),
    origins: allowedOrigins(config.publicUrl, config.corsOrigins),
    limiters: {
      principal: new TokenBucketLimiter({ name: 'default', ...config.rateLimit }),
      anonymous: new TokenBucketLimiter({ name: 'anonymous', ...config.anonymousRateLimit }),
      signIn: new TokenBucketLimiter({ name: 'sign-in', ...config.signInRateLimit }),
      resetMail: new TokenBucketLimiter({ name: 'password-reset-mail', ...RESET_MAILS_PER_ACCOUNT }),
    },
    oidc: config.oidc ? createOidcService({ db: deps.db, config: config.oidc, publicUrl: config.publicUrl }) : null,
    principals: new PrincipalCache(config.principalCacheSeconds * 1000),
    rooms: createRoomsAccessNotifier({ roomsUrl: deps.roomsUrl, internalSecret: deps.internalSecret, logger: deps.logger }),
    knowledgeEmbedder: deps.embedder ? () => Promise.resolve(deps.embedder) : lazyEmbedder(config.sentenceModelDir, deps.logger),
  };
}

export type Context = AppDeps & {
  services: ApiServices;
  req: Request;
  resHeaders: Headers;
  credential: Credential | null;
  /** The raw session token, when the request carried one. */
  sessionToken: string | null;
  /** The caller's address (X-Forwarded-For only with TRUST_PROXY), for anonymous rate limits. */
  clientIp: string;
};

/** Kept for callers that only need the raw token. */
export function bearerOrCookieToken(req: Request): string | null {
  return credentialFromRequest(req)?.token ?? null;
}

export type ContextOptions = { req: Request; resHeaders: Headers; clientIp?: string };

export function createContextFactory(deps: AppDeps, services: ApiServices) {
  return ({ req, resHeaders, clientIp }: ContextOptions): Context => {
    const credential = credentialFromRequest(req);
    return { ...deps, services, req, resHeaders, credential, sessionToken: credential?.token ?? null, clientIp: clientIp ?? 'unknown' };
  };
}

/**
 * Procedure metadata. `openapi` exposes a procedure as a REST route; `scope` is what an API
 * token needs beyond its owner's role (default: `read` for queries, `write` for mutations).
 */
export type ProcedureMeta = OpenApiMeta & { scope?: ApiTokenScope };

const t = initTRPC
  .context<Context>()
  .meta<ProcedureMeta>()
  .create({
    transformer,
    // Never ship stack traces to clients, whatever NODE_ENV says.
    isDev: false,
    errorFormatter({ shape, error }) {
      // flattenError keys errors by the first path element only; `issues` keeps each whole path
      // (escalation.1.trigger) so a form can place an error inside a list's row.
      const zodError =
        error.cause instanceof ZodError
          ? { ...z.flattenError(error.cause), issues: error.cause.issues.map((issue) => ({ path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)), message: issue.message })) }
          : null;
      const hidden = error.code === 'INTERNAL_SERVER_ERROR';
      const retryAfterSeconds = error.cause instanceof RetryLater ? error.cause.retryAfterSeconds : null;
      return {
        ...shape,
        message: hidden ? 'Something went wrong on our side; it has been logged.' : shape.message,
        data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, zodError, retryAfterSeconds },
      };
    },
  });

export const createTRPCRouter = t.router;
export const mergeRouters = t.mergeRouters;
export const createCallerFactory = t.createCallerFactory;

/**
 * Failures that are not the caller's fault become clear codes instead of a 500: outages are
 * SERVICE_UNAVAILABLE; constraint violations the schemas cannot see (a name taken, a referenced
 * row gone) are CONFLICT or BAD_REQUEST — without the SQL.
 */
const errorMapping = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok || result.error.code !== 'INTERNAL_SERVER_ERROR') return result;
  const cause = result.error.cause;
  if (isUnavailable(cause)) {
    throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'Deskflow is temporarily unavailable (database or workflow engine unreachable). Please retry shortly; nothing was lost.', cause });
  }
  switch (postgresErrorCode(cause)) {
    case '23505':
      throw new TRPCError({ code: 'CONFLICT', message: 'That already exists: a name or key you gave is already taken.', cause });
    case '23503':
      throw new TRPCError({ code: 'CONFLICT', message: 'That refers to something that does not exist, or is still in use elsewhere.', cause });
    case '22001':
    case '22003':
    case '22007':
    case '22008':
    case '22P02':
    case '23514':
      throw new TRPCError({ code: 'BAD_REQUEST', message: 'A value is malformed or out of range.', cause });
  }
  return result;
});

function limit(ctx: Context, limiter: TokenBucketLimiter, key: string): RateLimitDecision {
  const decision = limiter.take(key);
  for (const [name, value] of Object.entries(rateLimitHeaders(limiter.policy, decision))) ctx.resHeaders.set(name, value);
  if (!decision.allowed) refuse(decision, 'requests');
  return decision;
}

/**
 * A second bucket behind the first (sign-in attempts per account, after the address's). Its
 * headers replace the first's only when it refuses, so they describe what is in the way.
 */
export function limitFurther(ctx: Context, limiter: TokenBucketLimiter, key: string, what: string): void {
  const decision = limiter.take(key);
  if (decision.allowed) return;
  for (const [name, value] of Object.entries(rateLimitHeaders(limiter.policy, decision))) ctx.resHeaders.set(name, value);
  refuse(decision, what);
}

function refuse(decision: RateLimitDecision, what: string): never {
  throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many ${what}: retry in ${decision.retryAfterSeconds} s.`, cause: new RetryLater(decision.retryAfterSeconds) });
}

const baseProcedure = t.procedure.use(errorMapping);

/** No sign-in needed; limited per client address (sign-in, sign-up and reset attempts). */
export const publicProcedure = baseProcedure.use(({ ctx, next }) => {
  limit(ctx, ctx.services.limiters.anonymous, addressBucket(ctx.clientIp));
  return next();
});

const UNAUTHENTICATED = 'Sign in first: send the session token as "Authorization: Bearer <token>" or the session cookie, or an API token as "Authorization: Bearer dfk_…".';

export const protectedProcedure = baseProcedure.use(async ({ ctx, next, type, meta }) => {
  const principal = await authenticate(ctx.db, ctx.credential, ctx.services.principals);
  if (!principal) {
    // A credential that fails costs its address a token, so guessing tokens is throttled like guessing passwords.
    if (ctx.credential) limit(ctx, ctx.services.limiters.anonymous, addressBucket(ctx.clientIp));
    throw new TRPCError({ code: 'UNAUTHORIZED', message: UNAUTHENTICATED });
  }
  if (principal.via === 'cookie' && type !== 'query' && !sameOriginRequest(ctx.req, ctx.services.origins)) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: 'Cross-site request refused: a cookie-authenticated change must come from a Deskflow origin (Origin header). Integrations should use an API token.',
    });
  }
  if (principal.kind === 'apiToken') {
    const needed = meta?.scope ?? (type === 'query' ? 'read' : 'write');
    if (!principal.token.scopes.includes(needed)) throw new TRPCError({ code: 'FORBIDDEN', message: `This API token lacks the "${needed}" scope.` });
  }
  limit(ctx, ctx.services.limiters.principal, principal.kind === 'session' ? `session:${principal.session.id}` : `token:${principal.token.id}`);
  const session = principal.kind === 'session' ? { id: principal.session.id, expiresAt: principal.session.expiresAt } : null;
  return next({ ctx: { ...ctx, principal, user: principal.user, session } });
});

export type AuthedContext = Context & { principal: Principal; user: SessionUser; session: { id: string; expiresAt: Date } | null };

/** Account management (password, sessions, API tokens) needs a signed-in person, never an API token. */
export const sessionProcedure = protectedProcedure.use(({ ctx, next }) => {
  if (ctx.principal.kind !== 'session' || !ctx.session) throw new TRPCError({ code: 'FORBIDDEN', message: 'This needs a signed-in session; API tokens cannot manage accounts.' });
  return next({ ctx: { ...ctx, principal: ctx.principal, session: ctx.session } });
});

function roleProcedure(allowed: readonly Role[], what: string) {
  return protectedProcedure.use(({ ctx, next }) => {
    if (!allowed.includes(ctx.user.role)) throw new TRPCError({ code: 'FORBIDDEN', message: `This needs ${what} rights.` });
    return next();
  });
}

export const agentProcedure = roleProcedure(['agent', 'supervisor', 'admin'], 'agent');
export const supervisorProcedure = roleProcedure(['supervisor', 'admin'], 'supervisor');
/** Admin procedures; an API token also needs the `admin` scope. */
export const adminProcedure = roleProcedure(['admin'], 'admin').use(({ ctx, next }) => {
  if (ctx.principal.kind === 'apiToken' && !ctx.principal.token.scopes.includes('admin')) throw new TRPCError({ code: 'FORBIDDEN', message: 'This API token lacks the "admin" scope.' });
  return next();
});
