/** Availability inputs (api/availability/service.ts). */
import { z } from 'zod';

const ZAvailabilityChange = z
  .object({
    /** `available`: routing may assign; `away`: routing skips them, until `awayUntil` when given. */
    status: z.enum(['available', 'away']),
    /** The end of the absence (must be in the future); without it, away until set back by hand. Only with `away`. */
    awayUntil: z.date().nullable().optional(),
    /** Most open tickets routing assigns them (1–500); null: no cap; absent: unchanged. */
    maxOpenTickets: z.number().int().min(1, 'must be at least 1 (or null for no cap)').max(500, 'must be at most 500').nullable().optional(),
  })
  .superRefine((input, ctx) => {
    if (input.awayUntil && input.status !== 'away') ctx.addIssue({ code: 'custom', path: ['awayUntil'], message: 'only with status "away"' });
    if (input.awayUntil && input.awayUntil.getTime() <= Date.now()) ctx.addIssue({ code: 'custom', path: ['awayUntil'], message: 'must be in the future' });
  });

export const ZSetMyAvailability = ZAvailabilityChange;
export type AvailabilityChange = z.infer<typeof ZAvailabilityChange>;

export const ZSetAvailability = z.intersection(z.object({ userId: z.uuid('must be a user id (UUID)') }), ZAvailabilityChange);

export const ZAvailabilityView = z.object({
  userId: z.uuid(),
  name: z.string(),
  role: z.enum(['agent', 'supervisor', 'admin']),
  departmentId: z.uuid().nullable(),
  /** As routing sees it now: `away` only while the absence lasts. */
  status: z.enum(['available', 'away']),
  awayUntil: z.date().nullable(),
  maxOpenTickets: z.number().int().nullable(),
  /** Open tickets assigned to them now. */
  openAssigned: z.number().int(),
  /** Of those, breached and at risk now (the SLA board's team workload). */
  breachedAssigned: z.number().int(),
  atRiskAssigned: z.number().int(),
  /** Routing would assign them a ticket now (available and under their cap). */
  routable: z.boolean(),
});
export type AvailabilityView = z.infer<typeof ZAvailabilityView>;
