/** Plain data shared by the ticket workflow, its activities and the API. No imports with side effects. */
import type { EscalationAudience, EscalationStep, EventSource, NotificationKind, Priority, Role, SlaState, SlaTarget, TicketEventKind, TicketStatus } from '../domain/vocabulary';
import type { ScreeningFlag } from '../domain/screening';
import type { BusinessCalendar } from './sla/calendar';
import type { SlaClockState } from './sla/clock';

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

/**
 * Who asks for a lifecycle change. The API fills it from the session; the workflow re-checks it.
 * `staffDepartmentIds` (every department the actor works in) is absent from Updates sent before
 * staff powers were per department set; then the home department stands for it.
 */
export type Actor = { id: string; role: Role; departmentId: string | null; staffDepartmentIds?: readonly string[] };

export type { EscalationAudience, EscalationStep } from '../domain/vocabulary';

/** The policy a ticket runs under, as the workflow keeps it (a snapshot: edits arrive by signal). */
export type SlaPolicySnapshot = {
  /** null: no policy matched and the built-in defaults apply. */
  policyId: string | null;
  name: string;
  version: number;
  targets: { firstResponseMs: number; nextResponseMs: number; resolutionMs: number };
  /** Percentages of each target that notify; always includes 100 (the breach). */
  thresholds: number[];
  pausedStatuses: TicketStatus[];
  calendarName: string;
  calendar: BusinessCalendar;
  escalation: EscalationStep[];
};

/** Organisation-wide lifecycle settings (settings row `lifecycle`), snapshotted by each ticket. */
export type LifecycleSettings = {
  autoCloseBusinessDays: number;
  reopenWindowDays: number;
  parentBlocksResolution: boolean;
  triageMinConfidence: number;
  /** Continue-as-new once a run's history has this many events. */
  historyEventBudget: number;
};

/** An SLA clock's post-breach escalation timer (business time, pauses with the ticket). */
export type EscalationTimer = { target: SlaTarget; cycle: number; level: number; clock: SlaClockState };

export type SlaRuntime = {
  policy: SlaPolicySnapshot;
  /** The settings-wide SLA configuration version this snapshot reflects. */
  configVersion: number;
  clocks: { first_response: SlaClockState; next_response: SlaClockState | null; resolution: SlaClockState };
  escalationTimers: EscalationTimer[];
};

/** Screening's words live in domain/screening.ts (the API screens messages by the same rules). */
export type { ScreeningFlag, ScreeningResult } from '../domain/screening';

export type TicketState = {
  ticketId: string;
  number: number;
  requesterId: string;
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
  /** Held by screening until an agent rejects or releases it (status stays `new`). */
  review: { flags: ScreeningFlag[]; reason: string } | null;
  /** Triage was not confident: waits in its department's queue for a person to triage it. */
  needsTriage: boolean;
  /** The automatic triage's result (kept for a ticket released from review). */
  triage: TriageResult | null;
  escalationLevel: number;
  sla: SlaRuntime | null;
  settings: LifecycleSettings | null;
  /** Epoch ms of the first public agent reply, resolution and closing. */
  firstRespondedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  /** When a resolved ticket closes by itself (N business days after resolution or the last requester reply). */
  autoCloseAt: number | null;
  parent: { ticketId: string; number: number } | null;
  /** Children that are still open (a parent may not resolve while any is, when so configured). */
  openChildren: { ticketId: string; number: number }[];
  mergedInto: { ticketId: string; number: number } | null;
  /** Set when SLA policies or calendars changed: the next step re-resolves the policy. */
  slaRefreshRequested: boolean;
  /** Background work not yet done (carried across continue-as-new). Absent in states of older runs. */
  outbox?: OutboxItem[];
  /** Ids of the latest public replies handled (a resent comment is signalled again). */
  repliesSeen?: number[];
  /** False when the worker has no rooms to deliver live events to (then none are scheduled). */
  liveEvents?: boolean;
};

/** Idempotent work the workflow runs beside a ticket's changes. */
export type OutboxItem = { id: string; kind: 'live'; input: LiveEventsInput } | { id: string; kind: 'draft'; assigneeId: string } | { id: string; kind: 'embed' };

export type TriageResult = {
  departmentSlug: string;
  category: string | null;
  priority: Priority;
  confidence: number;
  method: 'rules' | 'model';
  /** A department the text itself points to (keywords), used when the category is unsure. */
  departmentHint?: string | null;
  /** An external model (AI_BASE_URL) may be asked for a second opinion when this triage is unsure. */
  secondOpinion?: boolean;
};

/** The external model's triage of a ticket the offline model was unsure of; `adopted` when it is taken instead. */
export type SecondOpinion = { provider: string; model: string | null; category: string | null; confidence: number; adopted: TriageResult | null };

/** A knowledge-base passage found for a ticket or a question (the KB search fills these). */
export type KnowledgePassage = { slug: string; title: string; excerpt: string };

/** What staff ask the assistant about a ticket (workflows/assist.ts). */
export type AssistRequest = {
  kind: 'suggest_reply' | 'summary';
  ticketId: string;
  /** The staff member asking (the reply is signed as them). */
  forUserId: string;
  knowledge: KnowledgePassage[];
};

export type AssistResult = { kind: AssistRequest['kind']; text: string; method: string; provider: string };

/** Columns of the ticket row the workflow keeps; times are epoch ms (activities convert). */
export type TicketRowPatch = Partial<{
  status: TicketStatus;
  priority: Priority;
  category: string | null;
  departmentId: string | null;
  assigneeId: string | null;
  heldForReview: boolean;
  reviewReason: string | null;
  needsTriage: boolean;
  triageConfidence: number | null;
  escalationLevel: number;
  slaPolicyId: string | null;
  slaConfigVersion: number;
  slaState: SlaState;
  responseDueAt: number | null;
  resolutionDueAt: number | null;
  firstRespondedAt: number | null;
  resolvedAt: number | null;
  closedAt: number | null;
  autoCloseAt: number | null;
}>;

/** An audit event beside the per-field ones, keyed by the workflow (e.g. an SLA threshold: once per cycle). */
export type ExtraEvent = { key: string; kind: TicketEventKind; field?: string | null; oldValue?: unknown; newValue?: unknown };

/**
 * Who a notification reaches, beyond an escalation's audiences: the ticket's requester (who is
 * told about their own ticket, e.g. that it was resolved), or every staff member of its department.
 */
export type NotificationAudience = EscalationAudience | 'requester' | 'department_staff';

/** A persisted notification; the activity resolves the audience to users. Keyed, so written once per user. */
export type NotificationSpec = {
  key: string;
  kind: NotificationKind;
  audience: NotificationAudience[];
  /** Also these users (e.g. the requester). */
  users?: string[];
  title: string;
  body: string;
  data?: Record<string, unknown>;
  /** 'assignee' means only the assignee (no fallback to supervisors when there is none). */
  strictAssignee?: boolean;
};

/** One SLA clock's figures as of a change (business ms), for the reports' per-ticket facts. */
export type SlaClockFigures = {
  /** Business ms accrued this cycle. */
  elapsedMs: number;
  targetMs: number;
  cycle: number;
  stopped: boolean;
  /** Stopped within target with no breach fired. */
  met: boolean;
  /** The breach fired this cycle (or the clock stopped past its target). */
  breached: boolean;
  /** A warning threshold fired this cycle and it is neither stopped nor breached. */
  atRisk: boolean;
};

/**
 * What the reports need to know of a ticket as of a change that the row does not hold: the
 * workflow's instant of the change and its SLA clocks in business time. Carried beside the row
 * projection (activity input only; it changes no workflow command). Absent from older workers.
 */
export type TicketFactsPatch = {
  /** Epoch ms of the change (the workflow's clock). */
  at: number;
  /** The policy pauses its clocks in the current status. */
  paused: boolean;
  firstResponse: SlaClockFigures | null;
  resolution: SlaClockFigures | null;
};

/** One keyed lifecycle write: the row's new projection plus the audit events that explain it. */
export type TicketChange = {
  /** The reports' figures as of this change (worker/activities/report-facts.ts). */
  facts?: TicketFactsPatch;
  ticketId: string;
  /** The workflow's sequence number for this change; the row applies each number once. */
  seq: number;
  /** Prefix of the audit events' dedupe keys: `<workflow id>#<seq>`. */
  dedupeKey: string;
  set: TicketRowPatch;
  kind: TicketEventKind;
  actorId: string | null;
  source: EventSource;
  reason?: string | null;
  events?: ExtraEvent[];
  notifications?: NotificationSpec[];
  /** Pick the assignee inside the same transaction (least loaded, skills, round-robin). */
  autoAssign?: { pool: 'department' | 'escalation_group'; departmentId: string; category: string | null };
};

export type TicketChangeResult = {
  /** The assignee after the change (the chosen one for autoAssign; null when nobody was available). */
  assigneeId: string | null;
  assignReason: string | null;
};

/** Live events for the rooms (issue 5), each with an idempotency id; `notify` names whose user channels also get it. */
type LiveEventBase = { id: string; notify: EscalationAudience[] };
export type LiveEventSpec = LiveEventBase &
  (
    | { kind: 'status'; from: TicketStatus | null; to: TicketStatus }
    | { kind: 'assignment'; assigneeId: string | null; previousAssigneeId: string | null }
    | { kind: 'priority'; from: Priority | null; to: Priority }
    | { kind: 'sla_warning'; target: SlaTarget; dueAt: string; elapsedPercent: number }
    | { kind: 'sla_breach'; target: SlaTarget; dueAt: string }
  );

/** A live event before the workflow gives it its idempotency id. */
export type LiveEventDraft = LiveEventSpec extends infer T ? (T extends unknown ? Omit<T, 'id'> : never) : never;

export type LiveEventsInput = { ticketId: string; ticketNumber: number; departmentSlug: string | null; at: string; actorId: string | null; events: LiveEventSpec[] };

/** What a ticket runs under, as the context activity (worker/activities/sla.ts) resolves it. */
export type TicketContext = {
  department: { id: string; slug: string } | null;
  policy: SlaPolicySnapshot;
  configVersion: number;
  settings: LifecycleSettings;
  /** Whether this worker delivers live events to rooms (so the workflow schedules them only then). */
  liveEvents: boolean;
};
