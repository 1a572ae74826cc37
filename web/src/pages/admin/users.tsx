/**
 * People: find them (name or email, role), invite someone (the API mails the link and returns it
 * too, for when mail does not arrive), resend an invitation, change role and department,
 * deactivate and reactivate. What the API refuses is not offered: your own role and account.
 */
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState, type FormEvent } from 'react';
import { roles, type Role } from '../../../../domain/vocabulary';
import { ConfirmButton, ControlledSelect, ControlledText, cardClass, mutedClass, Saved, tableClass, tdClass, thClass, type Option } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { Time } from '../../components/ticket-bits';
import { apiProblem } from '../../lib/errors';
import { queryClient, trpc, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/users')({ component: Users });

const route = getRouteApi('/_authed/admin/users');
const authed = getRouteApi('/_authed');

type User = RouterOutputs['admin']['users']['list']['items'][number];

const PAGE = 25;
export const roleWords: Record<Role, string> = { requester: 'Requester', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator' };
const roleOptions: Option[] = roles.map((id) => ({ id, name: roleWords[id] }));
const NO_DEPARTMENT = 'none';

function useDepartmentOptions(): Option[] {
  const departments = useQuery(trpc.admin.departments.list.queryOptions());
  return [{ id: NO_DEPARTMENT, name: 'No department' }, ...(departments.data ?? []).map((d) => ({ id: d.id, name: d.name }))];
}

function Users() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/admin/users' });
  const users = useQuery({ ...trpc.admin.users.list.queryOptions({ q: search.q, role: search.role, limit: PAGE, offset: search.page * PAGE }), placeholderData: keepPreviousData });
  const departmentOptions = useDepartmentOptions();
  const [q, setQ] = useState(search.q ?? '');
  const pages = users.data ? Math.max(1, Math.ceil(users.data.total / PAGE)) : 1;
  return (
    <section aria-labelledby="users-title" className="flex flex-col gap-6">
      <h1 id="users-title" className="text-2xl font-bold">
        Users
      </h1>
      <Invite departmentOptions={departmentOptions} />
      <form
        role="search"
        aria-label="Find people"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          void navigate({ search: (s) => ({ ...s, q: q.trim() || undefined, page: 0 }) });
        }}
      >
        <ControlledText label="Name or email" type="search" value={q} onChange={setQ} className="min-w-56 flex-1" />
        <ControlledSelect
          label="Role"
          value={search.role ?? 'any'}
          options={[{ id: 'any', name: 'Any role' }, ...roleOptions]}
          onChange={(role) => void navigate({ search: (s) => ({ ...s, role: roles.find((r) => r === role), page: 0 }) })}
          className="w-44"
        />
        <Button type="submit" tone="secondary">
          Search
        </Button>
      </form>
      {users.isPending ? (
        <Loading what="people" />
      ) : users.isError ? (
        <Failed error={users.error} retry={() => void users.refetch()} />
      ) : users.data.items.length === 0 ? (
        <Empty>{search.q || search.role ? 'Nobody matches this search.' : 'There is nobody here yet: invite someone above.'}</Empty>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className={tableClass}>
              <caption className="sr-only">People, by name</caption>
              <thead>
                <tr>
                  <th className={`${thClass} min-w-52`}>Person</th>
                  <th className={thClass}>Role</th>
                  <th className={thClass}>Department</th>
                  <th className={thClass}>Status</th>
                  <th className={thClass}>Actions</th>
                </tr>
              </thead>
              <tbody>
                {users.data.items.map((user) => (
                  <UserRow key={user.id} user={user} departmentOptions={departmentOptions} />
                ))}
              </tbody>
            </table>
          </div>
          <nav aria-label="Pages of people" className="flex items-center justify-between gap-3 text-sm">
            <span className={mutedClass}>
              {users.data.total} {users.data.total === 1 ? 'person' : 'people'} · page {search.page + 1} of {pages}
            </span>
            <span className="flex gap-2">
              <Button tone="secondary" isDisabled={search.page === 0} onPress={() => void navigate({ search: (s) => ({ ...s, page: s.page - 1 }) })}>
                Previous page
              </Button>
              <Button tone="secondary" isDisabled={search.page + 1 >= pages} onPress={() => void navigate({ search: (s) => ({ ...s, page: s.page + 1 }) })}>
                Next page
              </Button>
            </span>
          </nav>
        </>
      )}
    </section>
  );
}

const invalidateUsers = () => queryClient.invalidateQueries({ queryKey: trpc.admin.users.list.pathKey() });

/** The link the API returned, to pass on when the mail does not arrive. */
function InvitationLink({ who, invitation }: { who: string; invitation: { link: string; expiresAt: Date } }) {
  return (
    <div
      role="status"
      className="flex flex-col gap-1 rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-50"
    >
      <p>
        Invitation mailed to {who}. If it does not arrive, send them this link (valid until <Time date={invitation.expiresAt} />
        ):
      </p>
      <code className="block break-all rounded bg-white/70 px-2 py-1 font-mono text-xs dark:bg-slate-900" aria-label="Invitation link">
        {invitation.link}
      </code>
    </div>
  );
}

function Invite({ departmentOptions }: { departmentOptions: Option[] }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('requester');
  const [departmentId, setDepartmentId] = useState(NO_DEPARTMENT);
  const invite = useMutation(
    trpc.admin.users.invite.mutationOptions({
      onSuccess: async () => {
        setEmail('');
        setName('');
        await invalidateUsers();
      },
    }),
  );
  const problem = invite.error ? apiProblem(invite.error) : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (invite.isPending) return;
    invite.mutate({ email, name, role, departmentId: departmentId === NO_DEPARTMENT ? null : departmentId });
  };
  return (
    <section aria-labelledby="invite-title" className={cardClass}>
      <h2 id="invite-title" className="mb-3 text-lg font-semibold">
        Invite someone
      </h2>
      <form className="flex flex-col gap-3" onSubmit={submit} noValidate>
        <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
        <div className="grid gap-3 sm:grid-cols-2">
          <ControlledText label="Email" type="email" value={email} onChange={setEmail} error={problem?.fields.email} isRequired />
          <ControlledText label="Name" value={name} onChange={setName} error={problem?.fields.name} isRequired />
          <ControlledSelect label="Role" value={role} onChange={(r) => setRole(roles.find((x) => x === r) ?? 'requester')} options={roleOptions} error={problem?.fields.role} />
          <ControlledSelect label="Department" value={departmentId} onChange={setDepartmentId} options={departmentOptions} error={problem?.fields.departmentId} />
        </div>
        <Button type="submit" isPending={invite.isPending} className="self-start">
          {invite.isPending ? 'Inviting…' : 'Send invitation'}
        </Button>
        {invite.data && <InvitationLink who={invite.data.email} invitation={invite.data.invitation} />}
      </form>
    </section>
  );
}

function UserRow({ user, departmentOptions }: { user: User; departmentOptions: Option[] }) {
  const { me } = authed.useRouteContext();
  const self = user.id === me.id;
  const update = useMutation(trpc.admin.users.update.mutationOptions({ onSuccess: invalidateUsers }));
  const deactivate = useMutation(trpc.admin.users.deactivate.mutationOptions({ onSuccess: invalidateUsers }));
  const reactivate = useMutation(trpc.admin.users.reactivate.mutationOptions({ onSuccess: invalidateUsers }));
  const resend = useMutation(trpc.admin.users.resendInvitation.mutationOptions());
  const failed = update.error ?? deactivate.error ?? reactivate.error ?? resend.error;
  const invited = user.active && !user.hasPassword;
  return (
    <tr>
      <td className={tdClass}>
        <span className="block font-medium">
          {user.name}
          {self && <span className={mutedClass}> (you)</span>}
        </span>
        <span className={`block break-all ${mutedClass}`}>{user.email}</span>
      </td>
      <td className={tdClass}>
        <ControlledSelect
          label={`Role of ${user.name}`}
          hideLabel
          value={user.role}
          options={roleOptions}
          isDisabled={self || !user.active}
          description={self ? 'Another admin can change yours.' : undefined}
          onChange={(role) => {
            const next = roles.find((r) => r === role);
            if (next && next !== user.role) update.mutate({ id: user.id, role: next });
          }}
          className="w-40"
        />
      </td>
      <td className={tdClass}>
        <ControlledSelect
          label={`Department of ${user.name}`}
          hideLabel
          value={user.departmentId ?? NO_DEPARTMENT}
          options={departmentOptions}
          isDisabled={!user.active}
          onChange={(id) => {
            const departmentId = id === NO_DEPARTMENT ? null : id;
            if (departmentId !== user.departmentId) update.mutate({ id: user.id, departmentId });
          }}
          className="w-44"
        />
      </td>
      <td className={tdClass}>
        {!user.active ? 'Deactivated' : invited ? 'Invited, no password yet' : 'Active'}
        <span className={`block ${mutedClass}`}>
          since <Time date={user.createdAt} />
        </span>
      </td>
      <td className={tdClass}>
        <div className="flex flex-wrap gap-2">
          {invited && (
            <Button tone="secondary" isPending={resend.isPending} onPress={() => resend.mutate({ id: user.id })}>
              Resend invitation
            </Button>
          )}
          {user.active && !self && (
            <ConfirmButton
              label="Deactivate"
              ariaLabel={`Deactivate ${user.name}`}
              title={`Deactivate ${user.name}?`}
              confirmLabel="Deactivate"
              isPending={deactivate.isPending}
              onConfirm={() => deactivate.mutate({ id: user.id })}
            >
              They are signed out everywhere and their API tokens are revoked; their tickets stay. You can reactivate them later.
            </ConfirmButton>
          )}
          {!user.active && (
            <Button tone="secondary" isPending={reactivate.isPending} onPress={() => reactivate.mutate({ id: user.id })}>
              Reactivate
            </Button>
          )}
        </div>
        {failed && <FormAlert message={apiProblem(failed).message} />}
        {resend.data && <InvitationLink who={user.email} invitation={resend.data.invitation} />}
        <Saved message={update.isSuccess ? 'Saved.' : null} />
      </td>
    </tr>
  );
}
