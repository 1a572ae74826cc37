/**
 * The API's router over real HTTP for the lifecycle tests, wired as api/app.ts wires it (same
 * context, procedure factories, error formatter) but without the rest of the app, and with
 * rate limits high enough that the tests are not what gets limited.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { Hono } from 'hono';
import superjson from 'superjson';
import { apiConfigFromSettings } from '../../api/config';
import { appRouter, type AppRouter } from '../../api/router';
import { createContextFactory, createServices, type AppDeps } from '../../api/trpc';
import { deskflowSettings } from '../../deskflow.config';


export async function serveLifecycleApi(deps: AppDeps) {
  const config = {
    ...apiConfigFromSettings(deskflowSettings()),
    rateLimit: { capacity: 10_000, refillPerSecond: 1000 },
    anonymousRateLimit: { capacity: 10_000, refillPerSecond: 1000 },
    principalCacheSeconds: 0,
    ...deps.config,
  };
  const createContext = createContextFactory(deps, createServices(deps, config));
  const app = new Hono();
  app.all('/trpc/*', (c) =>
    fetchRequestHandler({
      endpoint: '/trpc',
      req: c.req.raw,
      router: appRouter,
      createContext: ({ req, resHeaders }) => createContext({ req, resHeaders, clientIp: '127.0.0.1' }),
      onError: ({ error }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') deps.logger.error({ err: error.cause ?? error }, 'procedure failed');
      },
    }),
  );
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = (token?: string) =>
    createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: `${url}/trpc`, transformer: superjson, headers: () => (token ? { authorization: `Bearer ${token}` } : {}) })],
    });
  return {
    url,
    client,
    async signIn(email: string, password: string) {
      const { token, user } = await client().auth.signIn.mutate({ email, password });
      return { token, user, api: client(token) };
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type LifecycleApi = Awaited<ReturnType<typeof serveLifecycleApi>>;
