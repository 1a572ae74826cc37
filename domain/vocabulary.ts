/**
 * The words every layer shares: roles, ticket statuses and their named sets, priorities, SLA
 * states and targets, event sources and the kinds of audit events. Dependency-free and plain
 * data, so the workflow sandbox, the rooms worker (workerd), the database schema (its pgEnums are
 * built from these arrays), the API and the worker all read the same definitions.
 */

export const roles = ['requester', 'agent', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];

export const ticketStatuses = ['new', 'triaged', 'assigned', 'in_progress', 'waiting_on_customer', 'waiting_on_third_party', 'resolved', 'closed', 'cancelled', 'rejected'] as const;
export type TicketStatus = (typeof ticketStatuses)[number];

// -------------------------------------------------------------------------------------------------
// Named sets of statuses. Use these, never a hand-written list.
// -------------------------------------------------------------------------------------------------

/** Being worked on: after triage, before resolution. */
export const WORKING_STATUSES = ['triaged', 'assigned', 'in_progress', 'waiting_on_customer', 'waiting_on_third_party'] as const satisfies readonly TicketStatus[];
/** Open: not yet resolved or ended (new, or being worked on). SLA clocks run only here. */
export const OPEN_STATUSES = ['new', ...WORKING_STATUSES] as const satisfies readonly TicketStatus[];
/**
 * Unsettled: open, or resolved and not yet closed — the ticket's workflow can still act on it
 * (a resolved ticket waits for confirmation or auto-close). Not the same as open: a resolved
 * ticket is not open, yet SLA configuration changes must still reach it and it may still be
 * the primary of a merge.
 */
export const UNSETTLED_STATUSES = [...OPEN_STATUSES, 'resolved'] as const satisfies readonly TicketStatus[];
/** Statuses after which a ticket never changes again (a closed ticket may still be reopened). */
export const FINAL_STATUSES = ['cancelled', 'rejected'] as const satisfies readonly TicketStatus[];
/** Statuses an SLA policy pauses its clocks in unless it says otherwise (waiting on someone else). */
export const DEFAULT_PAUSED_STATUSES = ['waiting_on_customer', 'waiting_on_third_party'] as const satisfies readonly TicketStatus[];
/** Statuses an SLA policy may pause in: the working ones (clocks never run outside open statuses). */
export const PAUSABLE_STATUSES = WORKING_STATUSES;
/** Not yet started: waiting to be picked up (the queue's "to pick up" index, unassigned-queue lists). */
export const UNASSIGNED_STATUSES = ['new', 'triaged'] as const satisfies readonly TicketStatus[];
/** Where the work itself may move (the `transition` action; workflows/lifecycle/rules.ts says from where). */
export const TRANSITION_TARGET_STATUSES = ['in_progress', 'waiting_on_customer', 'waiting_on_third_party', 'resolved', 'closed'] as const satisfies readonly TicketStatus[];

/** Whether `status` belongs to `set` (a typed `includes` for the readonly tuples above). */
export function isIn(set: readonly TicketStatus[], status: TicketStatus): boolean {
  return set.includes(status);
}

// -------------------------------------------------------------------------------------------------

/** Least to most urgent, so "one step up" is the next index. */
export const priorities = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof priorities)[number];

export const slaStates = ['on_track', 'at_risk', 'breached', 'paused', 'met'] as const;
export type SlaState = (typeof slaStates)[number];

export const slaTargets = ['first_response', 'next_response', 'resolution'] as const;
export type SlaTarget = (typeof slaTargets)[number];

/** Who an escalation step or a notification reaches. */
export const escalationAudiences = ['assignee', 'supervisor', 'escalation_group'] as const;
export type EscalationAudience = (typeof escalationAudiences)[number];

/**
 * One level of a policy's escalation chain. It fires once per cycle of the clock it watches, when
 * that clock reaches `atPercent` of its target, or `afterBreachMinutes` of business time after the
 * breach; a step only ever raises the ticket's escalation level (never re-runs a lower one).
 */
export type EscalationStep = {
  level: number;
  target: SlaTarget | 'any';
  trigger: { atPercent: number } | { afterBreachMinutes: number };
  notify: EscalationAudience[];
  raisePriority: boolean;
  reassignToEscalationGroup: boolean;
};

/** An SLA clock's elapsed share, in percent, at which it breaches. */
export const BREACH_PERCENT = 100;

/** Default chain: L1 at warning notifies the assignee; L2 at breach tells the supervisor and raises the priority; L3 four business hours after the resolution breach hands the ticket to the department's escalation group. Here, not in workflows/, so the console offers the same chain the API applies. */
export const DEFAULT_ESCALATION_CHAIN: readonly EscalationStep[] = Object.freeze([
  { level: 1, target: 'any', trigger: { atPercent: 80 }, notify: ['assignee'], raisePriority: false, reassignToEscalationGroup: false },
  { level: 2, target: 'any', trigger: { atPercent: BREACH_PERCENT }, notify: ['assignee', 'supervisor'], raisePriority: true, reassignToEscalationGroup: false },
  { level: 3, target: 'resolution', trigger: { afterBreachMinutes: 240 }, notify: ['supervisor', 'escalation_group'], raisePriority: false, reassignToEscalationGroup: true },
] satisfies EscalationStep[]);

/** ISO weekday: 1 is Monday, 7 is Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** One open interval of a business calendar on one weekday, local wall-clock time. `end` may be '24:00'; intervals cannot cross midnight. */
export type WeeklyInterval = { day: IsoWeekday; start: string; end: string };

/** Who wrote an audit event. */
export const eventSources = ['api', 'workflow', 'ai'] as const;
export type EventSource = (typeof eventSources)[number];

/**
 * Kinds of ticket audit events (`ticket_events.kind`; a text column, so new kinds need no
 * migration). The workflow's changes name the move that caused them; the API's name the fact.
 */
export const ticketEventKinds = [
  // Written by the API (comments, attachments, watchers) and the ticket's creation.
  'created',
  'comment_added',
  'comment_edited',
  /** The author deleted their comment (within the edit window); the body stays for the audit. */
  'comment_deleted',
  /** Staff hid a comment from requesters (moderation); the body stays for the audit. */
  'comment_hidden',
  /** The requester edited the title or description (old and new values). */
  'details_edited',
  /** A message screening held for staff review was released (delivered) or rejected by staff. */
  'comment_released',
  'comment_rejected',
  'attachment_added',
  'attachment_deleted',
  'watcher_added',
  'watcher_removed',
  // Lifecycle moves the workflow persists.
  'held_for_review',
  'released',
  'rejected',
  'needs_triage',
  'triaged',
  /** Triage ran again after a material edit of the title or description. */
  'retriaged',
  'assigned',
  'claimed',
  'unassigned',
  'no_agent_available',
  'status_changed',
  'escalated',
  'reclassified',
  'reopened',
  'cancelled',
  'closed',
  'auto_closed',
  'auto_close_postponed',
  'merged',
  'merged_into',
  'merged_in',
  'linked',
  'unlinked',
  // SLA.
  'sla_started',
  'sla_projection',
  'sla_policy_changed',
  'first_response',
  'sla_warning',
  'sla_breached',
  'sla_overdue',
  // AI steps.
  'ai_fallback',
  /** The offline model was unsure; an external model gave a second opinion on triage (adopted or not). */
  'ai_second_opinion',
] as const;
export type TicketEventKind = (typeof ticketEventKinds)[number];

/**
 * Kinds of notifications a person receives (`notifications.kind`). Each user chooses per kind
 * whether it shows in the app and whether it is mailed (immediately, in a daily digest, never).
 */
export const notificationKinds = [
  /** A ticket was assigned to you. */
  'assigned',
  /** A new public message on a ticket you filed or watch. */
  'message',
  /** Someone mentioned you (@handle) in a message or note. */
  'mention',
  /** An SLA target is close (e.g. 80 % of its time used), breached (100 %), still breached later (overdue). */
  'sla_warning',
  'sla_breached',
  'sla_overdue',
  'escalated',
  /** Your ticket was resolved: confirm or reopen it. */
  'resolved',
  /** A ticket or a message in your department was held by screening for review. */
  'review_needed',
  /** Triage was not confident: a ticket in your department needs a person to triage it. */
  'needs_triage',
  /** A requester rated the resolution of a ticket in your department 1 or 2 out of 5. */
  'low_rating',
] as const;
export type NotificationKind = (typeof notificationKinds)[number];

/** How a notification kind is mailed (the mail channel reads this; the app shows it in preferences). */
export const emailDeliveries = ['immediately', 'daily_digest', 'never'] as const;
export type EmailDelivery = (typeof emailDeliveries)[number];

/** Built-in defaults per kind, until an admin sets the organisation's own: everything shows in the app; mail for what needs acting on now. */
export const builtInNotificationDefaults: Record<NotificationKind, { inApp: boolean; email: EmailDelivery }> = {
  assigned: { inApp: true, email: 'immediately' },
  message: { inApp: true, email: 'immediately' },
  mention: { inApp: true, email: 'immediately' },
  sla_warning: { inApp: true, email: 'daily_digest' },
  sla_breached: { inApp: true, email: 'immediately' },
  sla_overdue: { inApp: true, email: 'daily_digest' },
  escalated: { inApp: true, email: 'immediately' },
  resolved: { inApp: true, email: 'immediately' },
  review_needed: { inApp: true, email: 'daily_digest' },
  needs_triage: { inApp: true, email: 'daily_digest' },
  low_rating: { inApp: true, email: 'immediately' },
};

/** Read notifications older than this many days are deleted by the pruning schedule (unless configured otherwise). */
export const DEFAULT_NOTIFICATION_RETENTION_DAYS = 30;

/** The AI steps whose calls are recorded (`ai_calls.feature`) and shown to admins. */
export const aiFeatures = ['screening', 'triage', 'triage_second_opinion', 'first_reply', 'suggest_reply', 'summary', 'grounded_answer'] as const;
export type AiFeature = (typeof aiFeatures)[number];

/** ok: the provider answered; fallback: the offline path answered instead; error: an attempt failed (it may be retried). */
export const aiCallOutcomes = ['ok', 'fallback', 'error'] as const;
export type AiCallOutcome = (typeof aiCallOutcomes)[number];
/** Tickets one requester may open per window unless an admin sets otherwise (settings.ticketRateLimit). */
export const DEFAULT_TICKET_RATE_LIMIT = { max: 5, windowHours: 24 } as const;
/** When the daily misuse check runs, in the organisation's timezone, unless an admin sets otherwise (settings.misuseReportTime). */
export const DEFAULT_MISUSE_REPORT_TIME = '02:00';

// -------------------------------------------------------------------------------------------------
// Knowledge base.
// -------------------------------------------------------------------------------------------------

/** Who may read a published article: every signed-in person, or staff (agents, supervisors, admins) only. */
export const articleVisibilities = ['everyone', 'staff'] as const;
export type ArticleVisibility = (typeof articleVisibilities)[number];

/** Only published articles are found by search and shown to requesters; drafts and archived ones are staff's. */
export const articleStatuses = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];

/** How the answer bot answered: `offline` extracts the best article's steps; `model` is a grounded answer by the configured provider. */
export const assistantModes = ['offline', 'model'] as const;
export type AssistantMode = (typeof assistantModes)[number];

/** answered: from the knowledge base, with citations; unknown: nothing good enough matched; refused: screening flagged the question. */
export const assistantOutcomes = ['answered', 'unknown', 'refused'] as const;
export type AssistantOutcome = (typeof assistantOutcomes)[number];
