/**
 * The web console's build (`npm run build:web` → web/dist, served by the API at /) and dev server
 * (`npm run dev:web`: hot reload, the API's paths proxied to API_URL, default http://127.0.0.1:3000).
 */
import { fileURLToPath } from 'node:url';
import tailwindcss from '@tailwindcss/vite';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const api = process.env.API_URL ?? 'http://127.0.0.1:3000';

export default defineConfig({
  root: webRoot,
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: true },
  server: {
    host: '127.0.0.1',
    port: 5173,
    // The console imports domain/ and realtime/ from the repository root.
    fs: { allow: [repoRoot] },
    proxy: Object.fromEntries(['/trpc', '/api', '/auth', '/attachments', '/kb/files'].map((path) => [path, { target: api, changeOrigin: false }])),
  },
});
