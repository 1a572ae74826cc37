import { z } from 'zod';
import { deleteAttachment, listAttachments, uploadAttachment } from '../attachments/service';
import { createTRPCRouter, protectedProcedure } from '../trpc';

/** multipart/form-data: `file` (one file), optional `ticketId`, optional `internal` ("true": staff-only, needs a ticket). */
const ZUpload = z.instanceof(FormData, { message: 'send multipart/form-data with a "file" field' }).transform((form, ctx) => {
  const file = form.get('file');
  const ticketId = form.get('ticketId');
  const internal = form.get('internal');
  const parsed = z
    .object({
      file: z.instanceof(File, { message: 'must be one file' }),
      ticketId: z.uuid('must be a ticket id (UUID)').optional(),
      internal: z
        .enum(['true', 'false'], { message: 'must be "true" or "false"' })
        .optional()
        .transform((v) => v === 'true'),
    })
    .refine((v) => !v.internal || v.ticketId, { path: ['internal'], message: 'a staff-only file needs a ticketId' })
    .safeParse({ file: file ?? undefined, ticketId: ticketId ?? undefined, internal: internal ?? undefined });
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
    return z.NEVER;
  }
  if (form.getAll('file').length > 1) {
    ctx.addIssue({ code: 'custom', path: ['file'], message: 'send one file per upload' });
    return z.NEVER;
  }
  return parsed.data;
});

export const attachmentRouter = createTRPCRouter({
  /**
   * Upload a file to a ticket, or without ticketId to attach it to a ticket you are about to
   * create. Download: GET /attachments/<id> (same credentials).
   */
  upload: protectedProcedure.input(ZUpload).mutation(({ ctx, input }) => uploadAttachment(ctx, ctx.user, input)),
  list: protectedProcedure.input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)') })).query(({ ctx, input }) => listAttachments(ctx.db, ctx.user, input.ticketId)),
  /** The uploader, or staff of the ticket. */
  delete: protectedProcedure.input(z.object({ id: z.uuid('must be an attachment id (UUID)') })).mutation(({ ctx, input }) => deleteAttachment(ctx, ctx.user, input.id)),
});
