/** Report inputs and outputs (db/report-summary.ts), validated by the API's report procedures and scheduled reports. */
import { z } from 'zod';
import { priorities } from '../domain/vocabulary';

const isoDate = z.iso.date('must be a date YYYY-MM-DD');
const ids = (what: string) =>
  z
    .array(z.uuid(`must be ${what} ids (UUIDs)`))
    .min(1)
    .max(100);

/** The longest period one report covers. */
export const MAX_REPORT_DAYS = 400;

/** What a report is about, whatever its period: the filters a scheduled report keeps (api/reports/subscriptions.ts). */
export const ZReportDimensions = z.object({
  departmentId: ids('department').optional(),
  category: z.array(z.string().trim().min(1).max(100)).min(1).max(100).optional(),
  priority: z.array(z.enum(priorities)).min(1).optional(),
  buildingId: ids('building').optional(),
  assigneeId: ids('user').optional(),
  slaPolicyId: ids('SLA policy').optional(),
  /** Buckets of the volume series. */
  interval: z.enum(['day', 'week']).default('day'),
});
export type ReportDimensions = z.infer<typeof ZReportDimensions>;

export const ZReportFilters = ZReportDimensions.extend({
  /** First and last day of the period (inclusive), in the organisation's timezone. */
  from: isoDate,
  to: isoDate,
}).superRefine((input, ctx) => {
  const days = (Date.parse(input.to) - Date.parse(input.from)) / 86_400_000;
  if (days < 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  if (days >= MAX_REPORT_DAYS) ctx.addIssue({ code: 'custom', path: ['to'], message: `a report covers at most ${MAX_REPORT_DAYS} days` });
});
export type ReportFilters = z.infer<typeof ZReportFilters>;

const ZCompliance = z.object({
  /** Tickets of the period with this SLA target. */
  total: z.number().int(),
  met: z.number().int(),
  breached: z.number().int(),
  /** Still running (neither met nor breached), and of those the ones past a warning threshold. */
  open: z.number().int(),
  atRisk: z.number().int(),
  /** met / (met + breached); null when nothing is decided yet. */
  metRate: z.number().nullable(),
  /** breached / total; null without tickets. */
  breachedRate: z.number().nullable(),
});

const ZDuration = z.object({ count: z.number().int(), p50Ms: z.number().nullable(), p90Ms: z.number().nullable() });

export const agingBuckets = ['under_1d', '1_3d', '3_7d', '7_30d', 'over_30d'] as const;

const ZSatisfaction = z.object({ count: z.number().int(), average: z.number().nullable(), low: z.number().int(), distribution: z.array(z.number().int()).length(5) });

const ZBreakdown = z.object({ id: z.string().nullable(), name: z.string(), created: z.number().int(), resolved: z.number().int(), open: z.number().int(), breached: z.number().int() });

export const ZReport = z.object({
  period: z.object({ from: z.string(), to: z.string(), timezone: z.string(), interval: z.enum(['day', 'week']) }),
  /** Whose figures: everything, the departments the caller supervises, or the caller's own tickets. */
  scope: z.enum(['all', 'departments', 'own']),
  sla: z.object({ firstResponse: ZCompliance, resolution: ZCompliance }),
  times: z.object({
    firstResponse: ZDuration,
    resolution: ZDuration,
    paused: z.object({ tickets: z.number().int(), totalMs: z.number(), averageMs: z.number().nullable() }),
  }),
  backlog: z.object({ open: z.number().int(), buckets: z.array(z.object({ bucket: z.enum(agingBuckets), count: z.number().int() })) }),
  volume: z.object({
    series: z.array(z.object({ start: z.string(), created: z.number().int(), resolved: z.number().int(), reopened: z.number().int() })),
    created: z.number().int(),
    resolved: z.number().int(),
    reopened: z.number().int(),
    /** Tickets of the period reopened at least once / tickets of the period resolved at least once. */
    reopenRate: z.number().nullable(),
  }),
  agents: z.array(
    z.object({
      assigneeId: z.uuid(),
      name: z.string(),
      assigned: z.number().int(),
      resolved: z.number().int(),
      firstResponseP50Ms: z.number().nullable(),
      resolutionP50Ms: z.number().nullable(),
      reopenRate: z.number().nullable(),
      satisfaction: z.number().nullable(),
      ratings: z.number().int(),
    }),
  ),
  byDepartment: z.array(ZBreakdown),
  byBuilding: z.array(ZBreakdown),
  escalations: z.array(z.object({ level: z.number().int(), tickets: z.number().int() })),
  screening: z.object({ held: z.number().int() }),
  triage: z.object({ automatic: z.number().int(), overridden: z.number().int(), overrideRate: z.number().nullable() }),
  satisfaction: ZSatisfaction,
  /**
   * Drafts dropped because a knowledge-base article solved them (kb.deflect), in the period, with
   * the articles that did it most. By the article's department; null for an agent's own report and
   * under a filter a deflection has no value for (assignee, category, priority, building, SLA policy).
   */
  deflections: z
    .object({
      count: z.number().int(),
      topArticles: z.array(z.object({ articleId: z.uuid(), slug: z.string(), title: z.string(), deflections: z.number().int() })),
    })
    .nullable(),
});
export type Report = z.infer<typeof ZReport>;
