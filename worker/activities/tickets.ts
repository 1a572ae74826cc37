/**
 * Writes of the ticket row, its audit trail and notifications. Every write is keyed: the row
 * applies a workflow sequence number once (tickets.lifecycle_seq) and every audit event and
 * notification has a dedupe key, so a retried or replayed activity never writes twice.
 */
import { ApplicationFailure, Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { and, asc, desc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db, Tx } from '../../db/client';
import { enqueueNotificationMails, enqueueTicketReceivedMail } from '../../db/mail-outbox';
import { supervisorsOrAdmins, unreadNotificationCounts } from '../../db/notifications';
import { agentRouting, departments, departmentStaff, escalationGroupMembers, extraDepartmentIdsOf, notifications, ticketEvents, tickets, users, type Ticket } from '../../db/schema';
import { capabilitiesFor, staffDepartments } from '../../domain/access';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { lifecycleFailureTypes } from '../../workflows/lifecycle/errors';
import { ticketWorkflowId } from '../../workflows/messages';
import type { NotificationAudience, TicketChange, TicketChangeResult, TicketRowPatch, TicketWorkflowInput } from '../../workflows/types';
import { dispatchAfterCommit } from '../mail/dispatch';
import type { Notifier } from './live';
import { foldReportFacts } from './report-facts';

/** Row fields whose changes are audited one event per field; the rest (due dates, SLA state) are projections. */
/** Escalation levels are audited by the workflow's own `escalated` events (with trigger and actions). */
const auditedFields = ['status', 'priority', 'category', 'departmentId', 'assigneeId', 'heldForReview', 'needsTriage', 'slaPolicyId'] as const;
const timeFields = ['responseDueAt', 'resolutionDueAt', 'firstRespondedAt', 'resolvedAt', 'closedAt', 'autoCloseAt'] as const;

/** Open tickets weighted by priority: what "workload" means for routing. */
const loadSql = sql<number>`coalesce(sum(case ${tickets.priority} when 'critical' then 4 when 'high' then 3 when 'medium' then 2 when 'low' then 1 else 0 end), 0)::int`;
/** Not away, or away until a time that has passed (back by themselves: api/availability). */
const availableNow = sql`(not ${users.away} or (${users.awayUntil} is not null and ${users.awayUntil} <= now()))`;
/** Under their cap of open assigned tickets (null: no cap); with the open tickets joined and grouped per user. */
const underCap = sql`(${users.maxOpenTickets} is null or count(${tickets.id}) < ${users.maxOpenTickets})`;

function rowValues(patch: TicketRowPatch): Partial<Ticket> {
  const values: Record<string, unknown> = { ...patch };
  for (const field of timeFields) {
    if (field in patch) values[field] = patch[field] === null || patch[field] === undefined ? null : new Date(patch[field]!);
  }
  return values as Partial<Ticket>;
}

export type AssigneeCheck = { ok: true; name: string } | { ok: false; problem: string };

/**
 * Who receives a notification: the assignee (or, without one, the supervisors), supervisors, the
 * escalation group, the department's staff (its agents and supervisors, home or further
 * department). The requester is no staff audience: applyChange adds them itself.
 */
async function audienceUsers(tx: Tx | Db, ticket: Pick<Ticket, 'assigneeId' | 'departmentId'>, audience: readonly NotificationAudience[], strictAssignee = false): Promise<string[]> {
  const ids = new Set<string>();
  if (audience.includes('department_staff') && ticket.departmentId) {
    const staff = await tx
      .select({ id: users.id })
      .from(users)
      .where(
        and(
          eq(users.active, true),
          sql`${users.role} <> 'requester'`,
          or(
            eq(users.departmentId, ticket.departmentId),
            inArray(users.id, tx.select({ id: departmentStaff.userId }).from(departmentStaff).where(eq(departmentStaff.departmentId, ticket.departmentId))),
          ),
        ),
      );
    for (const u of staff) ids.add(u.id);
  }
  const wantsSupervisors = audience.includes('supervisor') || (audience.includes('assignee') && !ticket.assigneeId && !strictAssignee);
  if (audience.includes('assignee') && ticket.assigneeId) ids.add(ticket.assigneeId);
  if (wantsSupervisors) {
    for (const u of await supervisorsOrAdmins(tx, ticket.departmentId)) ids.add(u.id);
  }
  if (audience.includes('escalation_group') && ticket.departmentId) {
    const members = await tx
      .select({ id: users.id })
      .from(escalationGroupMembers)
      .innerJoin(users, eq(users.id, escalationGroupMembers.userId))
      .where(and(eq(escalationGroupMembers.departmentId, ticket.departmentId), eq(users.active, true)));
    for (const u of members) ids.add(u.id);
  }
  return [...ids];
}

/**
 * Of `userIds`, the active people with staff powers on the ticket (domain/access.ts): the only ones
 * staff notifications and live events reach, whoever an audience or escalation group names.
 */
async function staffRecipients(tx: Tx | Db, ticket: Pick<Ticket, 'requesterId' | 'assigneeId' | 'departmentId'>, userIds: Iterable<string>): Promise<string[]> {
  const ids = [...new Set(userIds)];
  if (ids.length === 0) return [];
  const people = await tx
    .select({ id: users.id, role: users.role, departmentId: users.departmentId, extra: extraDepartmentIdsOf(users.id) })
    .from(users)
    .where(and(inArray(users.id, ids), eq(users.active, true)));
  return people.filter((p) => capabilitiesFor({ id: p.id, role: p.role, staffDepartmentIds: staffDepartments(p.role, p.departmentId, p.extra) }, ticket).staff).map((p) => p.id);
}

export { audienceUsers, staffRecipients };

/**
 * The assignee automatic routing picks, inside the caller's transaction: an available (active,
 * not away — or back from an absence whose end has passed — and under their cap of open tickets) agent of the department — or a member of its escalation group — preferring those
 * with the category among their skills, then the least loaded, then whoever was assigned
 * longest ago (round-robin on ties). A per-department advisory lock serialises concurrent picks.
 */
async function pickAssignee(tx: Tx, input: NonNullable<TicketChange['autoAssign']>, excludeUserId: string | null): Promise<{ id: string; reason: string } | null> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`assign:${input.departmentId}`}, 0))`);
  const skilled = input.category ? sql<boolean>`${input.category} = any(${users.skills})` : sql<boolean>`cast(null as boolean)`;
  const pool =
    input.pool === 'department'
      ? and(eq(users.departmentId, input.departmentId), eq(users.role, 'agent'))
      : inArray(users.id, tx.select({ id: escalationGroupMembers.userId }).from(escalationGroupMembers).where(eq(escalationGroupMembers.departmentId, input.departmentId)));
  const candidates = await tx
    .select({ id: users.id, name: users.name, load: loadSql, skilled, lastAssignedAt: agentRouting.lastAssignedAt })
    .from(users)
    .leftJoin(tickets, and(eq(tickets.assigneeId, users.id), inArray(tickets.status, [...OPEN_STATUSES])))
    .leftJoin(agentRouting, eq(agentRouting.userId, users.id))
    .where(and(pool, eq(users.active, true), availableNow, sql`${users.role} <> 'requester'`))
    .groupBy(users.id, agentRouting.lastAssignedAt)
    .having(underCap)
    .orderBy(...(input.category ? [desc(skilled)] : []), asc(loadSql), sql`${agentRouting.lastAssignedAt} asc nulls first`, asc(users.id));
  const chosen = candidates.find((c) => c.id !== excludeUserId);
  if (!chosen) return null;
  const skillNote = input.category ? (chosen.skilled ? `with skill ${input.category}, ` : `nobody available has skill ${input.category}; `) : '';
  const where = input.pool === 'department' ? 'available agent' : 'available member of the escalation group';
  await tx
    .insert(agentRouting)
    .values({ userId: chosen.id, lastAssignedAt: new Date(), assignedCount: 1 })
    .onConflictDoUpdate({ target: agentRouting.userId, set: { lastAssignedAt: new Date(), assignedCount: sql`${agentRouting.assignedCount} + 1` } });
  return { id: chosen.id, reason: `${skillNote}least loaded ${where} (load ${chosen.load})` };
}

/**
 * Applies one lifecycle change inside a transaction: the row's projection, an audit event per
 * changed audited field (plus the change's extra events), notifications, and optionally the
 * choice of an assignee — once per sequence number. A ticket whose department or assignee
 * changed is added to `moved`: who may see it, and with which powers, may have changed; the
 * users a notification was written for are added to `notified` (their unread count changed), and
 * the outbox mails queued for those notifications (db/mail-outbox.ts) to `mailed`.
 */
async function applyChange(tx: Tx, change: TicketChange, moved: Set<string>, notified: Set<string>, mailed: number[] = []): Promise<TicketChangeResult> {
  const [current] = await tx.select().from(tickets).where(eq(tickets.id, change.ticketId)).for('update');
  if (!current) throw ApplicationFailure.create({ type: lifecycleFailureTypes.invalidInput, message: `ticket ${change.ticketId} does not exist`, nonRetryable: true });
  if (current.lifecycleSeq >= change.seq) return { assigneeId: current.assigneeId, assignReason: null }; // applied by an earlier attempt

  const set = rowValues(change.set);
  let reason = change.reason ?? null;
  let assignReason: string | null = null;
  if (change.autoAssign) {
    const pick = await pickAssignee(tx, change.autoAssign, change.autoAssign.pool === 'escalation_group' ? current.assigneeId : null);
    if (pick) {
      set.assigneeId = pick.id;
      if ((set.status ?? current.status) === 'triaged') set.status = 'assigned';
      assignReason = pick.reason;
      reason = reason ? `${reason}: ${pick.reason}` : pick.reason;
    }
  }
  const next = { ...current, ...set };
  if (next.departmentId !== current.departmentId || next.assigneeId !== current.assigneeId) moved.add(change.ticketId);

  const fieldEvents = auditedFields
    .filter((field) => field in set && current[field] !== next[field])
    .map((field) => ({ field, oldValue: current[field] ?? null, newValue: next[field] ?? null, key: `${change.dedupeKey}/${field}`, kind: change.kind }));
  const extraEvents = (change.events ?? []).map((e) => ({
    field: e.field ?? null,
    oldValue: e.oldValue ?? null,
    newValue: e.newValue ?? null,
    key: `${ticketWorkflowId(current.number)}#${e.key}`,
    kind: e.kind,
  }));
  const events = [...fieldEvents, ...extraEvents];
  if (events.length === 0 && change.autoAssign) {
    events.push({ field: null, oldValue: null, newValue: null, key: `${change.dedupeKey}/no_agent_available`, kind: 'no_agent_available' });
    reason = `no available ${change.autoAssign.pool === 'department' ? 'agent in the department' : 'member of the escalation group'}; the ticket waits in the queue`;
  } else if (events.length === 0 && change.kind !== 'sla_projection') {
    events.push({ field: null, oldValue: null, newValue: null, key: `${change.dedupeKey}/${change.kind}`, kind: change.kind });
  }
  if (events.length > 0) {
    await tx
      .insert(ticketEvents)
      .values(
        events.map((e) => ({
          ticketId: change.ticketId,
          kind: e.kind,
          field: e.field,
          oldValue: e.oldValue,
          newValue: e.newValue,
          actorId: change.actorId,
          source: change.source,
          reason,
          dedupeKey: e.key,
        })),
      )
      .onConflictDoNothing();
  }

  for (const spec of change.notifications ?? []) {
    const named = [...(await audienceUsers(tx, next, spec.audience, spec.strictAssignee)), ...(spec.users ?? [])];
    const recipients = new Set(await staffRecipients(tx, next, named));
    // The requester always sees their own ticket; told only when active.
    if (spec.audience.includes('requester')) {
      const [requester] = await tx
        .select({ id: users.id })
        .from(users)
        .where(and(eq(users.id, next.requesterId), eq(users.active, true)));
      if (requester) recipients.add(requester.id);
    }
    if (change.actorId) recipients.delete(change.actorId); // nobody is told about their own action
    if (recipients.size === 0) continue;
    const written = await tx
      .insert(notifications)
      .values(
        [...recipients].map((userId) => ({
          userId,
          ticketId: change.ticketId,
          kind: spec.kind,
          title: spec.title,
          body: spec.body,
          // The deep link the notification center opens (api/notifications/service.ts).
          data: { link: `/tickets/${current.number}`, ...spec.data, ticketNumber: current.number },
          dedupeKey: `${ticketWorkflowId(current.number)}#n/${spec.key}/${userId}`,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: notifications.id, userId: notifications.userId });
    for (const row of written) notified.add(row.userId);
    mailed.push(
      ...(await enqueueNotificationMails(
        tx,
        written.map((row) => row.id),
      )),
    );
  }

  await tx
    .update(tickets)
    .set({ ...set, lifecycleSeq: change.seq })
    .where(eq(tickets.id, change.ticketId));
  await foldReportFacts(tx, change, current, next);
  return { assigneeId: next.assigneeId, assignReason };
}

export function ticketActivities(db: Db, notifier?: Notifier, temporal?: Client) {
  /** Starts the delivery of mails just queued, after the commit (workflows/mail.ts); not awaited (never throws), so the ticket's activity does not wait for it. */
  const dispatchMail = (ids: number[]) => (temporal && ids.length > 0 ? dispatchAfterCommit(db, temporal, Context.current().info.taskQueue, ids) : Promise.resolve());
  /**
   * After the commit, tells the moved tickets' rooms to re-check who is connected (a staff member
   * of the old department loses the room or its internal notes). Not awaited and never failing
   * the change: a lost hint is caught by the rooms' periodic re-check.
   */
  const announce = (moved: Set<string>, notified: Set<string>) => {
    for (const ticketId of moved) {
      notifier?.accessChanged?.(ticketId).catch((error: unknown) => console.warn(`rooms not told that ticket ${ticketId} moved: ${error instanceof Error ? error.message : String(error)}`));
    }
    if (notified.size > 0 && notifier?.unreadChanged) void pushUnreadCounts(notifier, [...notified]);
  };
  /** The new unread counts of the users just notified, into their channels (after the commit: the count includes them). */
  const pushUnreadCounts = async (to: Notifier, userIds: string[]) => {
    try {
      const counts = await unreadNotificationCounts(db, userIds);
      await Promise.all([...counts].map(([userId, unread]) => to.unreadChanged!(userId, unread)));
    } catch (error) {
      console.warn(`unread notification counts not pushed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  return {
    /** The ticket's row, its `created` event and the requester's ticket-received mail (the root of the ticket's mail thread), in one transaction. */
    async insertTicket(input: Omit<TicketWorkflowInput, 'carried'> & { dedupeKey: string }): Promise<void> {
      const mailed = await db.transaction(async (tx) => {
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
        return enqueueTicketReceivedMail(tx, input.ticketId);
      });
      if (mailed !== null) void dispatchMail([mailed]);
    },

    async findDepartment({ slug }: { slug: string }): Promise<{ id: string; slug: string } | null> {
      const [row] = await db.select({ id: departments.id, slug: departments.slug }).from(departments).where(eq(departments.slug, slug));
      return row ?? null;
    },

    /** Kept for tickets started by the walking skeleton's workflow code (v0), which schedules it by this name. */
    async pickAgent({ departmentId }: { departmentId: string; category: string | null }): Promise<{ id: string; reason: string } | null> {
      const [agent] = await db
        .select({ id: users.id, load: loadSql })
        .from(users)
        .leftJoin(tickets, and(eq(tickets.assigneeId, users.id), inArray(tickets.status, [...OPEN_STATUSES])))
        .where(and(eq(users.departmentId, departmentId), eq(users.role, 'agent'), eq(users.active, true), availableNow))
        .groupBy(users.id)
        .having(underCap)
        .orderBy(asc(loadSql), asc(users.id))
        .limit(1);
      return agent ? { id: agent.id, reason: `least loaded available agent (load ${agent.load})` } : null;
    },

    /** Whether a user can take tickets of a department: an active agent of it, a member of its escalation group, or a supervisor or admin. */
    async checkAssignee({ assigneeId, departmentId }: { assigneeId: string; departmentId: string | null }): Promise<AssigneeCheck> {
      const [user] = await db.select({ id: users.id, name: users.name, role: users.role, active: users.active, departmentId: users.departmentId }).from(users).where(eq(users.id, assigneeId));
      if (!user || !user.active) return { ok: false, problem: 'the assignee does not exist or is deactivated' };
      if (user.role === 'requester') return { ok: false, problem: `${user.name} is a requester, not an agent` };
      if (user.role === 'supervisor' || user.role === 'admin' || (departmentId !== null && user.departmentId === departmentId)) return { ok: true, name: user.name };
      if (departmentId !== null) {
        const [member] = await db
          .select({ userId: escalationGroupMembers.userId })
          .from(escalationGroupMembers)
          .where(and(eq(escalationGroupMembers.departmentId, departmentId), eq(escalationGroupMembers.userId, assigneeId)));
        if (member) return { ok: true, name: user.name };
      }
      return { ok: false, problem: `${user.name} is not an agent of the ticket's department` };
    },

    /** Applies one lifecycle change (see applyChange), in its own transaction. */
    async applyTicketChange(change: TicketChange): Promise<TicketChangeResult> {
      const moved = new Set<string>();
      const notified = new Set<string>();
      const mailed: number[] = [];
      const result = await db.transaction((tx) => applyChange(tx, change, moved, notified, mailed));
      announce(moved, notified);
      void dispatchMail(mailed);
      return result;
    },

    /** Applies consecutive lifecycle changes in one transaction (e.g. triaged, then assigned): one round trip, each keyed by its own sequence number. */
    async applyTicketChanges(changes: TicketChange[]): Promise<TicketChangeResult[]> {
      const moved = new Set<string>();
      const notified = new Set<string>();
      const mailed: number[] = [];
      const results = await db.transaction(async (tx) => {
        const applied: TicketChangeResult[] = [];
        for (const change of changes) applied.push(await applyChange(tx, change, moved, notified, mailed));
        return applied;
      });
      announce(moved, notified);
      void dispatchMail(mailed);
      return results;
    },
  };
}
