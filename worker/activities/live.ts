/**
 * Live events for the rooms (issue 5): status, assignment, priority and SLA warnings and
 * breaches, pushed through a Notifier (worker/rooms-notifier.ts in production). Every event
 * carries an idempotency id, so a retried push is delivered once. Without a notifier (tests,
 * a worker with no rooms configured) this does nothing: the durable record is the audit trail
 * and the notifications table.
 */
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { tickets, users } from '../../db/schema';
import type { PublishableEvent } from '../../realtime/protocol';
import type { LiveEventsInput } from '../../workflows/types';
import { audienceUsers, staffRecipients } from './tickets';

export interface Notifier {
  publish(event: PublishableEvent): Promise<unknown>;
  /** Tells a ticket's room to re-check who may be there (the ticket moved: department or assignee). */
  accessChanged?(ticketId: string): Promise<unknown>;
  /** Sends a user's unread notification count to their channel (after notifications for them were written). */
  unreadChanged?(userId: string, unread: number): Promise<unknown>;
}

export function liveActivities(db: Db, notifier: Notifier | undefined) {
  return {
    async publishLiveEvents(input: LiveEventsInput): Promise<number> {
      if (!notifier || input.events.length === 0) return 0;
      const [ticket] = await db.select({ requesterId: tickets.requesterId, assigneeId: tickets.assigneeId, departmentId: tickets.departmentId }).from(tickets).where(eq(tickets.id, input.ticketId));
      if (!ticket) return 0;
      const assigneeIds = input.events.flatMap((e) => (e.kind === 'assignment' && e.assigneeId ? [e.assigneeId] : []));
      const names = new Map(assigneeIds.length > 0 ? (await db.select({ id: users.id, name: users.name }).from(users).where(inArray(users.id, assigneeIds))).map((u) => [u.id, u.name]) : []);
      for (const spec of input.events) {
        const { notify, ...event } = spec;
        const base = { ticketId: input.ticketId, ticketNumber: input.ticketNumber, departmentSlug: input.departmentSlug, at: input.at, actorId: input.actorId };
        const recipients = (await staffRecipients(db, ticket, await audienceUsers(db, ticket, notify))).filter((id) => id !== input.actorId);
        const withAssignee = event.kind === 'assignment' ? { ...event, assigneeName: event.assigneeId ? (names.get(event.assigneeId) ?? null) : null } : event;
        await notifier.publish({ ...base, ...withAssignee, notify: recipients.slice(0, 50) } as PublishableEvent);
      }
      return input.events.length;
    },
  };
}
