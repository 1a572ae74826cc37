/** Small pieces of ticket pages: the status badge and times (relative, with the exact time on hover and for screen readers). */
import type { TicketStatus } from '../../../domain/vocabulary';
import { absoluteTime, relativeTime, statusLabel, statusTone } from '../lib/format';

export function StatusBadge({ status, staff = false }: { status: TicketStatus; staff?: boolean }) {
  return <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold whitespace-nowrap ${statusTone[status]}`}>{statusLabel(status, staff)}</span>;
}

export function Time({ date }: { date: Date }) {
  return (
    <time dateTime={date.toISOString()} title={absoluteTime(date)}>
      {relativeTime(date)}
    </time>
  );
}
