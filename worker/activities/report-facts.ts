/**
 * Folds one lifecycle change into the reports' aggregates, inside the transaction that writes
 * the change's audit events (so the facts never disagree with the events): the ticket's row of
 * `ticket_facts` and the day's counters of `report_daily`. The caller holds the ticket row's
 * lock, so changes of one ticket fold one at a time; the daily counters are upserts.
 */
import { eq } from 'drizzle-orm';
import type { Tx } from '../../db/client';
import { addDailyCounts } from '../../db/reports';
import { ticketFacts, type Ticket, type TicketFacts } from '../../db/schema';
import type { TicketChange } from '../../workflows/types';

type FactsValues = Partial<typeof ticketFacts.$inferInsert>;

/** Kinds a person uses to correct the automatic triage. */
const personalTriageKinds = new Set(['reclassified', 'triaged']);

export async function foldReportFacts(tx: Tx, change: TicketChange, before: Ticket, after: Ticket): Promise<void> {
  const at = new Date(change.facts?.at ?? Date.now());
  const [existing] = await tx.select().from(ticketFacts).where(eq(ticketFacts.ticketId, change.ticketId)).for('update');
  const dims = { departmentId: after.departmentId, category: after.category, priority: after.priority, buildingId: after.buildingId, assigneeId: after.assigneeId, slaPolicyId: after.slaPolicyId };

  const values: FactsValues = {
    status: after.status,
    ...dims,
    firstRespondedAt: after.firstRespondedAt,
    resolvedAt: after.resolvedAt,
    closedAt: after.closedAt,
    escalationLevel: Math.max(existing?.escalationLevel ?? 0, after.escalationLevel),
    heldForReview: (existing?.heldForReview ?? false) || after.heldForReview,
    lifecycleSeq: change.seq,
  };
  const clocks = change.facts;
  if (clocks?.firstResponse) {
    const fr = clocks.firstResponse;
    // A breach stays a breach (nothing later undoes it).
    const breached = (existing?.firstResponseBreached ?? false) || fr.breached;
    Object.assign(values, {
      firstResponseMs: fr.elapsedMs,
      firstResponseTargetMs: fr.targetMs,
      firstResponseMet: fr.stopped ? fr.met && !breached : null,
      firstResponseBreached: breached,
      firstResponseAtRisk: fr.atRisk,
    });
  }
  if (clocks?.resolution) {
    const res = clocks.resolution;
    const cycle = existing?.resolutionCycle ?? 1;
    // A reopen starts a new resolution cycle: what the earlier cycles took is kept in the prior sum.
    // Breached in any cycle: the ticket's resolution missed its SLA, even if a later cycle was quick.
    const breached = (existing?.resolutionBreached ?? false) || res.breached;
    const prior = res.cycle > cycle ? (existing?.resolutionPriorMs ?? 0) + (existing?.resolutionMs ?? 0) : (existing?.resolutionPriorMs ?? 0);
    Object.assign(values, {
      resolutionMs: res.elapsedMs,
      resolutionPriorMs: prior,
      resolutionCycle: res.cycle,
      resolutionTargetMs: res.targetMs,
      resolutionMet: res.stopped ? res.met && !breached : null,
      resolutionBreached: breached,
      resolutionAtRisk: res.atRisk,
    });
  }
  if (clocks) {
    // Paused time: wall-clock time in the policy's paused statuses.
    const since = existing?.pausedSince ?? null;
    if (clocks.paused && !since) values.pausedSince = at;
    if (!clocks.paused && since) {
      values.pausedSince = null;
      values.pausedMs = (existing?.pausedMs ?? 0) + Math.max(0, at.getTime() - since.getTime());
    }
  }
  // Triage quality: triaged automatically, then corrected by a person.
  if ((change.kind === 'triaged' || change.kind === 'retriaged') && change.source !== 'api') {
    values.aiTriaged = !after.needsTriage;
    values.triageOverridden = false;
  } else if (personalTriageKinds.has(change.kind) && change.source === 'api' && (existing?.aiTriaged ?? false)) {
    const corrected = before.departmentId !== after.departmentId || before.category !== after.category || before.priority !== after.priority;
    if (corrected) values.triageOverridden = true;
  }
  const reopened = change.kind === 'reopened' && before.status !== after.status;
  if (reopened) values.reopenCount = (existing?.reopenCount ?? 0) + 1;

  if (existing) {
    await tx.update(ticketFacts).set(values).where(eq(ticketFacts.ticketId, change.ticketId));
  } else {
    await tx.insert(ticketFacts).values({ ticketId: change.ticketId, createdAt: at, status: after.status, priority: after.priority, ...values } as typeof ticketFacts.$inferInsert);
  }
  const resolvedNow = after.status === 'resolved' && before.status !== 'resolved';
  await addDailyCounts(tx, at, dims, { created: existing ? 0 : 1, resolved: resolvedNow ? 1 : 0, reopened: reopened ? 1 : 0 });
}

export type { TicketFacts };
