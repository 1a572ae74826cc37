/** Sign in with email and password, or with single sign-on when the API has it configured. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, useRouter } from '@tanstack/react-router';
import { Form } from 'react-aria-components';
import { AuthFrame } from '../components/auth-frame';
import { Button, FormAlert, TextInput } from '../components/fields';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc } from '../trpc';

export const Route = createLazyRoute('/sign-in')({ component: SignIn });

const route = getRouteApi('/sign-in');

function SignIn() {
  const { returnTo } = route.useSearch();
  const router = useRouter();
  const providers = useQuery(trpc.auth.providers.queryOptions());
  const signIn = useMutation(
    trpc.auth.signIn.mutationOptions({
      onSuccess: () => {
        // What was cached belonged to nobody (or to whoever was signed in before).
        queryClient.clear();
        router.history.push(returnTo ?? '/');
      },
    }),
  );
  const problem = signIn.error ? apiProblem(signIn.error) : null;
  const sso = providers.data?.sso;
  return (
    <AuthFrame title="Sign in to Deskflow">
      <Form
        className="flex flex-col gap-4"
        // The API validates (its errors show beside their fields, until edited); native checks would keep a field with a server error invalid and block the next submit.
        validationBehavior="aria"
        validationErrors={problem?.fields}
        onSubmit={(event) => {
          event.preventDefault();
          if (signIn.isPending) return;
          if (signIn.isPending) return;
          const data = new FormData(event.currentTarget);
          signIn.mutate({ email: String(data.get('email')), password: String(data.get('password')) });
        }}
      >
        <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
        <TextInput name="email" label="Email" type="email" autoComplete="username" isRequired />
        <TextInput name="password" label="Password" type="password" autoComplete="current-password" isRequired />
        <Button type="submit" isPending={signIn.isPending}>
          {signIn.isPending ? 'Signing in…' : 'Sign in'}
        </Button>
      </Form>
      {sso && (
        <div className="mt-4 border-t border-slate-200 pt-4 dark:border-slate-700">
          {/* A full-page navigation: the API redirects to the provider and back with a session cookie. */}
          <a
            href={`/auth/oidc/start?returnTo=${encodeURIComponent(returnTo ?? '/')}`}
            className="flex min-h-10 w-full items-center justify-center rounded-md border border-slate-300 px-4 py-2 text-sm font-semibold hover:bg-slate-100 dark:border-slate-600 dark:hover:bg-slate-800"
          >
            Sign in with single sign-on ({sso.name})
          </a>
        </div>
      )}
      <p className="mt-6 text-center text-sm">
        <Link to="/reset-password" search={{ token: undefined }} className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Forgot your password?
        </Link>
      </p>
    </AuthFrame>
  );
}
