/**
 * The admin audit trail, newest first: who changed what, when, and the details. Filtered by what
 * was changed (and one record's id); paged by keyset (admin.audit's `before`: the oldest id seen).
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, useNavigate } from '@tanstack/react-router';
import { useState } from 'react';
import { ControlledSelect, ControlledText, mutedClass, tableClass, tdClass, thClass } from '../../components/controls';
import { Button } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { Time } from '../../components/ticket-bits';
import { auditTargetTypes } from '../../lib/admin-vocabulary';
import { trpc, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/audit')({ component: Audit });

const route = getRouteApi('/_authed/admin/audit');

type Entry = RouterOutputs['admin']['audit'][number];
type TargetType = (typeof auditTargetTypes)[number];

const PAGE = 50;
const targetWords: Record<TargetType, string> = {
  user: 'Users',
  department: 'Departments',
  building: 'Buildings',
  category: 'Categories',
  template: 'Templates',
  settings: 'Settings',
  api_token: 'API tokens',
  session: 'Sessions',
  business_calendar: 'Business calendars',
  sla_policy: 'SLA policies',
};

function Audit() {
  const search = route.useSearch();
  const navigate = useNavigate({ from: '/admin/audit' });
  // Keyset pages: `before` of each page seen, so "Newer" goes back without offsets.
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const before = cursors.at(-1);
  const entries = useQuery({ ...trpc.admin.audit.queryOptions({ targetType: search.targetType, targetId: search.targetId, before, limit: PAGE }), placeholderData: keepPreviousData });
  const [targetId, setTargetId] = useState(search.targetId ?? '');
  const oldest = entries.data?.at(-1)?.id;
  return (
    <section aria-labelledby="audit-title" className="flex flex-col gap-6">
      <h1 id="audit-title" className="text-2xl font-bold">
        Audit log
      </h1>
      <form
        aria-label="Filter the audit log"
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          setCursors([undefined]);
          void navigate({ search: (s) => ({ ...s, targetId: targetId.trim() || undefined }) });
        }}
      >
        <ControlledSelect
          label="What changed"
          value={search.targetType ?? 'all'}
          options={[{ id: 'all', name: 'Everything' }, ...auditTargetTypes.map((id) => ({ id, name: targetWords[id] }))]}
          onChange={(type) => {
            setCursors([undefined]);
            void navigate({ search: (s) => ({ ...s, targetType: auditTargetTypes.find((t) => t === type) }) });
          }}
          className="w-56"
        />
        <ControlledText label="Record id" value={targetId} onChange={setTargetId} className="min-w-64 flex-1" description="The id of one user, department, policy…" />
        <Button type="submit" tone="secondary">
          Filter
        </Button>
      </form>
      {entries.isPending ? (
        <Loading what="the audit log" />
      ) : entries.isError ? (
        <Failed error={entries.error} retry={() => void entries.refetch()} />
      ) : entries.data.length === 0 ? (
        <Empty>{cursors.length > 1 ? 'No older entries.' : 'Nothing recorded for this filter.'}</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">Administrative changes, newest first</caption>
            <thead>
              <tr>
                <th className={thClass}>When</th>
                <th className={thClass}>Who</th>
                <th className={thClass}>What</th>
                <th className={thClass}>Details</th>
              </tr>
            </thead>
            <tbody>
              {entries.data.map((entry) => (
                <AuditRow key={entry.id} entry={entry} />
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav aria-label="Pages of the audit log" className="flex justify-between gap-2">
        <Button tone="secondary" isDisabled={cursors.length === 1} onPress={() => setCursors((all) => all.slice(0, -1))}>
          Newer entries
        </Button>
        <Button tone="secondary" isDisabled={!entries.data || entries.data.length < PAGE || oldest === undefined} onPress={() => setCursors((all) => [...all, oldest])}>
          Older entries
        </Button>
      </nav>
    </section>
  );
}

function AuditRow({ entry }: { entry: Entry }) {
  const details = Object.keys(entry.details ?? {}).length > 0 ? JSON.stringify(entry.details, null, 1) : null;
  return (
    <tr>
      <td className={`${tdClass} whitespace-nowrap`}>
        <Time date={entry.createdAt} />
      </td>
      <td className={tdClass}>{entry.actor?.name ?? 'System'}</td>
      <td className={tdClass}>
        <span className="block font-medium">{entry.action.replaceAll('_', ' ').replaceAll('.', ': ')}</span>
        {entry.targetId && <span className={`block font-mono text-xs break-all ${mutedClass}`}>{entry.targetId}</span>}
      </td>
      <td className={tdClass}>
        {details ? (
          <details>
            <summary className="cursor-pointer">Show</summary>
            <pre className="mt-1 max-w-md overflow-x-auto rounded bg-slate-100 p-2 text-xs whitespace-pre-wrap break-all dark:bg-slate-900">{details}</pre>
          </details>
        ) : (
          <span className={mutedClass}>—</span>
        )}
      </td>
    </tr>
  );
}
