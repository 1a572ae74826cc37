/**
 * Mail for admins: the outbox (queued, sent, failed with the server's answer, retry), inbound mail
 * (what each mail became; failures with their raw message) and the addresses that bounce
 * (admin.mail.*, admin.inboundMail.*).
 */
import { keepPreviousData, useMutation, useQuery } from '@tanstack/react-query';
import { createLazyRoute, Link } from '@tanstack/react-router';
import { useState } from 'react';
import { ControlledSelect, mutedClass, tableClass, tdClass, thClass } from '../../components/controls';
import { Button, FormAlert } from '../../components/fields';
import { Empty, Failed, Loading } from '../../components/states';
import { Time } from '../../components/ticket-bits';
import { apiProblem } from '../../lib/errors';
import { queryClient, trpc, trpcClient, type RouterOutputs } from '../../trpc';

export const Route = createLazyRoute('/_authed/admin/mail')({ component: MailAdmin });

const PAGE = 50;

const statusWords = { queued: 'Queued', sent: 'Sent', failed: 'Failed', skipped: 'Skipped' } as const;
type MailStatus = keyof typeof statusWords;
const statusTone: Record<MailStatus, string> = {
  queued: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-50',
  sent: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-50',
  failed: 'bg-red-100 text-red-900 dark:bg-red-900 dark:text-red-50',
  skipped: 'bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-50',
};

const outcomeWords: Record<InboundRow['outcome'], string> = {
  processing: 'Processing',
  ticket_created: 'Opened a ticket',
  reply_added: 'Added a reply',
  reopened: 'Reopened its ticket',
  follow_up_created: 'Opened a follow-up',
  ignored_auto_reply: 'Ignored (auto-reply)',
  ignored_loop: 'Ignored (mail loop)',
  bounce_recorded: 'Bounce recorded',
  rejected_sender: 'Sender refused',
  failed: 'Failed',
};
const problemOutcomes = new Set<InboundRow['outcome']>(['failed', 'rejected_sender', 'processing']);

type OutboxRow = RouterOutputs['admin']['mail']['list']['items'][number];
type InboundRow = RouterOutputs['admin']['inboundMail']['list']['items'][number];

function MailAdmin() {
  return (
    <section aria-labelledby="mail-title" className="flex flex-col gap-8">
      <div className="flex flex-col gap-2">
        <h1 id="mail-title" className="text-2xl font-bold">
          Mail
        </h1>
        <p className={mutedClass}>Every mail Deskflow sends goes through a durable outbox and is retried while the mail server is down; every mail it receives is recorded once with what it became.</p>
      </div>
      <Outbox />
      <Inbound />
      <FailingAddresses />
    </section>
  );
}

function Outbox() {
  const [status, setStatus] = useState<MailStatus | 'all'>('all');
  const [page, setPage] = useState(0);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const outbox = useQuery({ ...trpc.admin.mail.list.queryOptions({ status: status === 'all' ? undefined : status, limit: PAGE, offset: page * PAGE }), placeholderData: keepPreviousData });
  const retry = useMutation({
    mutationFn: (ids: number[]) => trpcClient.admin.mail.retry.mutate({ ids }),
    onSuccess: () => {
      setSelected(new Set());
      void queryClient.invalidateQueries({ queryKey: trpc.admin.mail.list.pathKey() });
    },
  });
  const toggle = (id: number) =>
    setSelected((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const total = outbox.data?.total ?? 0;
  return (
    <section aria-labelledby="outbox-title" className="flex flex-col gap-3">
      <h2 id="outbox-title" className="text-lg font-semibold">
        Outgoing
      </h2>
      <div className="flex flex-wrap items-end gap-3">
        <ControlledSelect
          label="Status"
          value={status}
          options={[{ id: 'all', name: 'Any status' }, ...Object.entries(statusWords).map(([id, name]) => ({ id, name }))]}
          onChange={(id) => {
            setStatus(id as MailStatus | 'all');
            setPage(0);
            setSelected(new Set());
          }}
          className="w-48"
        />
        <Button tone="secondary" isDisabled={selected.size === 0 || retry.isPending} isPending={retry.isPending} onPress={() => retry.mutate([...selected])}>
          {selected.size === 0 ? 'Retry selected' : `Retry ${selected.size} selected`}
        </Button>
        {retry.isSuccess && (
          <p role="status" className={`text-sm ${mutedClass}`}>
            {retry.data.retried.length === 1 ? '1 mail queued again.' : `${retry.data.retried.length} mails queued again.`}
          </p>
        )}
      </div>
      <FormAlert message={retry.error ? apiProblem(retry.error).message : null} />
      {outbox.isPending ? (
        <Loading what="the outbox" />
      ) : outbox.isError ? (
        <Failed error={outbox.error} retry={() => void outbox.refetch()} />
      ) : outbox.data.items.length === 0 ? (
        <Empty>{status === 'all' ? 'No mail has been sent yet.' : `No ${statusWords[status].toLowerCase()} mail.`}</Empty>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className={tableClass}>
              <caption className="sr-only">Outgoing mail, newest first</caption>
              <thead>
                <tr>
                  <th className={thClass}>
                    <span className="sr-only">Select for retry</span>
                  </th>
                  <th className={thClass}>Queued</th>
                  <th className={thClass}>To</th>
                  <th className={thClass}>Subject</th>
                  <th className={thClass}>Ticket</th>
                  <th className={thClass}>Status</th>
                  <th className={thClass}>Attempts</th>
                  <th className={thClass}>Server&apos;s answer</th>
                </tr>
              </thead>
              <tbody>
                {outbox.data.items.map((mail) => (
                  <OutboxLine key={mail.id} mail={mail} selected={selected.has(mail.id)} toggle={() => toggle(mail.id)} />
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} setPage={setPage} hasNext={(page + 1) * PAGE < total} label={`${total.toLocaleString()} mails`} />
        </>
      )}
    </section>
  );
}

function OutboxLine({ mail, selected, toggle }: { mail: OutboxRow; selected: boolean; toggle: () => void }) {
  const status = mail.status as MailStatus;
  return (
    <tr>
      <td className={tdClass}>{status === 'failed' && <input type="checkbox" aria-label={`Select the mail to ${mail.to} for retry`} checked={selected} onChange={toggle} className="size-4" />}</td>
      <td className={`${tdClass} whitespace-nowrap`}>
        <Time date={mail.createdAt} />
      </td>
      <td className={`${tdClass} break-all`}>{mail.to}</td>
      <td className={tdClass}>{mail.subject}</td>
      <td className={tdClass}>{mail.ticketNumber ? <TicketLink number={mail.ticketNumber} /> : <span className={mutedClass}>—</span>}</td>
      <td className={tdClass}>
        <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${statusTone[status]}`}>{statusWords[status]}</span>
        {mail.sentAt && (
          <span className={`block text-xs ${mutedClass}`}>
            <Time date={mail.sentAt} />
          </span>
        )}
      </td>
      <td className={tdClass}>{mail.attempts}</td>
      <td className={`${tdClass} max-w-xs text-xs break-words`}>{mail.lastError ?? mail.serverResponse ?? <span className={mutedClass}>—</span>}</td>
    </tr>
  );
}

function Inbound() {
  const [problemsOnly, setProblemsOnly] = useState(true);
  const [cursors, setCursors] = useState<number[]>([]);
  const cursor = cursors.at(-1);
  const [openId, setOpenId] = useState<number | null>(null);
  const inbound = useQuery({ ...trpc.admin.inboundMail.list.queryOptions({ problems: problemsOnly, cursor, limit: PAGE }), placeholderData: keepPreviousData });
  return (
    <section aria-labelledby="inbound-title" className="flex flex-col gap-3">
      <h2 id="inbound-title" className="text-lg font-semibold">
        Incoming
      </h2>
      <ControlledSelect
        label="Show"
        value={problemsOnly ? 'problems' : 'all'}
        options={[
          { id: 'problems', name: 'Problems: failed, refused, stuck' },
          { id: 'all', name: 'Every mail' },
        ]}
        onChange={(id) => {
          setProblemsOnly(id === 'problems');
          setCursors([]);
          setOpenId(null);
        }}
        className="w-72"
      />
      {inbound.isPending ? (
        <Loading what="incoming mail" />
      ) : inbound.isError ? (
        <Failed error={inbound.error} retry={() => void inbound.refetch()} />
      ) : inbound.data.items.length === 0 ? (
        <Empty>{problemsOnly ? 'No incoming mail has failed.' : 'No mail has been received yet.'}</Empty>
      ) : (
        <>
          <div className="overflow-x-auto">
            <table className={tableClass}>
              <caption className="sr-only">Incoming mail, newest first</caption>
              <thead>
                <tr>
                  <th className={thClass}>Received</th>
                  <th className={thClass}>From</th>
                  <th className={thClass}>Subject</th>
                  <th className={thClass}>Became</th>
                  <th className={thClass}>
                    <span className="sr-only">Details</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {inbound.data.items.map((mail) => (
                  <InboundLine key={mail.id} mail={mail} isOpen={openId === mail.id} toggle={() => setOpenId(openId === mail.id ? null : mail.id)} />
                ))}
              </tbody>
            </table>
          </div>
          <div className="flex items-center gap-3">
            <Button tone="secondary" isDisabled={cursors.length === 0} onPress={() => setCursors(cursors.slice(0, -1))}>
              Newer
            </Button>
            <Button tone="secondary" isDisabled={inbound.data.nextCursor === null} onPress={() => inbound.data.nextCursor !== null && setCursors([...cursors, inbound.data.nextCursor])}>
              Older
            </Button>
          </div>
        </>
      )}
    </section>
  );
}

function InboundLine({ mail, isOpen, toggle }: { mail: InboundRow; isOpen: boolean; toggle: () => void }) {
  const problem = problemOutcomes.has(mail.outcome);
  return (
    <>
      <tr>
        <td className={`${tdClass} whitespace-nowrap`}>
          <Time date={mail.receivedAt} />
        </td>
        <td className={`${tdClass} break-all`}>{mail.sender ?? <span className={mutedClass}>(no sender)</span>}</td>
        <td className={tdClass}>{mail.subject ?? <span className={mutedClass}>(no subject)</span>}</td>
        <td className={tdClass}>
          <span className={problem ? 'font-semibold text-red-800 dark:text-red-300' : undefined}>{outcomeWords[mail.outcome]}</span>
          {mail.ticketNumber && (
            <>
              {' '}
              <TicketLink number={mail.ticketNumber} />
            </>
          )}
          {mail.reason && <span className={`block max-w-sm text-xs break-words ${mutedClass}`}>{mail.reason}</span>}
        </td>
        <td className={tdClass}>
          <Button tone="secondary" onPress={toggle}>
            {isOpen ? 'Hide' : 'Details'}
            <span className="sr-only"> of the mail from {mail.sender ?? 'an unknown sender'}</span>
          </Button>
        </td>
      </tr>
      {isOpen && (
        <tr>
          <td colSpan={5} className={tdClass}>
            <InboundDetails id={mail.id} />
          </td>
        </tr>
      )}
    </>
  );
}

function InboundDetails({ id }: { id: number }) {
  const mail = useQuery(trpc.admin.inboundMail.get.queryOptions({ id }));
  if (mail.isPending) return <Loading what="the mail" />;
  if (mail.isError) return <Failed error={mail.error} retry={() => void mail.refetch()} />;
  const { data } = mail;
  return (
    <div className="flex flex-col gap-2 text-sm">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        <dt className="font-medium">Message-ID</dt>
        <dd className="break-all">{data.messageId}</dd>
        <dt className="font-medium">Arrived by</dt>
        <dd>{data.mailbox ? `${data.source} (${data.mailbox})` : data.source}</dd>
      </dl>
      {data.raw === null ? (
        <p className={mutedClass}>The raw message is kept only for mail that failed.</p>
      ) : (
        <>
          <h3 className="font-medium">Raw message{data.rawTruncated ? ' (truncated)' : ''}</h3>
          <pre tabIndex={0} aria-label="Raw message" className="max-h-80 overflow-auto rounded bg-slate-100 p-3 text-xs whitespace-pre-wrap dark:bg-slate-900">
            {data.raw}
          </pre>
        </>
      )}
    </div>
  );
}

function FailingAddresses() {
  const addresses = useQuery(trpc.admin.inboundMail.failingAddresses.queryOptions());
  return (
    <section aria-labelledby="failing-title" className="flex flex-col gap-3">
      <h2 id="failing-title" className="text-lg font-semibold">
        Addresses that bounce
      </h2>
      <p className={`text-sm ${mutedClass}`}>Recorded from the bounces that come back to the desk&apos;s mailbox: mail to these addresses is not arriving.</p>
      {addresses.isPending ? (
        <Loading what="bouncing addresses" />
      ) : addresses.isError ? (
        <Failed error={addresses.error} retry={() => void addresses.refetch()} />
      ) : addresses.data.length === 0 ? (
        <Empty>No address has bounced.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className={tableClass}>
            <caption className="sr-only">Addresses whose mail bounced, most recent first</caption>
            <thead>
              <tr>
                <th className={thClass}>Address</th>
                <th className={thClass}>Bounces</th>
                <th className={thClass}>Last reason</th>
                <th className={thClass}>Last bounce</th>
              </tr>
            </thead>
            <tbody>
              {addresses.data.map((a) => (
                <tr key={a.address}>
                  <td className={`${tdClass} break-all`}>{a.address}</td>
                  <td className={tdClass}>{a.failures}</td>
                  <td className={`${tdClass} text-xs break-words`}>{a.lastReason ?? <span className={mutedClass}>—</span>}</td>
                  <td className={`${tdClass} whitespace-nowrap`}>
                    <Time date={a.lastFailedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Pager({ page, setPage, hasNext, label }: { page: number; setPage: (page: number) => void; hasNext: boolean; label: string }) {
  return (
    <div className="flex items-center gap-3">
      <Button tone="secondary" isDisabled={page === 0} onPress={() => setPage(page - 1)}>
        Newer
      </Button>
      <Button tone="secondary" isDisabled={!hasNext} onPress={() => setPage(page + 1)}>
        Older
      </Button>
      <span className={`text-sm ${mutedClass}`}>
        Page {page + 1} · {label}
      </span>
    </div>
  );
}

function TicketLink({ number }: { number: number }) {
  return (
    <Link to="/tickets/$ticketId" params={{ ticketId: String(number) }} className="underline">
      #{number}
    </Link>
  );
}
