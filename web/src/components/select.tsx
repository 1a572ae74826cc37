/** A select on React Aria Components, styled like the other fields (its own module: the sign-in page does not need it). */
import { Button as AriaButton, FieldError, Label, ListBox, ListBoxItem, Popover, Select, SelectValue, Text } from 'react-aria-components';
import { errorClass, fieldClass, hintClass, inputClass, labelClass } from './fields';

export type Choice = { id: string; name: string };

export function SelectInput({
  name,
  label,
  choices,
  defaultValue,
  placeholder,
  description,
  onChange,
}: {
  name: string;
  label: string;
  choices: Choice[];
  defaultValue?: string | null | undefined;
  placeholder?: string;
  description?: string;
  onChange?: (id: string | null) => void;
}) {
  return (
    <Select name={name} defaultValue={defaultValue ?? null} placeholder={placeholder} className={fieldClass} onChange={(key) => onChange?.(key === null ? null : String(key))}>
      <Label className={labelClass}>{label}</Label>
      <AriaButton className={`${inputClass} flex items-center justify-between text-left`}>
        <SelectValue className="truncate data-[placeholder]:text-slate-500 dark:data-[placeholder]:text-slate-400" />
        <span aria-hidden="true">▾</span>
      </AriaButton>
      {description && (
        <Text slot="description" className={hintClass}>
          {description}
        </Text>
      )}
      <FieldError className={errorClass} />
      <Popover className="max-h-72 w-(--trigger-width) overflow-auto rounded-md border border-slate-300 bg-white shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <ListBox items={choices} className="outline-none">
          {(choice) => (
            <ListBoxItem
              id={choice.id}
              textValue={choice.name}
              className="cursor-default px-3 py-2 outline-none data-[focused]:bg-indigo-100 data-[selected]:font-semibold dark:data-[focused]:bg-indigo-900"
            >
              {choice.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}
