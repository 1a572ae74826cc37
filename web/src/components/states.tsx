/** Loading, empty and error states, the same on every page. */
import type { ReactNode } from 'react';
import { apiProblem } from '../lib/errors';
import { Button } from './button';

export function Loading({ what }: { what: string }) {
  return (
    <p role="status" aria-live="polite" className="py-8 text-center text-slate-600 dark:text-slate-400">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="rounded-lg border border-dashed border-slate-300 px-4 py-10 text-center text-slate-700 dark:border-slate-700 dark:text-slate-300">{children}</div>;
}

export function Failed({ error, retry }: { error: unknown; retry?: () => void }) {
  return (
    <div role="alert" className="flex flex-col items-center gap-3 rounded-lg border border-red-300 bg-red-50 px-4 py-8 text-center text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100">
      <p>{apiProblem(error).message}</p>
      {retry && (
        <Button tone="secondary" onPress={retry}>
          Try again
        </Button>
      )}
    </div>
  );
}
