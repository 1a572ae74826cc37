/**
 * Admin-managed SLA configuration: business calendars, SLA policies, escalation groups and the
 * lifecycle settings (auto-close, reopen window, parent/child rule, triage confidence). Mounted
 * as `admin.sla`; every procedure needs an admin (see api/lifecycle/sla-admin.ts).
 */
import { z } from 'zod';
import {
  createCalendar,
  createPolicy,
  deleteCalendar,
  deletePolicy,
  getEscalationGroup,
  getLifecycleSettings,
  listCalendars,
  listPolicies,
  previewMatch,
  setEscalationGroup,
  updateCalendar,
  updateLifecycleSettings,
  updatePolicy,
  ZCalendarInput,
  ZCalendarUpdate,
  ZEscalationGroup,
  ZMatchPreview,
  ZPolicyInput,
  ZPolicyUpdate,
  ZSettingsUpdate,
} from '../lifecycle/sla-admin';
import { adminProcedure, createTRPCRouter } from '../trpc';

const ZId = z.object({ id: z.uuid() });

export const slaRouter = createTRPCRouter({
  calendar: createTRPCRouter({
    list: adminProcedure.query(({ ctx }) => listCalendars(ctx.db)),
    create: adminProcedure.input(ZCalendarInput).mutation(({ ctx, input }) => createCalendar(ctx, input)),
    update: adminProcedure.input(ZCalendarUpdate).mutation(({ ctx, input }) => updateCalendar(ctx, input)),
    delete: adminProcedure.input(ZId).mutation(({ ctx, input }) => deleteCalendar(ctx, input.id)),
  }),
  policy: createTRPCRouter({
    list: adminProcedure.query(({ ctx }) => listPolicies(ctx.db)),
    create: adminProcedure.input(ZPolicyInput).mutation(({ ctx, input }) => createPolicy(ctx, input)),
    update: adminProcedure.input(ZPolicyUpdate).mutation(({ ctx, input }) => updatePolicy(ctx, input)),
    delete: adminProcedure.input(ZId).mutation(({ ctx, input }) => deletePolicy(ctx, input.id)),
    /** Which policy a ticket with these attributes would run under. */
    match: adminProcedure.input(ZMatchPreview).query(({ ctx, input }) => previewMatch(ctx.db, input)),
  }),
  escalationGroup: createTRPCRouter({
    get: adminProcedure.input(z.object({ departmentId: z.uuid() })).query(({ ctx, input }) => getEscalationGroup(ctx.db, input.departmentId)),
    set: adminProcedure.input(ZEscalationGroup).mutation(({ ctx, input }) => setEscalationGroup(ctx, input)),
  }),
  settings: createTRPCRouter({
    get: adminProcedure.query(({ ctx }) => getLifecycleSettings(ctx.db)),
    update: adminProcedure.input(ZSettingsUpdate).mutation(({ ctx, input }) => updateLifecycleSettings(ctx, input)),
  }),
});
