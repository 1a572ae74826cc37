import { z } from 'zod';
import { misuseReportStatuses } from '../../../db/schema';

export const ZMisuseListInput = z.object({
  status: z.enum(misuseReportStatuses).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});

const ZReportId = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const ZNote = z.string().trim().min(1, 'must not be blank').max(1000, 'must be at most 1,000 characters');

export const ZMisuseReviewInput = z.object({ id: ZReportId, note: ZNote.optional() });
export const ZMisuseRestrictInput = z.object({ id: ZReportId, reason: ZNote });
export const ZMisuseLiftInput = z.object({ userId: z.uuid('must be a user id (UUID)') });
