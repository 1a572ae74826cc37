/**
 * Tokens for the live rooms (realtime/): short-lived, HMAC-signed claims the rooms check at the
 * edge. A ticket's room for whoever may see the ticket; a department's live queue for its staff;
 * each user's own notification channel.
 */
import { TRPCError } from '@trpc/server';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { departments } from '../../db/schema';
import { queueRoomName, ROOM_TOKEN_TTL_SECONDS, signRoomToken, ticketRoomName, userRoomName } from '../../realtime/token';
import { ticketAccess } from '../access';
import { agentProcedure, createTRPCRouter, protectedProcedure, type AuthedContext } from '../trpc';

/** `internal`: the room may show this person internal notes and staff-only events. */
async function roomToken(ctx: AuthedContext, room: string, internal: boolean) {
  const exp = Math.floor(Date.now() / 1000) + ROOM_TOKEN_TTL_SECONDS;
  const token = await signRoomToken({ sub: ctx.user.id, name: ctx.user.name, role: ctx.user.role, room, internal, exp }, ctx.roomTokenSecret);
  return { token, room, url: ctx.roomsUrl, expiresAt: new Date(exp * 1000) };
}

export const realtimeRouter = createTRPCRouter({
  /** Opens the live room of a ticket the caller may see: chat, presence, typing, live events. */
  token: protectedProcedure.input(z.object({ ticketId: z.uuid('must be a ticket id (UUID)') })).mutation(async ({ ctx, input }) => {
    const ticket = await ticketAccess(ctx.db, ctx.user, input.ticketId);
    return roomToken(ctx, ticketRoomName(ticket.id), ticket.caps.staff);
  }),

  /** Opens a department's live queue (new, assigned, moved and breaching tickets): its staff and admins. */
  queueToken: agentProcedure.input(z.object({ departmentId: z.uuid('must be a department id (UUID)') })).mutation(async ({ ctx, input }) => {
    const [department] = await ctx.db.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.id, input.departmentId));
    if (!department) throw new TRPCError({ code: 'NOT_FOUND', message: `Department ${input.departmentId} was not found.` });
    if (ctx.user.role !== 'admin' && !ctx.user.staffDepartmentIds.includes(department.id))
      throw new TRPCError({ code: 'FORBIDDEN', message: 'You may follow the live queues of the departments you work in only.' });
    return roomToken(ctx, queueRoomName(department.slug), true);
  }),

  /**
   * Opens the caller's own notification channel (assignments, mentions, SLA warnings addressed to
   * them, the unread count). Staff get `internal`: SLA warnings and breaches are staff-only events,
   * which a channel delivers only to internal connections (the worker addresses them to the
   * ticket's staff alone); the rooms' own check of a channel says the same (api/internal/room-access.ts).
   */
  notificationsToken: protectedProcedure.input(z.void()).mutation(({ ctx }) => roomToken(ctx, userRoomName(ctx.user.id), ctx.user.role !== 'requester')),
});
