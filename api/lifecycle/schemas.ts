/** Inputs of the ticket lifecycle procedures (ticket.transition, ticket.assign, …). */
import { z } from 'zod';
import { priorities, TRANSITION_TARGET_STATUSES } from '../../domain/vocabulary';

const id = z.uuid('must be a ticket id (UUID)');
const reason = z.string().trim().min(1, 'must not be blank').max(1000, 'must be at most 1,000 characters').optional();
/** Same requestId, same change: a retried call is applied once (it becomes the Temporal update id). */
const requestId = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only')
  .optional();

const base = { id, reason, requestId };

/** Status moves of the work itself; triage, assignment, cancel, reopen… have procedures of their own. */
export const ZTransitionInput = z.object({ ...base, to: z.enum(TRANSITION_TARGET_STATUSES, { error: `must be one of ${TRANSITION_TARGET_STATUSES.join(', ')}` }) });
export const ZActionInput = z.object(base);
export const ZAssignInput = z.object({ ...base, assigneeId: z.uuid('must be a user id (UUID)') });
export const ZEscalateInput = z.object({ ...base, reason: z.string().trim().min(3, 'say why (at least 3 characters)').max(1000, 'must be at most 1,000 characters') });
export const ZTriageInput = z.object({
  ...base,
  departmentId: z.uuid('must be a department id (UUID)'),
  category: z.string().trim().min(1).max(100).nullable(),
  priority: z.enum(priorities),
});
export const ZReclassifyInput = z
  .object({
    ...base,
    priority: z.enum(priorities).optional(),
    category: z.string().trim().min(1).max(100).nullable().optional(),
    departmentId: z.uuid('must be a department id (UUID)').optional(),
  })
  .refine((v) => v.priority !== undefined || v.category !== undefined || v.departmentId !== undefined, { message: 'name a new priority, category or department', path: ['priority'] });
export const ZReviewInput = z.object({ ...base, decision: z.enum(['reject', 'release']) });
export const ZMergeInput = z
  .object({ ...base, primaryId: z.uuid('must be a ticket id (UUID)') })
  .refine((v) => v.primaryId !== v.id, { message: 'a ticket cannot be merged into itself', path: ['primaryId'] });
export const ZLinkInput = z
  .object({ ...base, kind: z.enum(['parent', 'related']), targetId: z.uuid('must be a ticket id (UUID)') })
  .refine((v) => v.targetId !== v.id, { message: 'a ticket cannot be linked to itself', path: ['targetId'] });
export const ZLifecycleInput = z.object({ id });

export type TransitionInput = z.infer<typeof ZTransitionInput>;
export type ActionInput = z.infer<typeof ZActionInput>;
