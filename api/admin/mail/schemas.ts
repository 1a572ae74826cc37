import { z } from 'zod';
import { mailStatuses } from '../../../domain/mail';

export const ZOutboxListInput = z.object({
  status: z.enum(mailStatuses).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

export const ZRetryMailsInput = z.object({
  ids: z.array(z.number().int().min(1).max(Number.MAX_SAFE_INTEGER)).min(1, 'name at least one mail').max(200, 'at most 200 at once'),
});
