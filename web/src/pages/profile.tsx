/**
 * The signed-in person's profile (auth.profile / auth.updateProfile): their name, and the timezone
 * their daily digest mail follows, from a searchable list with the organisation's default first
 * and the local time in the chosen zone beside it. The API's field errors appear beside the field;
 * the header shows the new name once saved.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link, useRouter } from '@tanstack/react-router';
import { useEffect, useState } from 'react';
import { ControlledText, Saved, cardClass, mutedClass } from '../components/controls';
import { Button, FormAlert } from '../components/fields';
import { Failed, Loading } from '../components/states';
import { TimezonePicker } from '../components/timezone-picker';
import { apiProblem } from '../lib/errors';
import { queryClient, trpc, type RouterOutputs } from '../trpc';

export const Route = createLazyRoute('/_authed/profile')({ component: ProfilePage });

type Profile = RouterOutputs['auth']['profile'];

function ProfilePage() {
  const profile = useQuery(trpc.auth.profile.queryOptions());
  return (
    <section aria-labelledby="profile-title" className="flex max-w-2xl flex-col gap-4">
      <div>
        <h1 id="profile-title" className="text-2xl font-bold">
          Profile
        </h1>
        <p className={`text-sm ${mutedClass}`}>
          Your name as others see it, and the timezone of your daily digest mail. What is mailed to you is under{' '}
          <Link to="/notifications/preferences" className="font-medium text-indigo-700 underline dark:text-indigo-300">
            notification preferences
          </Link>
          .
        </p>
      </div>
      {profile.isPending ? (
        <Loading what="your profile" />
      ) : profile.isError ? (
        <Failed error={profile.error} retry={() => void profile.refetch()} />
      ) : (
        <ProfileForm key={profile.data.id} profile={profile.data} />
      )}
    </section>
  );
}

function ProfileForm({ profile }: { profile: Profile }) {
  const router = useRouter();
  const [name, setName] = useState(profile.name);
  const [timezone, setTimezone] = useState<string | null>(profile.timezone);
  const [saved, setSaved] = useState<string | null>(null);
  const save = useMutation(
    trpc.auth.updateProfile.mutationOptions({
      onSuccess: async (stored) => {
        queryClient.setQueryData(trpc.auth.profile.queryKey(), stored);
        setName(stored.name);
        setTimezone(stored.timezone);
        setSaved('Saved.');
        // The header shows the name from the route context (auth.me, read by the route, not observed): fetch it again, then reload the context.
        await queryClient.refetchQueries({ queryKey: trpc.auth.me.queryKey() });
        await router.invalidate();
      },
    }),
  );
  const problem = save.error ? apiProblem(save.error) : null;
  const zone = timezone ?? profile.organisationTimezone;
  const hour = `${String(profile.digestHour).padStart(2, '0')}:00`;
  return (
    <form
      noValidate
      className={`${cardClass} flex flex-col gap-4`}
      onSubmit={(event) => {
        event.preventDefault();
        if (save.isPending) return;
        setSaved(null);
        save.mutate({ name, timezone });
      }}
    >
      <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
      <p className={`text-sm ${mutedClass}`}>
        Signed in as <span className="font-medium text-slate-900 dark:text-slate-100">{profile.email}</span>
      </p>
      <ControlledText label="Name" value={name} onChange={setName} error={problem?.fields.name} isRequired autoComplete="name" />
      <div className="flex flex-col gap-2">
        <TimezonePicker
          value={timezone}
          onChange={(chosen) => {
            setTimezone(chosen);
            setSaved(null);
          }}
          error={problem?.fields.timezone}
          defaultName={`Organisation default (${profile.organisationTimezone.replaceAll('_', ' ')})`}
          description={`Your daily digest mail comes at ${hour} in this timezone.`}
        />
        <LocalTime zone={zone} />
      </div>
      <Saved message={saved} />
      <div>
        <Button type="submit" isPending={save.isPending}>
          Save profile
        </Button>
      </div>
    </form>
  );
}

/** "Now in Europe/Berlin: Tuesday 14:05", kept current (each half minute). */
function LocalTime({ zone }: { zone: string }) {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);
  let local: string;
  try {
    local = new Intl.DateTimeFormat(undefined, { timeZone: zone, weekday: 'long', hour: '2-digit', minute: '2-digit' }).format(now);
  } catch {
    local = 'unknown in this browser';
  }
  return (
    <p className={`text-sm ${mutedClass}`} data-testid="local-time">
      Now in {zone.replaceAll('_', ' ')}: <span className="font-medium text-slate-900 dark:text-slate-100">{local}</span>
    </p>
  );
}
