/**
 * The export routes under /api (plain HTTP so browsers save them as files), authenticated like
 * the other REST routes and scoped like the procedures they mirror:
 *   GET /api/exports/tickets.csv?<the list's filters>   the caller's visible tickets (ticket.list's scope)
 *   GET /api/exports/report.csv?section=<s>&<filters>   one report section (report.summary's scope)
 *   GET /api/exports/report.xlsx?<filters>              the whole report, a sheet per section
 * Repeated parameters are lists (`status=new&status=assigned`); dates are ISO 8601.
 */
import { TRPCError } from '@trpc/server';
import type { Context as HonoContext, Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client';
import type { SessionUser } from '../auth/session';
import { ZListTicketsInput } from '../tickets/schemas';
import { reportCsv, reportSections, reportXlsx, ticketsCsv } from './exports';
import { ZReportFilters } from '../../db/report-schemas';
import { ReportScopeError } from '../../db/report-scope';
import { buildReport } from '../../db/report-summary';

type Caller = (c: HonoContext) => Promise<{ user: SessionUser } | Response>;

const listKeys = new Set(['status', 'priority', 'slaState', 'departmentId', 'category', 'buildingId', 'assigneeId', 'slaPolicyId']);
const dateKeys = new Set(['createdFrom', 'createdTo', 'dueFrom', 'dueTo']);
const booleanKeys = new Set(['escalated']);

/** The query string as the procedures' input: repeated keys (and the list filters) as arrays, dates as Dates, true/false as booleans (anything else is left for zod to refuse). */
function queryInput(c: HonoContext, arrays: ReadonlySet<string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    if (arrays.has(key)) input[key] = values;
    else if (dateKeys.has(key)) input[key] = new Date(values[0]!);
    else if (booleanKeys.has(key)) input[key] = values[0] === 'true' ? true : values[0] === 'false' ? false : values[0];
    else input[key] = values[0];
  }
  return input;
}

const badRequest = (c: HonoContext, error: z.ZodError) => c.json({ error: 'BAD_REQUEST', message: 'Some parameters are invalid.', fieldErrors: z.flattenError(error).fieldErrors }, 400);
const statusOf: Partial<Record<TRPCError['code'], 400 | 403 | 404>> = { BAD_REQUEST: 400, FORBIDDEN: 403, NOT_FOUND: 404 };

const fileHeaders = (fileName: string, type: string) => ({
  'content-type': type,
  'content-disposition': `attachment; filename="${fileName}"`,
  'cache-control': 'private, no-store',
  'x-content-type-options': 'nosniff',
});

export function mountExports(app: Hono, deps: { db: Db; caller: Caller }) {
  const ticketListArrays = new Set([...listKeys].filter((k) => k !== 'assigneeId' && k !== 'slaPolicyId'));

  app.get('/api/exports/tickets.csv', async (c) => {
    const caller = await deps.caller(c);
    if (caller instanceof Response) return caller;
    const parsed = ZListTicketsInput.safeParse({ ...queryInput(c, ticketListArrays), limit: 1 });
    if (!parsed.success) return badRequest(c, parsed.error);
    const stamp = new Date().toISOString().slice(0, 10);
    return new Response(ticketsCsv(deps.db, caller.user, parsed.data), { headers: fileHeaders(`tickets-${stamp}.csv`, 'text/csv; charset=utf-8') });
  });

  const report = async (c: HonoContext) => {
    const caller = await deps.caller(c);
    if (caller instanceof Response) return caller;
    if (caller.user.role === 'requester') return c.json({ error: 'FORBIDDEN', message: 'Reports are for staff.' }, 403);
    const parsed = ZReportFilters.safeParse(queryInput(c, listKeys));
    if (!parsed.success) return badRequest(c, parsed.error);
    try {
      return { filters: parsed.data, report: await buildReport(deps.db, caller.user, parsed.data) };
    } catch (error) {
      if (error instanceof ReportScopeError) return c.json({ error: error.code, message: error.message }, 403);
      if (error instanceof TRPCError && statusOf[error.code]) return c.json({ error: error.code, message: error.message }, statusOf[error.code]!);
      throw error;
    }
  };

  app.get('/api/exports/report.csv', async (c) => {
    const section = z.enum(reportSections).safeParse(c.req.query('section'));
    if (!section.success) return c.json({ error: 'BAD_REQUEST', message: `section must be one of ${reportSections.join(', ')}.` }, 400);
    const built = await report(c);
    if (built instanceof Response) return built;
    const name = `report-${section.data}-${built.filters.from}-${built.filters.to}.csv`;
    return new Response(reportCsv(built.report, section.data), { headers: fileHeaders(name, 'text/csv; charset=utf-8') });
  });

  app.get('/api/exports/report.xlsx', async (c) => {
    const built = await report(c);
    if (built instanceof Response) return built;
    const name = `report-${built.filters.from}-${built.filters.to}.xlsx`;
    return new Response(reportXlsx(built.report), { headers: fileHeaders(name, 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet') });
  });
}
