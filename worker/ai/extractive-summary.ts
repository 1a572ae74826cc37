/**
 * The offline summary of a ticket for an agent joining late: nothing invented, only lines taken
 * from the ticket itself — its title, the first request, the last public message from each side,
 * the internal notes' count and the status history.
 */
import type { SummaryInput } from './provider';

const MAX_QUOTE = 280;

/** One paragraph of at most MAX_QUOTE characters, whitespace collapsed, cut at a word. */
export function quote(text: string, max = MAX_QUOTE): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max / 2 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const day = (iso: string) => iso.slice(0, 16).replace('T', ' ');

export function extractiveSummary(input: SummaryInput): string {
  const lines: string[] = [];
  lines.push(`Ticket #${input.ticketNumber}: ${quote(input.title, 200)}`);
  lines.push(`Status: ${input.status}${input.category ? ` · category ${input.category}` : ''}${input.agentName ? ` · assigned to ${input.agentName}` : ' · unassigned'}`);
  lines.push('');
  lines.push(`${input.requesterName} asked: ${quote(input.description) || '(no description)'}`);
  const publicMessages = input.conversation.filter((m) => !m.internal);
  const lastOf = (side: 'requester' | 'staff') => publicMessages.filter((m) => m.side === side).at(-1);
  const lastRequester = lastOf('requester');
  const lastStaff = lastOf('staff');
  if (lastStaff) lines.push(`Last reply from staff (${lastStaff.author}, ${day(lastStaff.at)}): ${quote(lastStaff.body)}`);
  else lines.push('No staff reply yet.');
  if (lastRequester) lines.push(`Last message from the requester (${day(lastRequester.at)}): ${quote(lastRequester.body)}`);
  const notes = input.conversation.filter((m) => m.internal);
  if (notes.length > 0) lines.push(`Internal notes: ${notes.length} (latest by ${notes.at(-1)!.author}: ${quote(notes.at(-1)!.body, 160)})`);
  lines.push(`Messages: ${publicMessages.length} public`);
  if (input.statusHistory.length > 0) {
    lines.push('');
    lines.push(`Status history: ${input.statusHistory.map((s) => `${s.status} (${day(s.at)})`).join(' → ')}`);
  }
  // The open question: who the ticket waits on now.
  const lastPublic = publicMessages.at(-1);
  if (lastPublic?.side === 'requester') lines.push('Waiting on staff: the requester wrote last.');
  else if (lastPublic?.side === 'staff') lines.push('Waiting on the requester: staff wrote last.');
  return lines.join('\n');
}
