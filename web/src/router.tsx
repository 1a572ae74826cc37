/**
 * The console's routes, in code (no codegen): typed params and validated search params here (plain
 * functions, lib/search-params.ts: zod would cost the first page ~15 KB gzipped),
 * each page's component loaded on first visit (route-level code splitting, pages/*.tsx).
 */
import { createRootRoute, createRoute, createRouter, Outlet, redirect, type SearchSchemaInput } from '@tanstack/react-router';
import { articleStatuses, roles, ticketStatuses, type ArticleStatus, type Role, type TicketStatus } from '../../domain/vocabulary';
import { NotFound } from './components/not-found';
import { auditTargetTypes, type AuditTargetType } from './lib/admin-vocabulary';
import { queueListOptions, queueViews, type QueueView } from './lib/queue-views';
import { booleanOr, intIn, oneOf, optionalString, optionalUuid, returnToOf, slugParam, ticketParam, uuidParam } from './lib/search-params';
import { httpStatusOf, queryClient, trpc } from './trpc';

const rootRoute = createRootRoute({ component: Outlet, notFoundComponent: NotFound });

const signInRoute = createRoute({ getParentRoute: () => rootRoute, path: '/sign-in', validateSearch: (search: { returnTo?: string } & SearchSchemaInput) => ({ returnTo: returnToOf(search) }) }).lazy(
  () => import('./pages/sign-in').then((m) => m.Route),
);

/** The link in password-reset and invitation mails (api/auth/email-tokens.ts emailTokenLink); without a token, asks for one. */
const resetPasswordRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/reset-password',
  validateSearch: (search: { token?: string } & SearchSchemaInput): { token?: string } => ({ token: optionalString(search.token, 128) }),
}).lazy(() => import('./pages/reset-password').then((m) => m.Route));

/** The resolution mail's one-click ratings (db/rating-links.ts ratingLink): no session needed. */
const rateRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: '/rate/$token',
  validateSearch: (search: { score?: number } & SearchSchemaInput): { score?: number } => ({ score: oneOf(Number(search.score), [1, 2, 3, 4, 5] as const) }),
}).lazy(() => import('./pages/rate').then((m) => m.Route));

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
  validateSearch: (search: { view?: 'mine' | 'watched' } & SearchSchemaInput) => ({ view: oneOf(search.view, ['mine', 'watched'], 'mine') }),
}).lazy(() => import('./pages/my-tickets').then((m) => m.Route));

const newTicketRoute = createRoute({ getParentRoute: () => authedRoute, path: '/tickets/new' }).lazy(() => import('./pages/new-ticket').then((m) => m.Route));

/** The self-serve answer bot: answers from the knowledge base, and a ticket with the conversation when a person is needed. */
const getHelpRoute = createRoute({ getParentRoute: () => authedRoute, path: '/help' }).lazy(() => import('./pages/get-help').then((m) => m.Route));

const ticketRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/tickets/$ticketId',
  params: {
    parse: ({ ticketId }) => ({ ticketId: ticketParam(ticketId) }),
    stringify: ({ ticketId }) => ({ ticketId }),
  },
  // The resolution mail's buttons: ?action=confirm or ?action=reopen point the requester at that move.
  validateSearch: (search: { action?: 'confirm' | 'reopen' } & SearchSchemaInput): { action?: 'confirm' | 'reopen' } => ({ action: oneOf(search.action, ['confirm', 'reopen'] as const) }),
  // Mail links name the ticket by number: find its id (the API's visibility rule decides) and land on the id's URL, search kept.
  beforeLoad: async ({ params, search }) => {
    if (!/^\d+$/.test(params.ticketId)) return;
    const ticket = await queryClient.fetchQuery(trpc.ticket.getByNumber.queryOptions({ number: Number(params.ticketId) }));
    throw redirect({ to: '/tickets/$ticketId', params: { ticketId: ticket.id }, search, replace: true });
  },
}).lazy(() => import('./pages/ticket').then((m) => m.Route));

const queueRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/queue',
  validateSearch: (search: { view?: QueueView; status?: TicketStatus; q?: string } & SearchSchemaInput): { view: QueueView; status?: TicketStatus; q?: string } => ({
    view: oneOf(search.view, queueViews, 'open'),
    status: oneOf(search.status, ticketStatuses),
    // The queue's full-text search (ticket.search), kept in the URL so a search can be shared and survives a reload.
    q: optionalString(search.q, 200)?.trim() || undefined,
  }),
  beforeLoad: ({ context }) => {
    if (context.me.role === 'requester') throw redirect({ to: '/tickets' });
  },
  // The list's request starts now, beside the page's chunk, not after the page has rendered; not awaited: the page shows it loading.
  loaderDeps: ({ search }) => ({ view: search.view, q: search.q }),
  loader: ({ deps }) => {
    if (!deps.q) void queryClient.prefetchInfiniteQuery(queueListOptions(deps.view));
  },
}).lazy(() => import('./pages/queue').then((m) => m.Route));

/** Supervisors and admins; its own chunk, so nobody else downloads the charts. */
const reportsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/reports',
  // `from`/`to` (both, as dates): a fixed period, as the scheduled report mails link to it; otherwise the last `days`.
  validateSearch: (search: { days?: 7 | 30 | 90; from?: string; to?: string } & SearchSchemaInput) => {
    const date = (value: unknown) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : undefined);
    const from = date(search.from);
    const to = date(search.to);
    return { days: oneOf(search.days, [7, 30, 90], 30), ...(from && to && from <= to ? { from, to } : {}) };
  },
  beforeLoad: ({ context }) => {
    if (context.me.role !== 'supervisor' && context.me.role !== 'admin') throw redirect({ to: '/' });
  },
}).lazy(() => import('./pages/reports').then((m) => m.Route));

/** Supervisors and admins: open tickets at risk and breached now, by department and assignee (pages/sla-board.tsx). */
const slaBoardRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/sla-board',
  beforeLoad: ({ context }) => {
    if (context.me.role !== 'supervisor' && context.me.role !== 'admin') throw redirect({ to: '/' });
  },
}).lazy(() => import('./pages/sla-board').then((m) => m.Route));

// ---- The knowledge base: everyone reads (the API decides what); staff write (pages/kb-*.tsx).

const kbRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/kb',
  // The search (kb.search), the category and, for staff, the status filter, in the URL so a search can be shared and survives a reload.
  validateSearch: (search: { q?: string; category?: string; status?: ArticleStatus } & SearchSchemaInput): { q?: string; category?: string; status?: ArticleStatus } => ({
    q: optionalString(search.q, 500)?.trim() || undefined,
    category: optionalUuid(search.category),
    status: oneOf(search.status, articleStatuses),
  }),
}).lazy(() => import('./pages/kb').then((m) => m.Route));

const staffOnly = ({ context }: { context: { me: { role: Role } } }) => {
  if (context.me.role === 'requester') throw redirect({ to: '/kb', search: {} });
};

const kbNewRoute = createRoute({ getParentRoute: () => authedRoute, path: '/kb/new', beforeLoad: staffOnly }).lazy(() => import('./pages/kb-editor').then((m) => m.NewRoute));

const kbArticleRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/kb/$slug',
  params: {
    parse: ({ slug }) => ({ slug: slugParam(slug) }),
    stringify: ({ slug }) => ({ slug }),
  },
  // ?version=N shows an older version (staff, from the history).
  validateSearch: (search: { version?: number } & SearchSchemaInput): { version?: number } => ({ version: intIn(search.version, 1, 1_000_000, 0) || undefined }),
}).lazy(() => import('./pages/kb-article').then((m) => m.Route));

const kbEditRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/kb/$slug/edit',
  params: {
    parse: ({ slug }) => ({ slug: slugParam(slug) }),
    stringify: ({ slug }) => ({ slug }),
  },
  beforeLoad: staffOnly,
}).lazy(() => import('./pages/kb-editor').then((m) => m.EditRoute));

// ---- Notification center, availability and the admin section (each page its own chunk; requesters never load admin code).

const notificationsRoute = createRoute({
  getParentRoute: () => authedRoute,
  path: '/notifications',
  validateSearch: (search: { unread?: boolean } & SearchSchemaInput) => ({ unread: booleanOr(search.unread, false) }),
}).lazy(() => import('./pages/notifications').then((m) => m.Route));

const notificationPreferencesRoute = createRoute({ getParentRoute: () => authedRoute, path: '/notifications/preferences' }).lazy(() => import('./pages/notification-preferences').then((m) => m.Route));

/** Anyone signed in: their name and the timezone of their daily digest (pages/profile.tsx). */
const profileRoute = createRoute({ getParentRoute: () => authedRoute, path: '/profile' }).lazy(() => import('./pages/profile').then((m) => m.Route));

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
  validateSearch: (search: { q?: string; role?: Role; page?: number } & SearchSchemaInput): { q?: string; role?: Role; page: number } => ({
    q: optionalString(search.q, 120),
    role: oneOf(search.role, roles),
    page: intIn(search.page, 0, 2000, 0),
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
    parse: ({ calendarId }) => ({ calendarId: uuidParam(calendarId) }),
    stringify: ({ calendarId }) => ({ calendarId }),
  },
}).lazy(() => import('./pages/admin/calendar').then((m) => m.Route));
const adminSettingsRoute = createRoute({ getParentRoute: () => adminRoute, path: '/settings' }).lazy(() => import('./pages/admin/settings').then((m) => m.Route));
const adminMisuseRoute = createRoute({ getParentRoute: () => adminRoute, path: '/misuse' }).lazy(() => import('./pages/admin/misuse').then((m) => m.Route));
const adminTokensRoute = createRoute({ getParentRoute: () => adminRoute, path: '/tokens' }).lazy(() => import('./pages/admin/tokens').then((m) => m.Route));
const adminMailRoute = createRoute({ getParentRoute: () => adminRoute, path: '/mail' }).lazy(() => import('./pages/admin/mail').then((m) => m.Route));
const adminAiUsageRoute = createRoute({ getParentRoute: () => adminRoute, path: '/ai' }).lazy(() => import('./pages/admin/ai-usage').then((m) => m.Route));
const adminAuditRoute = createRoute({
  getParentRoute: () => adminRoute,
  path: '/audit',
  validateSearch: (search: { targetType?: AuditTargetType; targetId?: string } & SearchSchemaInput): { targetType?: AuditTargetType; targetId?: string } => ({
    targetType: oneOf(search.targetType, auditTargetTypes),
    targetId: optionalString(search.targetId, 64),
  }),
}).lazy(() => import('./pages/admin/audit').then((m) => m.Route));

const routeTree = rootRoute.addChildren([
  signInRoute,
  resetPasswordRoute,
  rateRoute,
  authedRoute.addChildren([
    homeRoute,
    myTicketsRoute,
    newTicketRoute,
    getHelpRoute,
    ticketRoute,
    queueRoute,
    reportsRoute,
    slaBoardRoute,
    kbRoute,
    kbNewRoute,
    kbArticleRoute,
    kbEditRoute,
    notificationsRoute,
    notificationPreferencesRoute,
    profileRoute,
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
      adminMailRoute,
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
