/** Departments: create one (its slug is permanent: it names the department in routing and rooms), rename, delete. */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { ConfirmButton, ControlledText, cardClass, tableClass, tdClass, thClass } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { apiProblem } from '../../lib/errors';
import { queryClient, trpc, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/departments')({ component: Departments });

type Department = RouterOutputs['admin']['departments']['list'][number];

const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.admin.departments.list.queryKey() });

function Departments() {
  const departments = useQuery(trpc.admin.departments.list.queryOptions());
  return (
    <section aria-labelledby="departments-title" className="flex flex-col gap-6">
      <h1 id="departments-title" className="text-2xl font-bold">
        Departments
      </h1>
      <CreateDepartment />
      {departments.isPending ? (
        <Loading what="departments" />
      ) : departments.isError ? (
        <Failed error={departments.error} retry={() => void departments.refetch()} />
      ) : departments.data.length === 0 ? (
        <Empty>No departments yet: create the first above.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">Departments</caption>
            <thead>
              <tr>
                <th className={thClass}>Name</th>
                <th className={thClass}>Slug</th>
                <th className={thClass}>People</th>
                <th className={thClass}>Actions</th>
              </tr>
            </thead>
            <tbody>
              {departments.data.map((department) => (
                <DepartmentRow key={department.id} department={department} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function CreateDepartment() {
  const [slug, setSlug] = useState('');
  const [name, setName] = useState('');
  const create = useMutation(
    trpc.admin.departments.create.mutationOptions({
      onSuccess: async () => {
        setSlug('');
        setName('');
        await invalidate();
      },
    }),
  );
  const problem = create.error ? apiProblem(create.error) : null;
  return (
    <section aria-labelledby="new-department-title" className={cardClass}>
      <h2 id="new-department-title" className="mb-3 text-lg font-semibold">
        New department
      </h2>
      <form
        noValidate
        className="flex flex-col gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          if (!create.isPending) create.mutate({ slug, name });
        }}
      >
        <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
        <div className="grid gap-3 sm:grid-cols-2">
          <ControlledText label="Name" value={name} onChange={setName} error={problem?.fields.name} isRequired />
          <ControlledText label="Slug" value={slug} onChange={setSlug} error={problem?.fields.slug} isRequired description='Permanent: lowercase letters, digits and dashes, e.g. "facilities".' />
        </div>
        <Button type="submit" isPending={create.isPending} className="self-start">
          Create department
        </Button>
      </form>
    </section>
  );
}

function DepartmentRow({ department }: { department: Department }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(department.name);
  const update = useMutation(
    trpc.admin.departments.update.mutationOptions({
      onSuccess: async () => {
        setEditing(false);
        await invalidate();
      },
    }),
  );
  const remove = useMutation(trpc.admin.departments.delete.mutationOptions({ onSuccess: invalidate }));
  const problem = update.error ? apiProblem(update.error) : null;
  return (
    <tr>
      <td className={tdClass}>
        {editing ? (
          <form
            noValidate
            className="flex flex-wrap items-start gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (!update.isPending) update.mutate({ id: department.id, name });
            }}
          >
            <ControlledText label={`New name for ${department.name}`} hideLabel value={name} onChange={setName} error={problem?.fields.name ?? (problem && problem.message)} />
            <Button type="submit" isPending={update.isPending}>
              Save
            </Button>
            <Button tone="secondary" onPress={() => setEditing(false)}>
              Cancel
            </Button>
          </form>
        ) : (
          <span className="font-medium">{department.name}</span>
        )}
      </td>
      <td className={`${tdClass} font-mono`}>{department.slug}</td>
      <td className={tdClass}>{department.members}</td>
      <td className={tdClass}>
        <div className="flex flex-wrap gap-2">
          {!editing && (
            <Button tone="secondary" onPress={() => setEditing(true)} aria-label={`Rename ${department.name}`}>
              Rename
            </Button>
          )}
          <ConfirmButton
            label="Delete"
            ariaLabel={`Delete ${department.name}`}
            title={`Delete ${department.name}?`}
            confirmLabel="Delete"
            isPending={remove.isPending}
            onConfirm={() => remove.mutate({ id: department.id })}
          >
            Only a department without open tickets can be deleted; move or close them first.
          </ConfirmButton>
        </div>
        {remove.error && <FormAlert message={apiProblem(remove.error).message} />}
      </td>
    </tr>
  );
}
