/**
 * The web console (web/, built by Vite into web/dist) served at /, after every API route:
 * hashed assets under /assets cached for a year, other files of the build briefly, and for any
 * other GET that asks for HTML (not an API path) the console's index.html, uncached, with a strict
 * Content-Security-Policy (the app router takes it from there). The API's security headers apply
 * as to every response; unknown API paths keep their JSON 404.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveStatic } from '@hono/node-server/serve-static';
import type { Hono, MiddlewareHandler } from 'hono';

export const WEB_DIST_DIR = fileURLToPath(new URL('../web/dist', import.meta.url));

export type WebConsoleOptions = {
  /** The Vite build (default web/dist). */
  distDir?: string;
  /** The rooms' base URL: the console opens WebSockets to it. */
  roomsUrl: string;
};

/** Paths that belong to the API: never answered with the console. */
const API_PATHS = /^\/(trpc|api|auth|attachments|internal|health|ready)(\/|$)/;
/** A file at the top of the build (favicon.svg, robots.txt), not a route. */
const TOP_LEVEL_FILE = /^\/[\w-]+(\.[\w-]+)+$/;

export const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The console's Content-Security-Policy: only its own scripts and styles, the API, and the rooms'
 * WebSockets. The one inline style allowed is React Aria's (its press handling adds a `<style>`
 * element, signed with the nonce it reads from `<meta property="csp-nonce">`), by a nonce made
 * afresh for each page.
 */
export function consoleCsp(roomsUrl: string, styleNonce: string): string {
  const rooms = new URL(roomsUrl);
  const socketOrigin = `${rooms.protocol === 'https:' ? 'wss:' : 'ws:'}//${rooms.host}`;
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${styleNonce}'`,
    `connect-src 'self' ${socketOrigin}`,
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join('; ');
}

export function mountWebConsole(app: Hono, options: WebConsoleOptions) {
  const distDir = options.distDir ?? WEB_DIST_DIR;
  const indexFile = join(distDir, 'index.html');
  // index.html is small and changes only on a rebuild: keep it, and reread it when its mtime moves.
  let index: { mtimeMs: number; html: string } | null = null;
  const readIndex = (): string | null => {
    if (!existsSync(indexFile)) return null;
    const { mtimeMs } = statSync(indexFile);
    if (index?.mtimeMs !== mtimeMs) index = { mtimeMs, html: readFileSync(indexFile, 'utf8') };
    return index.html;
  };

  // Made on first use: serveStatic complains at once about a root that does not exist (not built yet).
  let files: { assets: MiddlewareHandler; topLevel: MiddlewareHandler } | null = null;
  const served = () => files ?? (files = staticFiles());
  const staticFiles = () => {
    // The build writes .br and .gz copies of the scripts and styles (web/vite.config.ts): sent to browsers that accept them.
    const serve = serveStatic({ root: distDir, precompressed: true });
    // The header goes on the file's own response (serveStatic's onFound runs after the response is made); a miss falls through to the 404.
    const cached =
      (cacheControl: string): MiddlewareHandler =>
      async (c, next) => {
        const response = await serve(c, next);
        // A miss returns what next() did (the 404 already in the context), not a file's Response.
        if (response instanceof Response) response.headers.set('cache-control', cacheControl);
        return response;
      };
    return { assets: cached(IMMUTABLE), topLevel: cached('public, max-age=3600') };
  };

  app.on(['GET', 'HEAD'], '*', async (c, next) => {
    const path = c.req.path;
    if (API_PATHS.test(path)) return next();
    const built = existsSync(distDir);
    if (built && path.startsWith('/assets/')) return served().assets(c, next);
    if (built && TOP_LEVEL_FILE.test(path) && path !== '/index.html') return served().topLevel(c, next);
    // Anything else a browser navigates to is one of the console's routes.
    if (!(c.req.header('accept') ?? '').includes('text/html')) return next();
    const page = readIndex();
    if (page === null) return c.text('The web console is not built. `npm start` builds it; or run `npm run build:web`.', 503, { 'cache-control': 'no-store' });
    const nonce = randomBytes(16).toString('base64');
    const signed = page.replace('<head>', `<head>\n    <meta property="csp-nonce" nonce="${nonce}" />`);
    return c.html(signed, 200, { 'cache-control': 'no-cache', 'content-security-policy': consoleCsp(options.roomsUrl, nonce) });
  });
}
