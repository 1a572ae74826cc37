/**
 * The browser tests' harness: the real stack (startApi with Temporal, the worker and the rooms), the console built by
 * Vite, and Debian's Chromium through playwright-core. Pages record what they say (CSP violations must be none; page
 * errors and failed tRPC calls explain a failed step), axe scans each page, and screenshots land in
 * test-results/screenshots/.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { ensureWebConsoleBuilt } from '../../dev-support/web-console';
import { PASSWORD, startApi, type ApiHarness } from '../api/support';

const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = 'test-results/screenshots';
export const desktop = { width: 1280, height: 800 };
export const phone = { width: 390, height: 844 };

type StorageState = Awaited<ReturnType<BrowserContext['storageState']>>;

export type BrowserHarness = {
  /** The stack under test (set once beforeAll has run). */
  readonly api: ApiHarness;
  /** Content-Security-Policy violations the console caused: there must be none. */
  cspViolations: string[];
  /** What went wrong in pages (console errors, uncaught errors, failed tRPC calls), printed when a step fails. */
  pageErrors: string[];
  newPage(options?: { viewport?: typeof desktop; colorScheme?: 'light' | 'dark'; storageState?: StorageState }): Promise<{ context: BrowserContext; page: Page }>;
  /** axe on the page as it is now: no serious or critical violations. */
  expectAccessible(page: Page, name: string): Promise<void>;
  /** The page in light and dark on desktop scanned with axe; with `photos`, on phones too, and photographed in all four. */
  checkPage(signedIn: BrowserContext, path: string, name: string, ready: (page: Page) => Promise<void>, options?: { photos?: boolean }): Promise<void>;
  signIn(page: Page, email: string): Promise<void>;
  /** Runs a browser step; on failure, a screenshot and what the pages said. */
  step(page: Page, name: string, run: () => Promise<void>): Promise<void>;
};

/** Registers beforeAll/afterAll for the file that calls it. */
export function useBrowserHarness(): BrowserHarness {
  let api: ApiHarness | undefined;
  let browser: Browser | undefined;
  const cspViolations: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install chromium\` (.ci/run does).`);
    const build = await ensureWebConsoleBuilt();
    if (build.kind === 'failed') throw build.error;
    mkdirSync(SCREENSHOTS, { recursive: true });
    [api, browser] = await Promise.all([startApi({ temporal: true, rooms: true }), chromium.launch({ executablePath: CHROMIUM })]);
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await api?.stop();
  });

  const harness: BrowserHarness = {
    get api() {
      if (!api) throw new Error('the browser harness has not started (beforeAll)');
      return api;
    },
    cspViolations,
    pageErrors,
    async newPage(options = {}) {
      const context = await browser!.newContext({ viewport: options.viewport ?? desktop, colorScheme: options.colorScheme ?? 'light', storageState: options.storageState });
      const page = await context.newPage();
      page.on('console', (message) => {
        if (message.type() === 'error' && message.text().includes('Content Security Policy')) cspViolations.push(message.text());
        if (message.type() === 'error') pageErrors.push(message.text());
      });
      page.on('pageerror', (error) => pageErrors.push(error.message));
      page.on('response', (response) => {
        if (response.url().includes('/trpc/') && response.status() >= 400) pageErrors.push(`${response.status()} ${response.request().method()} ${new URL(response.url()).pathname}`);
      });
      return { context, page };
    },
    async expectAccessible(page, name) {
      const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
      const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
      expect(serious, `axe on ${name}`).toEqual([]);
    },
    async checkPage(signedIn, path, name, ready, { photos = false } = {}) {
      const storageState = await signedIn.storageState();
      for (const colorScheme of ['light', 'dark'] as const) {
        for (const [device, viewport] of [
          ['desktop', desktop],
          ['phone', phone],
        ] as const) {
          if (device === 'phone' && !photos) continue;
          const { context, page } = await harness.newPage({ viewport, colorScheme, storageState });
          try {
            await page.goto(`${harness.api.url}${path}`);
            await ready(page);
            await harness.expectAccessible(page, `${name} (${colorScheme}, ${device})`);
            if (photos) await page.screenshot({ path: `${SCREENSHOTS}/${name}-${colorScheme}-${device}.png`, fullPage: true, caret: 'initial' });
          } finally {
            await context.close();
          }
        }
      }
    },
    async signIn(page, email) {
      await page.goto(`${harness.api.url}/`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(PASSWORD);
      await page.getByRole('button', { name: 'Sign in' }).click();
    },
    async step(page, name, run) {
      try {
        await run();
      } catch (error) {
        await page.screenshot({ path: `${SCREENSHOTS}/failure-${name}.png`, fullPage: true }).catch(() => undefined);
        throw new Error(`${String(error)}\npage errors: ${pageErrors.join('\n') || 'none'}\nat ${page.url()}`, { cause: error });
      }
    },
  };
  return harness;
}
