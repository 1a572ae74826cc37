/**
 * The console's routes, in code (no codegen): typed params and zod-validated search params here,
 * each page's component loaded on first visit (route-level code splitting, pages/*.tsx).
 */
import { createRootRoute, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
// zod/mini: the same schemas at a fraction of the size on the first page (the full zod loads with the ticket page).
import { z } from 'zod/mini';
import { ticketStatuses } from '../../domain/vocabulary';
import { NotFound } from './components/not-found';
import { queueViews } from './lib/queue-views';
import { httpStatusOf, queryClient, trpc } from './trpc';

/** Only paths on this origin: never send people elsewhere after signing in. */
const ZReturnTo = z.catch(z.optional(z.string().check(z.regex(/^\/(?!\/)/))), undefined);

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFound });

const signInRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sign-in', validateSearch: z.object({ returnTo: ZReturnTo }) }).lazy(() => import('./pages/sign-in').then((m) => m.Route));

/** The link in password-reset and invitation mails (api/auth/email-tokens.ts emailTokenLink); without a token, asks for one. */
const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: z.object({ token: z.catch(z.optional(z.string().check(z.maxLength(128))), undefined) }),
}).lazy(() => import('./pages/reset-password').then((m) => m.Route));

/** Everything below needs a session: whoever has none goes to sign in, and comes back here after. */
const authedRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: '_authed',
  beforeLoad: async ({ location }) => {
    try {
      return { me: await queryClient.ensureQueryData(trpc.auth.me.queryOptions()) };
    } catch (error) {
      if (httpStatusOf(error) === 401) throw redirect({ to: '/sign-in', search: { returnTo: location.href === '/' ? undefined : location.href } });
      throw error;
    }
  },
}).lazy(() => import('./components/shell').then((m) => m.Route));

const homeRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/',
  beforeLoad: ({ context }) => {
    throw redirect({ to: context.me.role === 'requester' ? '/tickets' : '/queue' });
  },
});

const myTicketsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/tickets',
  validateSearch: z.object({ view: z.catch(z._default(z.enum(['mine', 'watched']), 'mine'), 'mine') }),
}).lazy(() => import('./pages/my-tickets').then((m) => m.Route));

const newTicketRoute = createRoute({ getParentRoute: () => authedRoute, path: '/tickets/new' }).lazy(() => import('./pages/new-ticket').then((m) => m.Route));

const ticketRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/tickets/$ticketId',
  params: {
    parse: ({ ticketId }) => ({ ticketId: z.uuid().parse(ticketId) }),
    stringify: ({ ticketId }) => ({ ticketId }),
  },
}).lazy(() => import('./pages/ticket').then((m) => m.Route));

const queueRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/queue',
  validateSearch: z.object({
    view: z.catch(z._default(z.enum(queueViews), 'open'), 'open'),
    status: z.catch(z.optional(z.enum(ticketStatuses)), undefined),
  }),
  beforeLoad: ({ context }) => {
    if (context.me.role === 'requester') throw redirect({ to: '/tickets' });
  },
}).lazy(() => import('./pages/queue').then((m) => m.Route));

/** Supervisors and admins; its own chunk, so nobody else downloads the charts. */
const reportsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/reports',
  validateSearch: z.object({ days: z.catch(z._default(z.union([z.literal(7), z.literal(30), z.literal(90)]), 30), 30) }),
  beforeLoad: ({ context }) => {
    if (context.me.role !== 'supervisor' && context.me.role !== 'admin') throw redirect({ to: '/' });
  },
}).lazy(() => import('./pages/reports').then((m) => m.Route));

const routeTree = rootRoute.addChildren([signInRoute, resetPasswordRoute, authedRoute.addChildren([homeRoute, myTicketsRoute, newTicketRoute, ticketRoute, queueRoute, reportsRoute])]);

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
