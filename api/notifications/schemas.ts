/** Notification center inputs and outputs. Every list is capped; ids are the notifications' own. */
import { z } from 'zod';
import { emailDeliveries, notificationKinds } from '../../domain/vocabulary';

const ZNotificationId = z.number().int().min(1, 'must be a notification id').max(Number.MAX_SAFE_INTEGER);

export const ZListNotificationsInput = z
  .object({
    /** Only those not yet read. */
    unreadOnly: z.boolean().default(false),
    limit: z.number().int().min(1).max(100).default(25),
    /** `nextCursor` of the previous page: the notifications older than it. */
    cursor: ZNotificationId.optional(),
  })
  .default({ unreadOnly: false, limit: 25 });
export type ListNotificationsInput = z.infer<typeof ZListNotificationsInput>;

export const ZNotificationView = z.object({
  id: z.number(),
  kind: z.enum(notificationKinds),
  title: z.string(),
  /** Short: at most NOTIFICATION_BODY_CHARS characters. */
  body: z.string(),
  ticket: z.object({ id: z.uuid(), number: z.number(), title: z.string() }).nullable(),
  /** Where the app shows what it is about, e.g. /tickets/1042; null when it is about no ticket. */
  link: z.string().nullable(),
  createdAt: z.date(),
  readAt: z.date().nullable(),
});
export type NotificationView = z.infer<typeof ZNotificationView>;

export const ZNotificationPage = z.object({ items: z.array(ZNotificationView), nextCursor: z.number().nullable() });

export const ZMarkReadInput = z.object({ ids: z.array(ZNotificationId).min(1, 'name at least one notification').max(100, 'at most 100 at a time') });

/** After marking: how many of the caller's notifications changed, and their unread count now. */
export const ZMarkReadResult = z.object({ marked: z.number().int(), unread: z.number().int() });

export const ZUnreadCount = z.object({ unread: z.number().int() });

const ZChoice = { inApp: z.boolean(), email: z.enum(emailDeliveries) };

export const ZEffectivePreference = z.object({ kind: z.enum(notificationKinds), ...ZChoice, isDefault: z.boolean() });
export const ZPreferences = z.object({ preferences: z.array(ZEffectivePreference) });

/** Per kind: change in-app and/or email, or go back to the organisation's default (`useDefault`). */
export const ZSetPreferencesInput = z.object({
  preferences: z
    .array(
      z
        .object({ kind: z.enum(notificationKinds), inApp: ZChoice.inApp.optional(), email: ZChoice.email.optional(), useDefault: z.boolean().optional() })
        .strict()
        .superRefine((p, ctx) => {
          const changes = p.inApp !== undefined || p.email !== undefined;
          if (p.useDefault && changes) ctx.addIssue({ code: 'custom', path: ['useDefault'], message: 'either go back to the default or set inApp / email, not both' });
          if (!p.useDefault && !changes) ctx.addIssue({ code: 'custom', path: ['inApp'], message: 'set inApp, email, or useDefault' });
        }),
    )
    .min(1, 'name at least one kind')
    .max(notificationKinds.length)
    .refine((list) => new Set(list.map((p) => p.kind)).size === list.length, 'name each kind once'),
});
export type SetPreferencesInput = z.infer<typeof ZSetPreferencesInput>;

export const ZOrganisationDefault = z.object({ kind: z.enum(notificationKinds), ...ZChoice, builtIn: z.boolean() });
export const ZOrganisationDefaults = z.object({ defaults: z.array(ZOrganisationDefault) });

export const ZSetOrganisationDefaultsInput = z.object({
  defaults: z
    .array(z.object({ kind: z.enum(notificationKinds), ...ZChoice }).strict())
    .min(1, 'name at least one kind')
    .max(notificationKinds.length)
    .refine((list) => new Set(list.map((p) => p.kind)).size === list.length, 'name each kind once'),
});
export type SetOrganisationDefaultsInput = z.infer<typeof ZSetOrganisationDefaultsInput>;
