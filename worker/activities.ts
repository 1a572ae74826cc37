/**
 * The ticket workflow's activities. Every write is keyed by a dedupe key derived from the
 * workflow id and the workflow's own sequence number, so a retry or a replay writes it once.
 */
import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { departments, ticketEvents, tickets, users } from '../db/schema';
import { ticketWorkflowId } from '../workflows/messages';
import type { TicketChange, TicketWorkflowInput, TriageResult } from '../workflows/types';
import { rulesTriage } from './ai/rules-triage';

export type ActivityDeps = { db: Db };

const openStatuses = ['new', 'triaged', 'assigned', 'in_progress', 'waiting_on_customer', 'waiting_on_third_party'] as const;

export function createActivities({ db }: ActivityDeps) {
  return {
    async insertTicket(input: Omit<TicketWorkflowInput, 'carried'> & { dedupeKey: string }): Promise<void> {
      await db.transaction(async (tx) => {
        await tx
          .insert(tickets)
          .values({
            id: input.ticketId,
            number: input.number,
            title: input.title,
            description: input.description,
            urgency: input.urgency,
            priority: input.urgency,
            requesterId: input.requesterId,
            workflowId: ticketWorkflowId(input.number),
          })
          .onConflictDoNothing();
        await tx
          .insert(ticketEvents)
          .values({ ticketId: input.ticketId, kind: 'created', source: 'api', actorId: input.requesterId, dedupeKey: input.dedupeKey, newValue: { title: input.title, urgency: input.urgency } })
          .onConflictDoNothing();
      });
    },

    async triageTicket(input: { title: string; description: string; urgency: TicketWorkflowInput['urgency'] }): Promise<TriageResult> {
      return rulesTriage(input);
    },

    async findDepartment({ slug }: { slug: string }): Promise<{ id: string; slug: string } | null> {
      const [row] = await db.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.slug, slug));
      return row ?? null;
    },

    /** The least loaded available agent of the department (open tickets weighted by priority). */
    async pickAgent({ departmentId }: { departmentId: string; category: string | null }): Promise<{ id: string; reason: string } | null> {
      const load = sql<number>`coalesce(sum(case ${tickets.priority} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end), 0)::int`;
      const [agent] = await db
        .select({ id: users.id, load })
        .from(users)
        .leftJoin(tickets, and(eq(tickets.assigneeId, users.id), inArray(tickets.status, [...openStatuses])))
        .where(and(eq(users.departmentId, departmentId), eq(users.role, 'agent'), eq(users.active, true), eq(users.away, false)))
        .groupBy(users.id)
        .orderBy(asc(load), asc(users.id))
        .limit(1);
      return agent ? { id: agent.id, reason: `least loaded available agent (load ${agent.load})` } : null;
    },

    /** Applies one lifecycle change to the row and audits each changed field, once per dedupe key. */
    async applyTicketChange(change: TicketChange): Promise<void> {
      await db.transaction(async (tx) => {
        const [current] = await tx.select().from(tickets).where(eq(tickets.id, change.ticketId)).for('update');
        if (!current) throw new Error(`ticket ${change.ticketId} does not exist`);
        if (current.lifecycleSeq >= change.seq) return; // applied by an earlier attempt
        const fields = Object.entries(change.set).filter(([field, value]) => current[field as keyof typeof current] !== value);
        const events = (fields.length > 0 ? fields : [[null, null] as const]).map(([field, value]) => ({
          ticketId: change.ticketId,
          kind: change.kind,
          field,
          oldValue: field ? (current[field as keyof typeof current] ?? null) : null,
          newValue: value ?? null,
          actorId: change.actorId,
          source: change.source,
          reason: change.reason ?? null,
          dedupeKey: `${change.dedupeKey}/${field ?? change.kind}`,
        }));
        await tx.insert(ticketEvents).values(events).onConflictDoNothing();
        await tx.update(tickets).set({ ...change.set, lifecycleSeq: change.seq }).where(eq(tickets.id, change.ticketId));
      });
    },
  };
}
