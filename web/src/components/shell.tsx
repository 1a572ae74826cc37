/** The signed-in frame: a skip link, the header (navigation by role, who is signed in, sign out) and the page. */
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, Outlet, useNavigate } from '@tanstack/react-router';
import { Button } from './button';
import { NotificationBell } from './notification-bell';
import { queryClient, trpc } from '../trpc';

const authed = getRouteApi('/_authed');

export const Route = createLazyRoute('/_authed')({ component: Shell });

const navLink =
  'rounded-md px-3 py-2 text-sm font-medium hover:bg-slate-100 dark:hover:bg-slate-800 data-[status=active]:bg-indigo-50 data-[status=active]:text-indigo-800 dark:data-[status=active]:bg-indigo-950 dark:data-[status=active]:text-indigo-200';

function Shell() {
  const { me } = authed.useRouteContext();
  const navigate = useNavigate();
  const signOut = useMutation(
    trpc.auth.signOut.mutationOptions({
      onSettled: async () => {
        queryClient.clear();
        await navigate({ to: '/sign-in', search: { returnTo: undefined } });
      },
    }),
  );
  const staff = me.role !== 'requester';
  return (
    <div className="min-h-dvh">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:px-3 focus:py-2 dark:focus:bg-slate-900">
        Skip to content
      </a>
      <header className="border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
        <div className="mx-auto flex max-w-5xl flex-wrap items-center gap-2 px-4 py-2">
          <Link to="/" className="mr-2 text-lg font-bold text-indigo-700 dark:text-indigo-300">
            Deskflow
          </Link>
          <nav aria-label="Main" className="flex flex-wrap items-center gap-1">
            {staff && (
              <Link to="/queue" search={{ view: 'open' }} className={navLink}>
                Queue
              </Link>
            )}
            {(me.role === 'supervisor' || me.role === 'admin') && (
              <Link to="/reports" search={{ days: 30 }} className={navLink}>
                Reports
              </Link>
            )}
            {(me.role === 'supervisor' || me.role === 'admin') && (
              <Link to="/sla-board" className={navLink}>
                SLA board
              </Link>
            )}
            <Link to="/tickets" search={{ view: 'mine' }} activeOptions={{ exact: true, includeSearch: false }} className={navLink}>
              My tickets
            </Link>
            <Link to="/help" className={navLink}>
              Get help
            </Link>
            <Link to="/tickets/new" className={navLink}>
              New ticket
            </Link>
            <Link to="/kb" search={{}} className={navLink}>
              Knowledge base
            </Link>
            {staff && (
              <Link to="/availability" className={navLink}>
                Availability
              </Link>
            )}
            {me.role === 'admin' && (
              <Link to="/admin" className={navLink}>
                Admin
              </Link>
            )}
          </nav>
          <div className="ml-auto flex items-center gap-3">
            <NotificationBell />
            {/* Your profile (name, digest timezone): "Profile" on phones, your name beside it on wider screens. */}
            <Link to="/profile" className={navLink}>
              <span className="sm:hidden">Profile</span>
              <span className="max-sm:hidden">
                <span className="sr-only">Profile: </span>
                {me.name}
              </span>
            </Link>
            <Button tone="secondary" onPress={() => signOut.mutate()} isPending={signOut.isPending}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-5xl px-4 py-6">
        <Outlet />
      </main>
    </div>
  );
}
