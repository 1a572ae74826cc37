/** Statuses, priorities and times in the words people use, in the viewer's timezone. */
import type { Priority, SlaState, TicketStatus } from '../../../domain/vocabulary';

const statusWords: Record<TicketStatus, string> = {
  new: 'Received',
  triaged: 'Being routed',
  assigned: 'Assigned to an agent',
  in_progress: 'Being worked on',
  waiting_on_customer: 'Waiting for your reply',
  waiting_on_third_party: 'Waiting on a supplier',
  resolved: 'Resolved: please confirm',
  closed: 'Closed',
  cancelled: 'Cancelled',
  rejected: 'Declined',
};

/** Staff read the queue's own words for the waiting states. */
const staffStatusWords: Partial<Record<TicketStatus, string>> = { waiting_on_customer: 'Waiting on requester', resolved: 'Resolved' };

export function statusLabel(status: TicketStatus, staff = false): string {
  return (staff ? staffStatusWords[status] : undefined) ?? statusWords[status];
}

export const statusTone: Record<TicketStatus, string> = {
  new: 'bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-100',
  triaged: 'bg-sky-100 text-sky-900 dark:bg-sky-900/50 dark:text-sky-100',
  assigned: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-900/50 dark:text-indigo-100',
  in_progress: 'bg-indigo-100 text-indigo-900 dark:bg-indigo-900/50 dark:text-indigo-100',
  waiting_on_customer: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100',
  waiting_on_third_party: 'bg-amber-100 text-amber-900 dark:bg-amber-900/50 dark:text-amber-100',
  resolved: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900/50 dark:text-emerald-100',
  closed: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
  cancelled: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
  rejected: 'bg-slate-200 text-slate-800 dark:bg-slate-800 dark:text-slate-100',
};

export const priorityWords: Record<Priority, string> = { low: 'Low', medium: 'Medium', high: 'High', critical: 'Critical' };

export const slaWords: Record<SlaState, string> = { on_track: 'On track', at_risk: 'At risk', breached: 'Overdue', paused: 'Paused', met: 'Met' };

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** "5 minutes ago", "in 2 hours", "yesterday"; "now" under a minute. */
export function relativeTime(date: Date, now = Date.now()): string {
  const diff = date.getTime() - now;
  for (const [unit, ms] of units) if (Math.abs(diff) >= ms) return relative.format(Math.round(diff / ms), unit);
  return 'just now';
}

export function absoluteTime(date: Date): string {
  return absolute.format(date);
}
