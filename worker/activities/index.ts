/**
 * The ticket workflow's activities (and the maintenance workflows'), built from their
 * dependencies. The worker calls createActivities once; workflows import only its type.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import type { AiProvider } from '../ai/provider';
import { createOfflineProvider } from '../ai/offline-provider';
import { aiActivities } from './ai';
import { linkActivities } from './links';
import { liveActivities, type Notifier } from './live';
import { mailboxActivities, type MailboxDeps } from './mailbox';
import { maintenanceActivities } from './maintenance';
import { slaActivities } from './sla';
import { ticketActivities } from './tickets';

export type { Notifier } from './live';

export type ActivityDeps = {
  db: Db;
  /** AI steps; the offline provider (trained model + rules) by default. */
  ai?: AiProvider;
  /** Live events into the rooms; none when rooms are not configured. */
  notifier?: Notifier;
  /** For maintenance activities that signal ticket workflows. */
  temporal?: Client;
  /** IMAP mailboxes and the API's internal listener to hand their mail to; none: no mailbox is watched. */
  mail?: MailboxDeps;
};

export function createActivities({ db, ai, notifier, temporal, mail }: ActivityDeps) {
  return {
    ...ticketActivities(db, notifier),
    ...slaActivities(db, { liveEvents: notifier !== undefined }),
    ...aiActivities(db, ai ?? (() => createOfflineProvider())),
    ...linkActivities(db),
    ...liveActivities(db, notifier),
    ...maintenanceActivities(db, temporal),
    ...mailboxActivities(mail),
  };
}

export type Activities = ReturnType<typeof createActivities>;
