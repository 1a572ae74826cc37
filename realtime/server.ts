/**
 * Deskflow's live rooms: a Cloudflare Worker (run locally by `wrangler dev`) with one Durable
 * Object class, `Room`, addressed as `/parties/room/<name>`:
 *   - `ticket-<ticketId>`: the ticket's conversation (messages, typing, presence, read markers)
 *     and its live events;
 *   - `queue-<departmentSlug>`: the department's live queue (agents only);
 *   - `user-<userId>`: one user's notification channel.
 *
 * Clients connect with a room token (`?token=`) the API issued; it is verified here, at the
 * edge, without a database round trip. The identity travels to the room in a header.
 * The API and workflow activities POST into rooms with the internal bearer secret.
 * Rooms never touch Postgres: they read and store messages through the API's internal endpoints.
 *
 * Access re-checks. A token says who someone is and what they could do when it was issued
 * (ten minutes at most); what they may do now is the API's call (domain/access.ts), asked
 * through `GET /internal/rooms/access`, so the rooms still need no database:
 *   - at its `exp` the room closes a connection (4001 "token expired"); the client fetches a
 *     fresh token and resumes from its last message id;
 *   - on every connect the room asks the API about the user before the welcome: a deactivated
 *     user or one the ticket moved away from is refused even with an unexpired token, and
 *     `internal` is the token's claim AND the API's current staff powers;
 *   - on an `access_changed` push the room asks again about its connected users and closes
 *     those who lost the room (4003 "access revoked", no reconnect) or whose staff powers
 *     changed (4002 "access changed": the client reconnects with a fresh token, so its welcome
 *     and history match what it may see now). The worker pushes it into a ticket's room when
 *     the ticket's department or assignee changes. For a changed user (deactivated, new role
 *     or departments) the API pushes it into the user's channel, `user-<id>`, which forwards
 *     it to every room the user is connected to: ticket and queue rooms report a user's first
 *     connection and last disconnection to that channel, which keeps the list in its Durable
 *     Object storage (so it outlives the channel being evicted from memory; a room that
 *     answers "not connected" is dropped from it);
 *   - as a backstop for changes nobody pushes (a watcher removed, a lost push), every
 *     ACCESS_RECHECK_MS (60 s) while anyone is connected.
 * A failed re-check keeps connections as they are (the API is down: nothing can be stored
 * either) and the next one tries again; a failed connect-time check refuses the connection for now.
 *
 * This module is wrangler's `main` (realtime/wrangler.jsonc): the worker's fetch handler
 * (edge.ts) and the Durable Object class (room.ts).
 */
import { edge } from './edge';

export type { RoomsEnv } from './env';
export { Room } from './room';
export default edge;
