import { z } from 'zod';

export const ZAiUsageInput = z.object({
  /** From when; the last 7 days by default. */
  since: z.date('must be a date').optional(),
});
