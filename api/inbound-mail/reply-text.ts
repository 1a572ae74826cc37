/**
 * The new part of a reply: what the sender wrote above the quoted history and the signature.
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

/** Plain text from an HTML body, for mails without a text part: block ends become line breaks, tags go, the common entities are decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/gi, '')
    .replace(/<blockquote[\s\S]*?<\/blockquote>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
