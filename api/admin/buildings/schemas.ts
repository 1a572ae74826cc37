/** Inputs of admin.buildings.*. */
import { z } from 'zod';
import { ZName } from '../shared';

export const ZCreateBuildingInput = z.object({ name: ZName, address: z.string().trim().max(300).nullable().optional() });
export type CreateBuildingInput = z.infer<typeof ZCreateBuildingInput>;
export const ZUpdateBuildingInput = z.object({ id: z.uuid(), name: ZName.optional(), address: z.string().trim().max(300).nullable().optional(), active: z.boolean().optional() });
export type UpdateBuildingInput = z.infer<typeof ZUpdateBuildingInput>;
