/** Pieces of the business calendar screens: the timezone picker and the week in words. */
import type { WeeklyInterval } from '../../../../domain/vocabulary';
import { TimezonePicker } from '../../components/timezone-picker';

export const dayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const shortDays = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** The calendar's zone (one must be chosen): the shared picker, with what the zone means here. */
export function CalendarTimezonePicker({ value, onChange, error }: { value: string; onChange: (zone: string) => void; error?: string | null | undefined }) {
  return (
    <TimezonePicker value={value} onChange={(zone) => zone !== null && onChange(zone)} error={error} description="Open hours and holidays are in this zone’s local time, daylight saving included." />
  );
}

/** "Mon–Fri 09:00–17:30", or each day when they differ. */
export function describeWeek(weeklyHours: WeeklyInterval[]): string {
  if (weeklyHours.length === 0) return 'No open hours';
  const byDay = new Map<number, string>();
  for (const interval of [...weeklyHours].sort((a, b) => a.day - b.day || a.start.localeCompare(b.start))) {
    const text = `${interval.start}–${interval.end}`;
    byDay.set(interval.day, byDay.has(interval.day) ? `${byDay.get(interval.day)}, ${text}` : text);
  }
  const groups: { from: number; to: number; text: string }[] = [];
  for (const [day, text] of [...byDay].sort((a, b) => a[0] - b[0])) {
    const last = groups.at(-1);
    if (last && last.text === text && last.to === day - 1) last.to = day;
    else groups.push({ from: day, to: day, text });
  }
  return groups.map((g) => `${shortDays[g.from]}${g.to !== g.from ? `–${shortDays[g.to]}` : ''} ${g.text}`).join('; ');
}
