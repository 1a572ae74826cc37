import { QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from '@tanstack/react-router';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { router } from './router';
import { httpStatusOf, queryClient } from './trpc';
import './styles.css';

// zod's compiled parsers probe for eval with new Function, which the CSP (script-src 'self') refuses and reports.
// Set through the global zod reads its config from (zod/v4/core: globalThis.__zod_globalConfig), not zod's
// `config()`: importing zod here put its core into the first page (~5 KB gzipped); zod loads only with the
// pages that parse with it, after this line has run. The browser tests fail on any CSP report.
const zodConfigHolder = globalThis as { __zod_globalConfig?: { jitless?: boolean } };
zodConfigHolder.__zod_globalConfig = { ...zodConfigHolder.__zod_globalConfig, jitless: true };

// A session that ended (expired, signed out elsewhere) sends the person to sign in, and back here after.
queryClient.getQueryCache().subscribe((event) => {
  if (event.type !== 'updated' || event.action.type !== 'error' || httpStatusOf(event.action.error) !== 401) return;
  const { pathname, href } = router.state.location;
  if (pathname === '/sign-in' || pathname === '/reset-password') return;
  void router.navigate({ to: '/sign-in', search: { returnTo: href } });
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider router={router} />
    </QueryClientProvider>
  </StrictMode>,
);
