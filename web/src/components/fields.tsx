/** Form fields on React Aria Components: label, description and the error (ours or the API's) wired for screen readers. */
import { FieldError, Input, Label, Text, TextArea, TextField } from 'react-aria-components';

// The button is its own module (components/button.tsx): pages with buttons and no form fields (the shell, My tickets) load it without the text fields.
export { Button } from './button';

export const fieldClass = 'flex flex-col gap-1';
export const labelClass = 'text-sm font-medium';
export const inputClass =
  'rounded-md border border-slate-300 bg-white px-3 py-2 text-base text-slate-900 outline-none focus:border-indigo-500 focus:ring-2 focus:ring-indigo-500/40 data-[invalid]:border-red-600 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100';
export const errorClass = 'text-sm text-red-700 dark:text-red-300';
export const hintClass = 'text-sm text-slate-600 dark:text-slate-400';

type TextProps = {
  name: string;
  label: string;
  type?: 'text' | 'email' | 'password';
  autoComplete?: string;
  isRequired?: boolean;
  defaultValue?: string;
  description?: string;
  minLength?: number;
  multiline?: boolean;
  rows?: number;
  /** Called with the value as it is typed (the field stays uncontrolled). */
  onChange?: (value: string) => void;
};

export function TextInput({ name, label, type = 'text', autoComplete, isRequired, defaultValue, description, minLength, multiline, rows = 6, onChange }: TextProps) {
  return (
    <TextField name={name} type={type} autoComplete={autoComplete} isRequired={isRequired} defaultValue={defaultValue} minLength={minLength} onChange={onChange} className={fieldClass}>
      <Label className={labelClass}>{label}</Label>
      {multiline ? <TextArea rows={rows} className={inputClass} /> : <Input className={inputClass} />}
      {description && (
        <Text slot="description" className={hintClass}>
          {description}
        </Text>
      )}
      <FieldError className={errorClass} />
    </TextField>
  );
}

/** A form-level message (what the API said), announced when it appears. */
export function FormAlert({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-700 dark:bg-red-950 dark:text-red-200">
      {message}
    </p>
  );
}
