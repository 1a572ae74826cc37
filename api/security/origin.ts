/** CSRF protection for cookie-authenticated calls, by the Origin header (OWASP's recommended check). */

export function allowedOrigins(publicUrl: string, corsOrigins: readonly string[]): Set<string> {
  return new Set([new URL(publicUrl).origin, ...corsOrigins]);
}

/**
 * A state-changing call authenticated by cookie must come from one of our own origins. Browsers
 * always send Origin on cross-site POSTs; a request without Origin or Referer is refused too,
 * because a cookie-carrying client that hides both cannot be told apart from a forged one.
 */
export function sameOriginRequest(req: Request, allowed: Set<string>): boolean {
  // The request's own origin (from its Host) is ours too: a forged request carries the attacker's Origin.
  const own = new URL(req.url).origin;
  const ok = (origin: string) => origin === own || allowed.has(origin);
  const origin = req.headers.get('origin');
  if (origin) return ok(origin);
  const referer = req.headers.get('referer');
  if (!referer) return false;
  try {
    return ok(new URL(referer).origin);
  } catch {
    return false;
  }
}
