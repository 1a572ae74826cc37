/**
 * The API as a standard fetch handler (Hono): tRPC at /trpc, liveness and readiness probes,
 * and the internal endpoints rooms and workers use. Served on Node by api/server.ts.
 */
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { appRouter } from './router';
import { createContextFactory, type AppDeps } from './trpc';

export type AppOptions = AppDeps & {
  /** Mounted at /internal: endpoints for rooms and workers, guarded by their own shared secret. */
  internal?: Hono;
  ping: () => Promise<void>;
};

export function createApp(options: AppOptions) {
  const { internal, ping, ...deps } = options;
  const createContext = createContextFactory(deps);
  const app = new Hono();

  app.use(secureHeaders());

  app.get('/health', (c) => c.json({ status: 'ok' }));

  app.get('/ready', async (c) => {
    const [database, temporal] = await Promise.all([
      probe(ping),
      probe(async () => void (await deps.temporal.workflowService.getSystemInfo({}))),
    ]);
    const ready = database === 'ok' && temporal === 'ok';
    return c.json({ status: ready ? 'ready' : 'unavailable', database, temporal }, ready ? 200 : 503);
  });

  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext,
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    }),
  );

  if (internal) app.route('/internal', internal);

  app.notFound((c) => c.json({ error: 'not found' }, 404));
  app.onError((error, c) => {
    deps.logger.error({ err: error }, 'request failed');
    return c.json({ error: 'internal error' }, 500);
  });
  return app;
}

async function probe(check: () => Promise<void>): Promise<string> {
  try {
    await withTimeout(check(), 2000);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message.split('\n')[0]!.slice(0, 200) : 'unreachable';
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
