import { Link } from '@tanstack/react-router';

export function NotFound() {
  return (
    <main id="main" className="mx-auto max-w-xl px-4 py-16 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="mt-2 text-slate-700 dark:text-slate-300">There is nothing at this address.</p>
      <Link to="/" className="mt-6 inline-block font-semibold text-indigo-700 underline dark:text-indigo-300">
        Go to the start page
      </Link>
    </main>
  );
}
