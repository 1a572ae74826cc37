/**
 * Every Deskflow environment variable except Temporal's (see temporal.config.ts), parsed once
 * with zod. A bad value becomes a ConfigError: one line saying what is wrong and how to fix it.
 */
import { z } from 'zod';
import { defaultSentenceModelDir } from './lib/sentence-model';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** An empty variable (`FOO=`) means "not set", as in most tools. */
export function withoutEmpty(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'value'}: ${issue.message}`;
}

const port = z.coerce.number().int().min(1).max(65535);

const postgresUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
  } catch {
    return false;
  }
}, 'must look like postgres://user:password@host:5432/database');

const origin = z.url().refine((value) => new URL(value).origin === value.replace(/\/$/, ''), 'must be an origin like https://desk.example.com (scheme, host and port only)');
const originList = z
  .string()
  .default('')
  .transform((value) =>
    value
      .split(',')
      .map((part) => part.trim().replace(/\/$/, ''))
      .filter(Boolean),
  )
  .pipe(z.array(origin));
const positive = z.coerce.number().positive();

/** smtp:// or smtps:// with a host (user:password@ and a port optional); nodemailer reads the rest of its options from the query. */
const smtpUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === 'smtp:' || url.protocol === 'smtps:') && url.hostname !== '';
  } catch {
    return false;
  }
}, 'must look like smtp://user:password@mail.example.com:587 or smtps://mail.example.com:465 (or unset it: npm start then runs Mailpit)');

/** Published in the README: fine for the embedded database on one's own machine, never for DATABASE_URL. */
export const DEFAULT_DEMO_PASSWORD = 'deskflow-demo';

const DeskflowEnv = z.object({
  DATABASE_URL: postgresUrl.optional(),
  /** host:port of Neon's WebSocket proxy in front of a plain PostgreSQL (local or self-hosted). */
  NEON_WS_PROXY: z
    .string()
    .regex(/^[^\s/]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:6543')
    .optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  /** The converted sentence model for semantic search; default: the cache folder `npm run provision` fills. */
  SENTENCE_MODEL_DIR: z.string().min(1).optional(),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** The internal listener (/internal/*, for the rooms): loopback by default, never the public port. */
  INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  INTERNAL_PORT: port.default(3001),
  /** Where the rooms reach the internal listener. */
  API_INTERNAL_URL: z.url().optional(),
  ROOMS_PORT: port.default(1999),
  /** Public base URL of the rooms worker (what clients connect to). */
  ROOMS_URL: z.url().optional(),
  ROOM_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  INTERNAL_API_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default(DEFAULT_DEMO_PASSWORD),
  /** auto: the demo organisation into an empty embedded (PGlite) database only; always: also into DATABASE_URL. */
  SEED_DEMO: z.enum(['auto', 'always', 'never']).default('auto'),
  /** Tickets of ~90 days of settled history seeded with the demo organisation, for the reports (0: none). */
  DEMO_HISTORY_TICKETS: z.coerce.number().int().min(0).max(100_000).default(3000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The API's public origin: links in mail, the OIDC redirect, the CSRF check's own origin. */
  PUBLIC_URL: origin.optional(),
  /** Where people land: the web app's origin, for password-reset links and after single sign-on. */
  APP_URL: origin.optional(),
  /** Browser origins (comma-separated) allowed to call the API with CORS and cookies. */
  CORS_ORIGINS: originList,
  /** Token bucket per session or API token: burst size and tokens added per second. */
  RATE_LIMIT_CAPACITY: positive.default(120),
  RATE_LIMIT_REFILL_PER_SECOND: positive.default(2),
  /** Token bucket per client address for unauthenticated calls (sign-in, sign-up, password reset). */
  ANON_RATE_LIMIT_CAPACITY: positive.default(20),
  ANON_RATE_LIMIT_REFILL_PER_SECOND: positive.default(0.2),
  /** Sign-in attempts per account (lowercased email), on top of the per-address bucket. */
  SIGN_IN_RATE_LIMIT_CAPACITY: positive.default(10),
  SIGN_IN_RATE_LIMIT_REFILL_PER_SECOND: positive.default(0.02),
  /**
   * How many proxies of yours stand in front of the API; the client address is then taken from
   * X-Forwarded-For that many entries from the right. false/0: none; true: one (as before).
   */
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2})$/, 'must be true, false, or how many proxies of yours stand in front of the API (e.g. 2)')
    .transform((value) => (value === 'true' ? 1 : value === 'false' ? 0 : Number(value)))
    .default(0),
  /** The most calls one batched tRPC request may carry (the typed client splits larger batches). */
  TRPC_MAX_BATCH_SIZE: z.coerce.number().int().min(1).max(1000).default(25),
  /** Active (unrevoked, unexpired) API tokens one person may hold. */
  API_TOKENS_PER_USER: z.coerce.number().int().min(1).max(1000).default(20),
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024)
    .default(10 * 1024 * 1024),
  /** Seconds a validated session or API token is trusted without a database round trip (0 = never). */
  SESSION_CACHE_SECONDS: z.coerce.number().int().min(0).max(300).default(10),
  /** Single sign-on with OpenID Connect: issuer URL, client id and secret (all three, or none). */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_DISPLAY_NAME: z.string().min(1).max(60).default('Single sign-on'),
  /** Where mail goes; unset: npm start runs Mailpit on loopback and sends there. */
  SMTP_URL: smtpUrl.optional(),
  /** The sender of every mail; replies about a ticket go to its plus address (support+t1234@…). */
  MAIL_FROM: z.email('must be an email address, e.g. support@desk.example.com').default('support@deskflow.localhost'),
  MAIL_FROM_NAME: z.string().trim().min(1).max(80).default('Deskflow'),
  /**
   * Inbound mail from IMAP mailboxes (comma-separated): imaps://user:password@imap.example.com:993/INBOX,
   * user and password percent-encoded. Each mailbox is watched by a Temporal workflow of its own.
   */
  MAIL_IMAP_URL: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const mailboxes: ImapMailboxSettings[] = [];
      for (const part of (value ?? '')
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean)) {
        const parsed = parseImapUrl(part);
        if (typeof parsed === 'string') {
          ctx.addIssue({ code: 'custom', message: parsed });
          return z.NEVER;
        }
        mailboxes.push(parsed);
      }
      return mailboxes;
    }),
  /** Seconds one IDLE wait of a mailbox lasts before its activity reports back (it heartbeats meanwhile). */
  MAIL_IMAP_WAIT_SECONDS: z.coerce.number().int().min(1).max(600).default(60),
  /** Bearer secret of the push endpoint POST /mail/inbound (raw RFC 822 body); unset: the endpoint is off. */
  MAIL_INBOUND_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  /** Sender domains (comma-separated) whose unknown senders get a requester account by mail; others are refused. */
  MAIL_ALLOWED_DOMAINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((part) => part.trim().toLowerCase().replace(/^@/, ''))
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^[a-z0-9.-]+\.[a-z]{2,}$/, 'must be domains like example.com, comma-separated'))),
  /** Largest inbound mail accepted, in bytes; larger ones are stored as failures. */
  MAIL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1024 * 1024 * 1024)
    .default(25 * 1024 * 1024),
  /** Inbound mails one sender may send per hour before the rest are ignored as a loop. */
  MAIL_SENDER_RATE_PER_HOUR: z.coerce.number().int().min(1).max(100_000).default(30),
  /**
   * An OpenAI-compatible chat-completions endpoint (…/v1) for the AI features; unset: everything runs
   * offline (the shipped model, rules and templates).
   */
  AI_BASE_URL: z
    .string()
    .refine((value) => {
      try {
        return /^https?:$/.test(new URL(value).protocol);
      } catch {
        return false;
      }
    }, "must be the endpoint's http:// or https:// base URL, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1")
    .optional(),
  /** Sent as `Authorization: Bearer …`; local servers often need none. */
  AI_API_KEY: z.string().min(1).optional(),
  /** The model name the endpoint knows, e.g. gpt-4o-mini or llama3.1:8b. */
  AI_MODEL: z.string().trim().min(1).max(200).optional(),
  /** Milliseconds one model call may take before it is abandoned (the offline path then answers). */
  AI_TIMEOUT_MS: z.coerce.number().int().min(500, 'must be at least 500 (milliseconds)').max(120_000, 'must be at most 120000 (two minutes)').default(20_000),
});

export type ImapMailboxSettings = {
  /** user@host:port/folder: the mailbox's name in workflow ids and the inbound_mail table (no password). */
  key: string;
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  folder: string;
};

const IMAP_URL_EXAMPLE = 'imaps://user:password@imap.example.com:993/INBOX';

/** One MAIL_IMAP_URL entry, or what is wrong with it. */
export function parseImapUrl(value: string): ImapMailboxSettings | string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `must look like ${IMAP_URL_EXAMPLE}`;
  }
  if (url.protocol !== 'imap:' && url.protocol !== 'imaps:') return `must start with imaps:// (TLS) or imap:// (STARTTLS when offered), like ${IMAP_URL_EXAMPLE}`;
  if (!url.hostname) return `has no host: ${IMAP_URL_EXAMPLE}`;
  if (!url.username || !url.password) return `needs a user and a password (percent-encoded): ${IMAP_URL_EXAMPLE}`;
  if (url.search || url.hash) return `takes no ?query or #fragment: ${IMAP_URL_EXAMPLE}`;
  let user: string, password: string, folder: string;
  try {
    user = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
    folder = decodeURIComponent(url.pathname.replace(/^\//, '')) || 'INBOX';
  } catch {
    return 'has a malformed percent-encoding in its user, password or folder';
  }
  const secure = url.protocol === 'imaps:';
  const port = url.port ? Number(url.port) : secure ? 993 : 143;
  return { key: `${user}@${url.hostname}:${port}/${folder}`, host: url.hostname, port, secure, user, password, folder };
}

/** The model endpoint of the AI features (AI_BASE_URL, AI_API_KEY, AI_MODEL, AI_TIMEOUT_MS), or null: offline. */
export type AiModelSettings = { baseUrl: string; apiKey: string | null; model: string; timeoutMs: number };

export type DeskflowSettings = z.infer<typeof DeskflowEnv> & {
  ai: AiModelSettings | null;
  publicUrl: string;
  appUrl: string;
  apiInternalUrl: string;
  roomsUrl: string;
  sentenceModelDir: string;
};

export function deskflowSettings(env: NodeJS.ProcessEnv = process.env): DeskflowSettings {
  const parsed = DeskflowEnv.safeParse(withoutEmpty(env));
  if (!parsed.success) throw new ConfigError(firstIssue(parsed.error));
  const e = parsed.data;
  const oidcVars = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter((value) => value !== undefined).length;
  if (oidcVars !== 0 && oidcVars !== 3) throw new ConfigError('OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together (or none of them, to turn single sign-on off)');
  if (e.DATABASE_URL && e.SEED_DEMO === 'always' && e.DEMO_PASSWORD === DEFAULT_DEMO_PASSWORD) {
    throw new ConfigError(`DEMO_PASSWORD: the default demo password is public; set DEMO_PASSWORD to one of your own to seed the demo organisation into DATABASE_URL (or unset SEED_DEMO=always)`);
  }
  if (e.INTERNAL_PORT === e.API_PORT) throw new ConfigError(`INTERNAL_PORT: must differ from API_PORT (${e.API_PORT}): the internal endpoints have a listener of their own`);
  if (!e.AI_BASE_URL && (e.AI_MODEL || e.AI_API_KEY))
    throw new ConfigError('AI_BASE_URL: not set, but AI_MODEL or AI_API_KEY is: set AI_BASE_URL to the OpenAI-compatible endpoint (or unset them to stay offline)');
  if (e.AI_BASE_URL && !e.AI_MODEL) throw new ConfigError('AI_MODEL: must be set with AI_BASE_URL, to the model name the endpoint serves (e.g. gpt-4o-mini)');
  const publicUrl = e.PUBLIC_URL ?? `http://${e.API_HOST}:${e.API_PORT}`;
  return {
    ...e,
    ai: e.AI_BASE_URL && e.AI_MODEL ? { baseUrl: e.AI_BASE_URL.replace(/\/$/, ''), apiKey: e.AI_API_KEY ?? null, model: e.AI_MODEL, timeoutMs: e.AI_TIMEOUT_MS } : null,
    publicUrl,
    appUrl: e.APP_URL ?? publicUrl,
    apiInternalUrl: e.API_INTERNAL_URL ?? `http://${urlHost(e.INTERNAL_HOST)}:${e.INTERNAL_PORT}`,
    roomsUrl: e.ROOMS_URL ?? `http://127.0.0.1:${e.ROOMS_PORT}`,
    sentenceModelDir: e.SENTENCE_MODEL_DIR ?? defaultSentenceModelDir(env),
  };
}

/** A listen address as a URL host: a wildcard means "this machine", an IPv6 literal gets brackets. */
function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
