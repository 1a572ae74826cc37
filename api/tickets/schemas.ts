import { z } from 'zod';
import { priorities, slaStates, ticketStatuses } from '../../db/schema/enums';

export const ZTicketId = z.object({ id: z.uuid('must be a ticket id (UUID)') });

export const ZCreateTicketInput = z.object({
  title: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters'),
  description: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters'),
  urgency: z.enum(priorities).default('medium'),
  /** Same key, same ticket: retrying a create never makes a second one. */
  idempotencyKey: z
    .string()
    .min(8, 'must be at least 8 characters')
    .max(128, 'must be at most 128 characters')
    .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only')
    .optional(),
});
export type CreateTicketInput = z.infer<typeof ZCreateTicketInput>;

export const ZListTicketsInput = z
  .object({
    status: z.array(z.enum(ticketStatuses)).max(ticketStatuses.length).optional(),
    priority: z.array(z.enum(priorities)).max(priorities.length).optional(),
    slaState: z.array(z.enum(slaStates)).max(slaStates.length).optional(),
    departmentId: z.uuid().optional(),
    assigneeId: z.uuid().optional(),
    requesterId: z.uuid().optional(),
    limit: z.number().int().min(1).max(100).default(25),
    /** Opaque cursor from the previous page's `nextCursor`. */
    cursor: z.string().max(200).optional(),
  })
  .default({ limit: 25 });
export type ListTicketsInput = z.infer<typeof ZListTicketsInput>;
