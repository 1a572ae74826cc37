/**
 * The API as a standard fetch handler (Hono): tRPC at /trpc, the same procedures as REST under
 * /api (OpenAPI document at /api/openapi.json), attachment downloads, single sign-on
 * redirects, liveness and readiness probes. The internal endpoints the rooms use have a listener
 * of their own (api/internal/app.ts): here /internal/* is 404 like any unknown path. Secure by default: security headers, a CORS allowlist, body size limits, CSRF checks and
 * rate limits (the last two in the procedure factories, api/trpc.ts). After the API's routes, the
 * web console (api/web.ts) answers at / for browsers.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { TRPCError } from '@trpc/server';
import { Hono, type Context as HonoContext } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getCookie } from 'hono/cookie';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { timing } from 'hono/timing';
import { deskflowSettings } from '../deskflow.config';
import { unsubscribeByToken } from '../db/mail-outbox';
import { contentDisposition } from './attachments/inspect';
import { findReadableAttachment } from './attachments/service';
import { findReadableArticleFile } from './knowledge/service';
import { bindingCookie, OIDC_BINDING_COOKIE, OidcError, type OidcErrorCode } from './auth/oidc';
import { authenticate, credentialFromRequest } from './auth/principal';
import { resolveReturnTo } from './auth/return-to';
import { createSession, generateSessionToken, SESSION_TTL_MS, type SessionUser } from './auth/session';
import { mountExports } from './reports/routes';
import { apiConfigFromSettings, type ApiConfig } from './config';
import { createRestHandler, openApiDocument, REST_PREFIX } from './openapi';
import { appRouter } from './router';
import { sessionCookie } from './auth/cookie';
import { addressBucket, forwardedClient } from './security/client-address';
import { rateLimitHeaders } from './security/rate-limit';
import { createContextFactory, createServices, type AppDeps } from './trpc';
import { transformer } from './transformer';
import { mountWebConsole } from './web';
import { inboundMailConfigFromSettings, inboundMailHandler } from './inbound-mail/http';
import { createInboundMailService, type InboundMailService } from './inbound-mail/service';
import type { DeskflowSettings } from '../deskflow.config';
import type { ApiServices } from './trpc';

export type AppOptions = AppDeps & {
  ping: () => Promise<void>;
  /** The web console's build to serve at / (default web/dist); false for none. */
  web?: { distDir?: string } | false;
  /** Inbound mail (api/inbound-mail/service.ts), shared with the internal listener; built from deps when absent. */
  inboundMail?: InboundMailService;
  /** Bearer secret of the push endpoint POST /mail/inbound (MAIL_INBOUND_SECRET by default); absent: the endpoint is off (404). */
  inboundMailSecret?: string;
};

/** JSON bodies are small; uploads may be as large as an attachment plus the multipart framing. */
const JSON_BODY_LIMIT = 1024 * 1024;
const MULTIPART_OVERHEAD = 64 * 1024;

export function createApp(options: AppOptions) {
  const { ping, web, inboundMail, inboundMailSecret, ...deps } = options;
  const settings = deskflowSettings();
  const config: ApiConfig = { ...apiConfigFromSettings(settings), ...deps.config };
  const services = createServices(deps, config);
  const createContext = createContextFactory(deps, services);
  const logger = deps.logger;
  const app = new Hono();

  const onError = ({ error, path }: { error: TRPCError; path: string | undefined }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') logger.error({ err: error.cause ?? error, path }, 'procedure failed');
  };

  // Server-Timing: how long the API itself took, for clients and benchmarks to tell it from the network.
  app.use(
    timing({
      crossOrigin: (c) => {
        const origin = c.req.header('origin');
        return origin && services.origins.has(origin) ? origin : false;
      },
    }),
  );
  app.use(secureHeaders());
  app.use(
    '*',
    cors({
      origin: (origin) => (services.origins.has(origin) ? origin : null),
      credentials: true,
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowHeaders: ['authorization', 'content-type', 'trpc-accept', 'x-trpc-source'],
      exposeHeaders: ['RateLimit', 'RateLimit-Policy', 'Retry-After', 'Content-Disposition'],
      maxAge: 600,
    }),
  );

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.get('/ready', async (c) => {
    const [database, temporal] = await Promise.all([probe(ping), probe(async () => void (await deps.temporal.workflowService.getSystemInfo({})))]);
    const ready = database === 'ok' && temporal === 'ok';
    return c.json({ status: ready ? 'ready' : 'unavailable', database, temporal }, ready ? 200 : 503);
  });

  const limitJson = bodyLimit({ maxSize: JSON_BODY_LIMIT, onError: (c) => tooLarge(c, `Requests may be at most ${JSON_BODY_LIMIT / 1024} KB.`) });
  const limitUpload = bodyLimit({
    maxSize: config.attachmentMaxBytes + MULTIPART_OVERHEAD,
    onError: (c) => tooLarge(c, `Attachments may be at most ${Math.round(config.attachmentMaxBytes / 1024 / 1024)} MB.`),
  });
  app.use('/trpc/*', (c, next) => ((c.req.header('content-type') ?? '').startsWith('multipart/form-data') ? limitUpload(c, next) : limitJson(c, next)));
  app.use(`${REST_PREFIX}/*`, limitJson);
  app.use('/auth/*', limitJson);

  app.all('/trpc/*', (c) => {
    const calls = batchedCalls(c.req.url);
    if (calls > config.trpcMaxBatchSize) {
      const message = `A batched request may hold at most ${config.trpcMaxBatchSize} calls; this one has ${calls}. Send the others in another request.`;
      const error = transformer.output.serialize({ message, code: -32600, data: { code: 'BAD_REQUEST', httpStatus: 400, path: null, zodError: null, retryAfterSeconds: null } }) as unknown;
      return c.json({ error }, 400);
    }
    return fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext: ({ req, resHeaders }) => createContext({ req, resHeaders, clientIp: clientIp(c, config) }),
      onError,
      // Answered above with the limit in the message; tRPC's own check stays as a backstop.
      maxBatchSize: config.trpcMaxBatchSize,
    });
  });

  const document = openApiDocument(appRouter, config.publicUrl);
  app.get(`${REST_PREFIX}/openapi.json`, (c) => c.json(document));
  const rest = createRestHandler({ router: appRouter, createContext, onError });

  /**
   * The caller of a plain-HTTP download (attachments, exports), with the API's credentials, scopes
   * and rate limits; or the refusal to answer with.
   */
  async function downloadCaller(c: HonoContext): Promise<{ user: SessionUser } | Response> {
    const credential = credentialFromRequest(c.req.raw);
    const principal = await authenticate(deps.db, credential, services.principals);
    if (!principal) {
      // A credential that fails costs its address a token (guessing tokens is throttled).
      const decision = credential ? services.limiters.anonymous.take(addressBucket(clientIp(c, config))) : null;
      if (decision) for (const [name, value] of Object.entries(rateLimitHeaders(services.limiters.anonymous.policy, decision))) c.header(name, value);
      if (decision && !decision.allowed) return c.json({ error: 'TOO_MANY_REQUESTS', message: `Too many requests: retry in ${decision.retryAfterSeconds} s.` }, 429);
      return c.json({ error: 'UNAUTHORIZED', message: 'Sign in first, or send an API token.' }, 401);
    }
    if (principal.kind === 'apiToken' && !principal.token.scopes.includes('read')) return c.json({ error: 'FORBIDDEN', message: 'This API token lacks the "read" scope.' }, 403);
    const key = principal.kind === 'session' ? `session:${principal.session.id}` : `token:${principal.token.id}`;
    const decision = services.limiters.principal.take(key);
    for (const [name, value] of Object.entries(rateLimitHeaders(services.limiters.principal.policy, decision))) c.header(name, value);
    if (!decision.allowed) return c.json({ error: 'TOO_MANY_REQUESTS', message: `Too many requests: retry in ${decision.retryAfterSeconds} s.` }, 429);
    return { user: principal.user };
  }

  // Exports (api/reports/exports.ts): before the REST handler, which would answer 404 for them.
  mountExports(app, { db: deps.db, caller: downloadCaller });
  app.all(`${REST_PREFIX}/*`, (c) => rest(c.req.raw, clientIp(c, config)));

  /** Downloads are plain HTTP so browsers can save them; same credentials and visibility as the API. */
  app.get('/attachments/:id', async (c) => {
    const id = c.req.param('id');
    const caller = await downloadCaller(c);
    if (caller instanceof Response) return caller;
    const principal = caller;
    const attachment = /^[0-9a-f-]{36}$/i.test(id) ? await findReadableAttachment(deps.db, principal.user, id) : null;
    const bytes = attachment ? await services.storage.get(attachment.storageKey) : null;
    if (!attachment || !bytes) return c.json({ error: 'NOT_FOUND', message: 'No such attachment.' }, 404);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': attachment.mimeType,
      'content-length': String(bytes.length),
      'content-disposition': contentDisposition(attachment.fileName),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    });
  });

  /**
   * Knowledge base files and images, to whoever may read their article (api/knowledge/service.ts).
   * Raster images show inline (an article body embeds them by this URL); anything else downloads.
   */
  app.get('/kb/files/:id', async (c) => {
    const id = c.req.param('id');
    const caller = await downloadCaller(c);
    if (caller instanceof Response) return caller;
    const file = /^[0-9a-f-]{36}$/i.test(id) ? await findReadableArticleFile(deps.db, caller.user, id) : null;
    const bytes = file ? await services.storage.get(file.storageKey) : null;
    if (!file || !bytes) return c.json({ error: 'NOT_FOUND', message: 'No such file.' }, 404);
    const inline = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(file.mimeType);
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': file.mimeType,
      'content-length': String(bytes.length),
      'content-disposition': inline ? 'inline' : contentDisposition(file.fileName),
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'; sandbox",
      'cache-control': 'private, no-store',
    });
  });

  /** The push path for inbound mail: the raw message as the body (README, "Inbound mail"). */
  const mailSecret = inboundMailSecret ?? settings.MAIL_INBOUND_SECRET;
  if (mailSecret) {
    const mail = inboundMail ?? createInboundMailServiceFromApp(deps, services, settings);
    app.post('/mail/inbound', inboundMailHandler(mail, { secret: mailSecret, source: 'push', maxBytes: settings.MAIL_MAX_BYTES, logger }));
  }

  /** Single sign-on for browsers: /auth/oidc/start?returnTo=/tickets → provider → /auth/oidc/callback. */
  app.get('/auth/oidc/start', async (c) => {
    const oidc = services.oidc;
    if (!oidc) return c.json({ error: 'NOT_FOUND', message: 'Single sign-on is not configured here.' }, 404);
    const decision = services.limiters.anonymous.take(addressBucket(clientIp(c, config)));
    if (!decision.allowed) return c.json({ error: 'TOO_MANY_REQUESTS', message: `Too many requests: retry in ${decision.retryAfterSeconds} s.` }, 429);
    const returnTo = resolveReturnTo(c.req.query('returnTo'), config.appUrl, services.origins);
    if (!returnTo) return c.json({ error: 'BAD_REQUEST', message: 'returnTo must be a path or a URL on a Deskflow origin.' }, 400);
    try {
      const { url, binding } = await oidc.start(returnTo);
      c.header('set-cookie', bindingCookie(config.publicUrl, binding), { append: true });
      return c.redirect(url.toString(), 302);
    } catch (error) {
      if (error instanceof OidcError) return c.json({ error: error.code, message: error.message }, 503);
      throw error;
    }
  });

  app.get('/auth/oidc/callback', async (c) => {
    const oidc = services.oidc;
    if (!oidc) return c.json({ error: 'NOT_FOUND', message: 'Single sign-on is not configured here.' }, 404);
    // Whatever the outcome, the flow this browser started is over.
    c.header('set-cookie', bindingCookie(config.publicUrl), { append: true });
    const providerError = c.req.query('error');
    if (providerError) return c.json({ error: 'provider_error', message: `The single sign-on provider answered: ${providerError.slice(0, 100)}.` }, 400);
    // openid-client checks the callback against the registered redirect URI, so rebuild it on the public URL.
    const callbackUrl = new URL(`/auth/oidc/callback${new URL(c.req.url).search}`, config.publicUrl);
    try {
      const { user, returnTo } = await oidc.finish(callbackUrl, getCookie(c, OIDC_BINDING_COOKIE));
      const token = generateSessionToken();
      await createSession(deps.db, token, user.id);
      c.header('set-cookie', sessionCookie({ services }, token, Math.floor(SESSION_TTL_MS / 1000)), { append: true });
      c.header('cache-control', 'no-store');
      return c.redirect(returnTo, 302);
    } catch (error) {
      if (!(error instanceof OidcError)) throw error;
      logger.warn({ err: error.cause ?? error, code: error.code }, 'single sign-on failed');
      // Refusals of the person (403), not of the flow (400).
      const forbidden: OidcErrorCode[] = ['account_deactivated', 'email_unverified', 'sign_up_closed', 'sign_up_domain', 'link_refused'];
      const status = error.code === 'provider_unreachable' ? 503 : forbidden.includes(error.code) ? 403 : 400;
      return c.json({ error: error.code, message: error.message }, status);
    }
  });

  /**
   * List-Unsubscribe (RFC 8058): the link in a notification mail turns off that kind's mail for its
   * recipient. GET shows a button (mail scanners follow links; only a POST changes anything); the
   * mail client's one-click POST and the button's both land here. The token is the capability.
   */
  app.get('/mail/unsubscribe', (c) => {
    const token = c.req.query('token') ?? '';
    if (!/^[A-Za-z0-9_-]{16,64}$/.test(token)) return c.html(unsubscribePage('This unsubscribe link is not valid.'), 400);
    return c.html(
      unsubscribePage(
        `<form method="post" action="/mail/unsubscribe?token=${token}"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Stop these mails</button></form><p>You keep seeing these notifications in Deskflow; you can turn their mail back on in your notification preferences.</p>`,
      ),
    );
  });
  app.post('/mail/unsubscribe', limitJson, async (c) => {
    const decision = services.limiters.anonymous.take(addressBucket(clientIp(c, config)));
    if (!decision.allowed) return c.text(`Too many requests: retry in ${decision.retryAfterSeconds} s.`, 429);
    const token = c.req.query('token') ?? '';
    const done = /^[A-Za-z0-9_-]{16,64}$/.test(token) ? await unsubscribeByToken(deps.db, token) : null;
    if (!done) return c.html(unsubscribePage('This unsubscribe link is not valid.'), 404);
    return c.html(unsubscribePage(`Done: no more mail about “${done.kind.replace(/_/g, ' ')}” notifications. You still see them in Deskflow.`));
  });

  // Last: the API's paths above always win over the console's.
  if (web !== false) mountWebConsole(app, { distDir: web?.distDir, roomsUrl: deps.roomsUrl });

  app.notFound((c) => c.json({ error: 'NOT_FOUND', message: 'No such endpoint.' }, 404));
  app.onError((error, c) => {
    logger.error({ err: error }, 'request failed');
    return c.json({ error: 'INTERNAL_SERVER_ERROR', message: 'Something went wrong on our side; it has been logged.' }, 500);
  });
  return app;
}

/** A tRPC-shaped 413 (an error in the output transformer's encoding), so the typed client shows the message. */
function tooLarge(c: HonoContext, message: string) {
  const error = transformer.output.serialize({ message, code: -32600, data: { code: 'PAYLOAD_TOO_LARGE', httpStatus: 413 } }) as unknown;
  // The rest of the body is never read: close the connection so the client does not reuse it.
  return c.json({ error }, 413, { connection: 'close' });
}

/**
 * The client's address: with TRUST_PROXY, the X-Forwarded-For entry our proxies vouch for
 * (counted from the right; what the client wrote itself is on the left); else the peer address.
 */
function clientIp(c: HonoContext, config: ApiConfig): string {
  const forwarded = forwardedClient(c.req.header('x-forwarded-for'), config.trustProxy);
  if (forwarded) return forwarded;
  const incoming = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming;
  return incoming?.socket?.remoteAddress ?? 'unknown';
}

/** How many calls a tRPC request carries (`a,b,c?batch=1`), as tRPC counts them. */
function batchedCalls(requestUrl: string): number {
  const url = new URL(requestUrl);
  if (url.searchParams.get('batch') !== '1') return 1;
  try {
    return decodeURIComponent(url.pathname.slice('/trpc/'.length)).split(',').length;
  } catch {
    return 1; // malformed: tRPC refuses it
  }
}

async function probe(check: () => Promise<void>): Promise<string> {
  try {
    await withTimeout(check(), 2000);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unreachable';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** The unsubscribe endpoint's small page (`body` is trusted markup or plain text of ours). */
function unsubscribePage(body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Deskflow mail</title></head><body>${body.startsWith('<') ? body : `<p>${body}</p>`}</body></html>`;
}

/** The inbound mail service on the API's own dependencies (mailer, storage, rooms). */
export function createInboundMailServiceFromApp(deps: AppDeps, services: ApiServices, settings: DeskflowSettings = deskflowSettings()): InboundMailService {
  return createInboundMailService({
    db: deps.db,
    temporal: deps.temporal,
    taskQueue: deps.taskQueue,
    logger: deps.logger,
    mailer: services.mailer,
    storage: services.storage,
    rooms: services.rooms,
    config: { ...inboundMailConfigFromSettings(settings), attachmentMaxBytes: services.config.attachmentMaxBytes },
  });
}
