/**
 * The ticket's room (realtime/client.ts): messages posted by anyone appear in the comment list's
 * query cache as they arrive, without a reload; the client reconnects and resumes on its own.
 * Requesters get a token without internal access, so the room never sends them internal notes.
 */
import { useEffect, useState } from 'react';
import { connectTicketRoom, type RoomClient } from '../../../realtime/client';
import type { StoredMessage } from '../../../realtime/frames';
import { queryClient, trpc, trpcClient, type CommentView } from '../trpc';

export type LiveState = 'connecting' | 'live' | 'offline';

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

export function useLiveConversation(ticketId: string): LiveState {
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    let client: RoomClient | null = null;
    let cancelled = false;
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
        client.onFrame((frame) => {
          if (frame.type === 'welcome') {
            setState('live');
            frame.history.forEach((message) => addToConversation(ticketId, asComment(message)));
          } else if (frame.type === 'message') addToConversation(ticketId, asComment(frame.message));
          else if (frame.type === 'history') frame.messages.forEach((message) => addToConversation(ticketId, asComment(message)));
          else if (frame.type === 'message_removed') removeFromConversation(ticketId, frame.messageId);
        });
        client.socket.addEventListener('close', () => setState('offline'));
        client.ready.catch(() => setState('offline'));
      })
      .catch(() => setState('offline'));
    return () => {
      cancelled = true;
      client?.close();
    };
  }, [ticketId]);
  return state;
}
