/**
 * The page script of test/browser: the typed client imported the way a web app imports it,
 * bundled for the browser by esbuild at test time and put on the page's global object.
 */
import { createDeskflowClient } from 'deskflow/client';

/** What the page offers page.evaluate (the tests compile without the DOM library, hence `document` here). */
export type PageGlobals = {
  createDeskflowClient: typeof createDeskflowClient;
  document: { cookie: string };
};

(globalThis as unknown as Pick<PageGlobals, 'createDeskflowClient'>).createDeskflowClient = createDeskflowClient;
