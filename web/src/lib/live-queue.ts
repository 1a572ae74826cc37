/**
 * The queue's live updates: the live queue room of each department the queue shows
 * (`queue-<slug>`, realtime.queueToken; worker/rooms-notifier.ts pushes every status, assignment,
 * priority and SLA event of a department's tickets there). An event changes the row in every
 * cached ticket list at once (what the agent sees, without a round trip), then the lists are
 * read again shortly after (coalesced), so rows reorder, arrive and leave as the server sorts
 * and filters them. A (re)connect reads the lists again: what was pushed meanwhile was missed.
 */
import type { QueryKey } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { connectRoom, type RoomClient } from '../../../realtime/client';
import type { LiveEvent } from '../../../realtime/frames';
import { queryClient, trpc, trpcClient, type TicketView } from '../trpc';

export type LiveQueueState = 'connecting' | 'live' | 'offline';

/** The changes an event makes to a ticket row. */
export function applyLiveEvent(ticket: TicketView, event: LiveEvent): TicketView {
  if (ticket.id !== event.ticketId) return ticket;
  const updatedAt = new Date(event.at);
  switch (event.kind) {
    case 'status':
      return { ...ticket, status: event.to, updatedAt };
    case 'assignment':
      return { ...ticket, assignee: event.assigneeId ? { id: event.assigneeId, name: event.assigneeName ?? ticket.assignee?.name ?? '' } : null, updatedAt };
    case 'priority':
      return { ...ticket, priority: event.to, updatedAt };
    case 'sla_warning':
      return ticket.slaState === 'breached' ? ticket : { ...ticket, slaState: 'at_risk' };
    case 'sla_breach':
      return { ...ticket, slaState: 'breached' };
  }
}

type Page = { items: TicketView[] };

/** Maps the rows of a cached list, whether a plain page ({ items }) or an infinite one ({ pages }). */
function mapCachedRows(data: unknown, map: (ticket: TicketView) => TicketView): unknown {
  if (!data || typeof data !== 'object') return data;
  if ('pages' in data && Array.isArray(data.pages)) return { ...data, pages: (data.pages as Page[]).map((page) => ({ ...page, items: page.items.map(map) })) };
  if ('items' in data && Array.isArray(data.items)) return { ...data, items: (data.items as TicketView[]).map(map) };
  return data;
}

const listKeys = () => [trpc.ticket.list.pathKey(), trpc.ticket.search.pathKey()];

let refetchTimer: ReturnType<typeof setTimeout> | null = null;
/** Further queries to read again with the lists, by their serialised key (the SLA board's team workload). */
const alsoPending = new Map<string, QueryKey>();
/** A burst of events (a bulk change of 50 tickets) reads the lists once. */
function refetchListsSoon(also: readonly QueryKey[] = []) {
  for (const queryKey of also) alsoPending.set(JSON.stringify(queryKey), queryKey);
  if (refetchTimer) return;
  refetchTimer = setTimeout(() => {
    refetchTimer = null;
    const queryKeys = [...listKeys(), ...alsoPending.values()];
    alsoPending.clear();
    for (const queryKey of queryKeys) void queryClient.invalidateQueries({ queryKey });
  }, 250);
}

export function applyToCachedLists(event: LiveEvent, also: readonly QueryKey[] = []) {
  for (const queryKey of listKeys()) queryClient.setQueriesData({ queryKey }, (data: unknown) => mapCachedRows(data, (ticket) => applyLiveEvent(ticket, event)));
  refetchListsSoon(also);
}

/**
 * Follows the live queues of `departmentIds` while mounted; departments the API refuses are skipped.
 * `alsoRead`: queries besides the ticket lists that an event (or a reconnect) makes stale, read again with them.
 */
export function useLiveQueue(departmentIds: readonly string[], alsoRead: readonly QueryKey[] = []): LiveQueueState {
  const [state, setState] = useState<LiveQueueState>('connecting');
  const key = [...new Set(departmentIds)].sort().join(',');
  const also = useRef(alsoRead);
  useEffect(() => {
    also.current = alsoRead;
  });
  useEffect(() => {
    const ids = key ? key.split(',') : [];
    if (ids.length === 0) {
      setState('offline');
      return;
    }
    const clients: RoomClient[] = [];
    let cancelled = false;
    let connected = 0;
    const follow = async (departmentId: string) => {
      const token = () => trpcClient.realtime.queueToken.mutate({ departmentId });
      const first = await token();
      if (cancelled) return;
      let unused: typeof first | null = first;
      const client = connectRoom({
        url: first.url,
        room: first.room,
        keepFrames: false,
        token: () => {
          const answer = unused;
          unused = null;
          return answer ?? token();
        },
      });
      clients.push(client);
      let welcomed = false;
      client.onFrame((frame) => {
        if (frame.type === 'welcome') {
          if (!welcomed) connected++;
          // Reconnected: what was pushed meanwhile was missed.
          if (welcomed) refetchListsSoon(also.current);
          welcomed = true;
          setState('live');
        } else if (frame.type === 'event') applyToCachedLists(frame.event, also.current);
      });
      client.socket.addEventListener('close', () => {
        if (welcomed) connected--;
        welcomed = false;
        if (connected <= 0) setState('offline');
      });
    };
    void Promise.allSettled(ids.map(follow)).then((results) => {
      if (!cancelled && results.every((result) => result.status === 'rejected')) setState('offline');
    });
    return () => {
      cancelled = true;
      clients.forEach((client) => client.close());
    };
  }, [key]);
  return state;
}
