/** Inputs of admin.users.*. */
import { z } from 'zod';
import { roles } from '../../../domain/vocabulary';
import { ZEmail } from '../../auth/passwords-policy';
import { ZName, ZTags } from '../shared';

export { ZName } from '../shared';

export const ZListUsersInput = z
  .object({
    q: z.string().trim().max(120).optional(),
    role: z.enum(roles).optional(),
    departmentId: z.uuid().optional(),
    active: z.boolean().optional(),
    limit: z.number().int().min(1).max(200).default(50),
    offset: z.number().int().min(0).max(100_000).default(0),
  })
  .default({ limit: 50, offset: 0 });
export type ListUsersInput = z.infer<typeof ZListUsersInput>;

export const ZInviteUserInput = z.object({
  email: ZEmail,
  name: ZName,
  role: z.enum(roles).default('requester'),
  departmentId: z.uuid().nullable().optional(),
  skills: ZTags.optional(),
  groups: ZTags.optional(),
});
export type InviteUserInput = z.infer<typeof ZInviteUserInput>;

export const ZUpdateUserInput = z.object({
  id: z.uuid(),
  name: ZName.optional(),
  role: z.enum(roles).optional(),
  departmentId: z.uuid().nullable().optional(),
  /** Further departments they work in as staff (agents and supervisors); replaces the list. */
  extraDepartmentIds: z.array(z.uuid()).max(20).optional(),
  skills: ZTags.optional(),
  groups: ZTags.optional(),
  away: z.boolean().optional(),
});
export type UpdateUserInput = z.infer<typeof ZUpdateUserInput>;
