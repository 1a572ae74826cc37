/**
 * Knowledge-base deflections in the report: the drafts a requester dropped because an article
 * solved it (kb_deflections, recorded by api/knowledge/deflection.ts). Rare next to tickets, so a direct count
 * over the period's rows (created_at index) rather than a rollup.
 *
 * A deflection has no ticket: it belongs to a department through its article (the article's
 * category's department). Admins count them all, supervisors those of their departments' articles,
 * and a department filter narrows the same way. The ticket dimensions (assignee, category,
 * priority, building, SLA policy) do not apply, so a report narrowed by one of them, and an
 * agent's own report, has no deflection figure (null) rather than a wrong one.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import type { Report, ReportFilters } from './report-schemas';
import { uuidList, type ReportViewer } from './report-scope';

/** How many of the most deflecting articles the report lists. */
export const TOP_DEFLECTING_ARTICLES = 5;

/** `period`: the report's bounds as instants (report-summary.ts periodStart and periodEnd, in the organisation's timezone). */
export async function deflectionFigures(db: Db, user: ReportViewer, filters: ReportFilters, period: { start: SQL; end: SQL }): Promise<Report['deflections']> {
  if (user.role !== 'admin' && user.role !== 'supervisor') return null;
  if (filters.assigneeId || filters.category || filters.priority || filters.buildingId || filters.slaPolicyId) return null;
  const conditions: SQL[] = [sql`d.created_at >= ${period.start}`, sql`d.created_at < ${period.end}`];
  if (user.role === 'supervisor') conditions.push(user.staffDepartmentIds.length > 0 ? sql`a.department_id in (${uuidList(user.staffDepartmentIds)})` : sql`false`);
  if (filters.departmentId) conditions.push(sql`a.department_id in (${uuidList(filters.departmentId)})`);
  const result = (await db.execute(sql`
    select a.id, a.slug, a.title, count(*)::int as deflections, (sum(count(*)) over ())::int as total
    from kb_deflections d join kb_articles a on a.id = d.article_id
    where ${sql.join(conditions, sql` and `)}
    group by a.id, a.slug, a.title
    order by deflections desc, a.title, a.id`)) as unknown as { rows: { id: string; slug: string; title: string; deflections: number; total: number }[] };
  const rows = result.rows;
  return {
    count: Number(rows[0]?.total ?? 0),
    topArticles: rows.slice(0, TOP_DEFLECTING_ARTICLES).map((r) => ({ articleId: r.id, slug: r.slug, title: r.title, deflections: Number(r.deflections) })),
  };
}
