/** Templates requesters can start a ticket from: add, edit, stop offering, delete. */
import { useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { priorities } from '../../../../domain/vocabulary';
import { priorityWords } from '../../lib/format';
import { queryClient, trpc, trpcClient } from '../../trpc';
import { CatalogPage, orNull } from './catalog';

export const Route = createLazyRoute('/_authed/admin/templates')({ component: Templates });

const urgencyOptions = priorities.map((id) => ({ id, name: priorityWords[id] }));
const urgencyOf = (value: string | undefined) => priorities.find((p) => p === value) ?? 'medium';

function Templates() {
  const templates = useQuery(trpc.admin.templates.list.queryOptions());
  return (
    <CatalogPage
      title="Templates"
      noun="template"
      items={templates}
      emptyText="No templates yet: add one for requests people file often, with the title and description filled in."
      fields={[
        { key: 'name', label: 'Name', required: true, description: 'What requesters pick from the list.' },
        { key: 'title', label: 'Ticket title', required: true },
        { key: 'urgency', label: 'Urgency', kind: 'select', options: urgencyOptions },
        { key: 'category', label: 'Category', description: 'The name of a category, or blank.' },
        { key: 'description', label: 'Ticket description', kind: 'multiline', required: true },
      ]}
      valuesOf={(t) => ({ name: t?.name ?? '', title: t?.title ?? '', description: t?.description ?? '', urgency: t?.urgency ?? 'medium', category: t?.category ?? '' })}
      summary={(t) => `${t.title} · ${priorityWords[t.urgency]}${t.category ? ` · ${t.category}` : ''}`}
      create={(v) =>
        trpcClient.admin.templates.create.mutate({ name: v.name ?? '', title: v.title ?? '', description: v.description ?? '', urgency: urgencyOf(v.urgency), category: orNull(v.category) })
      }
      update={(t, c) =>
        trpcClient.admin.templates.update.mutate({
          id: t.id,
          ...('active' in c
            ? { active: c.active }
            : { name: c.values.name, title: c.values.title, description: c.values.description, urgency: urgencyOf(c.values.urgency), category: orNull(c.values.category) }),
        })
      }
      remove={(t) => trpcClient.admin.templates.delete.mutate({ id: t.id })}
      refresh={() => Promise.all([queryClient.invalidateQueries({ queryKey: trpc.admin.templates.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.ticket.templates.queryKey() })])}
    />
  );
}
