/**
 * The ticket's room (realtime/client.ts): messages posted by anyone appear in the comment list's
 * query cache as they arrive, without a reload; the client reconnects and resumes on its own.
 * Requesters get a token without internal access, so the room never sends them internal notes,
 * nor who is writing one, nor read markers on them (realtime/room-presence.ts decides).
 *
 * Beside the messages the hook keeps what the room says about people: who else is here (presence),
 * who is typing, and how far each has read (read markers). It sends the viewer's own: typing,
 * throttled to one `start` per half of the room's typing TTL, and a read marker for the newest
 * message while the page is visible.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Role } from '../../../domain/vocabulary';
import { connectTicketRoom, type RoomClient } from '../../../realtime/client';
import { DEFAULT_TYPING_TTL_MS, type ServerFrame, type StoredMessage } from '../../../realtime/frames';
import { queryClient, trpc, trpcClient, type CommentView } from '../trpc';

export type LiveState = 'connecting' | 'live' | 'offline';

/** Someone else in the ticket's room now. */
export type RoomPerson = { userId: string; name: string; role: Role; state: 'online' | 'away' };
/** Someone else typing now; `internal`: an internal note (only staff are ever told). */
export type Typist = { userId: string; name: string; internal: boolean };

export type LiveConversation = {
  state: LiveState;
  /** Everyone else here, in the order they came. */
  present: RoomPerson[];
  typing: Typist[];
  /** Newest message id each other person has read, by user id. */
  reads: ReadonlyMap<string, number>;
  /** Says whether the viewer is composing now (sent throttled; `stop` once when they are done). */
  composing: (active: boolean, internal: boolean) => void;
};

/** The comment list's input on the ticket page, shared by the query and the live updates. */
export const conversationInput = (ticketId: string) => ({ ticketId, limit: 200 });

/** A message deleted by its author or hidden by staff leaves every open screen. */
function removeFromConversation(ticketId: string, messageId: number) {
  queryClient.setQueryData(trpc.comment.list.queryKey(conversationInput(ticketId)), (page) => page && { ...page, comments: page.comments.filter((c) => c.id !== messageId) });
}

export function addToConversation(ticketId: string, comment: CommentView) {
  queryClient.setQueryData(trpc.comment.list.queryKey(conversationInput(ticketId)), (page) => {
    if (!page || page.comments.some((c) => c.id === comment.id)) return page;
    return { ...page, comments: [...page.comments, comment].sort((a, b) => a.id - b.id) };
  });
}

function asComment(message: StoredMessage): CommentView {
  return { ...message, held: message.held ?? false, createdAt: new Date(message.createdAt), editedAt: null, mentions: [] };
}

type People = { me: string | null; present: RoomPerson[]; typing: Typist[]; reads: ReadonlyMap<string, number> };
const nobody: People = { me: null, present: [], typing: [], reads: new Map() };

/** The room's word on people, folded into what the page shows (the viewer left out). */
function nextPeople(people: People, frame: ServerFrame): People {
  switch (frame.type) {
    case 'welcome': {
      const me = frame.you.userId;
      return {
        me,
        present: frame.present.filter((p) => p.userId !== me),
        typing: frame.typing.filter((t) => t.userId !== me).map((t) => ({ ...t, internal: false })),
        reads: new Map(frame.reads.filter((r) => r.userId !== me).map((r) => [r.userId, r.messageId])),
      };
    }
    case 'presence': {
      if (frame.user.userId === people.me) return people;
      const others = people.present.filter((p) => p.userId !== frame.user.userId);
      if (frame.state === 'offline') return { ...people, present: others, typing: people.typing.filter((t) => t.userId !== frame.user.userId) };
      const index = people.present.findIndex((p) => p.userId === frame.user.userId);
      const person = { ...frame.user, state: frame.state };
      return { ...people, present: index < 0 ? [...others, person] : people.present.map((p, i) => (i === index ? person : p)) };
    }
    case 'typing': {
      if (frame.userId === people.me) return people;
      const others = people.typing.filter((t) => t.userId !== frame.userId);
      return { ...people, typing: frame.state === 'start' ? [...others, { userId: frame.userId, name: frame.name, internal: frame.internal }] : others };
    }
    case 'read': {
      if (frame.userId === people.me || (people.reads.get(frame.userId) ?? 0) >= frame.messageId) return people;
      return { ...people, reads: new Map(people.reads).set(frame.userId, frame.messageId) };
    }
    default:
      return people;
  }
}

export function useLiveConversation(ticketId: string): LiveConversation {
  const [state, setState] = useState<LiveState>('connecting');
  const [people, setPeople] = useState<People>(nobody);
  const clientRef = useRef<RoomClient | null>(null);
  /** The viewer's typing as last sent: when `start` went out (to refresh it before the room's TTL), and for which kind of message. */
  const sentTyping = useRef<{ at: number; internal: boolean } | null>(null);

  useEffect(() => {
    let client: RoomClient | null = null;
    let cancelled = false;
    let markedRead = 0;
    setPeople(nobody);
    /** Tells the room the viewer has read up to the newest message, while the page is in view. */
    const markRead = () => {
      if (!client || document.visibilityState !== 'visible' || client.lastId <= markedRead) return;
      if (client.markRead(client.lastId)) markedRead = client.lastId;
    };
    const token = () => trpcClient.realtime.token.mutate({ ticketId });
    void token()
      .then((first) => {
        if (cancelled) return;
        // The first answer says where the rooms are; later (re)connections ask for fresh tokens.
        let unused: typeof first | null = first;
        client = connectTicketRoom({
          url: first.url,
          ticketId,
          keepFrames: false,
          token: () => {
            const answer = unused;
            unused = null;
            return answer ?? token();
          },
        });
        clientRef.current = client;
        client.onFrame((frame) => {
          setPeople((people) => nextPeople(people, frame));
          if (frame.type === 'welcome') {
            setState('live');
            sentTyping.current = null;
            frame.history.forEach((message) => addToConversation(ticketId, asComment(message)));
            markRead();
          } else if (frame.type === 'message') {
            addToConversation(ticketId, asComment(frame.message));
            markRead();
          } else if (frame.type === 'history') {
            frame.messages.forEach((message) => addToConversation(ticketId, asComment(message)));
            markRead();
          } else if (frame.type === 'message_removed') removeFromConversation(ticketId, frame.messageId);
        });
        client.socket.addEventListener('close', () => setState('offline'));
        client.ready.catch(() => setState('offline'));
      })
      .catch(() => setState('offline'));
    document.addEventListener('visibilitychange', markRead);
    return () => {
      cancelled = true;
      document.removeEventListener('visibilitychange', markRead);
      client?.close();
      clientRef.current = null;
      sentTyping.current = null;
    };
  }, [ticketId]);

  const composing = useCallback((active: boolean, internal: boolean) => {
    const client = clientRef.current;
    if (!client) return;
    const sent = sentTyping.current;
    if (!active) {
      if (sent && client.typing('stop', sent.internal)) sentTyping.current = null;
      return;
    }
    const ttl = client.welcome?.limits.typingTtlMs ?? DEFAULT_TYPING_TTL_MS;
    // Once per half TTL is enough for the room to keep showing it; switching note/reply is news at once.
    if (sent && sent.internal === internal && Date.now() - sent.at < ttl / 2) return;
    if (client.typing('start', internal)) sentTyping.current = { at: Date.now(), internal };
  }, []);

  return { state, present: people.present, typing: people.typing, reads: people.reads, composing };
}
