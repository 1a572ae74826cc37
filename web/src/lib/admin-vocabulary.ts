/** Words of the admin section the router needs too (kept tiny: the router is in the first chunk). */
import type { RouterInputs } from '../trpc';

export type AuditTargetType = NonNullable<Exclude<RouterInputs['admin']['audit'], void | undefined>['targetType']>;

/** What the audit log can be filtered by (admin.audit's targetType). */
export const auditTargetTypes = [
  'user',
  'department',
  'building',
  'category',
  'template',
  'settings',
  'api_token',
  'session',
  'business_calendar',
  'sla_policy',
] as const satisfies readonly AuditTargetType[];
