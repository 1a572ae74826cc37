/**
 * The agent's dialogs on a ticket: assign (to an agent of its department, or to me), escalate (with a
 * reason), merge into another ticket and link to one (found by number or words). Each button shows
 * only while `ticket.lifecycle` allows its move to the viewer; each dialog is React Aria's (focus moves
 * in and back, Escape closes), its fields labelled, the API's field errors beside their fields.
 */
import { useMutation, useQuery } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Dialog, DialogTrigger, FieldError, Heading, Label, Modal, ModalOverlay, Radio, RadioGroup } from 'react-aria-components';
import { OPEN_STATUSES, ticketStatuses, type TicketStatus } from '../../../domain/vocabulary';
import { apiProblem, type ApiProblem } from '../lib/errors';
import { statusLabel } from '../lib/format';
import { trpc, trpcClient, type Me, type TicketView } from '../trpc';
import { ControlledSelect, ControlledText } from './controls';
import { Button, errorClass, fieldClass, FormAlert, hintClass, labelClass } from './fields';
import { afterMove, useMergeTicket } from './lifecycle-actions';

type Allowed = { action: string; to: string }[];

export function TicketDialogs({ ticket, me }: { ticket: TicketView; me: Me }) {
  const lifecycle = useQuery(trpc.ticket.lifecycle.queryOptions({ id: ticket.id }));
  const allowed: Allowed = lifecycle.data?.allowed ?? [];
  const may = (action: string) => allowed.some((a) => a.action === action);
  if (!['assign', 'escalate', 'merge', 'link'].some(may)) return null;
  return (
    <section aria-label="Ticket tools" className="flex flex-wrap gap-2">
      {may('assign') && <AssignDialog ticket={ticket} me={me} />}
      {may('escalate') && <EscalateDialog ticket={ticket} />}
      {may('merge') && <MergeDialog ticket={ticket} />}
      {may('link') && <LinkDialog ticket={ticket} />}
    </section>
  );
}

/** A button that opens a modal form; `children` gets `close` to call once the change is saved. */
export function FormDialog({ label, title, description, children }: { label: string; title: string; description?: string; children: (close: () => void) => ReactNode }) {
  const [isOpen, setOpen] = useState(false);
  return (
    <DialogTrigger isOpen={isOpen} onOpenChange={setOpen}>
      <Button tone="secondary">{label}</Button>
      <ModalOverlay isDismissable className="fixed inset-0 z-20 flex items-start justify-center overflow-y-auto bg-slate-950/50 p-4 sm:items-center">
        <Modal className="w-full max-w-lg rounded-lg border border-slate-200 bg-white p-5 shadow-xl dark:border-slate-700 dark:bg-slate-900">
          <Dialog className="flex flex-col gap-4 outline-none">
            <Heading slot="title" className="text-lg font-semibold">
              {title}
            </Heading>
            {description && <p className={hintClass}>{description}</p>}
            {children(() => setOpen(false))}
          </Dialog>
        </Modal>
      </ModalOverlay>
    </DialogTrigger>
  );
}

/** What a form shows of the API's refusal: field errors beside their fields, anything else on top. */
function formMessage(problem: ApiProblem | null, fields: string[]): string | null {
  if (!problem) return null;
  const shown = fields.filter((field) => problem.fields[field]);
  if (shown.length === 0) return Object.keys(problem.fields).length > 0 ? Object.values(problem.fields).join(' ') : problem.message;
  return null;
}

function submitted(event: FormEvent, run: () => void) {
  event.preventDefault();
  run();
}

function DialogButtons({ close, submitLabel, isPending, children }: { close: () => void; submitLabel: string; isPending: boolean; children?: ReactNode }) {
  return (
    <div className="flex flex-wrap justify-end gap-2">
      <Button tone="secondary" onPress={close}>
        Cancel
      </Button>
      {children}
      <Button type="submit" isPending={isPending} isDisabled={isPending}>
        {submitLabel}
      </Button>
    </div>
  );
}

function AssignDialog({ ticket, me }: { ticket: TicketView; me: Me }) {
  return (
    <FormDialog label="Assign…" title={`Assign ticket #${ticket.number}`} description={ticket.department ? `Agents of ${ticket.department.name}, or yourself.` : 'Any agent, or yourself.'}>
      {(close) => <AssignForm ticket={ticket} me={me} close={close} />}
    </FormDialog>
  );
}

function AssignForm({ ticket, me, close }: { ticket: TicketView; me: Me; close: () => void }) {
  const agents = useQuery(trpc.directory.agents.queryOptions(ticket.department ? { departmentId: ticket.department.id } : {}));
  const [assigneeId, setAssignee] = useState(ticket.assignee?.id ?? '');
  const assign = useMutation({
    mutationFn: (id: string) => trpcClient.ticket.assign.mutate({ id: ticket.id, assigneeId: id }),
    onSuccess: async (saved) => {
      await afterMove(ticket.id, saved);
      close();
    },
  });
  const problem = assign.error ? apiProblem(assign.error) : null;
  const options = (agents.data ?? []).map((agent) => ({ id: agent.id, name: agent.away ? `${agent.name} (away)` : agent.name }));
  return (
    <form className="flex flex-col gap-4" onSubmit={(event) => submitted(event, () => assigneeId && assign.mutate(assigneeId))}>
      <FormAlert message={agents.isError ? apiProblem(agents.error).message : formMessage(problem, ['assigneeId'])} />
      <ControlledSelect
        label="Assignee"
        value={assigneeId}
        onChange={setAssignee}
        options={options}
        isDisabled={agents.isPending}
        description={agents.isPending ? 'Loading the agents…' : undefined}
        error={problem?.fields.assigneeId}
      />
      <DialogButtons close={close} submitLabel="Assign" isPending={assign.isPending && assign.variables !== me.id}>
        {ticket.assignee?.id !== me.id && (
          <Button tone="secondary" isPending={assign.isPending && assign.variables === me.id} isDisabled={assign.isPending} onPress={() => assign.mutate(me.id)}>
            Assign to me
          </Button>
        )}
      </DialogButtons>
    </form>
  );
}

function EscalateDialog({ ticket }: { ticket: TicketView }) {
  return (
    <FormDialog label="Escalate…" title={`Escalate ticket #${ticket.number}`} description="It moves up one escalation level; the escalation's people are told why.">
      {(close) => <EscalateForm ticket={ticket} close={close} />}
    </FormDialog>
  );
}

function EscalateForm({ ticket, close }: { ticket: TicketView; close: () => void }) {
  const [reason, setReason] = useState('');
  const escalate = useMutation({
    mutationFn: () => trpcClient.ticket.escalate.mutate({ id: ticket.id, reason }),
    onSuccess: async (saved) => {
      await afterMove(ticket.id, saved);
      close();
    },
  });
  const problem = escalate.error ? apiProblem(escalate.error) : null;
  return (
    <form className="flex flex-col gap-4" onSubmit={(event) => submitted(event, () => escalate.mutate())}>
      <FormAlert message={formMessage(problem, ['reason'])} />
      <ControlledText label="Reason" value={reason} onChange={setReason} multiline isRequired error={problem?.fields.reason} description="Why this needs more attention." />
      <DialogButtons close={close} submitLabel="Escalate" isPending={escalate.isPending} />
    </form>
  );
}

function MergeDialog({ ticket }: { ticket: TicketView }) {
  return (
    <FormDialog label="Merge…" title={`Merge ticket #${ticket.number} into another`} description="This ticket closes as a duplicate; its conversation and watchers move to the other ticket.">
      {(close) => <MergeForm ticket={ticket} close={close} />}
    </FormDialog>
  );
}

function MergeForm({ ticket, close }: { ticket: TicketView; close: () => void }) {
  const [primaryId, setPrimary] = useState('');
  const [reason, setReason] = useState('');
  const merge = useMergeTicket(ticket.id);
  const problem = merge.error ? apiProblem(merge.error) : null;
  return (
    <form className="flex flex-col gap-4" onSubmit={(event) => submitted(event, () => primaryId && merge.mutate({ primaryId, ...(reason.trim() ? { reason } : {}) }, { onSuccess: close }))}>
      <FormAlert message={formMessage(problem, ['primaryId', 'reason'])} />
      <TicketPicker label="Merge into" exclude={ticket.id} openOnly value={primaryId} onChange={setPrimary} error={problem?.fields.primaryId} />
      <ControlledText label="Reason (optional)" value={reason} onChange={setReason} error={problem?.fields.reason} />
      <DialogButtons close={close} submitLabel="Merge" isPending={merge.isPending} />
    </form>
  );
}

function LinkDialog({ ticket }: { ticket: TicketView }) {
  return (
    <FormDialog label="Link…" title={`Link ticket #${ticket.number} to another`} description="The link shows on both tickets.">
      {(close) => <LinkForm ticket={ticket} close={close} />}
    </FormDialog>
  );
}

function LinkForm({ ticket, close }: { ticket: TicketView; close: () => void }) {
  const [kind, setKind] = useState<'related' | 'parent'>('related');
  const [targetId, setTarget] = useState('');
  const link = useMutation({
    mutationFn: () => trpcClient.ticket.link.mutate({ id: ticket.id, kind, targetId }),
    onSuccess: async (saved) => {
      await afterMove(ticket.id, saved);
      close();
    },
  });
  const problem = link.error ? apiProblem(link.error) : null;
  return (
    <form className="flex flex-col gap-4" onSubmit={(event) => submitted(event, () => targetId && link.mutate())}>
      <FormAlert message={formMessage(problem, ['kind', 'targetId'])} />
      <RadioGroup value={kind} onChange={(value) => setKind(value === 'parent' ? 'parent' : 'related')} isInvalid={Boolean(problem?.fields.kind)} validationBehavior="aria" className={fieldClass}>
        <Label className={labelClass}>Kind of link</Label>
        <div className="flex flex-col gap-2">
          {(
            [
              ['related', 'Related to the other ticket'],
              ['parent', 'Part of the other ticket (it becomes the parent)'],
            ] as const
          ).map(([value, words]) => (
            <RadioOption key={value} value={value}>
              {words}
            </RadioOption>
          ))}
        </div>
        <FieldError className={errorClass}>{problem?.fields.kind}</FieldError>
      </RadioGroup>
      <TicketPicker label="Other ticket" exclude={ticket.id} value={targetId} onChange={setTarget} error={problem?.fields.targetId} />
      <DialogButtons close={close} submitLabel="Link" isPending={link.isPending} />
    </form>
  );
}

function RadioOption({ value, children }: { value: string; children: ReactNode }) {
  return (
    <Radio value={value} className="group flex items-center gap-2 text-sm">
      <span
        aria-hidden="true"
        className="flex size-5 shrink-0 items-center justify-center rounded-full border border-slate-500 group-data-[focus-visible]:ring-2 group-data-[focus-visible]:ring-indigo-500 group-data-[selected]:border-indigo-700 dark:group-data-[selected]:border-indigo-300"
      >
        <span className="size-2.5 rounded-full group-data-[selected]:bg-indigo-700 dark:group-data-[selected]:bg-indigo-300" />
      </span>
      {children}
    </Radio>
  );
}

function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

const isStatus = (value: string): value is TicketStatus => ticketStatuses.some((s) => s === value);

/**
 * Finds a ticket by its number (`#1042` or `1042`: ticket.getByNumber) or by words (ticket.search),
 * among those the viewer may see, and offers the matches as radio buttons.
 */
function TicketPicker({
  label,
  exclude,
  openOnly = false,
  value,
  onChange,
  error,
}: {
  label: string;
  exclude: string;
  openOnly?: boolean;
  value: string;
  onChange: (id: string) => void;
  error?: string | undefined;
}) {
  const [query, setQuery] = useState('');
  const q = useDebounced(query.trim(), 250);
  const number = /^#?(\d{1,9})$/.exec(q)?.[1];
  const byNumber = useQuery({ ...trpc.ticket.getByNumber.queryOptions({ number: Number(number ?? 0) }), enabled: number !== undefined, retry: false });
  const byWords = useQuery({ ...trpc.ticket.search.queryOptions({ q, limit: 8, ...(openOnly ? { status: [...OPEN_STATUSES] } : {}) }), enabled: q !== '' && number === undefined });
  const found = number !== undefined ? (byNumber.data && (!openOnly || OPEN_STATUSES.some((s) => s === byNumber.data.status)) ? [byNumber.data] : []) : (byWords.data?.items ?? []);
  const matches = found.filter((t) => t.id !== exclude);
  const searching = q !== '' && (number !== undefined ? byNumber.isFetching : byWords.isFetching);
  const failed = number === undefined && byWords.isError ? apiProblem(byWords.error).message : null;
  const status = q === '' ? 'Type a number or words to find the ticket.' : searching ? 'Searching…' : (failed ?? (matches.length === 0 ? 'No ticket found.' : `${matches.length} found.`));
  return (
    <div className="flex flex-col gap-2">
      <ControlledText label={`${label}: find by number or words`} type="search" value={query} onChange={setQuery} placeholder="#1042 or printer toner" />
      <p role="status" className={hintClass}>
        {status}
      </p>
      {/* A radio group only with radios in it (an empty one is an ARIA error). */}
      {matches.length > 0 ? (
        <RadioGroup value={value} onChange={onChange} isInvalid={Boolean(error)} validationBehavior="aria" className={fieldClass}>
          <Label className={labelClass}>{label}</Label>
          <div className="flex max-h-60 flex-col gap-2 overflow-y-auto">
            {matches.map((t) => (
              <RadioOption key={t.id} value={t.id}>
                <span className="break-words">
                  #{t.number} {t.title} <span className="text-slate-600 dark:text-slate-400">· {isStatus(t.status) ? statusLabel(t.status, true) : t.status}</span>
                </span>
              </RadioOption>
            ))}
          </div>
          <FieldError className={errorClass}>{error}</FieldError>
        </RadioGroup>
      ) : (
        error && <p className={errorClass}>{error}</p>
      )}
    </div>
  );
}
