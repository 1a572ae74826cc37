/**
 * The scheduled report's activity (workflows/report-digest.ts): computes the subscription's report
 * for one period with its owner's scope as it is now (db/report-summary.ts, the same figures as
 * report.summary) and queues its `report_digest` mail in the outbox, keyed
 * `report-digest:<subscription>:<from>`: a retried activity or a second run for the same period
 * queues nothing more. An owner who lost the rights (deactivated, demoted to requester, no longer
 * supervising a department the filters name) gets no mail.
 */
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { enqueueMail } from '../../db/mail-outbox';
import type { Report, ReportDimensions } from '../../db/report-schemas';
import { ReportScopeError } from '../../db/report-scope';
import { buildReport } from '../../db/report-summary';
import { organisationTimezone } from '../../db/reports';
import { extraDepartmentIdsOf, mailOutbox, reportSubscriptions, users } from '../../db/schema';
import { staffDepartments } from '../../domain/access';
import type { ReportFigure } from '../../domain/mail';
import { lastFullPeriod } from '../../domain/report-subscriptions';
import type { ReportDigestInput, ReportDigestResult } from '../../workflows/messages';
import { startMailWorkflows } from '../mail/dispatch';

/** The outbox key of one subscription's mail for one period (its first day). */
export const reportDigestKey = (subscriptionId: string, from: string) => `report-digest:${subscriptionId}:${from}`;

/** The report page (and export) query string for these filters and period: repeated keys for lists, as the export routes read them. */
export function reportQuery(filters: ReportDimensions, period: { from: string; to: string }): string {
  const query = new URLSearchParams({ from: period.from, to: period.to, interval: filters.interval });
  for (const key of ['departmentId', 'category', 'priority', 'buildingId', 'assigneeId', 'slaPolicyId'] as const) for (const value of filters[key] ?? []) query.append(key, value);
  return query.toString();
}

/** The headline figures a report mail shows, straight from the report (so they agree with report.summary). */
export function headlineFigures(report: Report): ReportFigure[] {
  return [
    { key: 'created', label: 'Tickets opened', unit: 'count', value: report.volume.created },
    { key: 'resolved', label: 'Tickets resolved', unit: 'count', value: report.volume.resolved },
    { key: 'reopenRate', label: 'Reopen rate', unit: 'rate', value: report.volume.reopenRate },
    { key: 'firstResponseMetRate', label: 'First response SLA met', unit: 'rate', value: report.sla.firstResponse.metRate },
    { key: 'resolutionMetRate', label: 'Resolution SLA met', unit: 'rate', value: report.sla.resolution.metRate },
    { key: 'breached', label: 'Tickets with a breached resolution SLA', unit: 'count', value: report.sla.resolution.breached },
    { key: 'firstResponseP50', label: 'First response, median (business time)', unit: 'duration', value: report.times.firstResponse.p50Ms },
    { key: 'resolutionP50', label: 'Resolution, median (business time)', unit: 'duration', value: report.times.resolution.p50Ms },
    { key: 'backlog', label: 'Open tickets now', unit: 'count', value: report.backlog.open },
    { key: 'satisfaction', label: 'Satisfaction (average of 1–5)', unit: 'count', value: report.satisfaction.average === null ? null : Math.round(report.satisfaction.average * 100) / 100 },
  ];
}

/** `temporal`: starts the queued mail's delivery (a worker without an SMTP transport leaves that to one with it, through the reconcile schedule). */
export function reportDigestActivities(db: Db, temporal: Client | undefined) {
  return {
    async queueReportDigest(input: ReportDigestInput & { at: string }): Promise<ReportDigestResult> {
      const [subscription] = await db.select().from(reportSubscriptions).where(eq(reportSubscriptions.id, input.subscriptionId));
      if (!subscription) return { status: 'missing', period: null, mailId: null };
      const timezone = await organisationTimezone(db);
      const period = input.period ?? lastFullPeriod(subscription.period, new Date(input.at), timezone);
      if (subscription.pausedAt) return { status: 'paused', period, mailId: null };
      const key = reportDigestKey(subscription.id, period.from);
      const [already] = await db.select({ id: mailOutbox.id }).from(mailOutbox).where(eq(mailOutbox.idempotencyKey, key));
      if (already) return { status: 'already-queued', period, mailId: already.id };

      const [owner] = await db
        .select({ id: users.id, email: users.email, name: users.name, role: users.role, active: users.active, departmentId: users.departmentId, extra: extraDepartmentIdsOf(users.id) })
        .from(users)
        .where(eq(users.id, subscription.ownerId));
      if (!owner?.active) return { status: 'owner-inactive', period, mailId: null };
      const viewer = { id: owner.id, role: owner.role, staffDepartmentIds: staffDepartments(owner.role, owner.departmentId, owner.extra) };
      let report: Report;
      try {
        report = await buildReport(db, viewer, { ...subscription.filters, ...period }, new Date(input.at));
      } catch (error) {
        if (error instanceof ReportScopeError) return { status: 'out-of-scope', period, mailId: null };
        throw error;
      }
      const query = reportQuery(subscription.filters, period);
      const download =
        subscription.format === 'csv'
          ? { label: 'Download the SLA figures as CSV', link: `/api/exports/report.csv?section=sla&${query}` }
          : subscription.format === 'xlsx'
            ? { label: 'Download the whole report as an Excel workbook', link: `/api/exports/report.xlsx?${query}` }
            : null;
      const mailId = await enqueueMail(db, {
        to: owner.email,
        idempotencyKey: key,
        userId: owner.id,
        request: {
          kind: 'report_digest',
          data: { name: owner.name, period: { kind: subscription.period, ...period, timezone }, scope: report.scope, figures: headlineFigures(report), link: `/reports?${query}`, download },
        },
      });
      if (temporal) await startMailWorkflows(db, temporal, Context.current().info.taskQueue, [mailId]);
      return { status: 'queued', period, mailId };
    },
  };
}
