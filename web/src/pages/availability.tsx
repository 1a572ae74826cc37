/**
 * Availability for routing: your own (available, or away, optionally until a time; the most open
 * tickets routing gives you), and for supervisors and admins their team's, each editable. Routing
 * skips whoever is away or at their cap; assigning by hand does not.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi } from '@tanstack/react-router';
import { useState } from 'react';
import { Label, Radio, RadioGroup } from 'react-aria-components';
import { ControlledText, Saved, cardClass, mutedClass } from '../components/controls';
import { Button, FormAlert } from '../components/fields';
import { Empty, Failed, Loading } from '../components/states';
import { Time } from '../components/ticket-bits';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, trpcClient, type RouterInputs, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/availability')({ component: AvailabilityPage });

const authed = getRouteApi('/_authed');

type View = RouterOutputs['availability']['getMine'];
type Change = RouterInputs['availability']['setMine'];

/** A Date as the value of a datetime-local input, in the viewer's timezone. */
function localInputValue(date: Date | null): string {
  if (!date) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

function AvailabilityPage() {
  const { me } = authed.useRouteContext();
  const mine = useQuery(trpc.availability.getMine.queryOptions());
  const supervises = me.role === 'supervisor' || me.role === 'admin';
  return (
    <div className="flex flex-col gap-10">
      <section aria-labelledby="my-availability-title" className="flex flex-col gap-4">
        <h1 id="my-availability-title" className="text-2xl font-bold">
          My availability
        </h1>
        {mine.isPending ? (
          <Loading what="your availability" />
        ) : mine.isError ? (
          <Failed error={mine.error} retry={() => void mine.refetch()} />
        ) : (
          <div className={cardClass}>
            <Summary view={mine.data} />
            <AvailabilityForm view={mine.data} who="your" save={(change) => saveAvailability({ mine: true, change })} />
          </div>
        )}
      </section>
      {supervises && <Team />}
    </div>
  );
}

/** setMine or set, then every view of availability is read again. */
async function saveAvailability(call: { mine: true; change: Change } | { mine: false; userId: string; change: Change }) {
  const saved = call.mine ? await trpcClient.availability.setMine.mutate(call.change) : await trpcClient.availability.set.mutate({ userId: call.userId, ...call.change });
  await queryClient.invalidateQueries({ queryKey: trpc.availability.pathKey() });
  return saved;
}

function Summary({ view }: { view: View }) {
  return (
    <p className="mb-3 text-sm">
      {view.status === 'away' ? (
        <>
          <strong>Away</strong>
          {view.awayUntil ? (
            <>
              {' until '}
              <Time date={view.awayUntil} />
            </>
          ) : (
            ' until set back'
          )}
        </>
      ) : (
        <strong>Available</strong>
      )}
      {' · '}
      {view.openAssigned} open {view.openAssigned === 1 ? 'ticket' : 'tickets'} assigned
      {view.maxOpenTickets !== null ? ` of at most ${view.maxOpenTickets}` : ''}
      {' · '}
      <span className={view.routable ? 'text-emerald-800 dark:text-emerald-300' : 'text-amber-800 dark:text-amber-300'}>{view.routable ? 'Routing assigns new tickets' : 'Routing skips for now'}</span>
    </p>
  );
}

function AvailabilityForm({ view, who, save }: { view: View; who: string; save: (change: Change) => Promise<View> }) {
  const [status, setStatus] = useState<'available' | 'away'>(view.status);
  const [until, setUntil] = useState(localInputValue(view.awayUntil));
  const [cap, setCap] = useState(view.maxOpenTickets === null ? '' : String(view.maxOpenTickets));
  const mutation = useMutation({ mutationFn: save });
  const problem = mutation.error ? apiProblem(mutation.error) : null;
  return (
    <form
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (mutation.isPending) return;
        mutation.mutate({
          status,
          awayUntil: status === 'away' && until !== '' ? new Date(until) : null,
          maxOpenTickets: cap.trim() === '' ? null : Number(cap),
        });
      }}
    >
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      <RadioGroup value={status} onChange={(value) => setStatus(value === 'away' ? 'away' : 'available')} className="flex flex-col gap-2">
        <Label className="text-sm font-medium">Status</Label>
        <div className="flex flex-wrap gap-4">
          {(['available', 'away'] as const).map((value) => (
            <Radio key={value} value={value} className="group flex items-center gap-2 text-sm">
              <span
                aria-hidden="true"
                className="flex size-5 items-center justify-center rounded-full border border-slate-500 group-data-[selected]:border-indigo-700 dark:group-data-[selected]:border-indigo-300"
              >
                <span className="size-2.5 rounded-full group-data-[selected]:bg-indigo-700 dark:group-data-[selected]:bg-indigo-300" />
              </span>
              {value === 'available' ? 'Available' : 'Away'}
            </Radio>
          ))}
        </div>
      </RadioGroup>
      <div className="grid gap-3 sm:grid-cols-2">
        {status === 'away' && (
          <ControlledText
            label="Away until"
            type="datetime-local"
            value={until}
            onChange={setUntil}
            error={problem?.fields.awayUntil}
            description={`In ${Intl.DateTimeFormat().resolvedOptions().timeZone} time; blank: until set back by hand.`}
          />
        )}
        <ControlledText
          label="Most open tickets at once"
          type="number"
          inputMode="numeric"
          value={cap}
          onChange={setCap}
          error={problem?.fields.maxOpenTickets}
          description="Routing stops assigning at this many; blank: no limit."
        />
      </div>
      <Button type="submit" isPending={mutation.isPending} className="self-start" aria-label={`Save ${who} availability`}>
        Save
      </Button>
      <Saved message={mutation.isSuccess ? 'Saved.' : null} />
    </form>
  );
}

function Team() {
  const team = useQuery(trpc.availability.team.queryOptions());
  return (
    <section aria-labelledby="team-title" className="flex flex-col gap-4">
      <h2 id="team-title" className="text-xl font-bold">
        My team
      </h2>
      {team.isPending ? (
        <Loading what="your team" />
      ) : team.isError ? (
        <Failed error={team.error} retry={() => void team.refetch()} />
      ) : team.data.length === 0 ? (
        <Empty>Nobody else works in your departments.</Empty>
      ) : (
        <ul aria-label="Team availability" className="flex flex-col gap-3">
          {team.data.map((member) => (
            <TeamMember key={member.userId} member={member} />
          ))}
        </ul>
      )}
    </section>
  );
}

function TeamMember({ member }: { member: View }) {
  const [editing, setEditing] = useState(false);
  return (
    <li className={cardClass}>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <p className="font-medium">
            {member.name} <span className={`text-sm font-normal ${mutedClass}`}>({member.role})</span>
          </p>
          <Summary view={member} />
        </div>
        {!editing && (
          <Button tone="secondary" onPress={() => setEditing(true)} aria-label={`Change availability of ${member.name}`}>
            Change
          </Button>
        )}
      </div>
      {editing && <AvailabilityForm view={member} who={`${member.name}’s`} save={(change) => saveAvailability({ mine: false, userId: member.userId, change })} />}
    </li>
  );
}
