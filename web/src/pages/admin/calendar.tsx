/**
 * One business calendar, edited visually: each weekday's open hours as a bar over the day and as
 * editable intervals, the holidays as dates, the timezone from a picker. The API validates the
 * whole calendar; its errors appear beside the part they concern (open hours, holidays,
 * timezone, name), and the intervals it objects to are marked.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, getRouteApi, Link } from '@tanstack/react-router';
import { useState } from 'react';
import type { IsoWeekday, WeeklyInterval } from '../../../../domain/vocabulary';
import { ControlledText, Saved, Toggle, cardClass, mutedClass } from '../../components/controls';
import { Button, FormAlert, errorClass } from '../../components/fields';
import { Failed, Loading } from '../../components/states';
import { apiProblem } from '../../lib/errors';
import { queryClient, trpc, type RouterOutputs } from '../../trpc';
import { CalendarTimezonePicker, dayNames } from './calendar-bits';

export const Route = createLazyRoute('/_authed/admin/sla/calendars/$calendarId')({ component: CalendarPage });

const route = getRouteApi('/_authed/admin/sla/calendars/$calendarId');

type Calendar = RouterOutputs['admin']['sla']['calendar']['list'][number];

const days: IsoWeekday[] = [1, 2, 3, 4, 5, 6, 7];
const START = /^(?:[01]\d|2[0-3]):[0-5]\d$/;
const END = /^(?:(?:[01]\d|2[0-3]):[0-5]\d|24:00)$/;
const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** What the API would object to in one interval (shown once it has objected to the open hours). */
function intervalLooksWrong(interval: WeeklyInterval): boolean {
  return !START.test(interval.start) || !END.test(interval.end) || minutes(interval.end) <= minutes(interval.start);
}

function CalendarPage() {
  const { calendarId } = route.useParams();
  const calendars = useQuery(trpc.admin.sla.calendar.list.queryOptions());
  if (calendars.isPending) return <Loading what="the calendar" />;
  if (calendars.isError) return <Failed error={calendars.error} retry={() => void calendars.refetch()} />;
  const calendar = calendars.data.find((c) => c.id === calendarId);
  if (!calendar) return <Failed error={new Error('There is no such calendar; it may have been deleted.')} retry={() => void calendars.refetch()} />;
  return <CalendarEditor key={calendar.id} calendar={calendar} />;
}

type Row = WeeklyInterval & { key: string };

function CalendarEditor({ calendar }: { calendar: Calendar }) {
  const [name, setName] = useState(calendar.name);
  const [timezone, setTimezone] = useState(calendar.timezone);
  const [alwaysOpen, setAlwaysOpen] = useState(calendar.alwaysOpen);
  const [rows, setRows] = useState<Row[]>(() => calendar.weeklyHours.map((interval) => ({ ...interval, key: crypto.randomUUID() })));
  const [holidays, setHolidays] = useState<string[]>(() => [...calendar.holidays].sort());
  const [newHoliday, setNewHoliday] = useState('');
  const save = useMutation(
    trpc.admin.sla.calendar.update.mutationOptions({
      onSuccess: (saved) => {
        queryClient.setQueryData(trpc.admin.sla.calendar.list.queryKey(), (list) => list?.map((c) => (c.id === saved.id ? { ...c, ...saved } : c)));
      },
    }),
  );
  const problem = save.error ? apiProblem(save.error) : null;
  const hoursError = problem?.fields.weeklyHours;
  const setRow = (key: string, change: Partial<WeeklyInterval>) => setRows((all) => all.map((row) => (row.key === key ? { ...row, ...change } : row)));
  const addInterval = (day: IsoWeekday) => {
    const last = rows.filter((r) => r.day === day).at(-1);
    setRows((all) => [
      ...all,
      last ? { day, start: last.end === '24:00' ? '23:00' : last.end, end: '24:00', key: crypto.randomUUID() } : { day, start: '09:00', end: '17:00', key: crypto.randomUUID() },
    ]);
  };
  const copyMondayToWeekdays = () => {
    const monday = rows.filter((r) => r.day === 1);
    setRows((all) => [...all.filter((r) => r.day === 1 || r.day > 5), ...([2, 3, 4, 5] as const).flatMap((day) => monday.map((r) => ({ ...r, day, key: crypto.randomUUID() })))]);
  };
  return (
    <article aria-labelledby="calendar-title" className="flex flex-col gap-6">
      <div>
        <Link to="/admin/sla" className="text-sm font-medium text-indigo-700 underline dark:text-indigo-300">
          ← SLA and calendars
        </Link>
        <h1 id="calendar-title" className="mt-2 text-2xl font-bold">
          Calendar: {calendar.name}
        </h1>
        <p className={`text-sm ${mutedClass}`}>Changes apply to open tickets from the moment you save.</p>
      </div>
      <form
        noValidate
        className="flex flex-col gap-6"
        onSubmit={(event) => {
          event.preventDefault();
          if (save.isPending) return;
          save.mutate({
            id: calendar.id,
            name,
            timezone,
            alwaysOpen,
            weeklyHours: alwaysOpen ? [] : rows.map(({ day, start, end }) => ({ day, start, end })),
            holidays: alwaysOpen ? [] : holidays,
          });
        }}
      >
        <FormAlert message={problem && Object.keys(problem.fields).length === 0 ? problem.message : null} />
        <div className="grid gap-3 sm:grid-cols-2">
          <ControlledText label="Name" value={name} onChange={setName} error={problem?.fields.name} isRequired />
          <CalendarTimezonePicker value={timezone} onChange={setTimezone} error={problem?.fields.timezone} />
        </div>
        <Toggle label="Always open (24×7): the clock never stops" isSelected={alwaysOpen} onChange={setAlwaysOpen} />
        {problem?.fields.alwaysOpen && <p className={errorClass}>{problem.fields.alwaysOpen}</p>}

        {!alwaysOpen && (
          <fieldset className={cardClass} aria-describedby={hoursError ? 'weekly-hours-error' : undefined}>
            <legend className="px-1 text-lg font-semibold">Open hours</legend>
            <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
              <p className={`text-sm ${mutedClass}`}>Local times as HH:mm; an interval ends at 24:00 at the latest (split one that crosses midnight).</p>
              <Button tone="secondary" onPress={copyMondayToWeekdays}>
                Copy Monday to Tuesday–Friday
              </Button>
            </div>
            {hoursError && (
              <p id="weekly-hours-error" role="alert" className={`${errorClass} mb-3 font-medium`}>
                {hoursError}
              </p>
            )}
            <ol className="flex flex-col divide-y divide-slate-200 dark:divide-slate-800">
              {days.map((day) => (
                <DayRow
                  key={day}
                  day={day}
                  rows={rows.filter((r) => r.day === day)}
                  flagged={Boolean(hoursError)}
                  onChange={setRow}
                  onRemove={(key) => setRows((all) => all.filter((r) => r.key !== key))}
                  onAdd={() => addInterval(day)}
                />
              ))}
            </ol>
          </fieldset>
        )}

        {!alwaysOpen && (
          <fieldset className={cardClass} aria-describedby={problem?.fields.holidays ? 'holidays-error' : undefined}>
            <legend className="px-1 text-lg font-semibold">Holidays</legend>
            <p className={`mb-3 text-sm ${mutedClass}`}>The clock stops for the whole day, in the calendar’s timezone.</p>
            {problem?.fields.holidays && (
              <p id="holidays-error" role="alert" className={`${errorClass} mb-3 font-medium`}>
                {problem.fields.holidays}
              </p>
            )}
            {holidays.length === 0 ? (
              <p className={`text-sm ${mutedClass}`}>No holidays.</p>
            ) : (
              <ul aria-label="Holidays" className="mb-3 flex flex-wrap gap-2">
                {holidays.map((date) => (
                  <li key={date} className="flex items-center gap-1 rounded-full border border-slate-300 py-0.5 pr-1 pl-3 text-sm dark:border-slate-600">
                    <time dateTime={date}>{holidayWords(date)}</time>
                    <Button tone="secondary" className="min-h-7 px-2 py-0.5" aria-label={`Remove holiday ${holidayWords(date)}`} onPress={() => setHolidays((all) => all.filter((d) => d !== date))}>
                      ✕
                    </Button>
                  </li>
                ))}
              </ul>
            )}
            <div className="flex flex-wrap items-end gap-2">
              <ControlledText label="Holiday date" type="date" value={newHoliday} onChange={setNewHoliday} />
              <Button
                tone="secondary"
                isDisabled={newHoliday === ''}
                onPress={() => {
                  setHolidays((all) => [...new Set([...all, newHoliday])].sort());
                  setNewHoliday('');
                }}
              >
                Add holiday
              </Button>
            </div>
          </fieldset>
        )}

        <div className="flex flex-col gap-2">
          <Button type="submit" isPending={save.isPending} className="self-start">
            {save.isPending ? 'Saving…' : 'Save calendar'}
          </Button>
          <Saved
            message={
              save.isSuccess && !save.isPending
                ? save.data.propagation === 'started'
                  ? 'Saved. Open tickets follow the new calendar from now on.'
                  : 'Saved. Open tickets pick up the new calendar within a few minutes.'
                : null
            }
          />
        </div>
      </form>
    </article>
  );
}

/** "Fri, 25 Dec 2026": the date as written, whatever the viewer's timezone. */
function holidayWords(date: string): string {
  const parsed = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(parsed.getTime()) ? date : new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(parsed);
}

function DayRow({
  day,
  rows,
  flagged,
  onChange,
  onRemove,
  onAdd,
}: {
  day: IsoWeekday;
  rows: Row[];
  flagged: boolean;
  onChange: (key: string, change: Partial<WeeklyInterval>) => void;
  onRemove: (key: string) => void;
  onAdd: () => void;
}) {
  const name = dayNames[day];
  return (
    <li className="grid gap-2 py-3 sm:grid-cols-[7rem_1fr] sm:items-start">
      <div className="font-medium">{name}</div>
      <div className="flex flex-col gap-2">
        <DayBar rows={rows} name={name} />
        {rows.length === 0 && <p className={`text-sm ${mutedClass}`}>Closed</p>}
        {rows.map((row, index) => {
          const wrong = flagged && intervalLooksWrong(row);
          const which = rows.length > 1 ? ` (${index + 1})` : '';
          return (
            <div key={row.key} className="flex flex-wrap items-start gap-2">
              <ControlledText
                label={`${name} opens${which}`}
                value={row.start}
                onChange={(start) => onChange(row.key, { start })}
                placeholder="09:00"
                inputMode="numeric"
                className="w-28"
                error={wrong ? 'Check this time.' : null}
              />
              <ControlledText
                label={`${name} closes${which}`}
                value={row.end}
                onChange={(end) => onChange(row.key, { end })}
                placeholder="17:00"
                inputMode="numeric"
                className="w-28"
                error={wrong ? 'Must be after opening.' : null}
              />
              <Button tone="secondary" className="mt-6" aria-label={`Remove ${name} ${row.start}–${row.end}`} onPress={() => onRemove(row.key)}>
                Remove
              </Button>
            </div>
          );
        })}
        <Button tone="secondary" className="self-start" onPress={onAdd} aria-label={`Add open hours on ${name}`}>
          Add hours
        </Button>
      </div>
    </li>
  );
}

/** The day from 00:00 to 24:00, open hours filled in (decorative: the intervals below say the same in text). */
function DayBar({ rows, name }: { rows: Row[]; name: string }) {
  const valid = rows.filter((r) => !intervalLooksWrong(r));
  return (
    <div aria-hidden="true" data-day={name} className="relative h-4 overflow-hidden rounded bg-slate-200 dark:bg-slate-800">
      {[6, 12, 18].map((hour) => (
        <span key={hour} className="absolute inset-y-0 w-px bg-slate-400/60" style={{ left: `${(hour / 24) * 100}%` }} />
      ))}
      {valid.map((r) => (
        <span
          key={r.key}
          className="absolute inset-y-0 bg-indigo-600 dark:bg-indigo-400"
          style={{ left: `${(minutes(r.start) / 1440) * 100}%`, width: `${((minutes(r.end) - minutes(r.start)) / 1440) * 100}%` }}
        />
      ))}
    </div>
  );
}
