import { z } from 'zod';
import { ROOM_TOKEN_TTL_SECONDS, signRoomToken, ticketRoomName } from '../../realtime/token';
import { seesInternal } from '../access';
import { getTicket } from '../tickets/service';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const realtimeRouter = createTRPCRouter({
  /** A short-lived token that opens the live room of a ticket the caller may see. */
  token: protectedProcedure.input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)') })).mutation(async ({ ctx, input }) => {
    const ticket = await getTicket(ctx.db, ctx.user, input.ticketId);
    const room = ticketRoomName(ticket.id);
    const exp = Math.floor(Date.now() / 1000) + ROOM_TOKEN_TTL_SECONDS;
    const token = await signRoomToken({ sub: ctx.user.id, name: ctx.user.name, role: ctx.user.role, room, internal: seesInternal(ctx.user), exp }, ctx.roomTokenSecret);
    return { token, room, url: ctx.roomsUrl, expiresAt: new Date(exp * 1000) };
  }),
});
