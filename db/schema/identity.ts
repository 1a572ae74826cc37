import { sql } from 'drizzle-orm';
import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt, timestamptz } from './columns';
import { users } from './org';

export const apiTokenScopes = ['read', 'write', 'admin'] as const;
export type ApiTokenScope = (typeof apiTokenScopes)[number];

/** Tokens for integrations. Only the SHA-256 of the token is stored; `prefix` lets people tell them apart. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    scopes: text('scopes')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    expiresAt: timestamptz('expires_at').notNull(),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('api_tokens_hash_key').on(t.tokenHash), index('api_tokens_user_idx').on(t.userId)],
);

export const emailTokenPurposes = ['password_reset', 'invitation'] as const;
export type EmailTokenPurpose = (typeof emailTokenPurposes)[number];

/** Single-use, expiring links sent by email (password reset, invitation). The id is the SHA-256 of the token. */
export const emailTokens = pgTable(
  'email_tokens',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    purpose: text('purpose', { enum: emailTokenPurposes }).notNull(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
    createdAt: createdAt(),
  },
  (t) => [index('email_tokens_user_idx').on(t.userId, t.purpose)],
);

/** A user's identity at an OpenID provider: (issuer, subject) is stable where the email may not be. */
export const oidcAccounts = pgTable(
  'oidc_accounts',
  {
    issuer: text('issuer').notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ name: 'oidc_accounts_pk', columns: [t.issuer, t.subject] }), index('oidc_accounts_user_idx').on(t.userId)],
);

/**
 * Sign-ins by OpenID Connect under way: PKCE verifier and nonce, keyed by the SHA-256 of `state`,
 * and the SHA-256 of the cookie that binds the flow to the browser that started it.
 */
export const oidcLogins = pgTable('oidc_logins', {
  id: text('id').primaryKey(),
  codeVerifier: text('code_verifier').notNull(),
  nonce: text('nonce').notNull(),
  browserBinding: text('browser_binding').notNull(),
  returnTo: text('return_to').notNull(),
  expiresAt: timestamptz('expires_at').notNull(),
  createdAt: createdAt(),
});

export type ApiToken = typeof apiTokens.$inferSelect;
export type EmailToken = typeof emailTokens.$inferSelect;
export type OidcAccount = typeof oidcAccounts.$inferSelect;
