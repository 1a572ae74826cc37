/**
 * The typed client for frontends, scripts and tests:
 *   const deskflow = createDeskflowClient('http://localhost:3000', token);
 *   const ticket = await deskflow.ticket.create.mutate({ title, description });
 */
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from './router';

export type { AppRouter } from './router';

export function createDeskflowClient(url: string, token?: string | (() => string | undefined)) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${url.replace(/\/$/, '')}/trpc`,
        transformer: superjson,
        headers() {
          const value = typeof token === 'function' ? token() : token;
          return value ? { authorization: `Bearer ${value}` } : {};
        },
      }),
    ],
  });
}

export type DeskflowClient = ReturnType<typeof createDeskflowClient>;
