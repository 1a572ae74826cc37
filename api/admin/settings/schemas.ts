/** Organisation settings: what each key holds, validated on the way in and out, and the defaults. */
import { z } from 'zod';
import { DEFAULT_MISUSE_REPORT_TIME, DEFAULT_NOTIFICATION_RETENTION_DAYS, DEFAULT_TICKET_RATE_LIMIT } from '../../../domain/vocabulary';

export const ZSettings = z.object({
  /** Tickets one requester may open per window. */
  ticketRateLimit: z.object({
    max: z.number().int().min(1, 'must be at least 1').max(10_000, 'must be at most 10,000'),
    windowHours: z
      .number()
      .int()
      .min(1, 'must be at least 1 hour')
      .max(24 * 31, 'must be at most 31 days'),
  }),
  /** Anyone may create a requester account (optionally only with these email domains). */
  signUpEnabled: z.boolean(),
  signUpDomains: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a domain like example.com'),
    )
    .max(50),
  /**
   * Whether single sign-on may link an existing supervisor or administrator account by its email
   * (otherwise only accounts without those rights are matched by email).
   */
  oidcLinkPrivileged: z.boolean(),
  /** How long after posting an author may still edit a comment. */
  commentEditWindowMinutes: z
    .number()
    .int()
    .min(0)
    .max(7 * 24 * 60, 'must be at most 7 days'),
  /** Read notifications are deleted this many days after they were read (the pruning schedule). */
  notificationRetentionDays: z.number().int().min(1, 'must be at least 1 day').max(3650, 'must be at most 10 years'),
  /** When the daily misuse check runs ("HH:MM", 24-hour), in the organisation's timezone (its default business calendar's). */
  misuseReportTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day like 02:00'),
});
export type Settings = z.infer<typeof ZSettings>;

export const defaultSettings: Settings = {
  ticketRateLimit: { ...DEFAULT_TICKET_RATE_LIMIT },
  signUpEnabled: false,
  signUpDomains: [],
  oidcLinkPrivileged: false,
  commentEditWindowMinutes: 15,
  notificationRetentionDays: DEFAULT_NOTIFICATION_RETENTION_DAYS,
  misuseReportTime: DEFAULT_MISUSE_REPORT_TIME,
};
