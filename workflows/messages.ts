/**
 * The ticket workflow's messages as typed constants. The API imports this module (and never
 * the activities) to talk to a ticket; nobody calls a workflow or handler by a string name.
 *
 * Lifecycle changes are Updates: their validators reject an illegal move or a role that may
 * not make it before anything reaches history (ApplicationFailure types in ./lifecycle/errors).
 * Facts the workflow must hear about but does not decide are Signals (a public reply, an SLA
 * configuration change, a child ticket's status).
 */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { Priority, Role, TicketStatus } from '../domain/vocabulary';
import type { LifecycleView } from './lifecycle/view';
import type { Actor } from './types';

export const TICKET_WORKFLOW_TYPE = 'ticketWorkflow';
/** The SLA reconcile workflow (workflows/maintenance.ts), started by its Schedule and by the admin API. */
export const SLA_RECONCILE_WORKFLOW_TYPE = 'slaReconcileWorkflow';
/** The notification pruning workflow (workflows/maintenance.ts), started daily by its Schedule. */
export const NOTIFICATION_PRUNE_WORKFLOW_TYPE = 'notificationPruneWorkflow';

export const ticketWorkflowId = (number: number) => `ticket-${number}`;

/** Sends one outbox mail (workflows/mail.ts); started right after the row is committed, or by the reconcile schedule. */
export const MAIL_DELIVERY_WORKFLOW_TYPE = 'mailDeliveryWorkflow';
/** A suggested reply or a summary for staff (workflows/assist.ts), executed by the API. */
export const ASSIST_WORKFLOW_TYPE = 'assistWorkflow';
/** One workflow per outbox row at a time: a second start for the same row is refused while the first runs. */
export const mailWorkflowId = (outboxId: number) => `mail-${outboxId}`;
export type MailDeliveryInput = { id: number };
/** Type of the delivery activity's failure that retrying will not change (an SMTP 5xx answer): the mail is marked failed at once. */
export const MAIL_REJECTED = 'MailRejected';
/** Starts the workflows of queued mails nobody started (a crash between commit and start), every minute. */
export const MAIL_RECONCILE_WORKFLOW_TYPE = 'mailReconcileWorkflow';
/** Queues the daily digests that are due (08:00 in each user's timezone), every quarter hour. */
export const MAIL_DIGEST_WORKFLOW_TYPE = 'mailDigestWorkflow';

/** The daily misuse check (workflows/misuse.ts): each user's last 24 h, written as misuse reports for admins. */
export const MISUSE_REPORT_WORKFLOW_TYPE = 'misuseReportWorkflow';
/** Its Schedule: daily at the organisation's setting `misuseReportTime` (default 02:00) in the organisation's timezone; admin.misuse.runNow triggers it. */
export const MISUSE_REPORT_SCHEDULE_ID = 'deskflow-misuse-report';
/** The Schedule's calendar for a local time of day ("HH:MM") in an IANA timezone. */
export function misuseScheduleSpec(time: string, timezone: string): { calendars: { hour: number; minute: number }[]; timezone: string } {
  const [hour, minute] = time.split(':').map(Number);
  return { calendars: [{ hour: hour!, minute: minute! }], timezone };
}
/** A scheduled report by mail (workflows/report-digest.ts), started by the subscription's Schedule. */
export const REPORT_DIGEST_WORKFLOW_TYPE = 'reportDigestWorkflow';
/** One Schedule per report subscription (api/reports/subscriptions.ts keeps it in step with the row). */
export const reportSubscriptionScheduleId = (subscriptionId: string) => `report-subscription-${subscriptionId}`;
/** The subscription's report for the last full period before `at` (default: the workflow's start), or for `period` when given. */
export type ReportDigestInput = { subscriptionId: string; at?: string; period?: { from: string; to: string } };
export type ReportDigestResult = {
  /** queued: its mail is in the outbox now; already-queued: that period's mail was queued before (sent once); the rest: nothing mailed, and why. */
  status: 'queued' | 'already-queued' | 'paused' | 'missing' | 'owner-inactive' | 'out-of-scope';
  period: { from: string; to: string } | null;
  mailId: number | null;
};
const scheduleWeekdays = ['MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY', 'SUNDAY'] as const;
/** The subscription's calendar: weekly on a weekday (1 = Monday) or monthly on a day (1–28), at a local time "HH:MM" in an IANA timezone. */
export function reportSubscriptionScheduleSpec(
  subscription: { period: 'weekly' | 'monthly'; day: number; time: string },
  timezone: string,
): { calendars: { dayOfWeek?: (typeof scheduleWeekdays)[number]; dayOfMonth?: number; hour: number; minute: number }[]; timezone: string } {
  const [hour, minute] = subscription.time.split(':').map(Number);
  const day = subscription.period === 'weekly' ? { dayOfWeek: scheduleWeekdays[subscription.day - 1]! } : { dayOfMonth: subscription.day };
  return { calendars: [{ ...day, hour: hour!, minute: minute! }], timezone };
}
/**
 * Everything of a subscription's Schedule that follows from the row (the API creates and updates
 * it with the row; the worker re-syncs them all at start-up): calendar, action, paused state.
 * A missed run (the server down) is caught up within a day; runs never overlap.
 */
export function reportSubscriptionSchedule(subscription: { id: string; period: 'weekly' | 'monthly'; day: number; time: string; paused: boolean }, timezone: string, taskQueue: string) {
  return {
    scheduleId: reportSubscriptionScheduleId(subscription.id),
    spec: reportSubscriptionScheduleSpec(subscription, timezone),
    action: { type: 'startWorkflow' as const, workflowType: REPORT_DIGEST_WORKFLOW_TYPE, taskQueue, args: [{ subscriptionId: subscription.id } satisfies ReportDigestInput] },
    policies: { overlap: 'SKIP' as const, catchupWindow: '1 day' as const },
    state: { paused: subscription.paused, note: subscription.paused ? 'Paused by its owner on the reports page' : undefined },
    memo: { purpose: `Mails report subscription ${subscription.id} (${subscription.period})` },
  };
}
export type MisuseReportResult = { windowStart: string; windowEnd: string; reports: number; embedded: number | null };

type WithActor<T = object> = T & { actor: Actor; reason?: string | null };

export type TransitionInput = WithActor<{ to: TicketStatus }>;
export type TriageInput = WithActor<{ departmentId: string; category: string | null; priority: Priority }>;
export type ReviewInput = WithActor<{ decision: 'reject' | 'release' }>;
export type AssignInput = WithActor<{ assigneeId: string }>;
export type ActorInput = WithActor;
export type EscalateInput = WithActor<{ reason: string }>;
export type ReclassifyInput = WithActor<{ priority?: Priority; category?: string | null; departmentId?: string }>;
export type MergeInput = WithActor<{ primaryTicketId: string }>;
export type LinkKind = 'parent' | 'related';
export type LinkInput = WithActor<{ kind: LinkKind; targetTicketId: string }>;

/** Completes once the ticket row exists in Postgres; the create path sends it with Update-With-Start. */
export const awaitPersistedUpdate = defineUpdate<LifecycleView, []>('awaitPersisted');

/** Status moves of the work itself: start, wait on customer / third party, resolve, close. */
export const transitionUpdate = defineUpdate<LifecycleView, [TransitionInput]>('transition');
/** A person triages a ticket that triage was not confident about: department, category, priority. */
export const triageUpdate = defineUpdate<LifecycleView, [TriageInput]>('triage');
/** Decides on a ticket held by screening: reject it (spam, abuse) or release it to triage. */
export const reviewUpdate = defineUpdate<LifecycleView, [ReviewInput]>('review');
export const assignUpdate = defineUpdate<LifecycleView, [AssignInput]>('assign');
export const claimUpdate = defineUpdate<LifecycleView, [ActorInput]>('claim');
export const unassignUpdate = defineUpdate<LifecycleView, [ActorInput]>('unassign');
export const escalateUpdate = defineUpdate<LifecycleView, [EscalateInput]>('escalate');
/** Priority, category or department change: SLA deadlines are recomputed from the time accrued. */
export const reclassifyUpdate = defineUpdate<LifecycleView, [ReclassifyInput]>('reclassify');
export const reopenUpdate = defineUpdate<LifecycleView, [ActorInput]>('reopen');
export const cancelUpdate = defineUpdate<LifecycleView, [ActorInput]>('cancel');
/** The requester confirms the resolution: the ticket closes at once. */
export const confirmResolutionUpdate = defineUpdate<LifecycleView, [ActorInput]>('confirmResolution');
/** Merges this ticket (a duplicate) into a primary: comments and watchers move, this one closes. */
export const mergeUpdate = defineUpdate<LifecycleView, [MergeInput]>('merge');
export const linkUpdate = defineUpdate<LifecycleView, [LinkInput]>('link');
export const unlinkUpdate = defineUpdate<LifecycleView, [LinkInput]>('unlink');

/**
 * A public reply was stored on the ticket (sent by the comment procedures, issue 4). An agent's
 * reply meets first / next response; a requester's restarts next response and resumes a ticket
 * waiting on the customer. Internal notes are never signalled.
 */
export type PublicReply = { commentId: number; authorId: string; authorRole: Role; at: string };
export const publicReplySignal = defineSignal<[PublicReply]>('publicReply');

/**
 * The requester changed the title or description materially (api/tickets/details.ts decides what
 * is material): a ticket nobody works on yet is triaged again and, if that changes where it
 * belongs, routed again (workflows/ticket/retriage.ts).
 */
export type DetailsEdited = { title: string; description: string; actorId: string };
export const detailsEditedSignal = defineSignal<[DetailsEdited]>('detailsEdited');

/** SLA policies, calendars or lifecycle settings changed (version = the new configuration version). */
export const slaConfigChangedSignal = defineSignal<[{ version: number }]>('slaConfigChanged');

/** Sent by a child ticket's workflow to its parent when it is linked, closes or reopens. */
export type ChildTicketChange = { ticketId: string; number: number; open: boolean };
export const childTicketSignal = defineSignal<[ChildTicketChange]>('childTicket');

/** The full lifecycle state: status, routing, SLA clocks and deadlines, links. */
export const stateQuery = defineQuery<LifecycleView>('state');

/** The IMAP mailbox workflow (workflows/mailbox.ts): one per mailbox in MAIL_IMAP_URL, started by the worker. */
export const MAILBOX_WORKFLOW_TYPE = 'mailboxWorkflow';
/** Names a mailbox by its key (user@host:port/folder; never the password). */
export const mailboxWorkflowId = (mailboxKey: string) => `mailbox:${mailboxKey}`;
/** Where a mailbox stands: the UIDVALIDITY and last UID handed to the API, and how many mails it has handed over. */
export type MailboxState = { mailbox: string; cursor: { uidValidity: string; lastUid: number } | null; handedOver: number };
export const mailboxStateQuery = defineQuery<MailboxState>('mailboxState');

// -------------------------------------------------------------------------------------------------
// Knowledge base: one embedding workflow per article version (workflows/knowledge.ts).
// -------------------------------------------------------------------------------------------------

export const ARTICLE_EMBEDDING_WORKFLOW_TYPE = 'articleEmbeddingWorkflow';
/** Per article version: saving again starts another; starting the same version twice is refused (or finds it embedded). */
export const articleEmbeddingWorkflowId = (articleId: string, version: number) => `kb-embed-${articleId}-v${version}`;
export type ArticleEmbeddingInput = { articleId: string; version: number };
/** What the embedding activity did: stored it, found a newer version (that one's workflow embeds it), or the article is gone. */
export type ArticleEmbeddingOutcome = 'embedded' | 'already-embedded' | 'stale' | 'gone';
/** The activity's failure that retrying will not change (the sentence model is not provisioned). */
export const EMBEDDER_MISSING = 'SentenceModelMissing';
