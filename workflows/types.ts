/** Plain data shared by the ticket workflow, its activities and the API. No imports with side effects. */
import type { Priority, SlaState, TicketStatus } from '../db/schema/enums';

export type TicketWorkflowInput = {
  ticketId: string;
  number: number;
  title: string;
  description: string;
  urgency: Priority;
  requesterId: string;
  /** Set by continueAsNew: the state the previous run ended with. */
  carried?: TicketState;
};

export type TicketState = {
  ticketId: string;
  number: number;
  status: TicketStatus;
  priority: Priority;
  category: string | null;
  departmentId: string | null;
  departmentSlug: string | null;
  assigneeId: string | null;
  slaState: SlaState;
  /** True once the ticket row exists in Postgres. */
  persisted: boolean;
  /** Sequence of lifecycle writes; with the workflow id it keys every activity write (idempotency). */
  seq: number;
};

export type TriageResult = {
  departmentSlug: string;
  category: string | null;
  priority: Priority;
  confidence: number;
  method: 'rules' | 'model';
};

/** One keyed lifecycle write: the row's new projection plus the audit events that explain it. */
export type TicketChange = {
  ticketId: string;
  /** The workflow's sequence number for this change; the row applies each number once. */
  seq: number;
  /** Prefix of the audit events' dedupe keys: `<workflow id>#<seq>`. */
  dedupeKey: string;
  set: Partial<Pick<TicketState, 'status' | 'priority' | 'category' | 'departmentId' | 'assigneeId' | 'slaState'>>;
  kind: string;
  actorId: string | null;
  source: 'api' | 'workflow' | 'ai';
  reason?: string;
};
