/** Audit events the API itself writes (comments, attachments, watchers): append-only, keyed once. */
import type { Db, Tx } from '../../db/client';
import { ticketEvents } from '../../db/schema';
import type { TicketEventKind } from '../../domain/vocabulary';

export type ApiTicketEvent = {
  ticketId: string;
  kind: TicketEventKind;
  field?: string | null;
  oldValue?: unknown;
  newValue?: unknown;
  actorId: string;
  reason?: string | null;
  /** Unique per fact, so a retried request never writes it twice. */
  dedupeKey: string;
};

export async function recordTicketEvent(db: Db | Tx, event: ApiTicketEvent): Promise<void> {
  await db
    .insert(ticketEvents)
    .values({
      ticketId: event.ticketId,
      kind: event.kind,
      field: event.field ?? null,
      oldValue: event.oldValue ?? null,
      newValue: event.newValue ?? null,
      actorId: event.actorId,
      source: 'api',
      reason: event.reason ?? null,
      dedupeKey: `api:${event.dedupeKey}`,
    })
    .onConflictDoNothing();
}
