/**
 * The typed client for frontends, scripts and tests (browser or Node):
 *   const deskflow = createDeskflowClient('http://localhost:3000', token);
 *   const ticket = await deskflow.ticket.create.mutate({ title, description });
 * Uploads go as multipart/form-data (FormData with a `file`), streamed answers (`assistant.ask`) as
 * JSON lines (httpBatchStreamLink), everything else batched JSON.
 * In a browser, omit the token to use the session cookie (same origin or an allowed CORS origin).
 */
import { createTRPCClient, httpBatchLink, httpBatchStreamLink, httpLink, isNonJsonSerializable, splitLink } from '@trpc/client';
import { clientTransformer as transformer } from './transformer';
import type { AppRouter } from './router';

export type { AppRouter } from './router';

/** Procedures that answer with a stream (an async iterable of events): they need httpBatchStreamLink. */
export const STREAMED_PROCEDURES: ReadonlySet<string> = new Set(['assistant.ask']);

export type DeskflowClientOptions = {
  /** A fetch to use instead of the global one (e.g. to read response headers such as Server-Timing). */
  fetch?: typeof fetch;
  /**
   * Batch the calls made in the same tick into one request (default true: a page loading several
   * queries at once). A batching client waits one timer tick before it sends (about 1 ms in
   * Node); scripts and services making one call at a time pass false.
   */
  batch?: boolean;
  /** The most calls in one batch: the server's TRPC_MAX_BATCH_SIZE or less (default 25, its default). */
  maxBatchSize?: number;
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
  const single = httpLink({ url: endpoint, transformer, headers, fetch: fetchWithCredentials });
  // Uploads (FormData) cannot be batched: they always go on their own.
  const batching = splitLink({
    condition: (op) => isNonJsonSerializable(op.input),
    true: single,
    false: httpBatchLink({ url: endpoint, transformer, headers, fetch: fetchWithCredentials, maxItems: options.maxBatchSize ?? 25 }),
  });
  // Streams go alone (a batch of one) so a long answer never holds up other calls.
  const streamed = httpBatchStreamLink({ url: endpoint, transformer, headers, fetch: fetchWithCredentials, maxItems: 1 });
  return createTRPCClient<AppRouter>({
    links: [splitLink({ condition: (op) => STREAMED_PROCEDURES.has(op.path), true: streamed, false: options.batch === false ? single : batching })],
  });
}

export type DeskflowClient = ReturnType<typeof createDeskflowClient>;
