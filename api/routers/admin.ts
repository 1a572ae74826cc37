/**
 * Administration: users (invite, roles, departments, skills, deactivate), departments,
 * buildings, categories, templates, settings, notification defaults, and the admin audit trail. Every change is
 * audited, in its own transaction, with who made it and what changed (api/admin/<entity>/).
 * (SLA policies and calendars: routers/sla.ts.)
 */
import { z } from 'zod';
import { ZAiUsageInput } from '../admin/ai/schemas';
import { aiUsage } from '../admin/ai/service';
import { ZAuditInput } from '../admin/audit/schemas';
import { listAudit } from '../admin/audit/service';
import { ZCreateBuildingInput, ZUpdateBuildingInput } from '../admin/buildings/schemas';
import { createBuilding, deleteBuilding, listBuildings, updateBuilding } from '../admin/buildings/service';
import { ZCategoryFields, ZUpdateCategoryInput } from '../admin/categories/schemas';
import { createCategory, deleteCategory, listCategories, updateCategory } from '../admin/categories/service';
import { ZCreateDepartmentInput, ZUpdateDepartmentInput } from '../admin/departments/schemas';
import { createDepartment, deleteDepartment, listDepartments, updateDepartment } from '../admin/departments/service';
import { ZOrganisationDefaults, ZSetOrganisationDefaultsInput } from '../notifications/schemas';
import { getOrganisationDefaults, setOrganisationDefaults } from '../notifications/service';
import { ZSettings } from '../admin/settings/schemas';
import { getSettings, updateSettings } from '../admin/settings/service';
import { ZId } from '../admin/shared';
import { ZMisuseLiftInput, ZMisuseListInput, ZMisuseRestrictInput, ZMisuseReviewInput } from '../admin/misuse/schemas';
import { liftRestriction, listMisuseReports, restrictMisuseUser, reviewMisuseReport, runMisuseCheckNow, syncMisuseSchedule } from '../admin/misuse/service';
import { ZOutboxListInput, ZRetryMailsInput } from '../admin/mail/schemas';
import { listMail, retryMail } from '../admin/mail/service';
import { ZCreateTemplateInput, ZUpdateTemplateInput } from '../admin/templates/schemas';
import { createTemplate, deleteTemplate, listTemplates, updateTemplate } from '../admin/templates/service';
import { ZInviteUserInput, ZListUsersInput, ZUpdateUserInput } from '../admin/users/schemas';
import { deactivateUser, inviteUser, listUsers, reactivateUser, resendInvitation, updateUser } from '../admin/users/service';
import { adminProcedure, createTRPCRouter } from '../trpc';
import { inboundMailRouter } from './inbound-mail';
import { slaRouter } from './sla';

const usersRouter = createTRPCRouter({
  list: adminProcedure.input(ZListUsersInput).query(({ ctx, input }) => listUsers(ctx.db, input)),
  /** Creates the account and emails a link to choose a password; the admin gets the link too. */
  invite: adminProcedure.input(ZInviteUserInput).mutation(({ ctx, input }) => inviteUser(ctx, input)),
  resendInvitation: adminProcedure.input(ZId).mutation(({ ctx, input }) => resendInvitation(ctx, input.id)),
  update: adminProcedure.input(ZUpdateUserInput).mutation(({ ctx, input }) => updateUser(ctx, input)),
  deactivate: adminProcedure.input(ZId).mutation(({ ctx, input }) => deactivateUser(ctx, input.id)),
  reactivate: adminProcedure.input(ZId).mutation(({ ctx, input }) => reactivateUser(ctx, input.id)),
});

const departmentsRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => listDepartments(ctx.db)),
  create: adminProcedure.input(ZCreateDepartmentInput).mutation(({ ctx, input }) => createDepartment(ctx, input)),
  update: adminProcedure.input(ZUpdateDepartmentInput).mutation(({ ctx, input }) => updateDepartment(ctx, input)),
  delete: adminProcedure.input(ZId).mutation(({ ctx, input }) => deleteDepartment(ctx, input.id)),
});

const buildingsRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => listBuildings(ctx.db)),
  create: adminProcedure.input(ZCreateBuildingInput).mutation(({ ctx, input }) => createBuilding(ctx, input)),
  update: adminProcedure.input(ZUpdateBuildingInput).mutation(({ ctx, input }) => updateBuilding(ctx, input)),
  delete: adminProcedure.input(ZId).mutation(({ ctx, input }) => deleteBuilding(ctx, input.id)),
});

const categoriesRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => listCategories(ctx.db)),
  create: adminProcedure.input(ZCategoryFields).mutation(({ ctx, input }) => createCategory(ctx, input)),
  update: adminProcedure.input(ZUpdateCategoryInput).mutation(({ ctx, input }) => updateCategory(ctx, input)),
  delete: adminProcedure.input(ZId).mutation(({ ctx, input }) => deleteCategory(ctx, input.id)),
});

const templatesRouter = createTRPCRouter({
  list: adminProcedure.input(z.void()).query(({ ctx }) => listTemplates(ctx.db)),
  create: adminProcedure.input(ZCreateTemplateInput).mutation(({ ctx, input }) => createTemplate(ctx, input)),
  update: adminProcedure.input(ZUpdateTemplateInput).mutation(({ ctx, input }) => updateTemplate(ctx, input)),
  delete: adminProcedure.input(ZId).mutation(({ ctx, input }) => deleteTemplate(ctx, input.id)),
});

const settingsRouter = createTRPCRouter({
  get: adminProcedure.input(z.void()).query(({ ctx }) => getSettings(ctx.db)),
  update: adminProcedure.input(ZSettings.partial()).mutation(async ({ ctx, input }) => {
    const settings = await updateSettings(ctx, input);
    // The misuse check's Schedule runs at the set time: move it with the setting.
    if (input.misuseReportTime !== undefined) await syncMisuseSchedule(ctx.db, ctx.temporal, ctx.taskQueue);
    return settings;
  }),
});

/** The organisation's default per notification kind (in the app or not, how it is mailed), for users who did not choose. */
const notificationDefaultsRouter = createTRPCRouter({
  get: adminProcedure
    .input(z.void())
    .output(ZOrganisationDefaults)
    .query(({ ctx }) => getOrganisationDefaults(ctx.db)),
  set: adminProcedure
    .input(ZSetOrganisationDefaultsInput)
    .output(ZOrganisationDefaults)
    .mutation(({ ctx, input }) => setOrganisationDefaults(ctx, input)),
});

/** The mail outbox: every mail with its status, attempts and the SMTP server's answer; failed ones can be retried. */
const mailRouter = createTRPCRouter({
  list: adminProcedure.input(ZOutboxListInput).query(({ ctx, input }) => listMail(ctx, input)),
  retry: adminProcedure.input(ZRetryMailsInput).mutation(({ ctx, input }) => retryMail(ctx, input)),
});

const aiAdminRouter = createTRPCRouter({
  /** Per feature: calls, tokens, p50/p95 latency, fallbacks and errors since a date (7 days by default); and the last 50 calls. */
  usage: adminProcedure.input(ZAiUsageInput).query(({ ctx, input }) => aiUsage(ctx, input)),
});

/** Misuse reports of the daily check (workflows/misuse.ts) and restricting a user from opening tickets. */
const misuseRouter = createTRPCRouter({
  list: adminProcedure.input(ZMisuseListInput).query(({ ctx, input }) => listMisuseReports(ctx.db, input)),
  review: adminProcedure.input(ZMisuseReviewInput).mutation(({ ctx, input }) => reviewMisuseReport(ctx, input)),
  restrict: adminProcedure.input(ZMisuseRestrictInput).mutation(({ ctx, input }) => restrictMisuseUser(ctx, input)),
  lift: adminProcedure.input(ZMisuseLiftInput).mutation(({ ctx, input }) => liftRestriction(ctx, input)),
  runNow: adminProcedure.input(z.void()).mutation(({ ctx }) => runMisuseCheckNow(ctx)),
});

export const adminRouter = createTRPCRouter({
  misuse: misuseRouter,
  users: usersRouter,
  departments: departmentsRouter,
  buildings: buildingsRouter,
  categories: categoriesRouter,
  templates: templatesRouter,
  settings: settingsRouter,
  notificationDefaults: notificationDefaultsRouter,
  mail: mailRouter,
  /** What the AI steps cost and how they ended (ai_calls). */
  ai: aiAdminRouter,
  /** SLA calendars, policies, escalation groups and lifecycle settings (auto-close, reopen window). */
  sla: slaRouter,
  /** Inbound mail: what each mail became, failures with their raw message, bouncing addresses. */
  inboundMail: inboundMailRouter,
  /** The admin audit trail, newest first. */
  audit: adminProcedure.input(ZAuditInput).query(({ ctx, input }) => listAudit(ctx.db, input)),
});
