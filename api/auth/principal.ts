/**
 * Who is calling: a session (Bearer token or the HttpOnly cookie) or an API token (Bearer
 * `dfk_…`). Shared by the tRPC procedures, the REST routes and the attachment download.
 */
import type { Db } from '../../db/client';
import type { ApiTokenScope } from '../../db/schema';
import { isApiToken, validateApiToken } from './api-tokens';
import type { PrincipalCache } from './principal-cache';
import { SESSION_COOKIE, sessionIdFromToken, validateSessionToken, type SessionUser } from './session';

export type Credential = { token: string; via: 'bearer' | 'cookie' };

export type Principal =
  | { kind: 'session'; via: 'bearer' | 'cookie'; user: SessionUser; session: { id: string; expiresAt: Date; renewed: boolean } }
  | { kind: 'apiToken'; via: 'bearer'; user: SessionUser; token: { id: string; scopes: ApiTokenScope[] } };

export function credentialFromRequest(req: Request): Credential | null {
  const authorization = req.headers.get('authorization');
  if (authorization?.toLowerCase().startsWith('bearer ')) {
    const token = authorization.slice(7).trim();
    return token ? { token, via: 'bearer' } : null;
  }
  const cookie = req.headers.get('cookie');
  if (!cookie) return null;
  for (const part of cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name !== SESSION_COOKIE) continue;
    try {
      const token = decodeURIComponent(value.join('='));
      return token ? { token, via: 'cookie' } : null;
    } catch {
      return null; // malformed percent-encoding: no credential
    }
  }
  return null;
}

/** Sanity bounds before touching the database: tokens we issue are short base32 strings. */
const plausibleToken = /^[A-Za-z0-9_-]{16,128}$/;

export async function authenticate(db: Db, credential: Credential | null, cache?: PrincipalCache): Promise<Principal | null> {
  if (!credential || !plausibleToken.test(credential.token)) return null;
  // API tokens are for integrations, which send headers; a cookie never carries one.
  if (isApiToken(credential.token) && credential.via !== 'bearer') return null;
  // Keyed by the token's hash (never the token) and how it came, since cookies face the CSRF check.
  const key = `${credential.via}:${sessionIdFromToken(credential.token)}`;
  const cached = cache?.get(key);
  if (cached) return cached;
  let principal: Principal | null = null;
  if (isApiToken(credential.token)) {
    const validated = await validateApiToken(db, credential.token);
    if (validated) principal = { kind: 'apiToken', via: 'bearer', user: validated.user, token: validated.token };
  } else {
    const validated = await validateSessionToken(db, credential.token);
    if (validated) principal = { kind: 'session', via: credential.via, user: validated.user, session: validated.session };
  }
  if (principal) cache?.set(key, principal);
  return principal;
}
