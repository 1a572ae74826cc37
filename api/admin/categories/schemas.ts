/** Inputs of admin.categories.*. */
import { z } from 'zod';
import { ZName } from '../shared';

export const ZCategoryFields = z.object({ name: ZName, description: z.string().trim().max(500).nullable().optional(), departmentId: z.uuid().nullable().optional() });
export type CategoryFields = z.infer<typeof ZCategoryFields>;
export const ZUpdateCategoryInput = ZCategoryFields.partial().extend({ id: z.uuid(), active: z.boolean().optional() });
export type UpdateCategoryInput = z.infer<typeof ZUpdateCategoryInput>;
