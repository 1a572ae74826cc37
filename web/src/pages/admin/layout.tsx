/** The admin section's frame: its own navigation beside (or, on phones, above) the page. */
import { createLazyRoute, Link, Outlet } from '@tanstack/react-router';

export const Route = createLazyRoute('/_authed/admin')({ component: AdminLayout });

const sections = [
  { to: '/admin/users', label: 'Users' },
  { to: '/admin/departments', label: 'Departments' },
  { to: '/admin/buildings', label: 'Buildings' },
  { to: '/admin/categories', label: 'Categories' },
  { to: '/admin/templates', label: 'Templates' },
  { to: '/admin/sla', label: 'SLA and calendars' },
  { to: '/admin/settings', label: 'Settings' },
  { to: '/admin/tokens', label: 'API tokens' },
  { to: '/admin/mail', label: 'Mail' },
  { to: '/admin/ai', label: 'AI usage' },
  { to: '/admin/misuse', label: 'Misuse reports' },
  { to: '/admin/audit', label: 'Audit log' },
] as const;

const link =
  'block rounded-md px-3 py-1.5 text-sm font-medium whitespace-nowrap hover:bg-slate-100 dark:hover:bg-slate-800 data-[status=active]:bg-slate-900 data-[status=active]:text-white dark:data-[status=active]:bg-slate-100 dark:data-[status=active]:text-slate-900';

function AdminLayout() {
  return (
    <div className="flex flex-col gap-6 md:flex-row">
      <nav aria-label="Administration" className="md:w-48 md:shrink-0">
        <p className="mb-2 text-xs font-semibold tracking-wide text-slate-600 uppercase dark:text-slate-400">Administration</p>
        <ul className="flex flex-wrap gap-1 md:flex-col">
          {sections.map((section) => (
            <li key={section.to}>
              <Link to={section.to} className={link}>
                {section.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <div className="min-w-0 flex-1">
        <Outlet />
      </div>
    </div>
  );
}
