/**
 * Single sign-on with OpenID Connect (authorization code + PKCE, openid-client). A user is
 * found by their (issuer, subject) link, else matched by verified email and linked (a supervisor
 * or administrator only when the settings allow it), else provisioned as a requester when
 * sign-up is open to their address. Flows under way are kept in Postgres (single use, 10 minutes),
 * so any API instance can finish a flow another one started; each is bound to the browser that
 * started it by a cookie, so a callback URL opened elsewhere signs nobody in.
 */
import { and, eq, gt, sql } from 'drizzle-orm';
import * as client from 'openid-client';
import type { Db } from '../../db/client';
import { oidcAccounts, oidcLogins, users, type User } from '../../db/schema';
import { recordAdminAction } from '../admin/audit/service';
import { getSettings, signUpDomainAllowed } from '../admin/settings/service';
import type { OidcConfig } from '../config';
import { hashToken, randomToken } from './tokens';

const FLOW_TTL_MS = 10 * 60 * 1000;
/** Carries the flow's browser binding; sent only to the callback. */
export const OIDC_BINDING_COOKIE = 'deskflow_oidc';
const BINDING_COOKIE_PATH = '/auth/oidc/callback';
const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]']);

export type OidcErrorCode =
  'flow_expired' | 'browser_mismatch' | 'provider_error' | 'provider_unreachable' | 'email_unverified' | 'account_deactivated' | 'sign_up_closed' | 'sign_up_domain' | 'link_refused';

export class OidcError extends Error {
  override name = 'OidcError';
  constructor(
    readonly code: OidcErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export type OidcService = {
  displayName: string;
  /**
   * The provider's authorization URL for a new flow that ends at `returnTo`, and the value of the
   * binding cookie (`bindingCookie`) to set in the browser that goes there.
   */
  start(returnTo: string): Promise<{ url: URL; binding: string }>;
  /** Completes a flow from the URL the provider redirected to and the browser's binding cookie; returns the signed-in user. */
  finish(callbackUrl: URL, binding: string | undefined): Promise<{ user: User; returnTo: string }>;
};

/** Set-Cookie for the browser binding (an empty value and no max age clear it). */
export function bindingCookie(publicUrl: string, binding = '', maxAgeSeconds = binding ? FLOW_TTL_MS / 1000 : 0): string {
  const secure = new URL(publicUrl).protocol === 'https:' ? '; Secure' : '';
  return `${OIDC_BINDING_COOKIE}=${binding}; HttpOnly; SameSite=Lax; Path=${BINDING_COOKIE_PATH}; Max-Age=${maxAgeSeconds}${secure}`;
}

export function createOidcService(deps: { db: Db; config: OidcConfig; publicUrl: string }): OidcService {
  const { db, config } = deps;
  const redirectUri = new URL('/auth/oidc/callback', deps.publicUrl).toString();
  let discovered: Promise<client.Configuration> | undefined;

  function configuration(): Promise<client.Configuration> {
    discovered ??= (async () => {
      const issuer = new URL(config.issuer);
      // Plain HTTP only for a provider on this machine (development and tests).
      const insecure = issuer.protocol === 'http:' && loopbackHosts.has(issuer.hostname);
      return client.discovery(issuer, config.clientId, config.clientSecret, undefined, insecure ? { execute: [client.allowInsecureRequests] } : undefined);
    })().catch((error: unknown) => {
      discovered = undefined; // try again on the next sign-in
      throw new OidcError('provider_unreachable', `The single sign-on provider at ${config.issuer} cannot be reached; try again shortly.`, { cause: error });
    });
    return discovered;
  }

  return {
    displayName: config.displayName,

    async start(returnTo) {
      const settings = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const binding = randomToken(32);
      await db.delete(oidcLogins).where(sql`${oidcLogins.expiresAt} < now()`);
      await db.insert(oidcLogins).values({ id: hashToken(state), codeVerifier, nonce, browserBinding: hashToken(binding), returnTo, expiresAt: new Date(Date.now() + FLOW_TTL_MS) });
      const url = client.buildAuthorizationUrl(settings, {
        redirect_uri: redirectUri,
        scope: 'openid email profile',
        response_type: 'code',
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url, binding };
    },

    async finish(callbackUrl, binding) {
      const state = callbackUrl.searchParams.get('state');
      if (!state || state.length > 512) throw new OidcError('flow_expired', 'This sign-in link is incomplete or was already used; start signing in again.');
      const live = and(eq(oidcLogins.id, hashToken(state)), gt(oidcLogins.expiresAt, new Date()));
      // A browser that did not start the flow leaves it in place for the one that did.
      const [flow] =
        binding && binding.length <= 128
          ? await db
              .delete(oidcLogins)
              .where(and(live, eq(oidcLogins.browserBinding, hashToken(binding))))
              .returning()
          : [];
      if (!flow) {
        const [elsewhere] = await db.select({ id: oidcLogins.id }).from(oidcLogins).where(live);
        if (elsewhere || !binding) throw new OidcError('browser_mismatch', 'This sign-in was started in another browser (or this browser did not keep its cookie); start signing in again here.');
        throw new OidcError('flow_expired', 'This sign-in took too long or was already completed; start signing in again.');
      }
      const settings = await configuration();

      let claims: { sub: string; email?: unknown; email_verified?: unknown; name?: unknown };
      try {
        const tokens = await client.authorizationCodeGrant(settings, callbackUrl, { pkceCodeVerifier: flow.codeVerifier, expectedState: state, expectedNonce: flow.nonce, idTokenExpected: true });
        claims = tokens.claims()!;
        if (typeof claims.email !== 'string') claims = await client.fetchUserInfo(settings, tokens.access_token, claims.sub);
      } catch (error) {
        throw new OidcError('provider_error', 'The single sign-on provider refused the sign-in or answered with something invalid; start signing in again.', { cause: error });
      }
      const issuer = settings.serverMetadata().issuer;
      const user = await findOrProvision(db, issuer, claims);
      if (!user.active) throw new OidcError('account_deactivated', 'This account is deactivated; ask an administrator.');
      return { user, returnTo: flow.returnTo };
    },
  };
}

async function findOrProvision(db: Db, issuer: string, claims: { sub: string; email?: unknown; email_verified?: unknown; name?: unknown }): Promise<User> {
  const [linked] = await db
    .select({ user: users })
    .from(oidcAccounts)
    .innerJoin(users, eq(users.id, oidcAccounts.userId))
    .where(and(eq(oidcAccounts.issuer, issuer), eq(oidcAccounts.subject, claims.sub)));
  if (linked) return linked.user;

  // Matching by email is only safe when the provider vouches for it.
  if (typeof claims.email !== 'string' || claims.email_verified !== true) {
    throw new OidcError('email_unverified', 'Your single sign-on account has no verified email address, so it cannot be matched to a Deskflow account.');
  }
  const email = claims.email.trim().toLowerCase();
  const settings = await getSettings(db);
  return db.transaction(async (tx) => {
    const [existing] = await tx
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email));
    // Whoever controls an address at the provider would otherwise inherit these rights.
    if (existing && (existing.role === 'admin' || existing.role === 'supervisor') && !settings.oidcLinkPrivileged) {
      throw new OidcError(
        'link_refused',
        `${email} has supervisor or administrator rights, so single sign-on does not take it over by email; sign in with your password, or ask an administrator to allow linking such accounts.`,
      );
    }
    let user = existing;
    if (!user) {
      if (!settings.signUpEnabled) throw new OidcError('sign_up_closed', `There is no Deskflow account for ${email}, and sign-up is turned off here; ask an administrator for an invitation.`);
      if (!signUpDomainAllowed(settings, email))
        throw new OidcError('sign_up_domain', `There is no Deskflow account for ${email}, and sign-up is open to addresses at ${settings.signUpDomains.join(', ')} only.`);
      const name = typeof claims.name === 'string' && claims.name.trim() ? claims.name.trim().slice(0, 120) : email.split('@')[0]!;
      [user] = await tx.insert(users).values({ email, name, role: 'requester' }).returning();
      await recordAdminAction(tx, { actorId: null, action: 'user.provisioned', targetType: 'user', targetId: user!.id, details: { by: 'oidc', issuer, email } });
    }
    await tx.insert(oidcAccounts).values({ issuer, subject: claims.sub, userId: user!.id, email }).onConflictDoNothing();
    return user!;
  });
}
