/**
 * The daily misuse check's activity (workflows/misuse.ts): for one window, per user, the tickets
 * they opened against the per-requester limit, what screening held of theirs, and their tickets
 * that say nearly the same thing (sentence embeddings, db/ticket-embeddings.ts); a report row for
 * each user with something to look at. Written once per user and window end: a retried or
 * replayed activity writes nothing twice.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { comments, misuseReports, ticketEmbeddings, ticketEvents, ticketIntake, tickets, users, type MisuseFindings } from '../../db/schema';
import { readTicketRateLimit } from '../../db/settings';

/** Cosine similarity at or above which two tickets of one user count as near-duplicates (rewordings score ~0.65-0.9; copies and small edits above 0.9). */
export const NEAR_DUPLICATE_SIMILARITY = 0.9;
const EXCERPT = 160;

const rowsOf = <T>(result: unknown) => (result as { rows: T[] }).rows;
const excerpt = (text: string) => (text.length > EXCERPT ? `${text.slice(0, EXCERPT - 1)}…` : text);

type Finding = MisuseFindings;

export function misuseActivities(db: Db) {
  return {
    async writeMisuseReports(input: { windowStart: string; windowEnd: string }): Promise<{ reports: number }> {
      const start = new Date(input.windowStart);
      const end = new Date(input.windowEnd);
      const inWindow = (column: unknown) => sql`${column} > ${start.toISOString()}::timestamptz and ${column} <= ${end.toISOString()}::timestamptz`;
      const findings = new Map<string, Finding>();
      const of = (userId: string) => {
        let found = findings.get(userId);
        if (!found) {
          found = { ticketVolume: { count: 0, limit: 0, windowHours: 24, overLimit: false }, screened: [], nearDuplicates: [] };
          findings.set(userId, found);
        }
        return found;
      };
      const windowHours = (end.getTime() - start.getTime()) / 3_600_000;
      const rate = await readTicketRateLimit(db);
      // The limit over this window (the setting may count over another window length).
      const limit = Math.max(1, Math.round((rate.max * windowHours) / rate.windowHours));

      // Ticket volume: reservations (what the limit counts), requesters only (staff are not limited).
      const volume = rowsOf<{ userId: string; count: number }>(
        await db.execute(sql`
          select i.requester_id as "userId", count(*)::int as count from ${ticketIntake} i join ${users} u on u.id = i.requester_id
          where u.role = 'requester' and ${inWindow(sql`i.created_at`)} group by i.requester_id having count(*) >= ${limit}`),
      );
      for (const { userId, count } of volume) of(userId).ticketVolume = { count, limit, windowHours, overLimit: count > limit };

      // Screened: their tickets held for review, their messages held (or rejected) by screening.
      // A hold writes one held_for_review event per field it changes (status, department, …): one finding per ticket, its first.
      const heldTickets = rowsOf<{ userId: string; ticketId: string; number: number; title: string; reason: string | null; at: Date | string }>(
        await db.execute(sql`
          select * from (
            select distinct on (t.id) t.requester_id as "userId", t.id as "ticketId", t.number, t.title, e.reason, e.created_at as at
            from ${ticketEvents} e join ${tickets} t on t.id = e.ticket_id
            where e.kind = 'held_for_review' and ${inWindow(sql`e.created_at`)} order by t.id, e.created_at, e.id
          ) held order by at, number`),
      );
      for (const r of heldTickets)
        of(r.userId).screened.push({ kind: 'ticket', ticketId: r.ticketId, ticketNumber: r.number, excerpt: excerpt(r.title), reason: r.reason, at: new Date(r.at).toISOString() });
      const heldMessages = rowsOf<{ userId: string; ticketId: string; number: number; body: string; state: string; at: Date | string }>(
        await db.execute(sql`
          select c.author_id as "userId", c.ticket_id as "ticketId", t.number, c.body, c.review_state as state, c.created_at as at
          from ${comments} c join ${tickets} t on t.id = c.ticket_id
          where c.review_state is not null and ${inWindow(sql`c.created_at`)} order by c.created_at`),
      );
      for (const r of heldMessages)
        of(r.userId).screened.push({
          kind: 'message',
          ticketId: r.ticketId,
          ticketNumber: r.number,
          excerpt: excerpt(r.body),
          reason: `held by screening (${r.state})`,
          at: new Date(r.at).toISOString(),
        });

      // Near-duplicates: pairs of one requester's tickets in the window, grouped (connected pairs form a group).
      const pairs = rowsOf<{ userId: string; a: string; b: string; similarity: number }>(
        await db.execute(sql`
          with recent as (
            select t.id, t.requester_id, e.embedding from ${tickets} t join ${ticketEmbeddings} e on e.ticket_id = t.id where ${inWindow(sql`t.created_at`)}
          )
          select a.requester_id as "userId", a.id as a, b.id as b, 1 - (a.embedding <=> b.embedding) as similarity
          from recent a join recent b on a.requester_id = b.requester_id and a.id < b.id
          where 1 - (a.embedding <=> b.embedding) >= ${NEAR_DUPLICATE_SIMILARITY}`),
      );
      if (pairs.length > 0) {
        const ids = [...new Set(pairs.flatMap((p) => [p.a, p.b]))];
        const titles = new Map(
          rowsOf<{ id: string; number: number; title: string }>(
            await db.execute(
              sql`select id, number, title from ${tickets} where id in (${sql.join(
                ids.map((id) => sql`${id}::uuid`),
                sql`, `,
              )})`,
            ),
          ).map((t) => [t.id, t]),
        );
        const parent = new Map<string, string>();
        const root = (id: string): string => {
          const up = parent.get(id) ?? id;
          if (up === id) return id;
          const top = root(up);
          parent.set(id, top);
          return top;
        };
        for (const p of pairs) parent.set(root(p.a), root(p.b));
        const groups = new Map<string, { userId: string; members: Set<string>; minSimilarity: number }>();
        for (const p of pairs) {
          const key = root(p.a);
          const group = groups.get(key) ?? { userId: p.userId, members: new Set<string>(), minSimilarity: 1 };
          group.members.add(p.a).add(p.b);
          group.minSimilarity = Math.min(group.minSimilarity, Number(p.similarity));
          groups.set(key, group);
        }
        for (const group of groups.values()) {
          const members = [...group.members].map((id) => titles.get(id)!).sort((x, y) => x.number - y.number);
          of(group.userId).nearDuplicates.push({ tickets: members.map((t) => ({ id: t.id, number: t.number, title: t.title })), minSimilarity: Math.round(group.minSimilarity * 1000) / 1000 });
        }
      }

      if (findings.size === 0) return { reports: 0 };
      for (const found of findings.values()) {
        if (found.ticketVolume.limit === 0) found.ticketVolume = { count: 0, limit, windowHours, overLimit: false };
      }
      // Volume of users reported for other reasons, for the admin's context.
      const counts = rowsOf<{ userId: string; count: number }>(
        await db.execute(sql`
          select requester_id as "userId", count(*)::int as count from ${ticketIntake}
          where requester_id in (${sql.join(
            [...findings.keys()].map((id) => sql`${id}::uuid`),
            sql`, `,
          )}) and ${inWindow(sql`created_at`)} group by requester_id`),
      );
      for (const { userId, count } of counts) findings.get(userId)!.ticketVolume.count = count;

      const written = await db
        .insert(misuseReports)
        .values([...findings.entries()].map(([userId, found]) => ({ userId, windowStart: start, windowEnd: end, findings: found })))
        .onConflictDoNothing({ target: [misuseReports.userId, misuseReports.windowEnd] })
        .returning({ id: misuseReports.id });
      return { reports: written.length };
    },
  };
}
