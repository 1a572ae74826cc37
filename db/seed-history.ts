/**
 * About 90 days of demo history for the reports (npm start, on a freshly seeded demo
 * organisation): a few thousand tickets whose texts come from the shipped IT ticket sample
 * (db/demo/it-tickets-sample.csv: anonymised helpdesk tickets, see its README line in the main
 * README), opened in business hours, assigned, answered, paused, breached, escalated, reopened,
 * resolved, closed and rated; with their audit events, replies, ratings and the reports'
 * aggregates (ticket_facts, report_daily) as the lifecycle activities would have written them.
 *
 * History is settled: every seeded ticket is closed (or rejected by screening), so none needs a
 * running workflow; tickets people open in the demo are live as ever.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import { sql } from 'drizzle-orm';
import type { Priority } from '../domain/vocabulary';
import { DEFAULT_SLA_TARGETS } from '../workflows/sla/clock';
import type { Db } from './client';
import { organisationTimezoneSql } from './reports';
import { buildings, comments, departments, slaPolicies, ticketEvents, ticketFacts, ticketIntake, ticketRatings, tickets, users } from './schema';

const SAMPLE = fileURLToPath(new URL('./demo/it-tickets-sample.csv', import.meta.url));
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** Wall-clock time per business millisecond, roughly: 8.5 open hours a weekday. */
const WALL_PER_BUSINESS = 3.2;

/** Where each sample category is handled (the demo's categories and departments). */
const departmentOfCategory: Record<string, string> = { 'HR Support': 'hr' };

export type HistoryOptions = { tickets?: number; days?: number; now?: number; onProgress?: (line: string) => void };

/** Deterministic pseudo-random numbers (mulberry32): the same demo every time. */
function randomSource(seed: number) {
  let s = seed;
  const next = () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)]! };
}

/** A random instant in business hours (weekdays 09:00–17:30 UTC) between `from` and `to`. */
function businessInstant(r: () => number, from: number, to: number): number {
  for (;;) {
    const day = Math.floor(from / DAY) * DAY + Math.floor(r() * ((to - from) / DAY)) * DAY;
    const weekday = new Date(day).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    const at = day + 9 * HOUR + Math.floor(r() * 8.5 * HOUR);
    if (at >= from && at < to) return at;
  }
}

const title = (document: string) => {
  const words = document.split(' ').slice(0, 7).join(' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
};

export async function seedDemoHistory(db: Db, options: HistoryOptions = {}): Promise<number> {
  const count = options.tickets ?? 3000;
  const days = options.days ?? 90;
  const now = options.now ?? Date.now();
  const say = options.onProgress ?? (() => undefined);
  const samples = parse(readFileSync(SAMPLE), { columns: true }) as { document: string; category: string }[];
  const { next: r, pick } = randomSource(0xde5c);

  const depts = new Map((await db.select().from(departments)).map((d) => [d.slug, d.id]));
  const staff = await db.select({ id: users.id, role: users.role, departmentId: users.departmentId }).from(users);
  const requesters = staff.filter((u) => u.role === 'requester').map((u) => u.id);
  const agentsOf = (departmentId: string) => staff.filter((u) => u.role === 'agent' && u.departmentId === departmentId).map((u) => u.id);
  const buildingIds = (await db.select({ id: buildings.id }).from(buildings)).map((b) => b.id);
  const policies = await db.select().from(slaPolicies);
  const policyOf = (priority: Priority) => policies.find((p) => p.priority === priority && !p.departmentId && !p.category && !p.requesterGroup) ?? null;
  if (requesters.length === 0 || depts.size === 0) return 0;

  const started = Date.now();
  const batch = 250;
  for (let offset = 0; offset < count; offset += batch) {
    const size = Math.min(batch, count - offset);
    const intake = await db
      .insert(ticketIntake)
      .values(Array.from({ length: size }, (_, i) => ({ requesterId: pick(requesters), idempotencyKey: `demo-history-${offset + i}` })))
      .returning({ id: ticketIntake.id, number: ticketIntake.number, requesterId: ticketIntake.requesterId });
    const ticketRows: (typeof tickets.$inferInsert)[] = [];
    const eventRows: (typeof ticketEvents.$inferInsert)[] = [];
    const commentRows: (typeof comments.$inferInsert)[] = [];
    const ratingRows: (typeof ticketRatings.$inferInsert)[] = [];
    const factRows: (typeof ticketFacts.$inferInsert)[] = [];
    /** When each reservation was made: its ticket's creation, so the per-requester limit counts history as history. */
    const reservedAt: { id: string; at: number }[] = [];
    for (const row of intake) {
      const sample = pick(samples);
      const departmentId = depts.get(departmentOfCategory[sample.category] ?? 'it') ?? [...depts.values()][0]!;
      const agents = agentsOf(departmentId);
      const assigneeId = agents.length > 0 ? pick(agents) : null;
      const roll = r();
      const priority: Priority = roll < 0.08 ? 'critical' : roll < 0.3 ? 'high' : roll < 0.75 ? 'medium' : 'low';
      const policy = policyOf(priority);
      const frTarget = policy ? policy.firstResponseSeconds * 1000 : DEFAULT_SLA_TARGETS[priority].firstResponseMs;
      const resTarget = policy ? policy.resolutionSeconds * 1000 : DEFAULT_SLA_TARGETS[priority].resolutionMs;
      const createdAt = businessInstant(r, now - days * DAY, now - DAY);
      reservedAt.push({ id: row.id, at: createdAt });
      const key = (what: string) => `demo-history#${row.number}#${what}`;
      const ev = (kind: string, at: number, extra: Partial<typeof ticketEvents.$inferInsert> = {}) =>
        eventRows.push({ ticketId: row.id, kind, source: 'workflow', dedupeKey: key(`${kind}-${eventRows.length}`), createdAt: new Date(at), ...extra });
      const base = {
        id: row.id,
        number: row.number,
        title: title(sample.document),
        description: sample.document,
        urgency: priority,
        priority,
        category: sample.category,
        requestedCategory: sample.category,
        requesterId: row.requesterId,
        workflowId: `ticket-${row.number}`,
        buildingId: r() < 0.8 ? pick(buildingIds) : null,
        createdAt: new Date(createdAt),
      };
      ev('created', createdAt, { source: 'api', actorId: row.requesterId });

      // Held by screening and rejected: no SLA, never worked.
      if (r() < 0.01) {
        ticketRows.push({ ...base, status: 'rejected', departmentId, slaState: 'paused', updatedAt: new Date(createdAt + HOUR) });
        ev('held_for_review', createdAt, { field: 'heldForReview', newValue: true, reason: 'screening flagged spam' });
        ev('rejected', createdAt + HOUR, { field: 'status', oldValue: 'new', newValue: 'rejected' });
        factRows.push({ ticketId: row.id, createdAt: new Date(createdAt), status: 'rejected', priority, category: sample.category, departmentId, buildingId: base.buildingId, heldForReview: true });
        continue;
      }
      const aiTriaged = r() < 0.85;
      const overridden = aiTriaged && r() < 0.08;
      const frMs = Math.round(frTarget * (0.05 + r() ** 2 * 1.5));
      const pausedMs = r() < 0.25 ? Math.round((1 + r() * 40) * HOUR) : 0;
      const reopened = r() < 0.07;
      const firstCycle = Math.round(resTarget * (0.15 + r() ** 2 * 1.4));
      const secondCycle = reopened ? Math.round(resTarget * (0.05 + r() * 0.3)) : 0;
      const frBreached = frMs > frTarget;
      const resBreached = firstCycle > resTarget || secondCycle > resTarget;
      const firstRespondedAt = createdAt + frMs * WALL_PER_BUSINESS;
      const firstResolvedAt = Math.min(now - 2 * HOUR, createdAt + firstCycle * WALL_PER_BUSINESS + pausedMs);
      const reopenedAt = Math.min(now - HOUR, firstResolvedAt + 4 * HOUR);
      const resolvedAt = reopened ? Math.min(now - 30 * MINUTE, reopenedAt + secondCycle * WALL_PER_BUSINESS) : firstResolvedAt;
      const closedAt = Math.min(now - 10 * MINUTE, resolvedAt + 2 * DAY);
      const escalationLevel = frBreached || resBreached ? (r() < 0.3 ? 2 : 1) : 0;
      const score = r() < 0.45 ? Math.max(1, Math.min(5, Math.round(4.3 - (frBreached ? 1.2 : 0) - (resBreached ? 1 : 0) - (reopened ? 0.8 : 0) + (r() - 0.5) * 2))) : null;

      ticketRows.push({
        ...base,
        status: 'closed',
        departmentId,
        assigneeId,
        slaPolicyId: policy?.id ?? null,
        slaState: frBreached || resBreached ? 'breached' : 'met',
        escalationLevel,
        triageConfidence: aiTriaged ? 0.6 + r() * 0.4 : null,
        firstRespondedAt: new Date(firstRespondedAt),
        resolvedAt: new Date(resolvedAt),
        closedAt: new Date(closedAt),
        updatedAt: new Date(closedAt),
      });
      ev('triaged', createdAt + 2000, { source: aiTriaged ? 'ai' : 'api', field: 'category', newValue: sample.category });
      ev('assigned', createdAt + 3000, { field: 'assigneeId', newValue: assigneeId });
      if (overridden) ev('reclassified', createdAt + 20 * MINUTE, { source: 'api', actorId: assigneeId, field: 'priority', newValue: priority });
      if (frBreached) ev('sla_breached', createdAt + frTarget * WALL_PER_BUSINESS, { newValue: { target: 'first_response', percent: 100, cycle: 1 } });
      ev('first_response', firstRespondedAt, { actorId: assigneeId });
      commentRows.push({
        ticketId: row.id,
        authorId: assigneeId ?? row.requesterId,
        body: 'Thanks for reporting this. I am looking into it now.',
        createdAt: new Date(firstRespondedAt),
        updatedAt: new Date(firstRespondedAt),
      });
      if (pausedMs > 0) {
        ev('status_changed', firstRespondedAt + MINUTE, { field: 'status', oldValue: 'in_progress', newValue: 'waiting_on_customer' });
        commentRows.push({
          ticketId: row.id,
          authorId: row.requesterId,
          body: 'Here are the details you asked for.',
          createdAt: new Date(firstRespondedAt + pausedMs),
          updatedAt: new Date(firstRespondedAt + pausedMs),
        });
        ev('status_changed', firstRespondedAt + pausedMs, { field: 'status', oldValue: 'waiting_on_customer', newValue: 'in_progress' });
      }
      if (resBreached) ev('sla_breached', createdAt + resTarget * WALL_PER_BUSINESS, { newValue: { target: 'resolution', percent: 100, cycle: 1 } });
      if (escalationLevel > 0) ev('escalated', createdAt + resTarget * WALL_PER_BUSINESS + MINUTE, { field: 'escalationLevel', oldValue: 0, newValue: { level: escalationLevel, trigger: 'breach' } });
      ev('status_changed', firstResolvedAt, { field: 'status', oldValue: 'in_progress', newValue: 'resolved' });
      if (reopened) {
        ev('reopened', reopenedAt, { source: 'api', actorId: row.requesterId, field: 'status', oldValue: 'resolved', newValue: 'in_progress' });
        ev('status_changed', resolvedAt, { field: 'status', oldValue: 'in_progress', newValue: 'resolved' });
      }
      ev('auto_closed', closedAt, { field: 'status', oldValue: 'resolved', newValue: 'closed' });
      if (score !== null)
        ratingRows.push({
          ticketId: row.id,
          cycle: reopened ? 2 : 1,
          requesterId: row.requesterId,
          score,
          comment: score <= 2 ? 'It took too long.' : null,
          createdAt: new Date(resolvedAt + HOUR),
          updatedAt: new Date(resolvedAt + HOUR),
        });
      factRows.push({
        ticketId: row.id,
        createdAt: new Date(createdAt),
        status: 'closed',
        priority,
        category: sample.category,
        departmentId,
        buildingId: base.buildingId,
        assigneeId,
        slaPolicyId: policy?.id ?? null,
        firstRespondedAt: new Date(firstRespondedAt),
        resolvedAt: new Date(resolvedAt),
        closedAt: new Date(closedAt),
        firstResponseMs: frMs,
        firstResponseTargetMs: frTarget,
        firstResponseMet: !frBreached,
        firstResponseBreached: frBreached,
        resolutionMs: reopened ? secondCycle : firstCycle,
        resolutionPriorMs: reopened ? firstCycle : 0,
        resolutionTargetMs: resTarget,
        resolutionCycle: reopened ? 2 : 1,
        resolutionMet: !resBreached,
        resolutionBreached: resBreached,
        pausedMs,
        reopenCount: reopened ? 1 : 0,
        escalationLevel,
        aiTriaged,
        triageOverridden: overridden,
        rating: score,
        ratedAt: score === null ? null : new Date(resolvedAt + HOUR),
      });
    }
    await db.transaction(async (tx) => {
      await tx.insert(tickets).values(ticketRows);
      await tx.insert(ticketEvents).values(eventRows);
      if (commentRows.length > 0) await tx.insert(comments).values(commentRows);
      if (ratingRows.length > 0) await tx.insert(ticketRatings).values(ratingRows);
      await tx.insert(ticketFacts).values(factRows);
      await tx.execute(
        sql`update ticket_intake set created_at = v.at from (values ${sql.join(
          reservedAt.map((t) => sql`(${t.id}::uuid, ${new Date(t.at).toISOString()}::timestamptz)`),
          sql`, `,
        )}) as v(id, at) where ticket_intake.id = v.id`,
      );
    });
    say(`demo history: ${offset + size} / ${count} tickets (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }
  // The daily counts, from the events just written, as the activities would have added them up.
  await db.execute(sql`
    insert into report_daily (day, department_id, category, priority, building_id, assignee_id, sla_policy_id, created, resolved, reopened)
    select (e.created_at at time zone ${organisationTimezoneSql})::date, t.department_id, t.category, t.priority, t.building_id, t.assignee_id, t.sla_policy_id,
           count(*) filter (where e.kind = 'created'),
           count(*) filter (where e.kind = 'status_changed' and e.new_value = '"resolved"'::jsonb),
           count(*) filter (where e.kind = 'reopened')
    from ticket_events e join tickets t on t.id = e.ticket_id
    where e.dedupe_key like 'demo-history#%' and (e.kind in ('created', 'reopened') or (e.kind = 'status_changed' and e.new_value = '"resolved"'::jsonb))
    group by 1, 2, 3, 4, 5, 6, 7
    on conflict on constraint report_daily_key do update set
      created = report_daily.created + excluded.created, resolved = report_daily.resolved + excluded.resolved, reopened = report_daily.reopened + excluded.reopened`);
  return count;
}
