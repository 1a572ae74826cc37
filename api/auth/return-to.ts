/** Control characters (C0, DEL): URL parsers drop tabs and newlines, so `/\t/evil` becomes `//evil`. */
// eslint-disable-next-line no-control-regex
const controlCharacters = /[\u0000-\u001f\u007f]/;
/** A path (one slash, not two, not a backslash) or a full http(s) URL; anything else is refused unparsed. */
const acceptedForm = /^(\/(?![/\\])|https?:\/\/)/i;
const MAX_LENGTH = 2000;

/**
 * Where to send a browser after sign-in: a path on the app, or a URL on one of our own origins
 * (no open redirects). Parsed against the app URL; the answer is the parsed URL, never the raw
 * string, so what we check is what the browser gets.
 */
export function resolveReturnTo(requested: string | undefined, appUrl: string, origins: Set<string>): string | null {
  if (!requested) return new URL('/', appUrl).toString();
  if (requested.length > MAX_LENGTH || controlCharacters.test(requested) || requested.trim() !== requested || !acceptedForm.test(requested)) return null;
  let url: URL;
  try {
    url = new URL(requested, appUrl);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password) return null;
  if (url.origin !== new URL(appUrl).origin && !origins.has(url.origin)) return null;
  // An app that routes by the path alone would read `//evil.example` as another host.
  if (url.pathname.startsWith('//')) return null;
  return url.toString();
}
