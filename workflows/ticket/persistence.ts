/**
 * Persisting a ticket: after every change, the row projection, audit events and notifications
 * (one keyed activity per change), the search attributes, and live events through the outbox.
 *
 * The outbox holds work beside the ticket (live events, a drafted first reply, the ticket's embedding): it never holds
 * up a change and touches no state. Each item stays in the carried state until done, so one cut
 * short by continue-as-new runs again in the next run (both are idempotent).
 */
import { upsertSearchAttributes } from '@temporalio/workflow';
import type { Priority, TicketEventKind, TicketStatus } from '../../domain/vocabulary';
import { ticketSearchAttributes as sa } from '../search-attributes';
import type { Actor, ExtraEvent, LiveEventDraft, LiveEventSpec, NotificationSpec, OutboxItem, TicketChange, TicketChangeResult } from '../types';
import { errorMessage, type TicketRun } from './run';

export type PersistOptions = {
  actor?: Actor | null;
  source?: TicketChange['source'];
  reason?: string | null;
  events?: ExtraEvent[];
  notifications?: NotificationSpec[];
  autoAssign?: TicketChange['autoAssign'];
  live?: LiveEventDraft[];
};

export type PersistStep = { kind: TicketEventKind; options: PersistOptions };

type NewOutboxItem = { kind: 'live'; input: Extract<OutboxItem, { kind: 'live' }>['input'] } | { kind: 'draft'; assigneeId: string } | { kind: 'embed' };

const iso = (ms: number) => new Date(ms).toISOString();

export class TicketStore {
  /** Outbox work in flight; the workflow waits for it before it completes. */
  readonly background = new Set<Promise<void>>();
  private outboxSeq = 0;
  private lastSearchAttributes = '';
  /** What live events last announced (status, assignee, priority): the next change reports what differs. */
  private announced: { status: TicketStatus; assigneeId: string | null; priority: Priority };

  constructor(private readonly run: TicketRun) {
    const { state } = run.ticket;
    state.outbox ??= [];
    for (const item of state.outbox) this.runOutbox(item);
    this.announced = { status: state.status, assigneeId: state.assigneeId, priority: state.priority };
  }

  /** Writes the state as it is now (row, audit events, notifications), once per sequence number. */
  async persist(kind: TicketEventKind, options: PersistOptions = {}): Promise<TicketChangeResult> {
    return (await this.persistSteps([{ kind, options }]))[0]!;
  }

  /**
   * Writes consecutive changes of the state as it is now in one activity (one transaction), each
   * keyed by its own sequence number; e.g. "triaged" then "assigned", where the activity picks the
   * assignee.
   */
  async persistSteps(steps: PersistStep[]): Promise<TicketChangeResult[]> {
    const { ticket, workflowId } = this.run;
    const { db } = this.run.activities;
    const { state } = ticket;
    const at = this.run.now();
    const set = ticket.rowProjection(at);
    const facts = ticket.factsAt(at);
    const changes: TicketChange[] = steps.map(({ kind, options }) => {
      state.seq += 1;
      return {
        ticketId: state.ticketId,
        seq: state.seq,
        dedupeKey: `${workflowId}#${state.seq}`,
        kind,
        set,
        actorId: options.actor?.id ?? null,
        source: options.source ?? (options.actor ? 'api' : 'workflow'),
        reason: options.reason ?? null,
        events: options.events,
        notifications: options.notifications,
        autoAssign: options.autoAssign,
        facts,
      };
    });
    const results = changes.length === 1 ? [await db.applyTicketChange(changes[0]!)] : await db.applyTicketChanges(changes);
    steps.forEach(({ options }, i) => {
      const result = results[i]!;
      if (options.autoAssign && result.assigneeId !== state.assigneeId) ticket.autoAssigned(result.assigneeId, at);
    });
    this.publishSearchAttributes(at);

    const last = changes.at(-1)!;
    const actorId = last.actorId;
    const events: LiveEventSpec[] = [];
    const id = (what: string) => `${workflowId}#${last.seq}/${what}`;
    const was = this.announced;
    if (was.status !== state.status) events.push({ id: id('status'), kind: 'status', from: was.status, to: state.status, notify: [] });
    if (was.assigneeId !== state.assigneeId)
      events.push({ id: id('assignment'), kind: 'assignment', assigneeId: state.assigneeId, previousAssigneeId: was.assigneeId, notify: state.assigneeId ? ['assignee'] : [] });
    if (was.priority !== state.priority) events.push({ id: id('priority'), kind: 'priority', from: was.priority, to: state.priority, notify: [] });
    steps.flatMap(({ options }) => options.live ?? []).forEach((event, i) => events.push({ ...event, id: id(`${event.kind}-${i}`) } as LiveEventSpec));
    this.markAnnounced();
    if (events.length > 0 && state.liveEvents !== false) {
      this.enqueue({ kind: 'live', input: { ticketId: state.ticketId, ticketNumber: state.number, departmentSlug: state.departmentSlug, at: iso(at), actorId, events } });
    }
    this.run.wake();
    return results;
  }

  /** Live events start from the state as it is now (the v0 intake wrote its changes without any). */
  markAnnounced(): void {
    const { state } = this.run.ticket;
    this.announced = { status: state.status, assigneeId: state.assigneeId, priority: state.priority };
  }

  /** Upserts the search attributes when any of their values changed. */
  publishSearchAttributes(at: number): void {
    const { status, priority, departmentSlug, assigneeId, slaState, dueAt } = this.run.ticket.searchAttributes(at);
    const key = JSON.stringify([status, priority, departmentSlug, assigneeId, slaState, dueAt]);
    if (key === this.lastSearchAttributes) return;
    this.lastSearchAttributes = key;
    upsertSearchAttributes([
      { key: sa.TicketStatus, value: status },
      { key: sa.TicketPriority, value: priority },
      { key: sa.TicketDepartment, value: departmentSlug },
      { key: sa.AssigneeId, value: assigneeId },
      { key: sa.SlaState, value: slaState },
      { key: sa.SlaDueAt, value: dueAt === null ? null : new Date(dueAt) },
    ]);
  }

  // -----------------------------------------------------------------------------------------------
  // The outbox.

  /** Starts work beside the ticket, recorded in the carried outbox until done. */
  enqueue(item: NewOutboxItem): void {
    const { state } = this.run.ticket;
    const full: OutboxItem = { ...item, id: `${state.seq}/${this.outboxSeq++}` };
    state.outbox!.push(full);
    this.runOutbox(full);
  }

  private runOutbox(item: OutboxItem): void {
    const task =
      item.kind === 'live'
        ? this.run.activities.live.publishLiveEvents(item.input)
        : item.kind === 'draft'
          ? this.draftFirstReply(item.assigneeId)
          : // Embeddings are best effort: after its tries the backfill (embedTicketsLacking) catches up.
            this.run.activities.embed.embedTicket({ ticketId: this.run.ticket.state.ticketId });
    const tracked: Promise<void> = task.then(
      () => undefined,
      () => undefined,
    );
    this.background.add(tracked);
    void tracked.then(() => {
      this.background.delete(tracked);
      const { state } = this.run.ticket;
      state.outbox = state.outbox!.filter((i) => i.id !== item.id);
    });
  }

  /** Drafts the first reply for an assignee; if the provider fails, the template (the activity audits the fallback). */
  private async draftFirstReply(assigneeId: string): Promise<void> {
    const { aiDraft, rules } = this.run.activities;
    const ticketId = this.run.ticket.state.ticketId;
    const key = `suggestion/first_reply/${assigneeId}`;
    try {
      await aiDraft.draftFirstReply({ ticketId, assigneeId, key });
    } catch (error) {
      await rules.draftFirstReply({ ticketId, assigneeId, key, fallbackFrom: errorMessage(error) });
    }
  }
}
