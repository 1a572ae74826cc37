/**
 * The ticket workflow's activities (and the maintenance workflows'), built from their
 * dependencies. The worker calls createActivities once; workflows import only its type.
 */
import type { Client } from '@temporalio/client';
import type { Db } from '../../db/client';
import type { AiProvider } from '../ai/provider';
import { createOfflineProvider } from '../ai/offline-provider';
import { sentenceEmbedder, type SentenceEmbedder } from '../../lib/sentence-embedder';
import { aiActivities } from './ai';
import { embeddingActivities } from './embeddings';
import { knowledgeActivities } from './knowledge';
import { linkActivities } from './links';
import { liveActivities, type Notifier } from './live';
import { mailboxActivities, type MailboxDeps } from './mailbox';
import { maintenanceActivities } from './maintenance';
import { misuseActivities } from './misuse';
import { reportDigestActivities } from './report-digest';
import { mailActivities } from '../mail/activities';
import type { MailTransport } from '../mail/transport';
import { slaActivities } from './sla';
import { ticketActivities } from './tickets';

export type { Notifier } from './live';

export type ActivityDeps = {
  db: Db;
  /** AI steps; the offline provider (trained model + rules) by default. */
  ai?: AiProvider;
  /** An OpenAI-compatible provider (AI_BASE_URL): screening, second opinions, replies, summaries; none: all offline. */
  model?: AiProvider;
  /** Model attempts before the assistant answers offline (2). */
  modelAttempts?: number;
  /** Live events into the rooms; none when rooms are not configured. */
  notifier?: Notifier;
  /** For maintenance activities that signal ticket workflows, and for starting mail deliveries. */
  temporal?: Client;
  /** The SMTP transport (one per worker); none: this worker starts no deliveries, and any it is given fail as "no SMTP server configured". */
  mail?: MailTransport;
  /** IMAP mailboxes and the API's internal listener to hand their mail to; none: no mailbox is watched. */
  inbound?: MailboxDeps;
  /** The sentence model for ticket embeddings (loaded on first use); none: this worker embeds no tickets (the backfill fails). */
  embedder?: () => Promise<SentenceEmbedder>;
};

export function createActivities({ db, ai, model, modelAttempts, notifier, temporal, mail, inbound, embedder }: ActivityDeps) {
  return {
    // Without a transport this worker leaves queued mail to a worker that has one (its reconcile starts them).
    ...ticketActivities(db, notifier, mail ? temporal : undefined),
    ...slaActivities(db, { liveEvents: notifier !== undefined }),
    ...aiActivities(db, ai ?? (() => createOfflineProvider()), { model, modelAttempts }),
    ...linkActivities(db),
    ...liveActivities(db, notifier),
    ...maintenanceActivities(db, temporal),
    ...mailActivities(db, mail, temporal),
    ...mailboxActivities(inbound),
    ...embeddingActivities(db, embedder),
    ...misuseActivities(db),
    ...reportDigestActivities(db, mail ? temporal : undefined),
    // Articles are always embedded (the default model folder unless the worker names one); tickets only by workers given the model.
    ...knowledgeActivities(db, embedder ?? (() => sentenceEmbedder())),
  };
}

export type Activities = ReturnType<typeof createActivities>;
