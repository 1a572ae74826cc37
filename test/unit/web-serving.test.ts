/**
 * How the API serves the console's build (api/web.ts), on a stand-in build: hashed assets cached
 * for good, index.html for the console's routes with a strict CSP and no caching, and the API's
 * paths left alone (their JSON 404 stays).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, brotliDecompressSync, gunzipSync, gzipSync } from 'node:zlib';
import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { consoleCsp, IMMUTABLE, mountWebConsole } from '../../api/web';

const dist = mkdtempSync(join(tmpdir(), 'deskflow-web-'));
mkdirSync(join(dist, 'assets'));
writeFileSync(join(dist, 'index.html'), '<!doctype html><html><head><title>Deskflow</title><script type="module" src="/assets/index-abc123.js"></script></head><body></body></html>');
writeFileSync(join(dist, 'assets', 'index-abc123.js'), 'console.log(1);');
// The build's precompressed copies (web/vite.config.ts) of a larger script.
const bigScript = `export const words = ${JSON.stringify(Array.from({ length: 400 }, (_, i) => `word-${i}`))};`;
writeFileSync(join(dist, 'assets', 'big-def456.js'), bigScript);
writeFileSync(join(dist, 'assets', 'big-def456.js.br'), brotliCompressSync(bigScript));
writeFileSync(join(dist, 'assets', 'big-def456.js.gz'), gzipSync(bigScript));
writeFileSync(join(dist, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
afterAll(() => rmSync(dist, { recursive: true, force: true }));

function app(distDir = dist) {
  const hono = new Hono();
  hono.get('/trpc/known', (c) => c.json({ ok: true }));
  mountWebConsole(hono, { distDir, roomsUrl: 'https://rooms.example.org' });
  hono.notFound((c) => c.json({ error: 'NOT_FOUND' }, 404));
  return hono;
}

const html = { accept: 'text/html,application/xhtml+xml' };

describe('the console as the API serves it', () => {
  it('answers the console routes with index.html, uncached, under a strict CSP', async () => {
    const nonces = new Set<string>();
    for (const path of ['/', '/tickets', '/tickets/0f6c1bd4-3f0e-4d7c-9a43-1f1f0e6f7c2a', '/reset-password?token=abc']) {
      const response = await app().request(path, { headers: html });
      expect(response.status, path).toBe(200);
      const page = await response.text();
      expect(page).toContain('<title>Deskflow</title>');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      // A fresh nonce per page, in the policy and in the meta tag React Aria reads it from.
      const nonce = /<meta property="csp-nonce" nonce="([A-Za-z0-9+/=]{24})" \/>/.exec(page)?.[1];
      expect(nonce, path).toBeDefined();
      nonces.add(nonce!);
      expect(response.headers.get('content-security-policy')).toBe(consoleCsp('https://rooms.example.org', nonce!));
    }
    expect(nonces.size).toBe(4);
    expect(consoleCsp('https://rooms.example.org', 'N0nce')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-N0nce'; connect-src 'self' wss://rooms.example.org; img-src 'self' data: blob:; font-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    );
  });

  it('caches hashed assets for a year and other files for an hour', async () => {
    const asset = await app().request('/assets/index-abc123.js');
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe(IMMUTABLE);
    expect(await asset.text()).toBe('console.log(1);');
    const icon = await app().request('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('cache-control')).toBe('public, max-age=3600');
  });

  it("sends the build's brotli or gzip copy to a browser that accepts it, and the plain file to one that does not", async () => {
    const brotli = await app().request('/assets/big-def456.js', { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
    expect(brotli.status).toBe(200);
    expect(brotli.headers.get('content-encoding')).toBe('br');
    expect(brotli.headers.get('vary')).toContain('Accept-Encoding');
    expect(brotli.headers.get('content-type')).toContain('javascript');
    expect(brotli.headers.get('cache-control')).toBe(IMMUTABLE);
    const brotliBytes = Buffer.from(await brotli.arrayBuffer());
    expect(brotliBytes.length).toBeLessThan(bigScript.length / 3);
    expect(brotliDecompressSync(brotliBytes).toString()).toBe(bigScript);

    const gzip = await app().request('/assets/big-def456.js', { headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).toString()).toBe(bigScript);

    const plain = await app().request('/assets/big-def456.js');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(bigScript);
    // A file the build left uncompressed (too small to gain) is sent as it is.
    const small = await app().request('/assets/index-abc123.js', { headers: { 'accept-encoding': 'br, gzip' } });
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.text()).toBe('console.log(1);');
  });

  it('leaves the API and missing files to the JSON 404', async () => {
    for (const path of ['/trpc/unknown', '/api/unknown', '/auth/unknown', '/internal/rooms', '/assets/missing.js', '/missing.png']) {
      const response = await app().request(path, { headers: html });
      expect(response.status, path).toBe(404);
      expect(await response.json()).toEqual({ error: 'NOT_FOUND' });
      expect(response.headers.get('cache-control'), path).toBeNull();
    }
    expect(await (await app().request('/trpc/known', { headers: html })).json()).toEqual({ ok: true });
    // Not a browser asking for a page: a script gets the JSON 404.
    expect((await app().request('/tickets', { headers: { accept: 'application/json' } })).status).toBe(404);
  });

  it('says so when the console is not built', async () => {
    const response = await app(join(dist, 'nothing-here')).request('/', { headers: html });
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('npm run build:web');
  });
});
