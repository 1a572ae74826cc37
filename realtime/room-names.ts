/** The names of rooms (the last part of their URL): a ticket's conversation, a department's live queue, a user's channel. */
export const ticketRoomName = (ticketId: string) => `ticket-${ticketId}`;
/** The agents' live queue of one department, e.g. "queue-it". */
export const queueRoomName = (departmentSlug: string) => `queue-${departmentSlug}`;
/** One user's notification channel. */
export const userRoomName = (userId: string) => `user-${userId}`;

export type RoomName = { kind: 'ticket'; ticketId: string } | { kind: 'queue'; departmentSlug: string } | { kind: 'user'; userId: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const roomPatterns = {
  ticket: new RegExp(`^ticket-(${UUID})$`),
  queue: /^queue-([a-z0-9][a-z0-9_-]{0,62})$/,
  user: new RegExp(`^user-(${UUID})$`),
};

/** The kind of room a name opens, or null for a name no room answers to. */
export function parseRoomName(name: string): RoomName | null {
  let match = roomPatterns.ticket.exec(name);
  if (match) return { kind: 'ticket', ticketId: match[1]! };
  match = roomPatterns.queue.exec(name);
  if (match) return { kind: 'queue', departmentSlug: match[1]! };
  match = roomPatterns.user.exec(name);
  if (match) return { kind: 'user', userId: match[1]! };
  return null;
}
