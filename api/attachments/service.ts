/**
 * Attachments: upload (checked on size and magic bytes, stored under a random key with a safe
 * display name), list, delete and download, each checked against the ticket's visibility.
 * Files uploaded without a ticket are staged for a ticket about to be created (ticket.create's
 * attachmentIds) and expire after a day.
 */
import { createHash } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { and, asc, count, eq, isNull, lt } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { attachments, tickets } from '../../db/schema';
import { staffAccess, ticketAccess, visibleTickets, staffTickets } from '../access';
import type { SessionUser } from '../auth/session';
import { recordTicketEvent } from '../tickets/events';
import type { ApiServices } from '../trpc';
import { megabytes, readCheckedUpload, safeFileName } from './inspect';

const STAGED_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_STAGED_PER_USER = 20;

const attachmentColumns = {
  id: attachments.id,
  ticketId: attachments.ticketId,
  fileName: attachments.fileName,
  mimeType: attachments.mimeType,
  size: attachments.size,
  sha256: attachments.sha256,
  uploaderId: attachments.uploaderId,
  internal: attachments.internal,
  createdAt: attachments.createdAt,
};

export type AttachmentView = Omit<typeof attachments.$inferSelect, 'storageKey'>;

export async function uploadAttachment(
  deps: { db: Db; services: ApiServices },
  user: SessionUser,
  input: { file: File; ticketId?: string | undefined; internal?: boolean | undefined },
): Promise<AttachmentView> {
  const { db, services } = deps;
  const max = services.config.attachmentMaxBytes;
  if (input.file.size > max) throw new TRPCError({ code: 'PAYLOAD_TOO_LARGE', message: `The file is ${megabytes(input.file.size)}; attachments may be at most ${megabytes(max)}.` });
  if (input.ticketId) {
    if (input.internal) await staffAccess(db, user, input.ticketId, 'attach staff-only files');
    else await ticketAccess(db, user, input.ticketId);
  } else {
    const expired = await db
      .delete(attachments)
      .where(and(isNull(attachments.ticketId), lt(attachments.createdAt, new Date(Date.now() - STAGED_TTL_MS))))
      .returning({ storageKey: attachments.storageKey });
    for (const file of expired) await services.storage.delete(file.storageKey);
    const [{ staged } = { staged: 0 }] = await db
      .select({ staged: count() })
      .from(attachments)
      .where(and(eq(attachments.uploaderId, user.id), isNull(attachments.ticketId)));
    if (staged >= MAX_STAGED_PER_USER)
      throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `You have ${staged} files waiting for a ticket; create the ticket (or wait a day) before uploading more.` });
  }
  const { bytes, ...inspection } = await readCheckedUpload(input.file, max, 'Attachments');

  const id = crypto.randomUUID();
  const storageKey = `attachments/${id}`;
  await services.storage.put(storageKey, bytes);
  try {
    const [row] = await db
      .insert(attachments)
      .values({
        id,
        ticketId: input.ticketId ?? null,
        uploaderId: user.id,
        fileName: safeFileName(input.file.name, inspection.extension),
        mimeType: inspection.mimeType,
        size: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        storageKey,
        internal: input.internal ?? false,
      })
      .returning(attachmentColumns);
    if (input.ticketId)
      await recordTicketEvent(db, {
        ticketId: input.ticketId,
        kind: 'attachment_added',
        newValue: { id, fileName: row!.fileName, internal: row!.internal },
        actorId: user.id,
        dedupeKey: `attachment:${id}:added`,
      });
    return row!;
  } catch (error) {
    await services.storage.delete(storageKey);
    throw error;
  }
}

export async function listAttachments(db: Db, user: SessionUser, ticketId: string): Promise<AttachmentView[]> {
  const { caps } = await ticketAccess(db, user, ticketId);
  return db
    .select(attachmentColumns)
    .from(attachments)
    .where(and(eq(attachments.ticketId, ticketId), caps.staff ? undefined : eq(attachments.internal, false)))
    .orderBy(asc(attachments.createdAt));
}

/** An attachment the user may read: on a ticket they see (staff-only files: staff of it), or staged by themselves. */
export async function findReadableAttachment(db: Db, user: SessionUser, id: string) {
  const [row] = await db
    .select({ ...attachmentColumns, storageKey: attachments.storageKey })
    .from(attachments)
    .leftJoin(tickets, eq(tickets.id, attachments.ticketId))
    .where(eq(attachments.id, id));
  if (!row) return null;
  if (row.ticketId === null) return row.uploaderId === user.id ? row : null;
  const [visible] = await db
    .select({ id: tickets.id })
    .from(tickets)
    .where(and(eq(tickets.id, row.ticketId), row.internal ? staffTickets(user) : visibleTickets(user)));
  return visible ? row : null;
}

/** The uploader may delete their file; staff of the ticket may delete any of its files. */
export async function deleteAttachment(deps: { db: Db; services: ApiServices }, user: SessionUser, id: string) {
  const row = await findReadableAttachment(deps.db, user, id);
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Attachment ${id} was not found.` });
  if (row.uploaderId !== user.id && row.ticketId) await staffAccess(deps.db, user, row.ticketId, "delete other people's files");
  await deps.db.delete(attachments).where(eq(attachments.id, id));
  await deps.services.storage.delete(row.storageKey);
  if (row.ticketId)
    await recordTicketEvent(deps.db, {
      ticketId: row.ticketId,
      kind: 'attachment_deleted',
      oldValue: { id, fileName: row.fileName, internal: row.internal },
      actorId: user.id,
      dedupeKey: `attachment:${id}:deleted`,
    });
  return { ok: true as const };
}
