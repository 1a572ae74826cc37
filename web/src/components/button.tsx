/** The console's button (React Aria's), apart from the form fields: the first page needs it, not them. */
import type { ReactNode } from 'react';
import { Button as AriaButton, type ButtonProps } from 'react-aria-components';

const buttonTones = {
  primary: 'bg-indigo-700 text-white hover:bg-indigo-800 dark:bg-indigo-300 dark:text-slate-950 dark:hover:bg-indigo-200',
  secondary: 'border border-slate-300 bg-white text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800',
};

/**
 * A button; while its action runs it is marked busy (forms ignore a second submit meanwhile). Not
 * disabled: a submit button disabled during its own press ignores the next click; and React Aria's
 * isPending announces through a live region that points at the button, gone once the page changes.
 */
export function Button({
  tone = 'primary',
  children,
  className,
  isPending = false,
  isDisabled = false,
  ...props
}: Omit<ButtonProps, 'className' | 'children'> & { tone?: keyof typeof buttonTones; children: ReactNode; className?: string }) {
  return (
    <AriaButton
      {...props}
      isDisabled={isDisabled}
      aria-busy={isPending || undefined}
      className={`inline-flex min-h-10 items-center justify-center gap-2 rounded-md px-4 py-2 text-sm font-semibold disabled:opacity-60 data-[disabled]:opacity-60 ${buttonTones[tone]} ${className ?? ''}`}
    >
      {children}
    </AriaButton>
  );
}
