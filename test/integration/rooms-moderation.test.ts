/**
 * Removed messages leave the live rooms (workerd, wrangler dev): the API pushes `message_removed`
 * when an author deletes or staff hide a comment; the room drops it from its buffer (no replay)
 * and tells everyone connected.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { storeComment } from '../../api/comments/store';
import type { RoomClient } from '../../realtime/client';
import { startRoomsHarness, type HarnessUser, type RoomsHarness } from '../../dev-support/rooms-harness';

let h: RoomsHarness;
beforeAll(async () => {
  h = await startRoomsHarness();
});
afterAll(async () => {
  expect(h?.closeClients()).toEqual([]);
  await h?.stop();
});

const store = async (ticketId: string, author: HarnessUser, body: string) =>
  (await storeComment(h.db, { ticketId, authorId: author.id, body, internal: false, ai: false, clientId: crypto.randomUUID() })).comment;
const bodies = (client: RoomClient) => client.messages.map((m) => m.body);

test('a hidden message leaves open screens and the replay; a requester joining later never gets it', async () => {
  const ticketId = await h.createTicket();
  await store(ticketId, h.people.requester, 'the printer is on fire');
  const rude = await store(ticketId, h.people.requester, 'you are all useless');
  const requester = await h.join(h.people.requester, ticketId);
  const agent = await h.join(h.people.agent, ticketId);
  expect(bodies(requester)).toEqual(['the printer is on fire', 'you are all useless']);

  const toRequester = requester.next('message_removed');
  const toAgent = agent.next('message_removed');
  const agentApi = await h.signIn(h.people.agent);
  await agentApi.comment.hide.mutate({ id: rude.id, reason: 'abusive' });
  expect((await toRequester).messageId).toBe(rude.id);
  expect((await toAgent).messageId).toBe(rude.id);
  expect(bodies(requester)).toEqual(['the printer is on fire']);

  // Served from the room's buffer (it is loaded): the hidden message is not in it any more.
  const later = await h.join(h.people.requester, ticketId);
  expect(bodies(later)).toEqual(['the printer is on fire']);
  const laterAgent = await h.join(h.people.agent2, ticketId);
  expect(bodies(laterAgent)).toEqual(['the printer is on fire']);
});

test('a message its author deletes disappears from the room for everyone', async () => {
  const ticketId = await h.createTicket();
  const oops = await store(ticketId, h.people.requester, 'my password is hunter2');
  const agent = await h.join(h.people.agent, ticketId);
  expect(bodies(agent)).toEqual(['my password is hunter2']);
  const removed = agent.next('message_removed');
  const requesterApi = await h.signIn(h.people.requester);
  await requesterApi.comment.delete.mutate({ id: oops.id });
  expect((await removed).messageId).toBe(oops.id);
  expect(bodies(agent)).toEqual([]);
  expect(bodies(await h.join(h.people.requester, ticketId))).toEqual([]);
});
