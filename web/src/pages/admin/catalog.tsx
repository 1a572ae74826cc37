/**
 * What the buildings, categories and templates pages share: a form to add one, and each one
 * listed with an inline edit form (the same fields, plus whether it is offered), deactivate and
 * delete. Values are strings in the form; each page turns them into its procedure's input.
 */
import { useMutation, type UseQueryResult } from '@tanstack/react-query';
import { useState } from 'react';
import { ConfirmButton, ControlledSelect, ControlledText, Toggle, cardClass, mutedClass, type Option } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { apiProblem } from '../../lib/errors';

export type FieldSpec = { key: string; label: string; kind?: 'text' | 'multiline' | 'select'; options?: Option[]; required?: boolean; description?: string };
export type Values = Record<string, string>;
export type CatalogItem = { id: string; name: string; active: boolean };
/** An edit of the form's fields, or switching whether it is offered. */
export type Change = { values: Values } | { active: boolean };

type Props<T extends CatalogItem> = {
  title: string;
  noun: string;
  items: UseQueryResult<T[], unknown>;
  fields: FieldSpec[];
  /** The form's values for an item (editing) or empty ones (adding). */
  valuesOf: (item: T | null) => Values;
  summary: (item: T) => string | null;
  create: (values: Values) => Promise<unknown>;
  update: (item: T, change: Change) => Promise<unknown>;
  remove: (item: T) => Promise<unknown>;
  refresh: () => Promise<unknown>;
  emptyText: string;
};

export function CatalogPage<T extends CatalogItem>(props: Props<T>) {
  const { title, noun, items } = props;
  const id = title.toLowerCase().replace(/\W+/g, '-');
  return (
    <section aria-labelledby={`${id}-title`} className="flex flex-col gap-6">
      <h1 id={`${id}-title`} className="text-2xl font-bold">
        {title}
      </h1>
      <section aria-labelledby={`${id}-new`} className={cardClass}>
        <h2 id={`${id}-new`} className="mb-3 text-lg font-semibold">
          New {noun}
        </h2>
        <ItemForm {...props} item={null} />
      </section>
      {items.isPending ? (
        <Loading what={title.toLowerCase()} />
      ) : items.isError ? (
        <Failed error={items.error} retry={() => void items.refetch()} />
      ) : items.data.length === 0 ? (
        <Empty>{props.emptyText}</Empty>
      ) : (
        <ul aria-label={title} className="flex flex-col gap-3">
          {items.data.map((item) => (
            <ItemRow key={item.id} {...props} item={item} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ItemForm<T extends CatalogItem>({ item, fields, valuesOf, create, update, refresh, noun, onDone }: Props<T> & { item: T | null; onDone?: () => void }) {
  const [values, setValues] = useState<Values>(() => valuesOf(item));
  const save = useMutation({
    mutationFn: () => (item ? update(item, { values }) : create(values)),
    onSuccess: async () => {
      if (!item) setValues(valuesOf(null));
      await refresh();
      onDone?.();
    },
  });
  const problem = save.error ? apiProblem(save.error) : null;
  const set = (key: string) => (value: string) => setValues((v) => ({ ...v, [key]: value }));
  return (
    <form
      noValidate
      className="flex flex-col gap-3"
      onSubmit={(event) => {
        event.preventDefault();
        if (!save.isPending) save.mutate();
      }}
    >
      <FormAlert message={problem && fields.every((f) => !problem.fields[f.key]) ? problem.message : null} />
      <div className="grid gap-3 sm:grid-cols-2">
        {fields.map((field) =>
          field.kind === 'select' ? (
            <ControlledSelect
              key={field.key}
              label={field.label}
              value={values[field.key] ?? ''}
              onChange={set(field.key)}
              options={field.options ?? []}
              error={problem?.fields[field.key]}
              description={field.description}
            />
          ) : (
            <ControlledText
              key={field.key}
              label={field.label}
              value={values[field.key] ?? ''}
              onChange={set(field.key)}
              multiline={field.kind === 'multiline'}
              isRequired={field.required}
              error={problem?.fields[field.key]}
              description={field.description}
              className={field.kind === 'multiline' ? 'sm:col-span-2' : undefined}
            />
          ),
        )}
      </div>
      <div className="flex gap-2">
        <Button type="submit" isPending={save.isPending}>
          {item ? 'Save changes' : `Add ${noun}`}
        </Button>
        {item && onDone && (
          <Button tone="secondary" onPress={onDone}>
            Cancel
          </Button>
        )}
      </div>
    </form>
  );
}

function ItemRow<T extends CatalogItem>(props: Props<T> & { item: T }) {
  const { item, summary, update, remove, refresh, noun } = props;
  const [editing, setEditing] = useState(false);
  const toggle = useMutation({ mutationFn: (active: boolean) => update(item, { active }), onSuccess: refresh });
  const del = useMutation({ mutationFn: () => remove(item), onSuccess: refresh });
  const failed = toggle.error ?? del.error;
  const text = summary(item);
  return (
    <li className={cardClass}>
      {editing ? (
        <ItemForm {...props} onDone={() => setEditing(false)} />
      ) : (
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
          <div className="min-w-0">
            <p className="font-medium">
              {item.name}
              {!item.active && <span className="ml-2 rounded bg-slate-200 px-1.5 py-0.5 text-xs text-slate-800 dark:bg-slate-700 dark:text-slate-100">Not offered</span>}
            </p>
            {text && <p className={`text-sm break-words whitespace-pre-wrap ${mutedClass}`}>{text}</p>}
          </div>
          <div className="flex flex-wrap items-center gap-2">
            <Toggle label="Offered" isSelected={item.active} isDisabled={toggle.isPending} onChange={(active) => toggle.mutate(active)} />
            <Button tone="secondary" onPress={() => setEditing(true)} aria-label={`Edit ${item.name}`}>
              Edit
            </Button>
            <ConfirmButton label="Delete" ariaLabel={`Delete ${item.name}`} title={`Delete ${item.name}?`} confirmLabel="Delete" isPending={del.isPending} onConfirm={() => del.mutate()}>
              The {noun} is removed for good. To stop offering it but keep it on past tickets, untick “Offered” instead.
            </ConfirmButton>
          </div>
        </div>
      )}
      {failed && <FormAlert message={apiProblem(failed).message} />}
    </li>
  );
}

/** A text field's value as the API wants an optional one: null when blank. */
export const orNull = (value: string | undefined) => (value && value.trim() !== '' ? value : null);
