/**
 * Exports: a ticket list (the list procedure's filters and scope) and every report section as CSV,
 * the whole report as XLSX. A ticket export is streamed from the database in keyset batches through
 * csv-stringify into the response, so a million rows never sit in memory; the header row is the
 * column dictionary's names (README, "Reports" → "Exports").
 */
import { PassThrough, Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client';
import { buildings, departments, tickets, users } from '../../db/schema';
import type { SessionUser } from '../auth/session';
import type { ListTicketsInput } from '../tickets/schemas';
import { listFilters } from '../tickets/service';
import type { Report } from '../../db/report-schemas';

/** Rows read per round trip of a ticket export. */
export const EXPORT_BATCH_SIZE = 1000;

/** The ticket export's columns, in order: name → what it holds (README's column dictionary). */
export const ticketColumns = [
  ['number', 'Ticket number'],
  ['title', 'Title'],
  ['status', 'Status (new, triaged, assigned, in_progress, waiting_on_customer, waiting_on_third_party, resolved, closed, cancelled, rejected)'],
  ['priority', 'Priority (low, medium, high, critical)'],
  ['urgency', 'Urgency the requester chose'],
  ['category', 'Category (triage’s, else the requester’s)'],
  ['department', 'Department name'],
  ['building', 'Building name'],
  ['assignee', 'Assignee name'],
  ['requester', 'Requester name'],
  ['sla_state', 'SLA state (on_track, at_risk, breached, paused, met)'],
  ['escalation_level', 'Escalation level (0: none)'],
  ['created_at', 'Opened (ISO 8601, UTC)'],
  ['first_responded_at', 'First public agent reply (ISO 8601, UTC)'],
  ['resolved_at', 'Resolved (ISO 8601, UTC)'],
  ['closed_at', 'Closed (ISO 8601, UTC)'],
  ['response_due_at', 'Next response due (ISO 8601, UTC)'],
  ['resolution_due_at', 'Resolution due (ISO 8601, UTC)'],
] as const;

const assignee = alias(users, 'assignee');
const requester = alias(users, 'requester');
const isoOrEmpty = (d: Date | null) => (d ? d.toISOString() : '');

/** The visible tickets matching the list's filters, newest first, one keyset batch at a time. */
export async function* ticketExportRows(db: Db, user: SessionUser, input: ListTicketsInput, batchSize = EXPORT_BATCH_SIZE): AsyncGenerator<string[]> {
  const filters = listFilters(user, input);
  let after: { createdAt: string; id: string } | null = null;
  for (;;) {
    const keyset: SQL[] = after ? [sql`(${tickets.createdAt}, ${tickets.id}) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`] : [];
    const batch = await db
      .select({
        id: tickets.id,
        // As text: keeps the microseconds a JS Date would drop (and with them, rows at the batch edge).
        createdAtKey: sql<string>`${tickets.createdAt}::text`,
        number: tickets.number,
        title: tickets.title,
        status: tickets.status,
        priority: tickets.priority,
        urgency: tickets.urgency,
        category: sql<string | null>`coalesce(${tickets.category}, ${tickets.requestedCategory})`,
        department: departments.name,
        building: buildings.name,
        assignee: assignee.name,
        requester: requester.name,
        slaState: tickets.slaState,
        escalationLevel: tickets.escalationLevel,
        createdAt: tickets.createdAt,
        firstRespondedAt: tickets.firstRespondedAt,
        resolvedAt: tickets.resolvedAt,
        closedAt: tickets.closedAt,
        responseDueAt: tickets.responseDueAt,
        resolutionDueAt: tickets.resolutionDueAt,
      })
      .from(tickets)
      .leftJoin(departments, eq(departments.id, tickets.departmentId))
      .leftJoin(buildings, eq(buildings.id, tickets.buildingId))
      .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
      .innerJoin(requester, eq(requester.id, tickets.requesterId))
      .where(and(...filters, ...keyset))
      .orderBy(sql`${tickets.createdAt} desc`, sql`${tickets.id} desc`)
      .limit(batchSize);
    for (const t of batch) {
      yield [
        String(t.number),
        t.title,
        t.status,
        t.priority,
        t.urgency,
        t.category ?? '',
        t.department ?? '',
        t.building ?? '',
        t.assignee ?? '',
        t.requester,
        t.slaState,
        String(t.escalationLevel),
        isoOrEmpty(t.createdAt),
        isoOrEmpty(t.firstRespondedAt),
        isoOrEmpty(t.resolvedAt),
        isoOrEmpty(t.closedAt),
        isoOrEmpty(t.responseDueAt),
        isoOrEmpty(t.resolutionDueAt),
      ];
    }
    if (batch.length < batchSize) return;
    const last: { createdAtKey: string; id: string } = batch.at(-1)!;
    after = { createdAt: last.createdAtKey, id: last.id };
  }
}

/** Rows (arrays) as a CSV byte stream with a header row; backpressure flows back to the generator. */
export function csvStream(header: readonly string[], rows: AsyncIterable<unknown[]> | Iterable<unknown[]>): ReadableStream<Uint8Array> {
  const source = Readable.from(rows, { objectMode: true });
  const csv = stringify({ header: true, columns: [...header], cast: { boolean: (b) => (b ? 'true' : 'false') } });
  source.on('error', (error) => csv.destroy(error));
  return Readable.toWeb(source.pipe(csv)) as ReadableStream<Uint8Array>;
}

export const ticketsCsv = (db: Db, user: SessionUser, input: ListTicketsInput) =>
  csvStream(
    ticketColumns.map(([name]) => name),
    ticketExportRows(db, user, input),
  );

// -------------------------------------------------------------------------------------------------
// Report sections: each a table (header, rows) the CSV, the XLSX and the console's tables share.

export const reportSections = ['sla', 'times', 'backlog', 'volume', 'agents', 'departments', 'buildings', 'escalations', 'satisfaction', 'quality'] as const;
export type ReportSection = (typeof reportSections)[number];

export type Table = { header: string[]; rows: (string | number | null)[][] };

const rate = (value: number | null) => (value === null ? null : Math.round(value * 10_000) / 10_000);
const minutes = (ms: number | null) => (ms === null ? null : Math.round(ms / 600) / 100);

export function reportTable(report: Report, section: ReportSection): Table {
  switch (section) {
    case 'sla':
      return {
        header: ['target', 'total', 'met', 'breached', 'open', 'at_risk', 'met_rate', 'breached_rate'],
        rows: (['firstResponse', 'resolution'] as const).map((target) => {
          const c = report.sla[target];
          return [target === 'firstResponse' ? 'first_response' : 'resolution', c.total, c.met, c.breached, c.open, c.atRisk, rate(c.metRate), rate(c.breachedRate)];
        }),
      };
    case 'times':
      return {
        header: ['measure', 'tickets', 'p50_business_minutes', 'p90_business_minutes', 'total_minutes', 'average_minutes'],
        rows: [
          ['first_response', report.times.firstResponse.count, minutes(report.times.firstResponse.p50Ms), minutes(report.times.firstResponse.p90Ms), null, null],
          ['resolution', report.times.resolution.count, minutes(report.times.resolution.p50Ms), minutes(report.times.resolution.p90Ms), null, null],
          ['paused', report.times.paused.tickets, null, null, minutes(report.times.paused.totalMs), minutes(report.times.paused.averageMs)],
        ],
      };
    case 'backlog':
      return { header: ['age', 'open_tickets'], rows: report.backlog.buckets.map((b) => [b.bucket, b.count]) };
    case 'volume':
      return { header: [`${report.period.interval}_start`, 'created', 'resolved', 'reopened'], rows: report.volume.series.map((s) => [s.start, s.created, s.resolved, s.reopened]) };
    case 'agents':
      return {
        header: ['assignee_id', 'assignee', 'assigned', 'resolved', 'first_response_p50_business_minutes', 'resolution_p50_business_minutes', 'reopen_rate', 'satisfaction_average', 'ratings'],
        rows: report.agents.map((a) => [a.assigneeId, a.name, a.assigned, a.resolved, minutes(a.firstResponseP50Ms), minutes(a.resolutionP50Ms), rate(a.reopenRate), a.satisfaction, a.ratings]),
      };
    case 'departments':
    case 'buildings':
      return {
        header: [section === 'departments' ? 'department' : 'building', 'created', 'resolved', 'open', 'breached'],
        rows: (section === 'departments' ? report.byDepartment : report.byBuilding).map((b) => [b.name, b.created, b.resolved, b.open, b.breached]),
      };
    case 'escalations':
      return { header: ['level', 'tickets'], rows: report.escalations.map((e) => [e.level, e.tickets]) };
    case 'satisfaction':
      return {
        header: ['score', 'ratings'],
        rows: [...report.satisfaction.distribution.map((n, i) => [String(i + 1), n] as (string | number)[]), ['average', report.satisfaction.average ?? ''], ['low (≤ 2)', report.satisfaction.low]],
      };
    case 'quality':
      return {
        header: ['measure', 'value'],
        rows: [
          ['held_by_screening', report.screening.held],
          ['triaged_automatically', report.triage.automatic],
          ['triage_overridden_by_agents', report.triage.overridden],
          ['triage_override_rate', rate(report.triage.overrideRate)],
          ['reopen_rate', rate(report.volume.reopenRate)],
          // Empty where the report's scope or filters give deflections no figure (db/report-deflections.ts).
          ['knowledge_base_deflections', report.deflections?.count ?? null],
        ],
      };
  }
}

export const reportCsv = (report: Report, section: ReportSection) => {
  const table = reportTable(report, section);
  return csvStream(table.header, table.rows);
};

/** The whole report as one workbook, a sheet per section, streamed as it is written. */
export function reportXlsx(report: Report): ReadableStream<Uint8Array> {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  workbook.creator = 'Deskflow';
  const about = workbook.addWorksheet('period');
  about.addRow(['from', report.period.from]).commit();
  about.addRow(['to', report.period.to]).commit();
  about.addRow(['timezone', report.period.timezone]).commit();
  about.addRow(['scope', report.scope]).commit();
  about.commit();
  for (const section of reportSections) {
    const table = reportTable(report, section);
    const sheet = workbook.addWorksheet(section);
    const header = sheet.addRow(table.header);
    header.font = { bold: true };
    header.commit();
    for (const row of table.rows) sheet.addRow(row).commit();
    sheet.commit();
  }
  workbook.commit().catch((error: unknown) => out.destroy(error as Error));
  return Readable.toWeb(out) as ReadableStream<Uint8Array>;
}
