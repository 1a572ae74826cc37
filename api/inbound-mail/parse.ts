/**
 * One inbound message, parsed with postal-mime into what the inbound service decides on: who
 * sent it, which ticket it may belong to, whether it is an auto-reply or a bounce, its new text
 * and its attachments. Problems that make a message unusable are InboundMailProblem (stored as
 * a failure with the raw message), never a crash.
 */
import { createHash } from 'node:crypto';
import PostalMime, { type Address, type Email } from 'postal-mime';
import { messageIdsIn } from '../../domain/mail-threading';
import { stripQuotedReply } from '../../domain/mail-threading';
import { htmlToText } from './reply-text';

export class InboundMailProblem extends Error {
  override name = 'InboundMailProblem';
}

export type MailAttachment = { fileName: string; mimeType: string; content: Uint8Array };

export type BounceRecipient = { address: string; status: string | null; diagnostic: string | null };

export type ParsedMail = {
  messageId: string;
  /** Lowercased From address, and the display name. */
  from: string;
  fromName: string | null;
  subject: string;
  /** In-Reply-To then References, as message ids with angle brackets. */
  threadIds: string[];
  /** To, Cc, Delivered-To and X-Original-To addresses, lowercased. */
  recipients: string[];
  /** The text as sent (text part, else the HTML's text). */
  fullText: string;
  /** The new part: quoted history and signature stripped. */
  newText: string;
  attachments: MailAttachment[];
  /** Why this is an automatic message (Auto-Submitted, Precedence, X-Autoreply…), or null. */
  automatic: string | null;
  /** Failed recipients of a delivery status notification, or null when it is not one. */
  bounce: BounceRecipient[] | null;
};

/** The Message-ID a message is known by: its own, or one made from its bytes when it has none. */
export function syntheticMessageId(raw: Uint8Array): string {
  return `<sha256-${createHash('sha256').update(raw).digest('hex')}@deskflow.invalid>`;
}

/** The Message-ID in a message's header section (for messages too large or too broken to parse), or null. */
export function headerMessageId(raw: Uint8Array): string | null {
  const head = Buffer.from(raw.subarray(0, 256 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const section = (end === -1 ? head : head.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  const match = /^message-id:\s*(<[^<>\s]+>)/im.exec(section);
  return match ? match[1]! : null;
}

export function normaliseMessageId(value: string | undefined): string | null {
  const id = messageIdsIn(value)[0] ?? (value && /^[^<>\s]+@[^<>\s]+$/.test(value.trim()) ? `<${value.trim()}>` : null);
  return id && id.length <= 500 ? id : null;
}

function header(email: Email, key: string): string | null {
  return email.headers.find((h) => h.key === key)?.value ?? null;
}

function addresses(list: Address[] | undefined): string[] {
  return (list ?? []).flatMap((a) => (a.address ? [a.address] : (a.group ?? []).map((m) => m.address))).map((a) => a.toLowerCase());
}

/** Whether TextDecoder (what postal-mime decodes with) knows a charset label, allowing the usual x-/cs prefixes and separators. */
function charsetKnown(label: string): boolean {
  const candidates = [
    label,
    label.toLowerCase().replace(/^(?:x-|cs)/, ''),
    label
      .toLowerCase()
      .replace(/^(?:x-|cs)/, '')
      .replace(/[\s._-]+/g, ''),
    label.replace(/^cp-?(\d+)$/i, 'windows-$1'),
  ];
  return candidates.some((candidate) => {
    try {
      new TextDecoder(candidate);
      return true;
    } catch {
      return false;
    }
  });
}

/** The first charset a message names (in a Content-Type or an encoded word) that cannot be decoded, or null. postal-mime silently decodes those as windows-1252 instead. */
export function unknownCharset(raw: Uint8Array): string | null {
  const text = Buffer.from(raw).toString('latin1');
  const labels = [...text.matchAll(/charset\s*=\s*"?([A-Za-z0-9_.:+-]{1,60})"?/gi), ...text.matchAll(/=\?([A-Za-z0-9_.:+-]{1,60})(?:\*[^?]*)?\?[bq]\?/gi)].map((m) => m[1]!);
  return [...new Set(labels)].find((label) => !charsetKnown(label)) ?? null;
}

/** Why a message is automatic (never to open a ticket or be answered), or null. */
function automaticReason(email: Email, from: string): string | null {
  const autoSubmitted = header(email, 'auto-submitted');
  if (autoSubmitted && autoSubmitted.trim().toLowerCase() !== 'no') return `Auto-Submitted: ${autoSubmitted.trim()}`;
  const precedence = header(email, 'precedence')?.trim().toLowerCase();
  if (precedence && ['bulk', 'junk', 'list', 'auto_reply'].includes(precedence)) return `Precedence: ${precedence}`;
  for (const key of ['x-autoreply', 'x-autorespond', 'x-autoresponder']) if (header(email, key) !== null) return `${key} header`;
  if (/^(?:mailer-daemon|postmaster)@/i.test(from)) return `sent by ${from}`;
  if (email.returnPath !== undefined && email.returnPath.trim().replace(/[<>]/g, '') === '') return 'null return path (<>)';
  return null;
}

/** The failed recipients of a delivery status notification (RFC 3464), read from its per-recipient fields. */
function bounceRecipients(raw: Uint8Array): BounceRecipient[] {
  const text = Buffer.from(raw).toString('latin1').replace(/\r\n/g, '\n');
  const found: BounceRecipient[] = [];
  for (const block of text.split(/\n\s*\n/)) {
    const recipient = /^final-recipient:\s*(?:rfc822\s*;)?\s*<?([^\s<>;]+@[^\s<>;]+)>?/im.exec(block);
    if (!recipient) continue;
    const action = /^action:\s*(\S+)/im.exec(block)?.[1]?.toLowerCase();
    if (action && action !== 'failed') continue;
    found.push({
      address: recipient[1]!.toLowerCase(),
      status: /^status:\s*(\S+)/im.exec(block)?.[1] ?? null,
      diagnostic: /^diagnostic-code:\s*(?:[a-z]+\s*;)?\s*(.+)$/im.exec(block)?.[1]?.trim().slice(0, 300) ?? null,
    });
  }
  return found;
}

export async function parseMail(raw: Uint8Array): Promise<ParsedMail> {
  const charset = unknownCharset(raw);
  if (charset) throw new InboundMailProblem(`unknown charset "${charset}": the message cannot be decoded`);
  let email: Email;
  try {
    email = await PostalMime.parse(raw, { attachmentEncoding: 'arraybuffer' });
  } catch (error) {
    throw new InboundMailProblem(`malformed MIME message: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (email.headers.length === 0) throw new InboundMailProblem('malformed message: no header section');
  const fromAddress = email.from?.address ?? email.from?.group?.[0]?.address;
  if (!fromAddress || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(fromAddress)) throw new InboundMailProblem('malformed message: no readable From address');
  const from = fromAddress.toLowerCase();
  const contentType = header(email, 'content-type') ?? '';
  const isReport = /^multipart\/report/i.test(contentType) && /report-type\s*=\s*"?delivery-status/i.test(contentType);
  const fullText = (email.text?.trim() ? email.text : email.html ? htmlToText(email.html) : '').trim();
  const attachments = email.attachments
    .filter((a) => !a.related && (a.disposition === 'attachment' || a.filename))
    .filter((a) => !/^message\/(delivery-status|rfc822-headers)$/i.test(a.mimeType))
    .map((a) => ({
      fileName: a.filename ?? 'attachment',
      mimeType: a.mimeType,
      content: a.content instanceof Uint8Array ? a.content : typeof a.content === 'string' ? new TextEncoder().encode(a.content) : new Uint8Array(a.content),
    }));
  return {
    messageId: normaliseMessageId(email.messageId) ?? syntheticMessageId(raw),
    from,
    fromName: email.from?.name?.trim() || null,
    subject: (email.subject ?? '').replace(/\s+/g, ' ').trim(),
    threadIds: [...messageIdsIn(email.inReplyTo), ...messageIdsIn(email.references)],
    recipients: [
      ...new Set([
        ...addresses(email.to),
        ...addresses(email.cc),
        ...[email.deliveredTo, header(email, 'x-original-to'), header(email, 'envelope-to')].flatMap((value) => (value ? [value.replace(/[<>]/g, '').trim().toLowerCase()] : [])),
      ]),
    ],
    fullText,
    newText: stripQuotedReply(fullText),
    attachments,
    automatic: isReport ? 'delivery status notification' : automaticReason(email, from),
    bounce: isReport ? bounceRecipients(raw) : null,
  };
}
