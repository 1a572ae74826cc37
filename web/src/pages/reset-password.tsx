/**
 * The page behind the links in password-reset and invitation mails (/reset-password?token=…):
 * choose a password and be signed in. Without a token, ask for a reset link.
 */
import { useMutation } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link, useNavigate } from '@tanstack/react-router';
import { Form } from 'react-aria-components';
import { AuthFrame } from '../components/auth-frame';
import { Button, FormAlert, TextInput } from '../components/fields';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc } from '../trpc';

export const Route = createLazyRoute('/reset-password')({ component: ResetPassword });

const route = getRouteApi('/reset-password');

function ResetPassword() {
  const { token } = route.useSearch();
  return token ? <ChoosePassword token={token} /> : <RequestLink />;
}

function ChoosePassword({ token }: { token: string }) {
  const navigate = useNavigate();
  const reset = useMutation(
    trpc.auth.resetPassword.mutationOptions({
      onSuccess: async () => {
        queryClient.clear();
        await navigate({ to: '/' });
      },
    }),
  );
  const problem = reset.error ? apiProblem(reset.error) : null;
  return (
    <AuthFrame title="Choose your password">
      <p className="mb-4 text-sm text-slate-700 dark:text-slate-300">Whether you were invited or asked to reset it: pick a password, and you are signed in.</p>
      <Form
        className="flex flex-col gap-4"
        validationBehavior="aria"
        validationErrors={problem?.fields.newPassword ? { password: problem.fields.newPassword } : undefined}
        onSubmit={(event) => {
          event.preventDefault();
          if (reset.isPending) return;
          reset.mutate({ token, newPassword: String(new FormData(event.currentTarget).get('password')) });
        }}
      >
        <FormAlert message={problem && !problem.fields.newPassword ? (problem.fields.token ?? problem.message) : null} />
        <TextInput
          name="password"
          label="New password"
          type="password"
          autoComplete="new-password"
          isRequired
          minLength={10}
          description="At least 10 characters; a few words you remember work well."
        />
        <Button type="submit" isPending={reset.isPending}>
          {reset.isPending ? 'Saving…' : 'Save password and sign in'}
        </Button>
      </Form>
    </AuthFrame>
  );
}

function RequestLink() {
  const request = useMutation(trpc.auth.requestPasswordReset.mutationOptions());
  const problem = request.error ? apiProblem(request.error) : null;
  return (
    <AuthFrame title="Reset your password">
      {request.data ? (
        <p role="status" className="rounded-md bg-emerald-50 px-3 py-2 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
          {request.data.message}
        </p>
      ) : (
        <Form
          className="flex flex-col gap-4"
          validationBehavior="aria"
          validationErrors={problem?.fields}
          onSubmit={(event) => {
            event.preventDefault();
            if (request.isPending) return;
            request.mutate({ email: String(new FormData(event.currentTarget).get('email')) });
          }}
        >
          <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
          <TextInput name="email" label="Email" type="email" autoComplete="email" isRequired description="We mail you a link to choose a new password." />
          <Button type="submit" isPending={request.isPending}>
            Email me a link
          </Button>
        </Form>
      )}
      <p className="mt-6 text-center text-sm">
        <Link to="/sign-in" search={{ returnTo: undefined }} className="font-medium text-indigo-700 underline dark:text-indigo-300">
          Back to sign in
        </Link>
      </p>
    </AuthFrame>
  );
}
