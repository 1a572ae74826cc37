/**
 * The API's own settings (security, limits, links, single sign-on), derived from
 * deskflow.config.ts. Tests and embedders pass overrides to createApp.
 */
import type { AiModelSettings, DeskflowSettings } from '../deskflow.config';

export type OidcConfig = { issuer: string; clientId: string; clientSecret: string; displayName: string };

export type ApiConfig = {
  /** The API's public origin, e.g. https://desk.example.com. */
  publicUrl: string;
  /** The web app's origin: password-reset links and the landing page after single sign-on. */
  appUrl: string;
  /** Browser origins allowed by CORS and by the CSRF check, besides publicUrl itself. */
  corsOrigins: string[];
  /** Token bucket per session / API token. */
  rateLimit: { capacity: number; refillPerSecond: number };
  /** Token bucket per client address for unauthenticated calls and failed authentications. */
  anonymousRateLimit: { capacity: number; refillPerSecond: number };
  /** Token bucket per account (lowercased email) for sign-in attempts. */
  signInRateLimit: { capacity: number; refillPerSecond: number };
  /** Proxies of ours in front of the API (0: none; the peer address is the client's). */
  trustProxy: number;
  /** The most calls in one batched tRPC request. */
  trpcMaxBatchSize: number;
  /** Active API tokens one person may hold. */
  apiTokensPerUser: number;
  attachmentMaxBytes: number;
  /** How long a validated session or API token is trusted without asking the database (0: never). */
  principalCacheSeconds: number;
  oidc: OidcConfig | null;
  /** The sentence model's folder, for knowledge base search (semantic half); search is full text only where it is missing. */
  sentenceModelDir: string;
  /** The model provider (AI_BASE_URL…) the answer bot streams grounded answers from, or null: it answers offline (extractive). */
  ai: AiModelSettings | null;
};

export function apiConfigFromSettings(settings: DeskflowSettings): ApiConfig {
  return {
    publicUrl: settings.publicUrl,
    appUrl: settings.appUrl,
    corsOrigins: settings.CORS_ORIGINS,
    rateLimit: { capacity: settings.RATE_LIMIT_CAPACITY, refillPerSecond: settings.RATE_LIMIT_REFILL_PER_SECOND },
    anonymousRateLimit: { capacity: settings.ANON_RATE_LIMIT_CAPACITY, refillPerSecond: settings.ANON_RATE_LIMIT_REFILL_PER_SECOND },
    signInRateLimit: { capacity: settings.SIGN_IN_RATE_LIMIT_CAPACITY, refillPerSecond: settings.SIGN_IN_RATE_LIMIT_REFILL_PER_SECOND },
    trustProxy: settings.TRUST_PROXY,
    trpcMaxBatchSize: settings.TRPC_MAX_BATCH_SIZE,
    apiTokensPerUser: settings.API_TOKENS_PER_USER,
    attachmentMaxBytes: settings.ATTACHMENT_MAX_BYTES,
    principalCacheSeconds: settings.SESSION_CACHE_SECONDS,
    sentenceModelDir: settings.sentenceModelDir,
    ai: settings.ai,
    oidc:
      settings.OIDC_ISSUER && settings.OIDC_CLIENT_ID && settings.OIDC_CLIENT_SECRET
        ? { issuer: settings.OIDC_ISSUER, clientId: settings.OIDC_CLIENT_ID, clientSecret: settings.OIDC_CLIENT_SECRET, displayName: settings.OIDC_DISPLAY_NAME }
        : null,
  };
}
