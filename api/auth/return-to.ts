/** Where to send a browser after sign-in: a path on the app, or a URL on one of our own origins (no open redirects). */
export function resolveReturnTo(requested: string | undefined, appUrl: string, origins: Set<string>): string | null {
  if (!requested) return new URL('/', appUrl).toString();
  if (requested.startsWith('/') && !requested.startsWith('//') && !requested.startsWith('/\\')) return new URL(requested, appUrl).toString();
  try {
    const url = new URL(requested);
    return origins.has(url.origin) || url.origin === new URL(appUrl).origin ? url.toString() : null;
  } catch {
    return null;
  }
}
