/** Notification kinds and email deliveries in the words people read (preferences and the organisation's defaults). */
import type { EmailDelivery, NotificationKind } from '../../../domain/vocabulary';

export const kindWords: Record<NotificationKind, { name: string; what: string }> = {
  assigned: { name: 'Assigned to you', what: 'A ticket was assigned to you.' },
  message: { name: 'New replies', what: 'A public reply on a ticket you filed or watch.' },
  mention: { name: 'Mentions', what: 'Someone mentioned you in a reply or note.' },
  sla_warning: { name: 'SLA warnings', what: 'A target is close to being missed.' },
  sla_breached: { name: 'SLA breaches', what: 'A target was missed.' },
  sla_overdue: { name: 'Still overdue', what: 'A missed target is still not met.' },
  escalated: { name: 'Escalations', what: 'A ticket was escalated to you or your team.' },
  resolved: { name: 'Resolved', what: 'Your ticket was resolved: confirm or reopen it.' },
  review_needed: { name: 'Held for review', what: 'A message in your department was held by screening.' },
  needs_triage: { name: 'Needs triage', what: 'A ticket in your department needs a person to route it.' },
  low_rating: { name: 'Low ratings', what: 'A requester rated a resolved ticket in your department 1 or 2 out of 5.' },
};

export const deliveryWords: Record<EmailDelivery, string> = { immediately: 'Right away', daily_digest: 'In a daily digest', never: 'Never' };
