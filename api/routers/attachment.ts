import { z } from 'zod';
import { zMultipartUpload } from '../attachments/multipart';
import { deleteAttachment, listAttachments, uploadAttachment } from '../attachments/service';
import { createTRPCRouter, protectedProcedure } from '../trpc';

/** multipart/form-data: `file` (one file), optional `ticketId`, optional `internal` ("true": staff-only, needs a ticket). */
const ZUpload = zMultipartUpload(
  z
    .object({
      file: z.instanceof(File, { message: 'must be one file' }),
      ticketId: z.uuid('must be a ticket id (UUID)').optional(),
      internal: z
        .enum(['true', 'false'], { message: 'must be "true" or "false"' })
        .optional()
        .transform((v) => v === 'true'),
    })
    .refine((v) => !v.internal || v.ticketId, { path: ['internal'], message: 'a staff-only file needs a ticketId' }),
  ['ticketId', 'internal'],
  'send multipart/form-data with a "file" field',
);

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
