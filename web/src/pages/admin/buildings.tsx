/** Buildings requesters can pick on a new ticket: add, edit, stop offering, delete. */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { queryClient, trpc, trpcClient } from '../../trpc';
import { CatalogPage, orNull } from './catalog';

export const Route = createLazyRoute('/_authed/admin/buildings')({ component: Buildings });

function Buildings() {
  const buildings = useQuery(trpc.admin.buildings.list.queryOptions());
  return (
    <CatalogPage
      title="Buildings"
      noun="building"
      items={buildings}
      emptyText="No buildings yet: add the sites people work at, so they can say where the problem is."
      fields={[
        { key: 'name', label: 'Name', required: true },
        { key: 'address', label: 'Address' },
      ]}
      valuesOf={(b) => ({ name: b?.name ?? '', address: b?.address ?? '' })}
      summary={(b) => b.address}
      create={(v) => trpcClient.admin.buildings.create.mutate({ name: v.name ?? '', address: orNull(v.address) })}
      update={(b, c) => trpcClient.admin.buildings.update.mutate({ id: b.id, ...('active' in c ? { active: c.active } : { name: c.values.name, address: orNull(c.values.address) }) })}
      remove={(b) => trpcClient.admin.buildings.delete.mutate({ id: b.id })}
      refresh={() => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.admin.buildings.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.directory.pathKey() })])}
    />
  );
}
