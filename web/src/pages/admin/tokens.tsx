/**
 * Your API tokens (auth.tokens: they act as you, within their scopes): create one (its secret is
 * shown once, here), see when each was last used, revoke. Administrators may give a token the
 * admin scope.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { ConfirmButton, ControlledText, Toggle, cardClass, mutedClass, tableClass, tdClass, thClass } from '../../components/controls';
import { Button, FormAlert, errorClass } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { Time } from '../../components/ticket-bits';
import { apiProblem } from '../../lib/errors';
import { queryClient, trpc, type RouterInputs, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/tokens')({ component: Tokens });

type Scope = RouterInputs['auth']['tokens']['create']['scopes'][number];
type Token = RouterOutputs['auth']['tokens']['list'][number];

const scopeWords: Record<Scope, string> = { read: 'Read: see what you can see', write: 'Write: act as you (file, reply, move tickets)', admin: 'Admin: administration' };
const scopes = Object.keys(scopeWords) as Scope[];

const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.auth.tokens.list.queryKey() });

function Tokens() {
  const tokens = useQuery(trpc.auth.tokens.list.queryOptions());
  return (
    <section aria-labelledby="tokens-title" className="flex flex-col gap-6">
      <h1 id="tokens-title" className="text-2xl font-bold">
        API tokens
      </h1>
      <p className={`text-sm ${mutedClass}`}>For scripts and integrations: a token acts as you, never beyond its scopes, until it expires or you revoke it.</p>
      <CreateToken />
      {tokens.isPending ? (
        <Loading what="your tokens" />
      ) : tokens.isError ? (
        <Failed error={tokens.error} retry={() => void tokens.refetch()} />
      ) : tokens.data.length === 0 ? (
        <Empty>You have no API tokens.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">Your API tokens, newest first</caption>
            <thead>
              <tr>
                <th className={thClass}>Name</th>
                <th className={thClass}>Scopes</th>
                <th className={thClass}>Last used</th>
                <th className={thClass}>Expires</th>
                <th className={thClass}>Actions</th>
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((token) => (
                <TokenRow key={token.id} token={token} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateToken() {
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState<Scope[]>(['read']);
  const [days, setDays] = useState('90');
  const create = useMutation(
    trpc.auth.tokens.create.mutationOptions({
      onSuccess: async () => {
        setName('');
        await invalidate();
      },
    }),
  );
  const problem = create.error ? apiProblem(create.error) : null;
  return (
    <section aria-labelledby="new-token-title" className={cardClass}>
      <h2 id="new-token-title" className="mb-3 text-lg font-semibold">
        New token
      </h2>
      <form
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          if (!create.isPending) create.mutate({ name, scopes: chosen, expiresInDays: days.trim() === '' ? Number.NaN : Number(days) });
        }}
      >
        <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
        <div className="grid gap-3 sm:grid-cols-2">
          <ControlledText label="Name" value={name} onChange={setName} error={problem?.fields.name} isRequired description="What it is for, e.g. “Monitoring export”." />
          <ControlledText label="Expires after (days)" type="number" inputMode="numeric" value={days} onChange={setDays} error={problem?.fields.expiresInDays} />
        </div>
        <fieldset aria-describedby={problem?.fields.scopes ? 'scopes-error' : undefined} className="flex flex-col gap-1">
          <legend className="mb-1 text-sm font-medium">Scopes</legend>
          {scopes.map((scope) => (
            <Toggle key={scope} label={scopeWords[scope]} isSelected={chosen.includes(scope)} onChange={(on) => setChosen((all) => (on ? [...all, scope] : all.filter((s) => s !== scope)))} />
          ))}
          {problem?.fields.scopes && (
            <p id="scopes-error" className={errorClass}>
              {problem.fields.scopes}
            </p>
          )}
        </fieldset>
        <Button type="submit" isPending={create.isPending} className="self-start">
          Create token
        </Button>
        {create.data && (
          <div role="status" className="flex flex-col gap-1 rounded-md border border-amber-400 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-50">
            <p className="font-semibold">Copy “{create.data.name}” now: it is shown only this once.</p>
            <code aria-label="New token" className="block rounded bg-white/80 px-2 py-1 font-mono text-xs break-all select-all dark:bg-slate-900">
              {create.data.token}
            </code>
          </div>
        )}
      </form>
    </section>
  );
}

function TokenRow({ token }: { token: Token }) {
  const revoke = useMutation(trpc.auth.tokens.revoke.mutationOptions({ onSuccess: invalidate }));
  const expired = token.expiresAt.getTime() <= Date.now();
  const live = !token.revokedAt && !expired;
  return (
    <tr className={live ? undefined : 'text-slate-600 dark:text-slate-400'}>
      <td className={tdClass}>
        <span className="block font-medium">{token.name}</span>
        <span className={`font-mono text-xs ${mutedClass}`}>{token.prefix}…</span>
      </td>
      <td className={tdClass}>{token.scopes.join(', ')}</td>
      <td className={tdClass}>{token.lastUsedAt ? <Time date={token.lastUsedAt} /> : 'Never'}</td>
      <td className={tdClass}>
        {token.revokedAt ? (
          <>
            Revoked <Time date={token.revokedAt} />
          </>
        ) : (
          <>
            {expired ? 'Expired ' : ''}
            <Time date={token.expiresAt} />
          </>
        )}
      </td>
      <td className={tdClass}>
        {live && (
          <ConfirmButton
            label="Revoke"
            ariaLabel={`Revoke “${token.name}”`}
            title={`Revoke “${token.name}”?`}
            confirmLabel="Revoke"
            isPending={revoke.isPending}
            onConfirm={() => revoke.mutate({ id: token.id })}
          >
            Whatever uses it stops working at once.
          </ConfirmButton>
        )}
        {revoke.error && <FormAlert message={apiProblem(revoke.error).message} />}
      </td>
    </tr>
  );
}
