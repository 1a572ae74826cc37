/** Admin audit trail inputs. */
import { z } from 'zod';

export const ZAuditInput = z
  .object({
    targetType: z
      .enum(['user', 'department', 'building', 'category', 'template', 'settings', 'api_token', 'session', 'business_calendar', 'sla_policy', 'mail', 'misuse_report', 'schedule'])
      .optional(),
    targetId: z.string().max(64).optional(),
    before: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .default({ limit: 50 });
export type AuditInput = z.infer<typeof ZAuditInput>;
