/**
 * The notification center (issue 11): the caller's own notifications, newest first; marking them
 * read; the unread count (also pushed live into the caller's channel, realtime.notificationsToken);
 * preferences per kind. Organisation defaults are in admin.notificationDefaults.
 */
import { z } from 'zod';
import { ZListNotificationsInput, ZMarkReadInput, ZMarkReadResult, ZNotificationPage, ZPreferences, ZSetPreferencesInput, ZUnreadCount } from '../notifications/schemas';
import { getPreferences, listNotifications, markAllRead, markRead, setPreferences, unreadCount } from '../notifications/service';
import { createTRPCRouter, protectedProcedure } from '../trpc';

export const notificationRouter = createTRPCRouter({
  list: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/notifications', tags: ['notifications'], summary: 'Your notifications, newest first, keyset-paginated (unreadOnly for the unread ones)' } })
    .input(ZListNotificationsInput)
    .output(ZNotificationPage)
    .query(({ ctx, input }) => listNotifications(ctx, input)),

  unreadCount: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/notifications/unread-count', tags: ['notifications'], summary: 'How many of your notifications are unread' } })
    .input(z.void())
    .output(ZUnreadCount)
    .query(({ ctx }) => unreadCount(ctx)),

  /** Ids that are not the caller's are ignored (the answer is the same as for ids that do not exist). */
  markRead: protectedProcedure
    .meta({ openapi: { method: 'POST', path: '/notifications/read', tags: ['notifications'], summary: 'Mark some of your notifications read' } })
    .input(ZMarkReadInput)
    .output(ZMarkReadResult)
    .mutation(({ ctx, input }) => markRead(ctx, input.ids)),

  markAllRead: protectedProcedure
    .meta({ openapi: { method: 'POST', path: '/notifications/read-all', tags: ['notifications'], summary: 'Mark all your notifications read' } })
    .input(z.void())
    .output(ZMarkReadResult)
    .mutation(({ ctx }) => markAllRead(ctx)),

  /** Per kind: shown in the app or not, and how it is mailed; `isDefault` when it is the organisation's default. */
  preferences: protectedProcedure
    .meta({ openapi: { method: 'GET', path: '/notifications/preferences', tags: ['notifications'], summary: 'Your notification preferences per kind' } })
    .input(z.void())
    .output(ZPreferences)
    .query(({ ctx }) => getPreferences(ctx.db, ctx.user.id)),

  setPreferences: protectedProcedure
    .meta({ openapi: { method: 'PUT', path: '/notifications/preferences', tags: ['notifications'], summary: 'Change your notification preferences' } })
    .input(ZSetPreferencesInput)
    .output(ZPreferences)
    .mutation(({ ctx, input }) => setPreferences(ctx, input)),
});
