/** The SLA clock's state as untrusted data (zod), apart from clock.ts so the workflow bundle never loads zod. */
import { z } from 'zod';
import { BREACH_PERCENT, type SlaClockState } from './clock';

export const slaClockStateSchema = z.object({
  targetMs: z.number().int().positive(),
  accruedMs: z.number().int().nonnegative(),
  runningSince: z.number().int().nullable(),
  firedThresholds: z.array(z.number().positive()),
  thresholds: z.array(z.number().positive()).refine((t) => t.includes(BREACH_PERCENT), {
    message: `thresholds must include ${BREACH_PERCENT} (the breach)`,
  }),
  cycle: z.number().int().positive(),
  stoppedAt: z.number().int().optional(),
  met: z.boolean().optional(),
});

const _schemaMatchesType: z.ZodType<SlaClockState> = slaClockStateSchema;
void _schemaMatchesType;
