/**
 * The web console's build (`npm run build:web` → web/dist, served by the API at /) and dev server
 * (`npm run dev:web`: hot reload, the API's paths proxied to API_URL, default http://127.0.0.1:3000).
 */
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { compression } from 'vite-plugin-compression2';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: webRoot,
  plugins: [
    react(),
    tailwindcss(),
    // Brotli and gzip copies beside each script, style sheet and SVG, built once: the API serves them to browsers that accept
    // them (serveStatic's `precompressed`, api/web.ts) instead of compressing per request or sending ~3x the bytes.
    // index.html is left alone: the API signs it with a per-request CSP nonce.
    compression({ algorithms: ['brotliCompress', 'gzip'], include: /\.(js|css|svg)$/, threshold: 1024, skipIfLargerOrEqual: true, logLevel: 'silent' }),
  ],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // The console imports domain/ and realtime/ from the repository root.
    fs: { allow: [repoRoot] },
    proxy: Object.fromEntries(['/trpc', '/api', '/auth', '/attachments', '/kb/files'].map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
