/**
 * Notification preferences per kind (notification.preferences / setPreferences): shown in the app
 * or not, and how it is mailed; or back to the organisation's default. Each change saves at once,
 * shown before the API answers and put back if it refuses.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { emailDeliveries } from '../../../domain/vocabulary';
import { ControlledSelect, Toggle, mutedClass, tableClass, tdClass, thClass } from '../components/controls';
import { Button, FormAlert } from '../components/fields';
import { Failed, Loading } from '../components/states';
import { apiProblem } from '../lib/errors';
import { deliveryWords, kindWords } from '../lib/notification-words';
import { queryClient, trpc, type RouterInputs, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/notifications/preferences')({ component: Preferences });

type Preference = RouterOutputs['notification']['preferences']['preferences'][number];
type Change = RouterInputs['notification']['setPreferences']['preferences'][number];

const deliveryOptions = emailDeliveries.map((id) => ({ id, name: deliveryWords[id] }));

function Preferences() {
  const preferences = useQuery(trpc.notification.preferences.queryOptions());
  const key = trpc.notification.preferences.queryKey();
  const save = useMutation(
    trpc.notification.setPreferences.mutationOptions({
      onMutate: async (input) => {
        await queryClient.cancelQueries({ queryKey: key });
        const before = queryClient.getQueryData(key);
        queryClient.setQueryData(
          key,
          (data) =>
            data && {
              preferences: data.preferences.map((p) => {
                const change = input.preferences.find((c) => c.kind === p.kind);
                return change && !change.useDefault ? { ...p, inApp: change.inApp ?? p.inApp, email: change.email ?? p.email, isDefault: false } : p;
              }),
            },
        );
        return { before };
      },
      onError: (_error, _input, context) => queryClient.setQueryData(key, context?.before),
      onSuccess: async (saved) => {
        queryClient.setQueryData(key, saved);
        // What is shown in the app changed: so may the list and the count.
        await queryClient.invalidateQueries({ queryKey: trpc.notification.pathKey() });
      },
    }),
  );
  const change = (c: Change) => save.mutate({ preferences: [c] });
  return (
    <section aria-labelledby="preferences-title" className="flex flex-col gap-4">
      <div>
        <Link to="/notifications" search={{ unread: false }} className="text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
          ← Notifications
        </Link>
        <h1 id="preferences-title" className="mt-2 text-2xl font-bold">
          Notification preferences
        </h1>
        <p className={`text-sm ${mutedClass}`}>
          For each kind: whether it shows here, and whether it is mailed to you. Changes save at once. The daily digest comes at 08:00 in the timezone on your{' '}
          <Link to="/profile" className="font-medium text-indigo-700 underline dark:text-indigo-300">
            profile
          </Link>
          .
        </p>
      </div>
      <FormAlert message={save.error ? apiProblem(save.error).message : null} />
      {preferences.isPending ? (
        <Loading what="your preferences" />
      ) : preferences.isError ? (
        <Failed error={preferences.error} retry={() => void preferences.refetch()} />
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">Notification preferences per kind</caption>
            <thead>
              <tr>
                <th className={thClass}>Kind</th>
                <th className={thClass}>In the app</th>
                <th className={thClass}>Email</th>
                <th className={thClass}>Source</th>
              </tr>
            </thead>
            <tbody>
              {preferences.data.preferences.map((p) => (
                <PreferenceRow key={p.kind} preference={p} onChange={change} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function PreferenceRow({ preference, onChange }: { preference: Preference; onChange: (change: Change) => void }) {
  const words = kindWords[preference.kind];
  return (
    <tr>
      <td className={tdClass}>
        <span className="block font-medium">{words.name}</span>
        <span className={`block ${mutedClass}`}>{words.what}</span>
      </td>
      <td className={tdClass}>
        <Toggle label={`Show ${words.name.toLowerCase()} in the app`} isSelected={preference.inApp} onChange={(inApp) => onChange({ kind: preference.kind, inApp })} />
      </td>
      <td className={tdClass}>
        <ControlledSelect
          label={`Email for ${words.name.toLowerCase()}`}
          hideLabel
          value={preference.email}
          options={deliveryOptions}
          onChange={(email) => {
            const delivery = emailDeliveries.find((d) => d === email);
            if (delivery && delivery !== preference.email) onChange({ kind: preference.kind, email: delivery });
          }}
          className="w-48"
        />
      </td>
      <td className={tdClass}>
        {preference.isDefault ? (
          <span className={mutedClass}>Organisation default</span>
        ) : (
          <Button tone="secondary" onPress={() => onChange({ kind: preference.kind, useDefault: true })} aria-label={`Use the organisation default for ${words.name.toLowerCase()}`}>
            Use default
          </Button>
        )}
      </td>
    </tr>
  );
}
