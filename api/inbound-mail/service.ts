/**
 * Inbound mail: one raw RFC 822 message in, a ticket, a reply, or a recorded reason out. Both
 * paths call it: the IMAP mailbox workflow's activity (through the internal listener,
 * POST /internal/mail/inbound) and the push endpoint (POST /mail/inbound on the API).
 *
 * Every message is recorded once per Message-ID in `inbound_mail` (the same Message-ID never
 * yields a second ticket or message, whichever path or how often it arrives), and every step it
 * takes is keyed by that Message-ID too (the ticket's idempotency key, the message's clientId,
 * the reopen's update id), so a delivery that died half-way is finished by the next one.
 *
 * Tickets and replies take the paths everyone's take: `createTicket` (api/tickets/service.ts)
 * and `postMessage` (api/comments/post.ts), as the sender, under the per-ticket access rule.
 */
import { createHash } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { attachments, inboundMail, mailAddressFailures, tickets, users, type InboundMailOutcome, type InboundMailSource } from '../../db/schema';
import { mailHost, parseTicketToken, ticketNumberFromAddress, ticketNumberFromMessageId, ticketToken } from '../../domain/mail-threading';
import type { Logger } from '../../lib/logger';
import { reopenUpdate } from '../../workflows/messages';
import { ticketAccess } from '../access';
import { inspectFile, safeFileName } from '../attachments/inspect';
import type { AttachmentStorage } from '../attachments/storage';
import { sessionUserColumns, toSessionUser, type SessionUser } from '../auth/session';
import { MAX_MESSAGE_CHARS, postMessage, ReplySignalError } from '../comments/post';
import { isUnavailable } from '../errors';
import type { RoomsAccessNotifier } from '../internal/rooms-push';
import { changeLifecycle } from '../lifecycle/service';
import type { Mailer } from '../mail';
import { notifyUnreadChanged } from '../notifications/service';
import { TokenBucketLimiter } from '../security/rate-limit';
import { recordTicketEvent } from '../tickets/events';
import { createTicket } from '../tickets/service';
import { headerMessageId, InboundMailProblem, parseMail, syntheticMessageId, type MailAttachment, type ParsedMail } from './parse';

export type InboundMailConfig = {
  /** Largest mail accepted (MAIL_MAX_BYTES). */
  maxBytes: number;
  /** Domains whose unknown senders become requesters (MAIL_ALLOWED_DOMAINS). */
  allowedDomains: string[];
  /** Deskflow's own addresses (MAIL_FROM, the mailboxes' users): mail from them is a loop. */
  ownAddresses: string[];
  /** Mails one sender may send per hour (MAIL_SENDER_RATE_PER_HOUR). */
  senderRatePerHour: number;
  /** Largest attachment (ATTACHMENT_MAX_BYTES), as for uploads. */
  attachmentMaxBytes: number;
};

export type InboundMailDeps = {
  db: Db;
  temporal: TemporalClient;
  taskQueue: string;
  logger: Logger;
  /** Where the refusal to unknown senders goes (the outbox, once outbound mail has one). */
  mailer: Mailer;
  storage: AttachmentStorage;
  /** Live delivery of replies into ticket rooms and unread counts; none: clients catch up when they load. */
  rooms?: Pick<RoomsAccessNotifier, 'message' | 'unreadChanged'> | undefined;
  config: InboundMailConfig;
};

export type MailSource = {
  kind: InboundMailSource;
  /** The IMAP mailbox's key (user@host:port/folder); null for the push endpoint. */
  mailbox?: string | null;
  /** The mail's full size when only its first bytes were handed over (it is over the limit). */
  fullSize?: number | null;
};

export type InboundMailAnswer = {
  id: number;
  messageId: string;
  outcome: InboundMailOutcome;
  /** True when this Message-ID had been handled before: nothing was done again. */
  duplicate: boolean;
  ticketId: string | null;
  ticketNumber: number | null;
  commentId: number | null;
  reason: string | null;
};

export type InboundMailService = {
  /** Handles one raw message. Throws only when a dependency is down (the caller retries later); every other problem is a recorded outcome. */
  accept(raw: Uint8Array, source: MailSource): Promise<InboundMailAnswer>;
};

/** How much of an oversize mail is kept for admins: its headers and the start of its body. */
export const OVERSIZE_KEPT_BYTES = 64 * 1024;

type Decision = {
  outcome: Exclude<InboundMailOutcome, 'processing' | 'failed'>;
  ticketId?: string | null;
  commentId?: number | null;
  followUpOfTicketId?: string | null;
  senderUserId?: string | null;
  reason?: string | null;
};

type TicketRow = { id: string; number: number; status: string };

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export function createInboundMailService(deps: InboundMailDeps): InboundMailService {
  const { db, config, logger } = deps;
  const perSender = new TokenBucketLimiter({ name: 'inbound-mail-sender', capacity: config.senderRatePerHour, refillPerSecond: config.senderRatePerHour / 3600 });
  const ownAddresses = new Set(config.ownAddresses.map((a) => a.toLowerCase()));
  const ownHosts = [...new Set([...ownAddresses].map(mailHost))];

  async function answerFor(id: number, duplicate: boolean): Promise<InboundMailAnswer> {
    const [row] = await db
      .select({
        id: inboundMail.id,
        messageId: inboundMail.messageId,
        outcome: inboundMail.outcome,
        ticketId: inboundMail.ticketId,
        ticketNumber: tickets.number,
        commentId: inboundMail.commentId,
        reason: inboundMail.reason,
      })
      .from(inboundMail)
      .leftJoin(tickets, eq(tickets.id, inboundMail.ticketId))
      .where(eq(inboundMail.id, id));
    return { ...row!, duplicate };
  }

  /** A failure that needs no processing: recorded with the raw bytes unless the Message-ID is known already. */
  async function recordFailure(raw: Uint8Array, source: MailSource, reason: string, truncated: boolean): Promise<InboundMailAnswer> {
    const messageId = headerMessageId(raw) ?? syntheticMessageId(raw);
    const [inserted] = await db
      .insert(inboundMail)
      .values({
        messageId,
        source: source.kind,
        mailbox: source.mailbox ?? null,
        sender: headerFrom(raw),
        subject: headerSubject(raw),
        outcome: 'failed',
        reason,
        raw: truncated ? raw.subarray(0, OVERSIZE_KEPT_BYTES) : raw,
        rawTruncated: truncated,
        size: source.fullSize ?? raw.length,
        processedAt: new Date(),
      })
      .onConflictDoNothing()
      .returning({ id: inboundMail.id });
    if (inserted) {
      logger.warn({ messageId, reason, mailbox: source.mailbox }, 'inbound mail failed');
      return answerFor(inserted.id, false);
    }
    const [existing] = await db.select({ id: inboundMail.id }).from(inboundMail).where(eq(inboundMail.messageId, messageId));
    return answerFor(existing!.id, true);
  }

  async function accept(raw: Uint8Array, source: MailSource): Promise<InboundMailAnswer> {
    const size = source.fullSize ?? raw.length;
    if (size > config.maxBytes) return recordFailure(raw, source, `too large: ${megabytes(size)}; mails may be at most ${megabytes(config.maxBytes)} (MAIL_MAX_BYTES)`, true);
    let mail: ParsedMail;
    try {
      mail = await parseMail(raw);
    } catch (error) {
      if (error instanceof InboundMailProblem) return recordFailure(raw, source, error.message, false);
      throw error;
    }

    const [claimed] = await db
      .insert(inboundMail)
      .values({ messageId: mail.messageId, source: source.kind, mailbox: source.mailbox ?? null, sender: mail.from, subject: mail.subject.slice(0, 500), size })
      .onConflictDoNothing()
      .returning({ id: inboundMail.id });
    let id = claimed?.id;
    if (id === undefined) {
      const [existing] = await db.select({ id: inboundMail.id, outcome: inboundMail.outcome }).from(inboundMail).where(eq(inboundMail.messageId, mail.messageId));
      // Done before: nothing again. Still `processing`: a delivery died half-way, or runs now;
      // every step is keyed by the Message-ID, so running it again finishes it without doubling anything.
      if (existing!.outcome !== 'processing') return answerFor(existing!.id, true);
      id = existing!.id;
    }

    try {
      const decision = await decide(mail);
      await db
        .update(inboundMail)
        .set({
          outcome: decision.outcome,
          ticketId: decision.ticketId ?? null,
          commentId: decision.commentId ?? null,
          followUpOfTicketId: decision.followUpOfTicketId ?? null,
          senderUserId: decision.senderUserId ?? null,
          reason: decision.reason ?? null,
          processedAt: new Date(),
        })
        .where(eq(inboundMail.id, id));
    } catch (error) {
      // Down dependencies are the caller's to retry (the row stays `processing`); anything else is this mail's failure.
      if (isUnavailable(error) || error instanceof ReplySignalError) throw error;
      const reason = error instanceof InboundMailProblem ? error.message : `could not be processed: ${error instanceof Error ? error.message.split('\n')[0]!.slice(0, 300) : String(error)}`;
      if (!(error instanceof InboundMailProblem)) logger.error({ err: error, messageId: mail.messageId }, 'inbound mail processing failed');
      await db.update(inboundMail).set({ outcome: 'failed', reason, raw, processedAt: new Date() }).where(eq(inboundMail.id, id));
    }
    return answerFor(id, false);
  }

  async function decide(mail: ParsedMail): Promise<Decision> {
    if (mail.bounce) {
      for (const failed of mail.bounce) {
        const reason = [failed.status, failed.diagnostic].filter(Boolean).join(' ') || 'delivery failed';
        await db
          .insert(mailAddressFailures)
          .values({ address: failed.address, lastReason: reason })
          .onConflictDoUpdate({ target: mailAddressFailures.address, set: { failures: sql`${mailAddressFailures.failures} + 1`, lastReason: reason, lastFailedAt: new Date() } });
      }
      return { outcome: 'bounce_recorded', reason: mail.bounce.length ? `failing: ${mail.bounce.map((b) => b.address).join(', ')}` : 'a delivery status notification without failed recipients' };
    }
    if (mail.automatic) return { outcome: 'ignored_auto_reply', reason: mail.automatic };
    if (ownAddresses.has(mail.from) || [...ownAddresses].some((own) => sameMailbox(own, mail.from))) return { outcome: 'ignored_loop', reason: `sent from Deskflow's own address ${mail.from}` };
    if (!perSender.take(mail.from).allowed) return { outcome: 'ignored_loop', reason: `more than ${config.senderRatePerHour} mails an hour from ${mail.from}` };

    const sender = await findOrCreateSender(mail);
    if ('refused' in sender) {
      await refuse(mail, sender.refused);
      return { outcome: 'rejected_sender', reason: sender.refused };
    }
    const user = sender.user;
    const key = createHash('sha256').update(mail.messageId).digest('hex').slice(0, 40);
    const files = await checkedAttachments(mail.attachments);
    const ctx = { db, temporal: deps.temporal, taskQueue: deps.taskQueue, user };

    let note: string | null = null;
    const target = await threadTicket(mail);
    if (target) {
      const allowed = await ticketAccess(db, user, target.id).then(
        () => true,
        (error: unknown) => {
          if (error instanceof TRPCError && error.code === 'NOT_FOUND') return false;
          throw error;
        },
      );
      if (!allowed) note = `${mail.from} may not post on ${ticketToken(target.number)}: opened a new ticket instead`;
      else {
        let outcome: 'reply_added' | 'reopened' = 'reply_added';
        if (target.status === 'closed') {
          const reopened = await changeLifecycle(ctx, { id: target.id, requestId: `mail-${key}` }, 'reopen', reopenUpdate, (actor) => ({ actor, reason: 'The requester replied by mail.' })).then(
            () => true,
            (error: unknown) => {
              if (error instanceof TRPCError && (error.code === 'BAD_REQUEST' || error.code === 'FORBIDDEN')) return false;
              throw error;
            },
          );
          if (!reopened) return followUp(mail, user, target, key, files);
          outcome = 'reopened';
        } else if (target.status === 'cancelled' || target.status === 'rejected') {
          return followUp(mail, user, target, key, files);
        }
        const body = replyBody(mail, files.length);
        const unreadChanged = deps.rooms ? (ids: string[]) => notifyUnreadChanged({ db, services: { rooms: deps.rooms! } }, ids) : undefined;
        const posted = await postMessage({ db, temporal: deps.temporal, room: deps.rooms ?? null, unreadChanged }, { ticketId: target.id, authorId: user.id, body, clientId: `mail-${key}` });
        await storeAttachments(files, target.id, user.id, key);
        return { outcome, ticketId: target.id, commentId: posted.comment.id, senderUserId: user.id };
      }
    }

    const title = ticketTitle(mail.subject, mail.from);
    const ticket = await createTicket(ctx, { title, description: clip(mail.fullText || '(the mail had no text)', 20_000), idempotencyKey: `mail:${key}` });
    await storeAttachments(files, ticket.id, user.id, key);
    return { outcome: 'ticket_created', ticketId: ticket.id, senderUserId: user.id, reason: note };
  }

  /** A reply to a ticket closed for good: a new ticket that names it. */
  async function followUp(mail: ParsedMail, user: SessionUser, closed: TicketRow, key: string, files: CheckedFile[]): Promise<Decision> {
    const title = clip(`Follow-up to ${ticketToken(closed.number)}: ${stripReplyPrefixes(mail.subject) || 'reply by mail'}`, 200);
    const description = clip(`Follow-up to ticket ${ticketToken(closed.number)}, which is ${closed.status} for good.\n\n${mail.newText || '(the mail had no text)'}`, 20_000);
    const ticket = await createTicket({ db, temporal: deps.temporal, taskQueue: deps.taskQueue, user }, { title, description, idempotencyKey: `mail:${key}` });
    await storeAttachments(files, ticket.id, user.id, key);
    return { outcome: 'follow_up_created', ticketId: ticket.id, followUpOfTicketId: closed.id, senderUserId: user.id };
  }

  /** The ticket a mail answers: its References/In-Reply-To, an earlier inbound mail it replies to, the reply address's tag, the subject's token. */
  async function threadTicket(mail: ParsedMail): Promise<TicketRow | null> {
    const select = db.select({ id: tickets.id, number: tickets.number, status: tickets.status }).from(tickets);
    // Our thread ids name the ticket by number, on the host of one of Deskflow's own addresses.
    const numbers = mail.threadIds.flatMap((id) => ownHosts.map((host) => ticketNumberFromMessageId(id, host))).filter((n): n is number => n !== null);
    if (numbers.length > 0) {
      const [row] = await select.where(inArray(tickets.number, numbers)).limit(1);
      if (row) return row;
    }
    if (mail.threadIds.length > 0) {
      const [earlier] = await db
        .select({ id: tickets.id, number: tickets.number, status: tickets.status })
        .from(inboundMail)
        .innerJoin(tickets, eq(tickets.id, inboundMail.ticketId))
        .where(and(inArray(inboundMail.messageId, mail.threadIds.slice(0, 50)), isNotNull(inboundMail.ticketId)))
        .limit(1);
      if (earlier) return earlier;
    }
    const number = mail.recipients.map(ticketNumberFromAddress).find((n) => n !== null) ?? parseTicketToken(mail.subject);
    if (number === null || number === undefined) return null;
    const [row] = await db.select({ id: tickets.id, number: tickets.number, status: tickets.status }).from(tickets).where(eq(tickets.number, number));
    return row ?? null;
  }

  async function findOrCreateSender(mail: ParsedMail): Promise<{ user: SessionUser } | { refused: string }> {
    const find = () =>
      db
        .select(sessionUserColumns)
        .from(users)
        .where(eq(sql`lower(${users.email})`, mail.from));
    const [known] = await find();
    if (known) return known.active ? { user: toSessionUser(known) } : { refused: `${mail.from} belongs to a deactivated account` };
    const domain = mail.from.split('@')[1]!;
    if (!config.allowedDomains.includes(domain)) return { refused: `${mail.from} is not a user here and ${domain} is not an allowed domain (MAIL_ALLOWED_DOMAINS)` };
    const name = clip(mail.fromName ?? mail.from.split('@')[0]!, 100);
    await db.insert(users).values({ email: mail.from, name, role: 'requester' }).onConflictDoNothing();
    const [created] = await find();
    if (!created?.active) return { refused: `${mail.from} could not be given an account` };
    logger.info({ email: mail.from }, 'inbound mail: created a requester for a sender of an allowed domain');
    return { user: toSessionUser(created) };
  }

  async function refuse(mail: ParsedMail, why: string) {
    logger.info({ to: mail.from, why }, 'inbound mail refused');
    const subject = clip(stripReplyPrefixes(mail.subject) || 'your message', 200);
    await deps.mailer.send({
      to: mail.from,
      subject: `Re: ${subject}`,
      text: 'We could not open a ticket from your message: this address is not registered with us.',
      template: { kind: 'mail_refused', data: { subject } },
    });
  }

  type CheckedFile = { attachment: MailAttachment; mimeType: string; extension: string };

  /** The same checks as uploads (size, magic bytes), before anything is created: a file that fails them fails the mail. */
  async function checkedAttachments(list: MailAttachment[]): Promise<CheckedFile[]> {
    if (list.length > 20) throw new InboundMailProblem(`${list.length} attachments; a mail may carry at most 20`);
    const checked: CheckedFile[] = [];
    for (const attachment of list) {
      const name = attachment.fileName.slice(0, 100);
      if (attachment.content.length === 0) throw new InboundMailProblem(`attachment "${name}" is empty`);
      if (attachment.content.length > config.attachmentMaxBytes)
        throw new InboundMailProblem(`attachment "${name}" is ${megabytes(attachment.content.length)}; attachments may be at most ${megabytes(config.attachmentMaxBytes)}`);
      const inspection = await inspectFile(attachment.content);
      if (!inspection.ok) throw new InboundMailProblem(`attachment "${name}" was refused: ${inspection.reason}`);
      checked.push({ attachment, mimeType: inspection.mimeType, extension: inspection.extension });
    }
    return checked;
  }

  /** Stores checked files on the ticket, once per mail (ids derived from the mail's key), each audited like an upload. */
  async function storeAttachments(files: CheckedFile[], ticketId: string, uploaderId: string, key: string) {
    for (const [index, file] of files.entries()) {
      const id = uuidFrom(`${key}:${index}`);
      const [exists] = await db.select({ id: attachments.id }).from(attachments).where(eq(attachments.id, id));
      if (exists) continue;
      const bytes = file.attachment.content;
      const storageKey = `attachments/${id}`;
      await deps.storage.put(storageKey, bytes);
      const [row] = await db
        .insert(attachments)
        .values({
          id,
          ticketId,
          uploaderId,
          fileName: safeFileName(file.attachment.fileName, file.extension),
          mimeType: file.mimeType,
          size: bytes.length,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          storageKey,
        })
        .onConflictDoNothing()
        .returning({ fileName: attachments.fileName });
      if (row) await recordTicketEvent(db, { ticketId, kind: 'attachment_added', newValue: { id, fileName: row.fileName, internal: false }, actorId: uploaderId, dedupeKey: `attachment:${id}:added` });
    }
  }

  return { accept };
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function stripReplyPrefixes(subject: string): string {
  return subject
    .replace(/^(?:\s*(?:re|fw|fwd|aw|wg|sv|tr)\s*(?:\[\d+\])?\s*:\s*)+/i, '')
    .replace(/\s*\[#\d{1,9}\]\s*/, ' ')
    .trim();
}

function ticketTitle(subject: string, from: string): string {
  const title = subject.trim();
  return clip(title.length >= 3 ? title : `Mail from ${from}`, 200);
}

function replyBody(mail: ParsedMail, attachments: number): string {
  const text = mail.newText || (attachments > 0 ? `(sent ${attachments} attachment${attachments === 1 ? '' : 's'} by mail)` : '(an empty reply by mail)');
  return clip(text, MAX_MESSAGE_CHARS);
}

/** `desk+t12@example.com` is the mailbox `desk@example.com`. */
function sameMailbox(own: string, address: string): boolean {
  return address.replace(/\+[^@]*@/, '@') === own.replace(/\+[^@]*@/, '@');
}

/** A stable UUID (v4 layout) from a string: the same mail's attachment gets the same id on every delivery. */
function uuidFrom(value: string): string {
  const hex = createHash('sha256').update(value).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function headerSection(raw: Uint8Array): string {
  const head = Buffer.from(raw.subarray(0, 64 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  return (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
}

function headerFrom(raw: Uint8Array): string | null {
  const from = /^from:\s*(.+)$/im.exec(headerSection(raw))?.[1];
  const address = from ? (/<([^<>\s]+@[^<>\s]+)>/.exec(from)?.[1] ?? /([^\s<>"]+@[^\s<>"]+)/.exec(from)?.[1]) : undefined;
  return address ? address.toLowerCase().slice(0, 320) : null;
}

function headerSubject(raw: Uint8Array): string | null {
  return /^subject:\s*(.*)$/im.exec(headerSection(raw))?.[1]?.trim().slice(0, 500) ?? null;
}
