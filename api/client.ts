/**
 * The typed client for frontends, scripts and tests (browser or Node):
 *   const deskflow = createDeskflowClient('http://localhost:3000', token);
 *   const ticket = await deskflow.ticket.create.mutate({ title, description });
 * Uploads go as multipart/form-data (FormData with a `file`), everything else batched JSON.
 * In a browser, omit the token to use the session cookie (same origin or an allowed CORS origin).
 */
import { createTRPCClient, httpBatchLink, httpLink, isNonJsonSerializable, splitLink } from '@trpc/client';
import superjson from 'superjson';
import type { AppRouter } from './router';

export type { AppRouter } from './router';

export type DeskflowClientOptions = {
  /** A fetch to use instead of the global one (e.g. to read response headers such as Server-Timing). */
  fetch?: typeof fetch;
};

export function createDeskflowClient(url: string, token?: string | (() => string | undefined), options: DeskflowClientOptions = {}) {
  const endpoint = `${url.replace(/\/$/, '')}/trpc`;
  const headers = () => {
    const value = typeof token === 'function' ? token() : token;
    return value ? { authorization: `Bearer ${value}` } : {};
  };
  // Browsers send the session cookie cross-origin only when asked to.
  const baseFetch = options.fetch ?? fetch;
  const fetchWithCredentials: typeof fetch = (input, init) => baseFetch(input, { ...init, credentials: 'include' });
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => isNonJsonSerializable(op.input),
        true: httpLink({ url: endpoint, transformer: superjson, headers, fetch: fetchWithCredentials }),
        false: httpBatchLink({ url: endpoint, transformer: superjson, headers, fetch: fetchWithCredentials }),
      }),
    ],
  });
}

export type DeskflowClient = ReturnType<typeof createDeskflowClient>;
