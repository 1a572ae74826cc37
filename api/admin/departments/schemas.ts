/** Inputs of admin.departments.*. */
import { z } from 'zod';
import { ZName } from '../shared';

const ZSlug = z
  .string()
  .trim()
  .min(2)
  .max(40)
  .regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, 'must be lowercase letters, digits and dashes, e.g. "it" or "facilities"');

export const ZCreateDepartmentInput = z.object({ slug: ZSlug, name: ZName });
export type CreateDepartmentInput = z.infer<typeof ZCreateDepartmentInput>;
/** The slug is permanent: it names the department in Temporal search attributes and rooms. */
export const ZUpdateDepartmentInput = z.object({ id: z.uuid(), name: ZName });
export type UpdateDepartmentInput = z.infer<typeof ZUpdateDepartmentInput>;
