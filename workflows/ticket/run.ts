/**
 * What the parts of one ticket workflow run share: its input, the ticket (entity), the activity
 * proxies, the one-change-at-a-time lock, the wake-up flag of the main loop and the persistence.
 */
import { ActivityFailure, patched, TimeoutFailure, workflowInfo, type ActivityInterfaceFor } from '@temporalio/workflow';
import type { Activities } from '../../worker/activities';
import type { ActionRequest } from '../lifecycle/rules';
import type { LifecycleView } from '../lifecycle/view';
import type { Actor, TicketWorkflowInput } from '../types';
import type { TicketStatus } from '../../domain/vocabulary';
import type { TicketEntity } from './entity';
import { Exclusive } from './exclusive';
import { TicketStore } from './persistence';
import { PATCHES } from './patches';

type Proxy = ActivityInterfaceFor<Activities>;

/** The activity proxies, one per retry policy (see workflow.ts). */
export type TicketActivities = { db: Proxy; ai: Proxy; aiDraft: Proxy; rules: Proxy; live: Proxy; embed: Proxy };

export class TicketRun {
  readonly workflowId = workflowInfo().workflowId;
  private readonly changes = new Exclusive();
  /** Set by every persisted change and by signals the main loop must act on; the loop clears it before it sleeps. */
  woken = false;
  readonly store: TicketStore;

  /** Restarts the carried outbox at once (its activities are the run's first commands). */
  constructor(
    readonly input: TicketWorkflowInput,
    readonly ticket: TicketEntity,
    readonly activities: TicketActivities,
  ) {
    this.store = new TicketStore(this);
  }

  get state() {
    return this.ticket.state;
  }

  /** The workflow's clock (deterministic in the sandbox); the entity never reads a clock itself. */
  now(): number {
    return Date.now();
  }

  wake(): void {
    this.woken = true;
  }

  /** Runs a change after every change before it (handlers and the main loop alike). */
  exclusive<T>(change: () => Promise<T>): Promise<T> {
    return this.changes.run(change);
  }

  /** True while a change runs or waits: the state may then be a step behind the ticket row. */
  get busy(): boolean {
    return this.changes.busy;
  }

  /**
   * The rules' verdict on a move. An Update's handler that replays one accepted before staff
   * powers were per ticket judges it by the role rule it was accepted under (validators never
   * replay: they always use today's rule).
   */
  check(request: { actor?: Actor } | undefined, action: ActionRequest, options: { inHandler?: boolean } = {}): TicketStatus {
    const perTicket = options.inHandler ? patched(PATCHES.staffPowersPerTicket) : true;
    return this.ticket.check(request, action, this.now(), perTicket ? 'perTicket' : 'byRole');
  }

  view(): LifecycleView {
    return { ...this.ticket.view(this.now()), historyLength: workflowInfo().historyLength };
  }
}

/** An activity's failure in a few words, for the audit of a fallback. */
export function errorMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) return `timed out (${cause.timeoutType ?? 'timeout'})`;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
