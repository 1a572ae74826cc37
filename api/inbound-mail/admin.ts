/** What admins see of inbound mail: every mail and what it became (failures with their raw message), and the addresses mail to which bounces. */
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, lt } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client';
import { inboundMail, inboundMailOutcomes, mailAddressFailures, tickets } from '../../db/schema';

export const ZListInboundMailInput = z.object({
  /** Only these outcomes; `problems: true` is a shortcut for failed, rejected_sender and processing. */
  outcome: z.array(z.enum(inboundMailOutcomes)).min(1).max(inboundMailOutcomes.length).optional(),
  problems: z.boolean().default(false),
  /** Rows older than this id (the previous page's nextCursor). */
  cursor: z.number().int().positive().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});
export type ListInboundMailInput = z.input<typeof ZListInboundMailInput>;

export const ZInboundMailId = z.object({ id: z.number().int().positive() });

const rowColumns = {
  id: inboundMail.id,
  messageId: inboundMail.messageId,
  source: inboundMail.source,
  mailbox: inboundMail.mailbox,
  sender: inboundMail.sender,
  subject: inboundMail.subject,
  outcome: inboundMail.outcome,
  reason: inboundMail.reason,
  ticketId: inboundMail.ticketId,
  ticketNumber: tickets.number,
  commentId: inboundMail.commentId,
  followUpOfTicketId: inboundMail.followUpOfTicketId,
  size: inboundMail.size,
  receivedAt: inboundMail.receivedAt,
  processedAt: inboundMail.processedAt,
};

export async function listInboundMail(db: Db, raw: ListInboundMailInput) {
  const input = ZListInboundMailInput.parse(raw);
  const outcomes = input.problems ? (['failed', 'rejected_sender', 'processing'] as const) : input.outcome;
  const rows = await db
    .select(rowColumns)
    .from(inboundMail)
    .leftJoin(tickets, eq(tickets.id, inboundMail.ticketId))
    .where(and(outcomes ? inArray(inboundMail.outcome, [...outcomes]) : undefined, input.cursor ? lt(inboundMail.id, input.cursor) : undefined))
    .orderBy(desc(inboundMail.id))
    .limit(input.limit + 1);
  const items = rows.slice(0, input.limit);
  return { items, nextCursor: rows.length > input.limit ? items.at(-1)!.id : null };
}

/** One mail, with its raw message (kept for failures) as text. */
export async function getInboundMail(db: Db, id: number) {
  const [row] = await db
    .select({ ...rowColumns, raw: inboundMail.raw, rawTruncated: inboundMail.rawTruncated })
    .from(inboundMail)
    .leftJoin(tickets, eq(tickets.id, inboundMail.ticketId))
    .where(eq(inboundMail.id, id));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Inbound mail ${id} was not found.` });
  const { raw, ...rest } = row;
  // Mail is 7-bit or 8-bit text on the wire; latin1 shows every byte as one character.
  return { ...rest, raw: raw ? Buffer.from(raw).toString('latin1') : null };
}

export async function listFailingAddresses(db: Db) {
  return db.select().from(mailAddressFailures).orderBy(desc(mailAddressFailures.lastFailedAt)).limit(500);
}
