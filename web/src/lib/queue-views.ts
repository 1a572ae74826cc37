/**
 * The agent queue's saved views (the `view` search param of /queue) and the list each one reads:
 * here, not in the page's chunk, so the route's loader starts the request while the chunk loads.
 */
import { OPEN_STATUSES } from '../../../domain/vocabulary';
import { trpc, type RouterInputs, type RouterOutputs } from '../trpc';

export const queueViews = ['open', 'mine', 'unassigned', 'at_risk', 'breached', 'waiting'] as const;
export type QueueView = (typeof queueViews)[number];

type ListInput = NonNullable<RouterInputs['ticket']['list']>;

const open = [...OPEN_STATUSES];
/** A page of 50 at a time ("Show more" reads the next), never the whole queue. */
const viewFilters: Record<QueueView, Omit<ListInput, 'cursor'>> = {
  open: { status: open, sort: 'due', limit: 50 },
  mine: { status: open, assigneeId: 'me', sort: 'due', limit: 50 },
  unassigned: { status: ['new', 'triaged'], sort: 'due', limit: 50 },
  at_risk: { status: open, slaState: ['at_risk'], sort: 'due', limit: 50 },
  breached: { status: open, slaState: ['breached'], sort: 'due', limit: 50 },
  waiting: { status: ['waiting_on_customer', 'waiting_on_third_party'], sort: 'updated', limit: 50 },
};

/** The view's list as an infinite query (the same key in the loader and the page). */
export const queueListOptions = (view: QueueView) =>
  trpc.ticket.list.infiniteQueryOptions(viewFilters[view], { getNextPageParam: (page: RouterOutputs['ticket']['list']) => page.nextCursor ?? undefined });
