/**
 * How a ticket's mails thread, shared by outbound mail (worker/mail/) and inbound matching: every
 * mail about ticket #N refers to one root Message-ID, `<ticket-N@host>` (the ticket-received mail
 * carries it as its own Message-ID; later mails put it in In-Reply-To and References), so a mail
 * client shows one thread per ticket. A reply is matched by In-Reply-To/References first, then by
 * the ticket token `[#N]` in its subject or `+tN` in the address it was sent to. Pure functions.
 */

/** The thread root of ticket #N: `<ticket-N@host>`. */
export function ticketMessageId(ticketNumber: number, host: string): string {
  return `<ticket-${ticketNumber}@${host}>`;
}

/**
 * The Message-ID of one outbox mail, fixed by its row (a retry after an unknown outcome sends the
 * same id, which receivers recognise): `<mail-<id>.ticket-N@host>` for a ticket's mails,
 * `<mail-<id>@host>` otherwise. The ticket-received mail uses the thread root instead.
 */
export function outboxMessageId(outboxId: number, host: string, ticketNumber?: number | null): string {
  return ticketNumber ? `<mail-${outboxId}.ticket-${ticketNumber}@${host}>` : `<mail-${outboxId}@${host}>`;
}

/** The ticket number a Message-ID of ours refers to (the root or a mail about it), or null. */
export function ticketNumberFromMessageId(messageId: string, host: string): number | null {
  const m = /^<?(?:mail-\d+\.)?ticket-(\d{1,12})@([^>\s]+)>?$/i.exec(messageId.trim());
  if (!m || m[2]!.toLowerCase() !== host.toLowerCase()) return null;
  return Number(m[1]);
}

/** The first ticket of ours among References/In-Reply-To ids (any order, space separated), or null. */
export function ticketNumberFromReferences(references: string, host: string): number | null {
  for (const id of references.match(/<[^<>\s]+>/g) ?? []) {
    const n = ticketNumberFromMessageId(id, host);
    if (n !== null) return n;
  }
  return null;
}

/** The token in a subject: `[#1234]`. */
export function ticketToken(ticketNumber: number): string {
  return `[#${ticketNumber}]`;
}

/** A subject carrying the ticket's token once, whatever the client adds (Re:, Fwd:). */
export function ticketSubject(ticketNumber: number, subject: string): string {
  const token = ticketToken(ticketNumber);
  return subject.includes(token) ? subject : `${token} ${subject}`;
}

/** The ticket number in a subject or text carrying `[#1234]`, or null. */
export function parseTicketToken(text: string): number | null {
  const m = /\[#(\d{1,12})\]/.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * The reply address of ticket #N by plus addressing: `support@desk.example` → `support+t1234@desk.example`.
 * An address that already has a `+tag` is left as it is (the subject token still matches).
 */
export function ticketReplyAddress(from: string, ticketNumber: number): string {
  const at = from.lastIndexOf('@');
  if (at <= 0 || from.slice(0, at).includes('+')) return from;
  return `${from.slice(0, at)}+t${ticketNumber}${from.slice(at)}`;
}

/** The ticket number in an address written by ticketReplyAddress (`local+t1234@domain`), or null. */
export function ticketNumberFromAddress(address: string): number | null {
  const m = /\+t(\d{1,12})@/i.exec(address);
  return m ? Number(m[1]) : null;
}

/** The host part of an address, for Message-IDs: `support@desk.example` → `desk.example`. */
export function mailHost(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).toLowerCase() : 'localhost';
}

/**
 * The new part of a reply: what the sender wrote above the quoted history and the signature.
 * Inbound mail keeps only this of a reply; the public-reply mail sends only this of a comment.
 * Cuts at the first well-known reply marker (`On … wrote:`, `-----Original Message-----`, an
 * Outlook `From:`/`Sent:` block, a `-- ` signature delimiter, "Sent from my …"), drops `>`
 * quoted lines, and falls back to the whole text when nothing would be left.
 */

const WROTE_LINE = /^(?:On|Le|Am|El|Il|Op)\s.+(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$/i;
const WROTE_START = /^(?:On|Le|Am|El|Il|Op)\s.{6,}$/i;
const WROTE_END = /(?:wrote|a écrit|schrieb|escribió|ha scritto|schreef)\s*:\s*$/i;
const ORIGINAL_MESSAGE = /^\s*-{2,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine|Forwarded message)\s*-{2,}/i;
const OUTLOOK_SEPARATOR = /^\s*_{10,}\s*$/;
const HEADER_FROM = /^\s*\*?(?:From|De|Von|Van)\s*:\*?\s+\S/i;
const HEADER_NEXT = /^\s*\*?(?:Sent|Date|To|Subject|Cc|Envoyé|Gesendet|Datum|An|Betreff|Objet|À)\s*:/i;
const SIGNATURE = /^-- ?$/;
const SENT_FROM = /^Sent from my \S+/i;

export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const next = lines[i + 1] ?? '';
    const outlookBlock = HEADER_FROM.test(line) && lines.slice(i + 1, i + 5).some((l) => HEADER_NEXT.test(l));
    if (
      WROTE_LINE.test(line) ||
      (WROTE_START.test(line) && WROTE_END.test(next) && !WROTE_END.test(line)) ||
      ORIGINAL_MESSAGE.test(line) ||
      (OUTLOOK_SEPARATOR.test(line) && lines.slice(i + 1, i + 4).some((l) => HEADER_FROM.test(l))) ||
      outlookBlock ||
      SIGNATURE.test(line) ||
      SENT_FROM.test(line)
    ) {
      end = i;
      break;
    }
  }
  const kept = lines
    .slice(0, end)
    .filter((line) => !/^\s*>/.test(line))
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return kept.length > 0 ? kept : text.trim();
}

/** The message ids in a References or In-Reply-To header, in order (`<a@b> <c@d>` → both). */
export function messageIdsIn(header: string | null | undefined): string[] {
  if (!header) return [];
  return [...header.matchAll(/<[^<>\s]+>/g)].map((match) => match[0]);
}
