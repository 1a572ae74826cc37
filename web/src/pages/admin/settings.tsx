/**
 * Organisation settings (admin.settings: sign-up, ticket rate limit, comment edit window,
 * notification retention), the ticket lifecycle settings (admin.sla.settings: auto-close,
 * reopen window, parent/child rule, triage confidence) and the organisation's notification
 * defaults (admin.notificationDefaults). Each form saves only its own fields.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute } from '@tanstack/react-router';
import { useState } from 'react';
import { emailDeliveries, type EmailDelivery, type NotificationKind } from '../../../../domain/vocabulary';
import { ControlledSelect, ControlledText, Saved, Toggle, cardClass, mutedClass, tableClass, tdClass, thClass } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Failed, Loading } from '../../components/states';
import { apiProblem } from '../../lib/errors';
import { deliveryWords, kindWords } from '../../lib/notification-words';
import { queryClient, trpc, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/settings')({ component: SettingsPage });

type Settings = RouterOutputs['admin']['settings']['get'];
type Lifecycle = RouterOutputs['admin']['sla']['settings']['get'];

const asNumber = (value: string) => (value.trim() === '' ? Number.NaN : Number(value));

function SettingsPage() {
  const settings = useQuery(trpc.admin.settings.get.queryOptions());
  const lifecycle = useQuery(trpc.admin.sla.settings.get.queryOptions());
  return (
    <section aria-labelledby="settings-title" className="flex flex-col gap-6">
      <h1 id="settings-title" className="text-2xl font-bold">
        Settings
      </h1>
      {settings.isPending ? <Loading what="settings" /> : settings.isError ? <Failed error={settings.error} retry={() => void settings.refetch()} /> : <OrganisationForm settings={settings.data} />}
      {lifecycle.isPending ? (
        <Loading what="lifecycle settings" />
      ) : lifecycle.isError ? (
        <Failed error={lifecycle.error} retry={() => void lifecycle.refetch()} />
      ) : (
        <LifecycleForm settings={lifecycle.data} />
      )}
      <NotificationDefaults />
    </section>
  );
}

function OrganisationForm({ settings }: { settings: Settings }) {
  const [signUpEnabled, setSignUpEnabled] = useState(settings.signUpEnabled);
  const [domains, setDomains] = useState(settings.signUpDomains.join(', '));
  const [oidcLinkPrivileged, setOidcLinkPrivileged] = useState(settings.oidcLinkPrivileged);
  const [rateMax, setRateMax] = useState(String(settings.ticketRateLimit.max));
  const [rateHours, setRateHours] = useState(String(settings.ticketRateLimit.windowHours));
  const [editWindow, setEditWindow] = useState(String(settings.commentEditWindowMinutes));
  const [retention, setRetention] = useState(String(settings.notificationRetentionDays));
  const [misuseTime, setMisuseTime] = useState(settings.misuseReportTime);
  const save = useMutation(trpc.admin.settings.update.mutationOptions({ onSuccess: (saved) => queryClient.setQueryData(trpc.admin.settings.get.queryKey(), saved) }));
  const problem = save.error ? apiProblem(save.error) : null;
  return (
    <form
      noValidate
      aria-labelledby="organisation-title"
      className={`${cardClass} flex flex-col gap-4`}
      onSubmit={(event) => {
        event.preventDefault();
        if (save.isPending) return;
        save.mutate({
          signUpEnabled,
          signUpDomains: domains
            .split(/[\s,]+/)
            .map((d) => d.trim())
            .filter(Boolean),
          oidcLinkPrivileged,
          ticketRateLimit: { max: asNumber(rateMax), windowHours: asNumber(rateHours) },
          commentEditWindowMinutes: asNumber(editWindow),
          notificationRetentionDays: asNumber(retention),
          misuseReportTime: misuseTime.trim(),
        });
      }}
    >
      <h2 id="organisation-title" className="text-lg font-semibold">
        Organisation
      </h2>
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      <fieldset className="flex flex-col gap-3">
        <legend className="mb-1 text-sm font-semibold">Accounts</legend>
        <Toggle label="Anyone may create a requester account" isSelected={signUpEnabled} onChange={setSignUpEnabled} />
        <ControlledText
          label="Only with these email domains"
          value={domains}
          onChange={setDomains}
          error={problem?.fields.signUpDomains}
          description="Separated by commas, e.g. example.com, example.org; blank: any domain."
        />
        <Toggle label="Single sign-on may link existing supervisor and administrator accounts by email" isSelected={oidcLinkPrivileged} onChange={setOidcLinkPrivileged} />
      </fieldset>
      <fieldset className="grid gap-3 sm:grid-cols-2">
        <legend className="mb-1 text-sm font-semibold">Limits</legend>
        <ControlledText label="Tickets one requester may file" type="number" inputMode="numeric" value={rateMax} onChange={setRateMax} error={problem?.fields.ticketRateLimit} />
        <ControlledText label="…per this many hours" type="number" inputMode="numeric" value={rateHours} onChange={setRateHours} />
        <ControlledText label="Minutes an author may edit a comment" type="number" inputMode="numeric" value={editWindow} onChange={setEditWindow} error={problem?.fields.commentEditWindowMinutes} />
        <ControlledText label="Days read notifications are kept" type="number" inputMode="numeric" value={retention} onChange={setRetention} error={problem?.fields.notificationRetentionDays} />
        <ControlledText
          label="Daily misuse check at"
          value={misuseTime}
          onChange={setMisuseTime}
          error={problem?.fields.misuseReportTime}
          description="24-hour time (HH:MM) in the organisation's timezone; the reports are under Misuse reports."
        />
      </fieldset>
      <Button type="submit" isPending={save.isPending} className="self-start">
        Save organisation settings
      </Button>
      <Saved message={save.isSuccess ? 'Saved.' : null} />
    </form>
  );
}

function LifecycleForm({ settings }: { settings: Lifecycle }) {
  const [autoClose, setAutoClose] = useState(String(settings.autoCloseBusinessDays));
  const [reopen, setReopen] = useState(String(settings.reopenWindowDays));
  const [parentBlocks, setParentBlocks] = useState(settings.parentBlocksResolution);
  const [confidence, setConfidence] = useState(String(settings.triageMinConfidence));
  const save = useMutation(trpc.admin.sla.settings.update.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.sla.settings.get.queryKey() }) }));
  const problem = save.error ? apiProblem(save.error) : null;
  return (
    <form
      noValidate
      aria-labelledby="lifecycle-title"
      className={`${cardClass} flex flex-col gap-4`}
      onSubmit={(event) => {
        event.preventDefault();
        if (save.isPending) return;
        save.mutate({ autoCloseBusinessDays: asNumber(autoClose), reopenWindowDays: asNumber(reopen), parentBlocksResolution: parentBlocks, triageMinConfidence: asNumber(confidence) });
      }}
    >
      <h2 id="lifecycle-title" className="text-lg font-semibold">
        Ticket lifecycle
      </h2>
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      <div className="grid gap-3 sm:grid-cols-2">
        <ControlledText
          label="Close resolved tickets after (business days)"
          type="number"
          inputMode="numeric"
          value={autoClose}
          onChange={setAutoClose}
          error={problem?.fields.autoCloseBusinessDays}
          description="When the requester neither confirms nor reopens."
        />
        <ControlledText
          label="Requesters may reopen within (days)"
          type="number"
          inputMode="numeric"
          value={reopen}
          onChange={setReopen}
          error={problem?.fields.reopenWindowDays}
          description="After closing; 0: not at all."
        />
        <ControlledText
          label="Triage confidence needed to route on its own"
          type="number"
          inputMode="decimal"
          value={confidence}
          onChange={setConfidence}
          error={problem?.fields.triageMinConfidence}
          description="Between 0 and 1; below it, a person triages."
        />
      </div>
      <Toggle label="A parent ticket cannot be resolved while a child is open" isSelected={parentBlocks} onChange={setParentBlocks} />
      <Button type="submit" isPending={save.isPending} className="self-start">
        Save lifecycle settings
      </Button>
      <Saved message={save.isSuccess ? 'Saved. Open tickets follow the new settings from now on.' : null} />
    </form>
  );
}

/** The organisation's default per notification kind, for everyone who did not choose (admin.notificationDefaults). */
function NotificationDefaults() {
  const defaults = useQuery(trpc.admin.notificationDefaults.get.queryOptions());
  const key = trpc.admin.notificationDefaults.get.queryKey();
  const save = useMutation(trpc.admin.notificationDefaults.set.mutationOptions({ onSuccess: (saved) => queryClient.setQueryData(key, saved) }));
  const change = (next: { kind: NotificationKind; inApp: boolean; email: EmailDelivery }) => save.mutate({ defaults: [next] });
  return (
    <section aria-labelledby="defaults-title" className={`${cardClass} flex flex-col gap-3`}>
      <h2 id="defaults-title" className="text-lg font-semibold">
        Notification defaults
      </h2>
      <p className={`text-sm ${mutedClass}`}>For everyone who has not chosen otherwise in their own preferences. Changes save at once.</p>
      <FormAlert message={save.error ? apiProblem(save.error).message : null} />
      {defaults.isPending ? (
        <Loading what="notification defaults" />
      ) : defaults.isError ? (
        <Failed error={defaults.error} retry={() => void defaults.refetch()} />
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">The organisation&apos;s notification defaults per kind</caption>
            <thead>
              <tr>
                <th className={thClass}>Kind</th>
                <th className={thClass}>In the app</th>
                <th className={thClass}>Email</th>
              </tr>
            </thead>
            <tbody>
              {defaults.data.defaults.map((d) => {
                const words = kindWords[d.kind];
                return (
                  <tr key={d.kind}>
                    <td className={tdClass}>
                      <span className="block font-medium">{words.name}</span>
                      <span className={`block ${mutedClass}`}>{d.builtIn ? 'Built-in default' : 'Set by an admin'}</span>
                    </td>
                    <td className={tdClass}>
                      <Toggle label={`Show ${words.name.toLowerCase()} in the app by default`} isSelected={d.inApp} onChange={(inApp) => change({ kind: d.kind, inApp, email: d.email })} />
                    </td>
                    <td className={tdClass}>
                      <ControlledSelect
                        label={`Default email for ${words.name.toLowerCase()}`}
                        hideLabel
                        value={d.email}
                        options={emailDeliveries.map((id) => ({ id, name: deliveryWords[id] }))}
                        onChange={(email) => {
                          const delivery = emailDeliveries.find((e) => e === email);
                          if (delivery && delivery !== d.email) change({ kind: d.kind, inApp: d.inApp, email: delivery });
                        }}
                        className="w-48"
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
