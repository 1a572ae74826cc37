/** Ticket categories and the department each routes to: add, edit, stop offering, delete. */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { queryClient, trpc, trpcClient } from '../../trpc';
import { CatalogPage, orNull, type Values } from './catalog';

export const Route = createLazyRoute('/_authed/admin/categories')({ component: Categories });

const NONE = 'none';
const departmentOf = (values: Values) => (values.departmentId === NONE ? null : orNull(values.departmentId));

function Categories() {
  const categories = useQuery(trpc.admin.categories.list.queryOptions());
  const departments = useQuery(trpc.admin.departments.list.queryOptions());
  const departmentOptions = [{ id: NONE, name: 'No department (triage decides)' }, ...(departments.data ?? []).map((d) => ({ id: d.id, name: d.name }))];
  const departmentName = (id: string | null) => departments.data?.find((d) => d.id === id)?.name;
  return (
    <CatalogPage
      title="Categories"
      noun="category"
      items={categories}
      emptyText="No categories yet: add the kinds of request people file, and the department each goes to."
      fields={[
        { key: 'name', label: 'Name', required: true },
        { key: 'departmentId', label: 'Department', kind: 'select', options: departmentOptions },
        { key: 'description', label: 'Description', kind: 'multiline' },
      ]}
      valuesOf={(c) => ({ name: c?.name ?? '', description: c?.description ?? '', departmentId: c?.departmentId ?? NONE })}
      summary={(c) => [departmentName(c.departmentId) ? `Goes to ${departmentName(c.departmentId)}` : null, c.description].filter(Boolean).join(' · ') || null}
      create={(v) => trpcClient.admin.categories.create.mutate({ name: v.name ?? '', description: orNull(v.description), departmentId: departmentOf(v) })}
      update={(c, change) =>
        trpcClient.admin.categories.update.mutate({
          id: c.id,
          ...('active' in change ? { active: change.active } : { name: change.values.name, description: orNull(change.values.description), departmentId: departmentOf(change.values) }),
        })
      }
      remove={(c) => trpcClient.admin.categories.delete.mutate({ id: c.id })}
      refresh={() => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.admin.categories.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.directory.pathKey() })])}
    />
  );
}
