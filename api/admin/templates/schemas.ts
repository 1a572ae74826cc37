/** Inputs of admin.templates.*. */
import { z } from 'zod';
import { priorities } from '../../../domain/vocabulary';
import { ZName } from '../shared';

const ZTemplateFields = z.object({
  name: ZName,
  title: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters'),
  description: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters'),
  urgency: z.enum(priorities),
  category: z.string().trim().min(1).max(80).nullable().optional(),
});

export const ZCreateTemplateInput = ZTemplateFields.extend({ urgency: ZTemplateFields.shape.urgency.default('medium') });
export type CreateTemplateInput = z.infer<typeof ZCreateTemplateInput>;
export const ZUpdateTemplateInput = ZTemplateFields.partial().extend({ id: z.uuid(), active: z.boolean().optional() });
export type UpdateTemplateInput = z.infer<typeof ZUpdateTemplateInput>;
