/**
 * Who may report on what (admins everything, supervisors their departments, agents their own
 * tickets) and the report filters, as SQL conditions on any table with the facts' dimension
 * columns: shared by the report figures (report-summary.ts, report-deflections.ts) and the API's
 * scheduled reports.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Role } from '../domain/vocabulary';
import type { Report, ReportFilters } from './report-schemas';

export type ReportScope = Report['scope'];

/** Whose report it is: the signed-in caller (api/reports) or a scheduled report's owner as they are now (worker/activities/report-digest.ts). */
export type ReportViewer = { id: string; role: Role; staffDepartmentIds: readonly string[] };

/** A filter outside the viewer's scope, or a viewer who may not see reports: the API answers FORBIDDEN with its message. */
export class ReportScopeError extends Error {
  readonly code = 'FORBIDDEN';
  constructor(message: string) {
    super(message);
    this.name = 'ReportScopeError';
  }
}

/** Who the caller may report on, as a condition on a table with the facts' dimension columns (alias `a`). */
export function reportScope(user: ReportViewer, filters: Pick<ReportFilters, 'departmentId' | 'assigneeId'>, alias: string): { scope: ReportScope; condition: SQL } {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  if (user.role === 'admin') return { scope: 'all', condition: sql`true` };
  if (user.role === 'supervisor') {
    const outside = (filters.departmentId ?? []).filter((id) => !user.staffDepartmentIds.includes(id));
    if (outside.length > 0) throw new ReportScopeError('departmentId: you may report only on the departments you supervise.');
    if (user.staffDepartmentIds.length === 0) return { scope: 'departments', condition: sql`false` };
    return {
      scope: 'departments',
      condition: sql`${col('department_id')} in (${sql.join(
        user.staffDepartmentIds.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    };
  }
  if (user.role === 'agent') {
    if ((filters.assigneeId ?? []).some((id) => id !== user.id)) throw new ReportScopeError('assigneeId: agents see their own figures only.');
    return { scope: 'own', condition: sql`${col('assignee_id')} = ${user.id}::uuid` };
  }
  throw new ReportScopeError('Reports are for staff.');
}

/** A list of uuids as SQL parameters, for `in (…)`. */
export const uuidList = (values: readonly string[]) =>
  sql.join(
    values.map((v) => sql`${v}::uuid`),
    sql`, `,
  );

/** The filters as conditions on a table with the facts' dimension columns (alias `a`). */
export function dimensionFilters(filters: ReportFilters, alias: string): SQL[] {
  const col = (name: string) => sql.raw(`${alias}.${name}`);
  const out: SQL[] = [];
  if (filters.departmentId) out.push(sql`${col('department_id')} in (${uuidList(filters.departmentId)})`);
  if (filters.buildingId) out.push(sql`${col('building_id')} in (${uuidList(filters.buildingId)})`);
  if (filters.assigneeId) out.push(sql`${col('assignee_id')} in (${uuidList(filters.assigneeId)})`);
  if (filters.slaPolicyId) out.push(sql`${col('sla_policy_id')} in (${uuidList(filters.slaPolicyId)})`);
  if (filters.priority)
    out.push(
      sql`${col('priority')} in (${sql.join(
        filters.priority.map((p) => sql`${p}::priority`),
        sql`, `,
      )})`,
    );
  if (filters.category)
    out.push(
      sql`lower(${col('category')}) in (${sql.join(
        filters.category.map((c) => sql`${c.toLowerCase()}`),
        sql`, `,
      )})`,
    );
  return out;
}
