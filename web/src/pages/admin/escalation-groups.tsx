/**
 * Escalation groups (admin.sla.escalationGroup.get|set), a section of the SLA page: per department,
 * the people an escalation hands a ticket to when a policy's level says "reassign to escalation
 * group" (the default policies' last level, once the resolution target is breached). The API keeps
 * a set, not a ranking — the worker gives the ticket to the least loaded available member (skills
 * first) and notifies the members who have staff powers on it — so the group is listed by name, as
 * the API returns it, and there is no order to edit. Edits are drafts per department until saved;
 * the API's answer replaces the cached group.
 */
import { keepPreviousData, useMutation, useQueries, useQuery } from '@tanstack/react-query';
import { useRef, useState, type RefObject } from 'react';
import { Button as AriaButton, ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text, type Key } from 'react-aria-components';
import type { Role } from '../../../../domain/vocabulary';
import { ControlledSelect, Saved, cardClass, mutedClass } from '../../components/controls';
import { Button, FormAlert, errorClass, fieldClass, hintClass, inputClass, labelClass } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { apiProblem, type ApiProblem } from '../../lib/errors';
import { useDebounced } from '../../lib/use-debounced';
import { queryClient, trpc, type RouterOutputs } from '../../trpc';

type Department = RouterOutputs['admin']['departments']['list'][number];
type Member = RouterOutputs['admin']['sla']['escalationGroup']['get'][number];
type Candidate = RouterOutputs['admin']['users']['list']['items'][number];

/** Who the API accepts in a group: active agents, supervisors and admins, of any department. */
const STAFF_ROLES = ['agent', 'supervisor', 'admin'] as const;
const roleWords: Record<Role, string> = { requester: 'Requester', agent: 'Agent', supervisor: 'Supervisor', admin: 'Administrator' };
const PICKER_LIMIT = 20;

const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
const sameMembers = (a: readonly Member[], b: readonly Member[]) => a.length === b.length && a.every((m) => b.some((n) => n.id === m.id));

export function EscalationGroups() {
  const departments = useQuery(trpc.admin.departments.list.queryOptions());
  const [picked, setPicked] = useState<string | null>(null);
  // Unsaved edits, per department: switching departments keeps them.
  const [drafts, setDrafts] = useState<Record<string, Member[]>>({});
  const setDraft = (departmentId: string, members: Member[] | undefined) =>
    setDrafts((all) => {
      const next = { ...all };
      if (members) next[departmentId] = members;
      else delete next[departmentId];
      return next;
    });
  const save = useMutation(
    trpc.admin.sla.escalationGroup.set.mutationOptions({
      onSuccess: (members, input) => {
        queryClient.setQueryData(trpc.admin.sla.escalationGroup.get.queryKey({ departmentId: input.departmentId }), members);
        setDraft(input.departmentId, undefined);
      },
    }),
  );
  // The API's answer belongs to the department it was for; an error stays until the next save, a
  // success shows until the group is edited again.
  const problem = save.error ? apiProblem(save.error) : null;
  const department = departments.data?.find((d) => d.id === picked) ?? departments.data?.[0];
  const savedHere = save.isSuccess && department !== undefined && save.variables.departmentId === department.id && !drafts[department.id];
  return (
    <section aria-labelledby="escalation-groups-title" className="flex flex-col gap-4">
      <h2 id="escalation-groups-title" className="text-xl font-bold">
        Escalation groups
      </h2>
      <p className={`text-sm ${mutedClass}`}>
        When an escalation level hands a ticket to its department’s escalation group (the default policies’ last level, once the resolution target is breached), the ticket goes to the least loaded
        member who is available, those with the ticket’s category among their skills first, and the members who work in the department (and admins) are notified. A group is a set of people, not a
        ranking: it is listed by name.
      </p>
      {departments.isPending ? (
        <Loading what="departments" />
      ) : departments.isError ? (
        <Failed error={departments.error} retry={() => void departments.refetch()} />
      ) : !department ? (
        <Empty>No departments yet: add one under Departments, then choose its escalation group here.</Empty>
      ) : (
        <div className={`${cardClass} flex flex-col gap-4`}>
          <ControlledSelect
            label="Department"
            value={department.id}
            onChange={setPicked}
            options={departments.data.map((d) => ({ id: d.id, name: d.name }))}
            error={save.variables?.departmentId === department.id ? problem?.fields.departmentId : undefined}
            className="sm:max-w-xs"
          />
          <GroupEditor
            key={department.id}
            department={department}
            departments={departments.data}
            draft={drafts[department.id]}
            onDraft={(members) => setDraft(department.id, members)}
            onSave={(userIds) => save.mutate({ departmentId: department.id, userIds })}
            saving={save.isPending}
            problem={save.variables?.departmentId === department.id ? problem : null}
            saved={savedHere ? save.data : null}
          />
        </div>
      )}
    </section>
  );
}

function GroupEditor({
  department,
  departments,
  draft,
  onDraft,
  onSave,
  saving,
  problem,
  saved,
}: {
  department: Department;
  departments: Department[];
  draft: Member[] | undefined;
  onDraft: (members: Member[] | undefined) => void;
  onSave: (userIds: string[]) => void;
  saving: boolean;
  problem: ApiProblem | null;
  saved: Member[] | null;
}) {
  const group = useQuery(trpc.admin.sla.escalationGroup.get.queryOptions({ departmentId: department.id }));
  // A removed person's button is gone: focus goes on to the picker, not to the page's start.
  const pickerInput = useRef<HTMLInputElement>(null);
  if (group.isPending) return <Loading what={`the escalation group of ${department.name}`} />;
  if (group.isError) return <Failed error={group.error} retry={() => void group.refetch()} />;
  const members = draft ?? group.data;
  const changed = draft !== undefined && !sameMembers(draft, group.data);
  const membersError = problem?.fields.userIds;
  return (
    <fieldset aria-describedby={membersError ? 'escalation-group-error' : undefined} className="flex flex-col gap-3">
      <legend className="mb-1 text-lg font-semibold">Escalation group of {department.name}</legend>
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      {membersError && (
        <p id="escalation-group-error" role="alert" className={`${errorClass} font-medium`}>
          {membersError}
        </p>
      )}
      {members.length === 0 ? (
        <Empty>
          No escalation group: when an escalation hands a ticket to the group, nobody is told through it and the ticket keeps its assignee (or, without one, stays in the queue); the level’s other
          notices, such as to the department’s supervisors, still go out.
        </Empty>
      ) : (
        <ul aria-label={`Escalation group of ${department.name}`} className="flex flex-col divide-y divide-slate-200 dark:divide-slate-800">
          {members.map((member) => (
            <li key={member.id} className="flex flex-wrap items-center justify-between gap-2 py-2">
              <div className="min-w-0 text-sm">
                <p className="font-medium">{member.name}</p>
                <p className={mutedClass}>
                  {roleWords[member.role]} · {member.email}
                </p>
                {member.role === 'requester' && <p className={errorClass}>A requester now: cannot take escalations; remove them to save the group.</p>}
              </div>
              <Button
                tone="secondary"
                aria-label={`Remove ${member.name}`}
                onPress={() => {
                  onDraft(members.filter((m) => m.id !== member.id));
                  pickerInput.current?.focus();
                }}
              >
                Remove
              </Button>
            </li>
          ))}
        </ul>
      )}
      <PersonPicker
        inputRef={pickerInput}
        exclude={members.map((m) => m.id)}
        departments={departments}
        onPick={(person) => onDraft([...members, { id: person.id, name: person.name, email: person.email, role: person.role }].sort(byName))}
      />
      <div className="flex flex-wrap items-center gap-2">
        <Button isPending={saving} isDisabled={!changed} onPress={() => !saving && onSave(members.map((m) => m.id))}>
          {saving ? 'Saving…' : 'Save escalation group'}
        </Button>
        {changed && (
          <>
            <Button tone="secondary" onPress={() => onDraft(undefined)}>
              Discard changes
            </Button>
            <span className={`text-sm ${mutedClass}`}>Unsaved changes</span>
          </>
        )}
      </div>
      <Saved
        message={
          saved
            ? saved.length === 0
              ? `Saved. ${department.name} has no escalation group now.`
              : `Saved. Escalations in ${department.name} go to ${new Intl.ListFormat('en', { type: 'conjunction' }).format(saved.map((m) => m.name))} from now on.`
            : null
        }
      />
    </fieldset>
  );
}

/**
 * A searchable list of the people the API accepts (admin.users.list, once per staff role, active
 * only: requesters are never offered), without those already in the group. Type a name or email;
 * arrows and Enter, or a click, add the person.
 */
function PersonPicker({ inputRef, exclude, departments, onPick }: { inputRef: RefObject<HTMLInputElement | null>; exclude: string[]; departments: Department[]; onPick: (person: Candidate) => void }) {
  const [text, setText] = useState('');
  // The last person picked, while they are in the group: a change of selection is what closes the
  // list (React Aria), and a person removed and picked again counts as a new pick.
  const [picked, setPicked] = useState<Key | null>(null);
  const selectedKey = picked !== null && exclude.includes(String(picked)) ? picked : null;
  const q = useDebounced(text.trim(), 250);
  const results = useQueries({
    queries: STAFF_ROLES.map((role) => ({ ...trpc.admin.users.list.queryOptions({ q: q || undefined, role, active: true, limit: PICKER_LIMIT }), placeholderData: keepPreviousData })),
  });
  const failed = results.find((r) => r.isError)?.error;
  const loading = results.some((r) => r.isPending);
  const candidates = results
    .flatMap((r) => r.data?.items ?? [])
    .filter((person) => !exclude.includes(person.id))
    .sort(byName);
  const departmentName = (id: string | null) => departments.find((d) => d.id === id)?.name ?? 'no department';
  const none = loading
    ? 'Loading people…'
    : failed
      ? apiProblem(failed).message
      : q
        ? `No active agent, supervisor or admin matches “${q}”.`
        : 'Every active agent, supervisor and admin is in the group already.';
  return (
    <ComboBox
      items={candidates}
      selectedKey={selectedKey}
      inputValue={text}
      onInputChange={setText}
      onSelectionChange={(key) => {
        // Also on leaving the field: what was typed and not picked goes.
        setText('');
        const person = candidates.find((c) => c.id === key);
        if (!person) return;
        setPicked(person.id);
        onPick(person);
      }}
      menuTrigger="input"
      allowsEmptyCollection
      className={`${fieldClass} sm:max-w-md`}
    >
      <Label className={labelClass}>Add a person</Label>
      <div className="relative flex">
        <Input ref={inputRef} placeholder="Name or email" className={`${inputClass} w-full pr-9`} />
        <AriaButton aria-label="Show people" className="absolute inset-y-0 right-0 px-3">
          <span aria-hidden="true">▾</span>
        </AriaButton>
      </div>
      <Text slot="description" className={hintClass}>
        Active agents, supervisors and admins, of any department: type a name or email.
      </Text>
      <Popover className="max-h-72 w-(--trigger-width) overflow-auto rounded-md border border-slate-300 bg-white shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <ListBox className="outline-none" renderEmptyState={() => <p className="px-3 py-2 text-sm text-slate-600 dark:text-slate-400">{none}</p>}>
          {(person: Candidate) => (
            <ListBoxItem id={person.id} textValue={person.name} className="flex cursor-default flex-col px-3 py-2 outline-none data-[focused]:bg-indigo-100 dark:data-[focused]:bg-indigo-900">
              <Text slot="label" className="font-medium">
                {person.name}
              </Text>
              <Text slot="description" className="text-sm text-slate-600 dark:text-slate-300">
                {roleWords[person.role]} · {departmentName(person.departmentId)} · {person.email}
              </Text>
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
  );
}
