/**
 * Controlled fields for the forms of the admin, notification and availability pages: the value
 * lives in React state, the error (ours or the API's zod field error) is passed in and shown
 * beside the field, wired for screen readers. (fields.tsx has the uncontrolled ones of the
 * requester's forms.)
 */
import type { ReactNode } from 'react';
import {
  Button as AriaButton,
  Checkbox,
  Dialog,
  DialogTrigger,
  FieldError,
  Heading,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Modal,
  ModalOverlay,
  Popover,
  Select,
  SelectValue,
  Text,
  TextArea,
  TextField,
} from 'react-aria-components';
import { Button } from './fields';
import { errorClass, fieldClass, hintClass, inputClass, labelClass } from './fields';

type Common = { label: string; error?: string | null | undefined; description?: string; hideLabel?: boolean; className?: string };

export function ControlledText({
  label,
  value,
  onChange,
  error,
  description,
  hideLabel,
  className,
  type = 'text',
  isRequired,
  multiline,
  inputMode,
  placeholder,
  autoComplete,
}: Common & {
  value: string;
  onChange: (value: string) => void;
  type?: 'text' | 'email' | 'number' | 'date' | 'datetime-local' | 'search';
  isRequired?: boolean;
  multiline?: boolean;
  inputMode?: 'numeric' | 'decimal' | 'text';
  placeholder?: string;
  autoComplete?: string;
}) {
  return (
    <TextField
      value={value}
      onChange={onChange}
      type={type}
      isRequired={isRequired}
      isInvalid={Boolean(error)}
      validationBehavior="aria"
      inputMode={inputMode}
      autoComplete={autoComplete ?? 'off'}
      className={`${fieldClass} ${className ?? ''}`}
    >
      <Label className={hideLabel ? 'sr-only' : labelClass}>{label}</Label>
      {multiline ? <TextArea rows={4} placeholder={placeholder} className={inputClass} /> : <Input placeholder={placeholder} className={inputClass} />}
      {description && (
        <Text slot="description" className={hintClass}>
          {description}
        </Text>
      )}
      <FieldError className={errorClass}>{error}</FieldError>
    </TextField>
  );
}

export type Option = { id: string; name: string };

export function ControlledSelect({
  label,
  value,
  onChange,
  options,
  error,
  description,
  hideLabel,
  className,
  isDisabled,
}: Common & { value: string; onChange: (id: string) => void; options: Option[]; isDisabled?: boolean }) {
  return (
    <Select
      selectedKey={value}
      onSelectionChange={(key) => key !== null && onChange(String(key))}
      isInvalid={Boolean(error)}
      isDisabled={isDisabled}
      validationBehavior="aria"
      className={`${fieldClass} ${className ?? ''}`}
    >
      <Label className={hideLabel ? 'sr-only' : labelClass}>{label}</Label>
      <AriaButton className={`${inputClass} flex items-center justify-between gap-2 text-left data-[disabled]:opacity-60`}>
        <SelectValue className="truncate" />
        <span aria-hidden="true">▾</span>
      </AriaButton>
      {description && (
        <Text slot="description" className={hintClass}>
          {description}
        </Text>
      )}
      <FieldError className={errorClass}>{error}</FieldError>
      <Popover className="max-h-72 w-(--trigger-width) min-w-40 overflow-auto rounded-md border border-slate-300 bg-white shadow-lg dark:border-slate-600 dark:bg-slate-900">
        <ListBox items={options} className="outline-none">
          {(option) => (
            <ListBoxItem
              id={option.id}
              textValue={option.name}
              className="cursor-default px-3 py-2 outline-none data-[focused]:bg-indigo-100 data-[selected]:font-semibold dark:data-[focused]:bg-indigo-900"
            >
              {option.name}
            </ListBoxItem>
          )}
        </ListBox>
      </Popover>
    </Select>
  );
}

export function Toggle({ label, isSelected, onChange, isDisabled }: { label: string; isSelected: boolean; onChange: (value: boolean) => void; isDisabled?: boolean }) {
  return (
    <Checkbox isSelected={isSelected} onChange={onChange} isDisabled={isDisabled} className="group flex min-h-8 items-center gap-2 text-sm data-[disabled]:opacity-60">
      <span
        aria-hidden="true"
        className="flex size-5 shrink-0 items-center justify-center rounded border border-slate-500 text-white group-data-[selected]:border-indigo-700 group-data-[selected]:bg-indigo-700 dark:group-data-[selected]:border-indigo-300 dark:group-data-[selected]:bg-indigo-300 dark:group-data-[selected]:text-slate-950"
      >
        {isSelected ? '✓' : ''}
      </span>
      {label}
    </Checkbox>
  );
}

/** A destructive action behind a confirmation dialog (focus moves into it, Escape closes it). */
export function ConfirmButton({
  label,
  title,
  children,
  confirmLabel,
  onConfirm,
  isPending,
  tone = 'secondary',
  ariaLabel,
}: {
  label: string;
  /** When the visible label is ambiguous in a list ("Delete"): what it acts on. */
  ariaLabel?: string;
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  isPending?: boolean;
  tone?: 'primary' | 'secondary';
}) {
  return (
    <DialogTrigger>
      <Button tone={tone} isPending={isPending} aria-label={ariaLabel}>
        {label}
      </Button>
      <ModalOverlay isDismissable className="fixed inset-0 z-20 flex items-center justify-center bg-slate-950/50 p-4">
        <Modal className="w-full max-w-md rounded-lg border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-700 dark:bg-slate-900">
          <Dialog className="flex flex-col gap-4 outline-none">
            {({ close }) => (
              <>
                <Heading slot="title" className="text-lg font-semibold">
                  {title}
                </Heading>
                <div className="text-sm text-slate-700 dark:text-slate-300">{children}</div>
                <div className="flex justify-end gap-2">
                  <Button tone="secondary" onPress={close}>
                    Keep it
                  </Button>
                  <Button
                    onPress={() => {
                      onConfirm();
                      close();
                    }}
                  >
                    {confirmLabel}
                  </Button>
                </div>
              </>
            )}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/** A short success line, announced when it appears. */
export function Saved({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p role="status" className="rounded-md border border-emerald-300 bg-emerald-50 px-3 py-2 text-sm text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100">
      {message}
    </p>
  );
}

export const cardClass = 'rounded-lg border border-slate-200 p-4 dark:border-slate-800';
export const tableClass = 'w-full border-collapse text-left text-sm';
export const thClass = 'border-b border-slate-200 px-3 py-2 font-semibold dark:border-slate-700';
export const tdClass = 'border-b border-slate-100 px-3 py-2 align-top dark:border-slate-800';
export const mutedClass = 'text-slate-600 dark:text-slate-400';
