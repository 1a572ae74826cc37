/**
 * A searchable IANA timezone picker (the business calendar's and the profile's): type to filter
 * ("lon" finds Europe/London), arrows and Enter to choose; only a listed zone can be chosen. With
 * `defaultName`, a first choice stands for "no zone of my own" (null).
 */
import { useMemo, useState, type ReactNode } from 'react';
import { Button as AriaButton, ComboBox, FieldError, Input, Label, ListBox, ListBoxItem, Popover, Text } from 'react-aria-components';
import { errorClass, fieldClass, hintClass, inputClass, labelClass } from './fields';

/** The key of the "no zone of my own" choice: no IANA name starts with "@". */
const DEFAULT_KEY = '@default';

/** Every IANA zone this browser knows (the API checks the same names), UTC first. */
export function timeZones(): string[] {
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  return ['UTC', ...zones.filter((zone) => zone !== 'UTC')];
}

const nameOf = (zone: string) => zone.replaceAll('_', ' ');

export function TimezonePicker({
  value,
  onChange,
  error,
  label = 'Timezone',
  description,
  defaultName,
}: {
  value: string | null;
  onChange: (zone: string | null) => void;
  error?: string | null | undefined;
  label?: string;
  description?: ReactNode;
  /** The words for the null choice, e.g. "Organisation default (Europe/London)"; none: a zone must be chosen. */
  defaultName?: string;
}) {
  const choices = useMemo(() => [...(defaultName === undefined ? [] : [{ id: DEFAULT_KEY, name: defaultName }]), ...timeZones().map((zone) => ({ id: zone, name: nameOf(zone) }))], [defaultName]);
  const selectedKey = value ?? (defaultName === undefined ? null : DEFAULT_KEY);
  const shown = choices.find((choice) => choice.id === selectedKey)?.name ?? '';
  // The typed text is ours too: the list is filtered by it, and it shows the chosen zone otherwise.
  const [text, setText] = useState(shown);
  const needle = text.trim().toLowerCase();
  const items = needle === '' || text === shown ? choices : choices.filter((choice) => choice.name.toLowerCase().includes(needle));
  return (
    <ComboBox
      items={items}
      selectedKey={selectedKey}
      inputValue={text}
      onInputChange={setText}
      onSelectionChange={(key) => {
        if (key === null) return;
        const zone = String(key);
        onChange(zone === DEFAULT_KEY ? null : zone);
        setText(choices.find((choice) => choice.id === zone)?.name ?? nameOf(zone));
      }}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      menuTrigger="input"
      allowsEmptyCollection
      className={fieldClass}
    >
      <Label className={labelClass}>{label}</Label>
      <div className="relative flex">
        <Input className={`${inputClass} w-full pr-9`} />
        <AriaButton aria-label="Show timezones" className="absolute inset-y-0 right-0 px-3">
          <span aria-hidden="true">▾</span>
        </AriaButton>
      </div>
      {description && (
        <Text slot="description" className={hintClass}>
          {description}
        </Text>
      )}
      <FieldError className={errorClass}>{error}</FieldError>
      <Popover className="max-h-72 w-(--trigger-width) overflow-auto rounded-md border border-slate-300 bg-white shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <ListBox className="outline-none" renderEmptyState={() => <p className="px-3 py-2 text-sm text-slate-600 dark:text-slate-400">No timezone matches “{text.trim()}”.</p>}>
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
