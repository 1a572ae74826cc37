/**
 * The typed client in a real browser: Debian's headless Chromium (driven by playwright-core)
 * loads a web app from one origin and calls the API on another, the way a frontend deployed
 * beside the API does — CORS with credentials and the HttpOnly, SameSite=Lax session cookie,
 * never a token in script. A third origin, on the same site but not in CORS_ORIGINS, plays a
 * hostile sibling app: the browser attaches the cookie to its requests too, so the API's Origin
 * check must hold.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { build } from 'esbuild';
import { Hono } from 'hono';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../api/auth/session';
import { demo, PASSWORD, startApi, type ApiHarness } from '../api/support';
import type { PageGlobals } from './entry';

/** Debian's package (`apt-get install chromium`; .ci/run installs it). */
const CHROMIUM = '/usr/bin/chromium';

// A 1×1 transparent PNG.
const PNG = [...Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex')];

/** A static web app on its own origin: one page that loads the bundled client. */
async function serveWebApp(script: string) {
  const app = new Hono()
    .get('/', (c) => c.html('<!doctype html><meta charset="utf-8"><title>Deskflow</title><script type="module" src="/entry.js"></script>'))
    .get('/entry.js', (c) => c.body(script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let api: ApiHarness;
let webApp: Awaited<ReturnType<typeof serveWebApp>>;
let otherSite: Awaited<ReturnType<typeof serveWebApp>>;
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (.ci/run does).`);
  const bundle = await build({
    entryPoints: [fileURLToPath(new URL('./entry.ts', import.meta.url))],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0]!.text;
  [webApp, otherSite, browser] = await Promise.all([serveWebApp(script), serveWebApp(script), chromium.launch({ executablePath: CHROMIUM })]);
  // Ticket creation runs the real workflow (Update-With-Start), so the harness brings Temporal.
  api = await startApi({ temporal: true, config: { appUrl: webApp.origin, corsOrigins: [webApp.origin] } });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await Promise.all([webApp?.close(), otherSite?.close()]);
  await api?.stop();
});

/** A fresh browser profile (empty cookie jar) on the given origin's page. */
async function open(origin: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${origin}/`);
  return { context, page };
}

async function signInOnPage(page: Page) {
  return page.evaluate(
    async ({ apiUrl, email, password }) => {
      const { createDeskflowClient } = globalThis as unknown as PageGlobals;
      const { user } = await createDeskflowClient(apiUrl).auth.signIn.mutate({ email, password });
      return user.email;
    },
    { apiUrl: api.url, email: demo.requester, password: PASSWORD },
  );
}

describe('the typed client in a browser on an allowed origin', () => {
  it('signs in, works on the HttpOnly session cookie alone, uploads a file and signs out', async () => {
    const { context, page } = await open(webApp.origin);
    try {
      expect(await signInOnPage(page)).toBe(demo.requester);

      // Cookies are per host, not per port: without HttpOnly this page's scripts would see the session.
      const [cookie] = (await context.cookies(api.url)).filter((c) => c.name === SESSION_COOKIE);
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', secure: false, path: '/' });
      expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).document.cookie)).not.toContain(SESSION_COOKIE);

      const work = await page.evaluate(
        async ({ apiUrl, png }) => {
          const { createDeskflowClient } = globalThis as unknown as PageGlobals;
          const deskflow = createDeskflowClient(apiUrl); // no token: the cookie authenticates
          const me = await deskflow.auth.me.query();
          const ticket = await deskflow.ticket.create.mutate({ title: 'Monitor flickers', description: 'Since the docking station update.', idempotencyKey: crypto.randomUUID() });
          const listed = await deskflow.ticket.list.query({ requesterId: 'me' });
          const form = new FormData();
          form.append('file', new File([new Uint8Array(png)], 'screen shot.png', { type: 'image/png' }));
          form.append('ticketId', ticket.id);
          const uploaded = await deskflow.attachment.upload.mutate(form);
          const attachments = await deskflow.attachment.list.query({ ticketId: ticket.id });
          // Downloads are plain GETs with the same cookie; CORS exposes the file name.
          const download = await fetch(`${apiUrl}/attachments/${uploaded.id}`, { credentials: 'include' });
          return {
            me: { email: me.email, via: me.via },
            ticketId: ticket.id,
            listedIds: listed.items.map((t) => t.id),
            uploaded: { fileName: uploaded.fileName, mimeType: uploaded.mimeType, size: uploaded.size, ticketId: uploaded.ticketId },
            attachmentIds: attachments.map((a) => a.id),
            uploadedId: uploaded.id,
            download: { status: download.status, disposition: download.headers.get('content-disposition'), bytes: [...new Uint8Array(await download.arrayBuffer())] },
          };
        },
        { apiUrl: api.url, png: PNG },
      );
      expect(work.me).toEqual({ email: demo.requester, via: 'session' });
      expect(work.listedIds).toContain(work.ticketId);
      expect(work.uploaded).toEqual({ fileName: 'screen shot.png', mimeType: 'image/png', size: PNG.length, ticketId: work.ticketId });
      expect(work.attachmentIds).toEqual([work.uploadedId]);
      expect(work.download).toEqual({ status: 200, disposition: `attachment; filename="screen shot.png"; filename*=UTF-8''screen%20shot.png`, bytes: PNG });

      const afterSignOut = await page.evaluate(async (apiUrl) => {
        const deskflow = (globalThis as unknown as PageGlobals).createDeskflowClient(apiUrl);
        const { ok } = await deskflow.auth.signOut.mutate();
        const me = await deskflow.auth.me.query().then(
          () => 'OK',
          (error: { data?: { code?: string } }) => error.data?.code,
        );
        return { ok, me };
      }, api.url);
      expect(afterSignOut).toEqual({ ok: true, me: 'UNAUTHORIZED' });
      expect((await context.cookies(api.url)).map((c) => c.name)).not.toContain(SESSION_COOKIE);
    } finally {
      await context.close();
    }
  });
});

describe('a site that is not in CORS_ORIGINS', () => {
  it('cannot read the API, and its cookie-carrying upload is refused by the Origin check', async () => {
    const ticket = await api.insertTicket({ requester: demo.requester, department: 'it' });
    // Signed in on the web app; the hostile page is another origin on the same site (127.0.0.1),
    // so the browser attaches the SameSite=Lax cookie to its requests.
    const { context, page: appPage } = await open(webApp.origin);
    try {
      await signInOnPage(appPage);
      const page = await context.newPage();
      await page.goto(`${otherSite.origin}/`);
      // The API answers without Access-Control-Allow-Origin: the browser hides the response.
      const consoleErrors: string[] = [];
      page.on('console', (message) => void (message.type() === 'error' && consoleErrors.push(message.text())));
      const read = await page.evaluate(async (apiUrl) => {
        const deskflow = (globalThis as unknown as PageGlobals).createDeskflowClient(apiUrl);
        return deskflow.auth.me.query().then(
          (me) => `read ${me.email}`,
          (error: Error) => error.message,
        );
      }, api.url);
      expect(read).toBe('Failed to fetch');
      await expect.poll(() => consoleErrors.join('\n')).toContain(`from origin '${otherSite.origin}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header`);

      // The classic forgery: a multipart form needs no preflight, so the browser posts it with the
      // cookie (a navigation, which Cross-Origin-Resource-Policy does not hide). The API refuses it.
      await page.setContent(
        `<form method="post" enctype="multipart/form-data" action="${api.url}/trpc/attachment.upload"><input type="file" name="file"><input name="ticketId" value="${ticket.id}"><button>Send</button></form>`,
      );
      await page.setInputFiles('input[name=file]', { name: 'payload.png', mimeType: 'image/png', buffer: Buffer.from(PNG) });
      const [forged] = await Promise.all([page.waitForResponse(`${api.url}/trpc/attachment.upload`), page.click('button')]);
      const sent = await forged.request().allHeaders();
      expect(sent['origin']).toBe(otherSite.origin);
      expect(sent['cookie']).toContain(`${SESSION_COOKIE}=`);
      expect(forged.status()).toBe(403);
      expect(await forged.text()).toMatch(/Cross-site request refused/);
      const rita = await api.signIn(demo.requester);
      expect(await rita.api.attachment.list.query({ ticketId: ticket.id })).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
