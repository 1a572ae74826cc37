/**
 * The console's data layer: the project's typed client (api/client.ts: its links, transformer and
 * batching) through TanStack Query. The session is the API's HttpOnly cookie, sent same-origin.
 */
import { QueryClient } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { createDeskflowClient, type AppRouter } from '../../api/client';

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type TicketView = RouterOutputs['ticket']['get'];
export type CommentView = RouterOutputs['comment']['list']['comments'][number];
export type Me = RouterOutputs['auth']['me'];

export const trpcClient = createDeskflowClient(window.location.origin);

/** The HTTP status of an API refusal, or null (network failure, or not from the API). */
export function httpStatusOf(error: unknown): number | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data: unknown = error.data;
  return typeof data === 'object' && data !== null && 'httpStatus' in data && typeof data.httpStatus === 'number' ? data.httpStatus : null;
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      // A refusal will not change on retry; an outage might.
      retry: (failures, error) => failures < 2 && (httpStatusOf(error) ?? 500) >= 500,
    },
  },
});

export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });
