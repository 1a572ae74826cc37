/** Pieces of the business calendar screens: the timezone picker and the week in words. */
import { useMemo, useState } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import type { WeeklyInterval } from '../../../../domain/vocabulary';
import { errorClass, fieldClass, hintClass, inputClass, labelClass } from '../../components/fields';

export const dayNames = ['', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'] as const;
const shortDays = ['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** Every IANA zone this browser knows (the API checks the same names), UTC first. */
function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

/** Type to filter ("lon" finds Europe/London); only a listed zone can be chosen. */
export function TimezonePicker({ value, onChange, error }: { value: string; onChange: (zone: string) => void; error?: string | null | undefined }) {
  const zones = useMemo(() => timeZones().map((zone) => ({ id: zone, name: zone.replaceAll('_', ' ') })), []);
  const nameOf = (zone: string) => zone.replaceAll('_', ' ');
  // The typed text is ours too: the list is filtered by it, and it shows the chosen zone otherwise.
  const [text, setText] = useState(nameOf(value));
  const needle = text.trim().toLowerCase();
  const items = needle === '' || text === nameOf(value) ? zones : zones.filter((zone) => zone.name.toLowerCase().includes(needle));
  return (
    <ComboBox
      items={items}
      selectedKey={value}
      inputValue={text}
      onInputChange={setText}
      onSelectionChange={(key) => {
        if (key === null) return;
        onChange(String(key));
        setText(nameOf(String(key)));
      }}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      menuTrigger="input"
      className={fieldClass}
    >
      <Label className={labelClass}>Timezone</Label>
      <div className="relative flex">
        <Input className={`${inputClass} w-full pr-9`} />
        <AriaButton aria-label="Show timezones" className="absolute inset-y-0 right-0 px-3">
          <span aria-hidden="true">▾</span>
        </AriaButton>
      </div>
      <Text slot="description" className={hintClass}>
        Open hours and holidays are in this zone’s local time, daylight saving included.
      </Text>
      <FieldError className={errorClass}>{error}</FieldError>
      <Popover className="max-h-72 w-(--trigger-width) overflow-auto rounded-md border border-slate-300 bg-white shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <ListBox className="outline-none">
          {(item: { id: string; name: string }) => (
            <ListBoxItem
              id={item.id}
              textValue={item.name}
              className="cursor-default px-3 py-2 outline-none data-[focused]:bg-indigo-100 data-[selected]:font-semibold dark:data-[focused]:bg-indigo-900"
            >
              {item.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </ComboBox>
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
