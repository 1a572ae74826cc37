/**
 * How a mail thread names its ticket, shared by outbound mail (which writes these) and inbound
 * mail (which reads them back from replies). Pure string functions, no dependencies.
 *
 * - Every mail about a ticket carries `References` rooted at the ticket's thread id
 *   `<ticket-<ticket id>@<host>>`, so a reply's References or In-Reply-To name the ticket.
 * - The subject carries the ticket token `[#1234]`; the reply address may carry it as a
 *   plus-address tag: `support+t1234@example.com`.
 */

/** The per-ticket root Message-ID every mail about the ticket references, e.g. `<ticket-0b6f…@desk.example.com>`. */
export function ticketThreadMessageId(ticketId: string, host: string): string {
  return `<ticket-${ticketId.toLowerCase()}@${host}>`;
}

/** The ticket id in a thread id written by ticketThreadMessageId (any host), or null. */
export function ticketIdFromThreadMessageId(messageId: string): string | null {
  const match = /^<?ticket-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})@[^<>\s@]+>?$/i.exec(messageId.trim());
  return match ? match[1]!.toLowerCase() : null;
}

/** The token in subjects: `[#1234]`. */
export function ticketToken(number: number): string {
  return `[#${number}]`;
}

/** The ticket number of the first `[#1234]` token in a subject (or any text), or null. */
export function parseTicketToken(text: string): number | null {
  const match = /\[#(\d{1,9})\]/.exec(text);
  return match ? Number(match[1]) : null;
}

/** The plus-address tag for a ticket: `support@example.com` → `support+t1234@example.com`. */
export function ticketReplyAddress(address: string, number: number): string {
  const at = address.lastIndexOf('@');
  if (at <= 0) return address;
  return `${address.slice(0, at).replace(/\+.*$/, '')}+t${number}${address.slice(at)}`;
}

/** The ticket number in a plus-addressed reply address (`support+t1234@…`), or null. */
export function parseTicketReplyAddress(address: string): number | null {
  const match = /^[^@\s+]+\+t(\d{1,9})@[^@\s]+$/i.exec(address.trim());
  return match ? Number(match[1]) : null;
}

/** The message ids in a References or In-Reply-To header, in order (`<a@b> <c@d>` → both). */
export function messageIdsIn(header: string | null | undefined): string[] {
  if (!header) return [];
  return [...header.matchAll(/<[^<>\s]+>/g)].map((match) => match[0]);
}
