/** What every admin feature shares: common field schemas, not-found and department checks. */
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client';
import { departments } from '../../db/schema';

export const ZId = z.object({ id: z.uuid('must be an id (UUID)') });
export const ZName = z.string().trim().min(1, 'must not be empty').max(120, 'must be at most 120 characters');
export const ZTags = z.array(z.string().trim().min(1).max(60, 'each must be at most 60 characters')).max(50, 'at most 50');

export function notFound(what: string): never {
  throw new TRPCError({ code: 'NOT_FOUND', message: `No such ${what}.` });
}

export async function assertDepartment(db: Db | Tx, departmentId: string | null | undefined, field = 'departmentId') {
  if (!departmentId) return;
  const [found] = await db.select({ id: departments.id }).from(departments).where(eq(departments.id, departmentId));
  if (!found) throw new TRPCError({ code: 'BAD_REQUEST', message: `${field}: there is no such department.` });
}
