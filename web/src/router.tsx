/**
 * The console's routes, in code (no codegen): typed params and zod-validated search params here,
 * each page's component loaded on first visit (route-level code splitting, pages/*.tsx).
 */
import { createRootRoute, createRoute, createRouter, Outlet, redirect } from '@tanstack/react-router';
// zod/mini: the same schemas at a fraction of the size on the first page (the full zod loads with the ticket page).
import { z } from 'zod/mini';
import { roles, ticketStatuses } from '../../domain/vocabulary';
import { NotFound } from './components/not-found';
import { auditTargetTypes } from './lib/admin-vocabulary';
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

// ---- Notification center, availability and the admin section (each page its own chunk; requesters never load admin code).

const notificationsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/notifications',
  validateSearch: z.object({ unread: z.catch(z._default(z.boolean(), false), false) }),
}).lazy(() => import('./pages/notifications').then((m) => m.Route));

const notificationPreferencesRoute = createRoute({ getParentRoute: () => authedRoute, path: '/notifications/preferences' }).lazy(() => import('./pages/notification-preferences').then((m) => m.Route));

/** Agents set their own availability; supervisors and admins also see their team's. */
const availabilityRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/availability',
  beforeLoad: ({ context }) => {
    if (context.me.role === 'requester') throw redirect({ to: '/tickets' });
  },
}).lazy(() => import('./pages/availability').then((m) => m.Route));

/** Admins only: anyone else is sent to their start page (the API refuses them anyway). */
const adminRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/admin',
  beforeLoad: ({ context }) => {
    if (context.me.role !== 'admin') throw redirect({ to: '/' });
  },
}).lazy(() => import('./pages/admin/layout').then((m) => m.Route));

const adminIndexRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/',
  beforeLoad: () => {
    throw redirect({ to: '/admin/users' });
  },
});

const adminUsersRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/users',
  validateSearch: z.object({
    q: z.catch(z.optional(z.string().check(z.maxLength(120))), undefined),
    role: z.catch(z.optional(z.enum(roles)), undefined),
    page: z.catch(z._default(z.int().check(z.minimum(0), z.maximum(2000)), 0), 0),
  }),
}).lazy(() => import('./pages/admin/users').then((m) => m.Route));

const adminDepartmentsRoute = createRoute({ getParentRoute: () => adminRoute, path: '/departments' }).lazy(() => import('./pages/admin/departments').then((m) => m.Route));
const adminBuildingsRoute = createRoute({ getParentRoute: () => adminRoute, path: '/buildings' }).lazy(() => import('./pages/admin/buildings').then((m) => m.Route));
const adminCategoriesRoute = createRoute({ getParentRoute: () => adminRoute, path: '/categories' }).lazy(() => import('./pages/admin/categories').then((m) => m.Route));
const adminTemplatesRoute = createRoute({ getParentRoute: () => adminRoute, path: '/templates' }).lazy(() => import('./pages/admin/templates').then((m) => m.Route));
const adminSlaRoute = createRoute({ getParentRoute: () => adminRoute, path: '/sla' }).lazy(() => import('./pages/admin/sla').then((m) => m.Route));
const adminCalendarRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/sla/calendars/$calendarId',
  params: {
    parse: ({ calendarId }) => ({ calendarId: z.uuid().parse(calendarId) }),
    stringify: ({ calendarId }) => ({ calendarId }),
  },
}).lazy(() => import('./pages/admin/calendar').then((m) => m.Route));
const adminSettingsRoute = createRoute({ getParentRoute: () => adminRoute, path: '/settings' }).lazy(() => import('./pages/admin/settings').then((m) => m.Route));
const adminMisuseRoute = createRoute({ getParentRoute: () => adminRoute, path: '/misuse' }).lazy(() => import('./pages/admin/misuse').then((m) => m.Route));
const adminTokensRoute = createRoute({ getParentRoute: () => adminRoute, path: '/tokens' }).lazy(() => import('./pages/admin/tokens').then((m) => m.Route));
const adminAiUsageRoute = createRoute({ getParentRoute: () => adminRoute, path: '/ai' }).lazy(() => import('./pages/admin/ai-usage').then((m) => m.Route));
const adminAuditRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/audit',
  validateSearch: z.object({
    targetType: z.catch(z.optional(z.enum(auditTargetTypes)), undefined),
    targetId: z.catch(z.optional(z.string().check(z.maxLength(64))), undefined),
  }),
}).lazy(() => import('./pages/admin/audit').then((m) => m.Route));

const routeTree = rootRoute.addChildren([
  signInRoute,
  resetPasswordRoute,
  authedRoute.addChildren([
    homeRoute,
    myTicketsRoute,
    newTicketRoute,
    ticketRoute,
    queueRoute,
    reportsRoute,
    notificationsRoute,
    notificationPreferencesRoute,
    availabilityRoute,
    adminRoute.addChildren([
      adminIndexRoute,
      adminUsersRoute,
      adminDepartmentsRoute,
      adminBuildingsRoute,
      adminCategoriesRoute,
      adminTemplatesRoute,
      adminSlaRoute,
      adminCalendarRoute,
      adminSettingsRoute,
      adminTokensRoute,
      adminAiUsageRoute,
      adminMisuseRoute,
      adminAuditRoute,
    ]),
  ]),
]);

export const router = createRouter({ routeTree, defaultPreload: 'intent', scrollRestoration: true });

declare module '@tanstack/react-router' {
  interface Register {
    router: typeof router;
  }
}
