/**
 * THE access matrix: one entry per tRPC procedure, saying who may call it and with what input.
 * test/api/access-matrix.test.ts walks every procedure of appRouter and calls it as each role
 * (anonymous, requester, agent, supervisor, admin) about a ticket in each relation to the caller
 * (own, same department, other department, another requester's); a procedure without an entry
 * here fails the suite (and so does an entry for a procedure that no longer exists).
 *
 * Adding a procedure: add `'router.procedure': { allow: rules.X, input: (c) => ({ … }) }` below
 * (keep the groups by router). Relations, per role (built in matrix-support.ts):
 *   own              requester: they requested it · agent: assigned to them · supervisor/admin: they requested it
 *   sameDepartment   in the caller's department (IT), another requester's, assigned to someone else
 *   otherDepartment  in HR, another requester's, assigned to someone else
 *   anotherRequester another requester's ticket in no department, unassigned (a bare row, no workflow)
 *   filedElsewhere   the caller filed it; in HR (another department for the staff), assigned to an HR agent
 *   watching         another requester's ticket in HR that the caller watches
 * Staff powers are per ticket (domain/access.ts): the caller has them on `own` and `sameDepartment`
 * (admins everywhere); on `filedElsewhere` and `watching` they are a requester, whatever their role.
 * The tickets with workflows wait on the customer (matrix-support.ts), a status in which most
 * lifecycle moves are illegal: those calls get past access control and are refused with
 * BAD_REQUEST, so they leave the shared fixtures as they are.
 */
import type { ApiTokenScope } from '../../db/schema';

export const roles = ['anonymous', 'requester', 'agent', 'supervisor', 'admin'] as const;
export type MatrixRole = (typeof roles)[number];
export const relations = ['own', 'sameDepartment', 'otherDepartment', 'anotherRequester', 'filedElsewhere', 'watching'] as const;
export type Relation = (typeof relations)[number];

/** What a call must end in: success, or the code that denies it. */
export type Expected = 'OK' | 'UNAUTHORIZED' | 'FORBIDDEN' | 'NOT_FOUND';

export type FixtureTicket = { id: string; number: number; requesterEmail: string };

/** Fixture builders the inputs may use (implemented by the test, on the real stack). */
export type Fixtures = {
  userId(email: string): string;
  departmentId(slug: string): string;
  /** A new requester account nobody else uses. */
  freshUser(): Promise<{ id: string; email: string }>;
  freshDepartment(): Promise<string>;
  freshBuilding(): Promise<string>;
  freshCategory(): Promise<string>;
  freshTemplate(): Promise<string>;
  /** A public comment stored directly (no access checks), by `authorEmail`. */
  comment(ticketId: string, authorEmail: string): Promise<number>;
  /** A public message by the ticket's requester, stored directly as screening holds it (held for staff review). */
  heldComment(ticket: FixtureTicket): Promise<number>;
  /** A text file stored directly on the ticket, uploaded by `uploaderEmail`. */
  attachment(ticketId: string, uploaderEmail: string): Promise<string>;
  apiToken(ownerEmail: string, scopes?: ApiTokenScope[]): Promise<string>;
  /** A cancelled ticket in IT, without a workflow: a merge or link target every staff caller has staff powers on, which the workflow refuses. */
  staffTarget(): string;
  /** A raw password-reset token for the user. */
  emailToken(userId: string): Promise<string>;
  /**
   * A new ticket in the same relation to every role as `ticket` (same requester, department,
   * assignee and status, with its own workflow): for calls that change a ticket for good.
   */
  ticketLike(ticket: FixtureTicket): Promise<FixtureTicket>;
  freshCalendar(): Promise<string>;
  /** A recorded inbound mail (a failure, stored directly): its id. */
  inboundMail(): Promise<number>;
  freshPolicy(): Promise<string>;
  /** The id of a starter knowledge base article (published, for everyone) by slug. */
  articleId(slug: string): Promise<string>;
  /** A new draft article, stored directly: for calls that change an article's status for good. */
  freshArticle(): Promise<string>;
  /** An answer of the answer bot to `askerEmail`, stored directly (assistant_answers): its id. */
  assistantAnswer(askerEmail: string): Promise<string>;
};

export type MatrixCall = {
  role: MatrixRole;
  relation: Relation;
  /** The ticket in `relation` to the caller. */
  ticket: FixtureTicket;
  /** The caller (anonymous calls act as if they were the requester, for inputs). */
  callerEmail: string;
  fx: Fixtures;
};

export type Rule = (role: Exclude<MatrixRole, 'anonymous'>, relation: Relation) => Expected;

export type MatrixEntry = {
  allow: Rule;
  /** Whether anonymous callers get through (public procedures). */
  public?: boolean;
  input?: (call: MatrixCall) => unknown;
  /** Sign in anew for each call: the procedure ends or replaces the caller's session. */
  freshSession?: boolean;
  /** Codes that still mean "got past access control" (the input is refused for a domain reason). */
  allowedErrors?: string[];
};

const staffRoles = new Set(['agent', 'supervisor', 'admin']);
/** Staff powers on the ticket (domain/access.ts): the matrix's staff all work in IT. */
const staffOn = (role: string, relation: Relation) => role === 'admin' || (staffRoles.has(role) && (relation === 'own' || relation === 'sameDepartment'));
/** Visibility of a ticket by relation: staff powers, or filed or watched by the caller. */
const sees = (role: string, relation: Relation) => staffOn(role, relation) || relation === 'own' || relation === 'filedElsewhere' || relation === 'watching';
/** The caller filed the ticket (an agent's `own` is assigned to them, not filed). */
const filed = (role: string, relation: Relation) => relation === 'filedElsewhere' || (relation === 'own' && role !== 'agent');

export const rules = {
  anyone: (() => 'OK') as Rule,
  signedIn: (() => 'OK') as Rule,
  staff: ((role) => (staffRoles.has(role) ? 'OK' : 'FORBIDDEN')) as Rule,
  supervisors: ((role) => (role === 'supervisor' || role === 'admin' ? 'OK' : 'FORBIDDEN')) as Rule,
  admins: ((role) => (role === 'admin' ? 'OK' : 'FORBIDDEN')) as Rule,
  /** The caller sees the ticket (else it does not exist for them). */
  seesTicket: ((role, relation) => (sees(role, relation) ? 'OK' : 'NOT_FOUND')) as Rule,
  /** Staff roles only (the procedure's gate), then staff powers on this ticket: unseen is NOT_FOUND, seen as a requester FORBIDDEN. */
  staffOfTicket: ((role, relation) => (!staffRoles.has(role) ? 'FORBIDDEN' : !sees(role, relation) ? 'NOT_FOUND' : staffOn(role, relation) ? 'OK' : 'FORBIDDEN')) as Rule,
  /** Anyone who sees the ticket; the powers it grants are those of their relation (files: their own, or staff). */
  staffOrFiler: ((role, relation) => (!sees(role, relation) ? 'NOT_FOUND' : staffOn(role, relation) || filed(role, relation) ? 'OK' : 'FORBIDDEN')) as Rule,
};

/** Lifecycle moves (workflows/lifecycle/rules.ts): staff of the ticket. */
const actsOnTicket = rules.staffOfTicket;
/** Reopen: whoever filed the ticket, or its staff. */
const requesterOrActs: Rule = (role, relation) => (!sees(role, relation) ? 'NOT_FOUND' : filed(role, relation) || staffOn(role, relation) ? 'OK' : 'FORBIDDEN');
/** Cancel and confirm: whoever filed the ticket; supervisors of its department and admins; never agents on others' tickets. */
const requesterOrPrivileged: Rule = (role, relation) => {
  if (!sees(role, relation)) return 'NOT_FOUND';
  if (filed(role, relation) || role === 'admin' || (role === 'supervisor' && staffOn(role, relation))) return 'OK';
  return 'FORBIDDEN';
};

/** Rating a resolution (CSAT): whoever filed the ticket; anyone else who sees it is refused. */
const ratesTicket: Rule = (role, relation) => (!sees(role, relation) ? 'NOT_FOUND' : filed(role, relation) ? 'OK' : 'FORBIDDEN');

/** Editing a ticket's title and description: its requester only (api/tickets/details.ts); staff reclassify instead. */
const requesterOnly: Rule = (role, relation) => (!sees(role, relation) ? 'NOT_FOUND' : filed(role, relation) ? 'OK' : 'FORBIDDEN');

const ticketId = (c: MatrixCall) => ({ id: c.ticket.id });
const unique = () => crypto.randomUUID().slice(0, 8);

export const accessMatrix: Record<string, MatrixEntry> = {
  // auth ------------------------------------------------------------------------------
  'auth.providers': { allow: rules.anyone, public: true },
  'auth.signIn': { allow: rules.anyone, public: true, input: () => ({ email: 'rita.requester@deskflow.test', password: 'correct-horse-battery' }) },
  // Sign-up is switched on by the suite's setup.
  'auth.signUp': { allow: rules.anyone, public: true, input: () => ({ email: `new-${unique()}@example.com`, name: 'New Person' }) },
  'auth.signOut': { allow: rules.signedIn, freshSession: true },
  'auth.signOutEverywhere': { allow: rules.signedIn, freshSession: true },
  'auth.me': { allow: rules.signedIn },
  'auth.profile': { allow: rules.signedIn },
  // The caller's own profile only; following the organisation's timezone changes nothing the other calls depend on.
  'auth.updateProfile': { allow: rules.signedIn, input: () => ({ timezone: null }) },
  // A wrong current password: gets past access control, changes nothing.
  'auth.changePassword': { allow: rules.signedIn, input: () => ({ currentPassword: 'not-the-password', newPassword: 'another-password-1' }), allowedErrors: ['BAD_REQUEST'] },
  'auth.requestPasswordReset': { allow: rules.anyone, public: true, input: () => ({ email: 'raj.requester@deskflow.test' }) },
  'auth.resetPassword': { allow: rules.anyone, public: true, input: async (c) => ({ token: await c.fx.emailToken((await c.fx.freshUser()).id), newPassword: 'a-new-password-for-you' }) },
  // Single sign-on is not configured in the matrix's stack (oidc.test.ts covers it): NOT_FOUND says so.
  'auth.ssoStart': { allow: rules.anyone, public: true, input: () => ({ returnTo: '/' }), allowedErrors: ['NOT_FOUND'] },
  'auth.tokens.list': { allow: rules.signedIn },
  'auth.tokens.create': { allow: rules.signedIn, input: () => ({ name: `matrix-${unique()}`, scopes: ['read'] }) },
  'auth.tokens.revoke': { allow: rules.signedIn, input: async (c) => ({ id: await c.fx.apiToken(c.callerEmail) }) },

  // tickets ---------------------------------------------------------------------------
  'ticket.create': { allow: rules.signedIn, input: () => ({ title: 'Matrix: mouse is dead', description: 'Created by the access matrix.' }) },
  'ticket.get': { allow: rules.seesTicket, input: ticketId },
  'ticket.getByNumber': { allow: rules.seesTicket, input: (c) => ({ number: c.ticket.number }) },
  'ticket.list': { allow: rules.signedIn, input: () => ({ limit: 5 }) },
  'ticket.search': { allow: rules.signedIn, input: () => ({ q: 'laptop' }) },
  'ticket.history': { allow: rules.seesTicket, input: ticketId },
  'ticket.watchers': { allow: rules.seesTicket, input: ticketId },
  'ticket.similar': { allow: rules.staffOfTicket, input: ticketId },
  'ticket.links': { allow: rules.staffOfTicket, input: ticketId },
  'ticket.watch': { allow: rules.seesTicket, input: ticketId },
  // Unwatching the watched fixture would take it out of sight for the procedures after this one.
  'ticket.unwatch': { allow: rules.seesTicket, input: async (c) => ({ id: c.relation === 'watching' ? (await c.fx.ticketLike(c.ticket)).id : c.ticket.id }) },
  // The watcher added is a throwaway account, so no fixture gains visibility.
  'ticket.addWatcher': { allow: rules.staffOfTicket, input: async (c) => ({ id: c.ticket.id, userId: (await c.fx.freshUser()).id }) },
  'ticket.removeWatcher': { allow: rules.staffOfTicket, input: async (c) => ({ id: c.ticket.id, userId: (await c.fx.freshUser()).id }) },
  'ticket.templates': { allow: rules.signedIn },
  // The fixtures wait on the customer, past the editable statuses: the requester gets past access and is refused for the status.
  'ticket.updateDetails': { allow: requesterOnly, input: (c) => ({ id: c.ticket.id, title: 'Matrix: edited title' }), allowedErrors: ['BAD_REQUEST'] },
  // Per-ticket visibility is reported in the results; access to the procedure is for staff.
  'ticket.bulkUpdate': { allow: rules.staff, input: (c) => ({ ticketIds: [c.ticket.id], change: { action: 'priority', priority: 'high' } }) },

  // ticket lifecycle (Updates to the ticket's workflow) ------------------------------------
  // Refusals for the ticket's status (BAD_REQUEST) come after the role and scope checks; the
  // bare row of `anotherRequester` has no workflow, which is a BAD_REQUEST too.
  'ticket.lifecycle': { allow: rules.seesTicket, input: ticketId },
  'ticket.suggestions': { allow: rules.staffOfTicket, input: ticketId },
  'ticket.transition': { allow: actsOnTicket, input: (c) => ({ id: c.ticket.id, to: 'closed' }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.triage': { allow: actsOnTicket, input: async (c) => ({ id: c.ticket.id, departmentId: c.fx.departmentId('it'), category: null, priority: 'low' }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.review': { allow: actsOnTicket, input: (c) => ({ id: c.ticket.id, decision: 'release' }), allowedErrors: ['BAD_REQUEST'] },
  // A requester is no assignee: refused by the workflow.
  'ticket.assign': { allow: actsOnTicket, input: async (c) => ({ id: c.ticket.id, assigneeId: (await c.fx.freshUser()).id }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.claim': { allow: actsOnTicket, input: ticketId, allowedErrors: ['BAD_REQUEST'] },
  'ticket.unassign': { allow: actsOnTicket, input: ticketId, allowedErrors: ['BAD_REQUEST'] },
  // Escalation is legal while waiting and changes the ticket: each call gets a ticket of its own.
  'ticket.escalate': { allow: actsOnTicket, input: async (c) => ({ id: (await c.fx.ticketLike(c.ticket)).id, reason: 'matrix escalation' }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.reclassify': { allow: actsOnTicket, input: (c) => ({ id: c.ticket.id, priority: 'high' }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.reopen': { allow: requesterOrActs, input: ticketId, allowedErrors: ['BAD_REQUEST'] },
  'ticket.cancel': { allow: requesterOrPrivileged, input: ticketId, allowedErrors: ['BAD_REQUEST'] },
  'ticket.confirmResolution': { allow: requesterOrPrivileged, input: ticketId, allowedErrors: ['BAD_REQUEST'] },
  // Into a cancelled ticket the caller is staff of: past both ends' checks, then refused by the workflow.
  // (staff-powers.test.ts: the other end in another department is NOT_FOUND.)
  'ticket.merge': { allow: actsOnTicket, input: (c) => ({ id: c.ticket.id, primaryId: c.fx.staffTarget() }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.link': { allow: actsOnTicket, input: (c) => ({ id: c.ticket.id, kind: 'parent', targetId: c.fx.staffTarget() }), allowedErrors: ['BAD_REQUEST'] },
  'ticket.unlink': { allow: actsOnTicket, input: (c) => ({ id: c.ticket.id, kind: 'parent', targetId: c.fx.staffTarget() }), allowedErrors: ['BAD_REQUEST'] },

  // the assistant (reads internal notes: staff of the ticket only) ---------------------------
  'ai.suggestReply': { allow: rules.staffOfTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  'ai.summary': { allow: rules.staffOfTicket, input: (c) => ({ ticketId: c.ticket.id }) },

  // comments --------------------------------------------------------------------------
  'comment.list': { allow: rules.seesTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  'comment.add': { allow: rules.seesTicket, input: (c) => ({ ticketId: c.ticket.id, body: 'Matrix reply' }) },
  // The caller's own comment (stored directly), on the ticket in relation.
  'comment.edit': { allow: rules.seesTicket, input: async (c) => ({ id: await c.fx.comment(c.ticket.id, c.callerEmail), body: 'Edited by the matrix' }) },
  'comment.edits': { allow: rules.seesTicket, input: async (c) => ({ id: await c.fx.comment(c.ticket.id, c.ticket.requesterEmail) }) },
  'comment.mentions': { allow: rules.staff },
  // The caller's own fresh comment: within the edit window.
  'comment.delete': { allow: rules.seesTicket, input: async (c) => ({ id: await c.fx.comment(c.ticket.id, c.callerEmail) }) },
  // A fresh comment of the ticket's requester: staff of the ticket hide it.
  'comment.hide': { allow: rules.staffOfTicket, input: async (c) => ({ id: await c.fx.comment(c.ticket.id, c.ticket.requesterEmail), reason: 'matrix moderation' }) },

  // availability ----------------------------------------------------------------------
  'availability.getMine': { allow: rules.staff },
  'availability.setMine': { allow: rules.staff, input: () => ({ status: 'available' }) },
  'availability.team': { allow: rules.supervisors },
  // The caller themselves (in their own team); availability.test.ts covers other departments.
  'availability.set': { allow: rules.supervisors, input: (c) => ({ userId: c.fx.userId(c.callerEmail), status: 'available' }) },
  // Held messages: staff of the ticket review them. Releasing tells the workflow (the requester replied), so on a ticket of its own.
  'comment.release': { allow: rules.staffOfTicket, input: async (c) => ({ id: await c.fx.heldComment(await c.fx.ticketLike(c.ticket)) }) },
  'comment.reject': { allow: rules.staffOfTicket, input: async (c) => ({ id: await c.fx.heldComment(c.ticket), reason: 'spam' }) },

  // attachments -----------------------------------------------------------------------
  'attachment.upload': {
    allow: rules.seesTicket,
    input: (c) => {
      const form = new FormData();
      form.append('file', new File(['matrix notes'], 'notes.txt'));
      form.append('ticketId', c.ticket.id);
      return form;
    },
  },
  'attachment.list': { allow: rules.seesTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  // Uploaded by the ticket's requester: they may delete it, and so may the ticket's staff.
  'attachment.delete': { allow: rules.staffOrFiler, input: async (c) => ({ id: await c.fx.attachment(c.ticket.id, c.ticket.requesterEmail) }) },

  // directory -------------------------------------------------------------------------
  'directory.departments': { allow: rules.signedIn },
  'directory.buildings': { allow: rules.signedIn },
  'directory.categories': { allow: rules.signedIn },
  'directory.agents': { allow: rules.staff },

  // admin -----------------------------------------------------------------------------
  'admin.mail.list': { allow: rules.admins, input: () => ({ status: 'failed' }) },
  'admin.misuse.list': { allow: rules.admins, input: () => ({ status: 'open' }) },
  'admin.misuse.review': { allow: rules.admins, input: () => ({ id: 1_000_000_000 }), allowedErrors: ['NOT_FOUND'] },
  'admin.misuse.restrict': { allow: rules.admins, input: () => ({ id: 1_000_000_000, reason: 'Matrix probe' }), allowedErrors: ['NOT_FOUND'] },
  'admin.misuse.lift': { allow: rules.admins, input: async (c) => ({ userId: (await c.fx.freshUser()).id }) },
  'admin.misuse.runNow': { allow: rules.admins },
  // No such mail: a retry leaves mails that are not failed as they are, and answers which it queued again (none).
  'admin.mail.retry': { allow: rules.admins, input: () => ({ ids: [1_000_000_000] }) },
  'admin.ai.usage': { allow: rules.admins, input: () => ({}) },
  'admin.inboundMail.list': { allow: rules.admins, input: () => ({ problems: true }) },
  'admin.inboundMail.get': { allow: rules.admins, input: async (c) => ({ id: await c.fx.inboundMail() }) },
  'admin.inboundMail.failingAddresses': { allow: rules.admins },
  'admin.users.list': { allow: rules.admins },
  'admin.users.invite': { allow: rules.admins, input: () => ({ email: `invited-${unique()}@example.com`, name: 'Invited Person', role: 'agent' }) },
  'admin.users.resendInvitation': { allow: rules.admins, input: async (c) => ({ id: (await c.fx.freshUser()).id }) },
  'admin.users.update': { allow: rules.admins, input: async (c) => ({ id: (await c.fx.freshUser()).id, skills: ['Hardware'] }) },
  'admin.users.deactivate': { allow: rules.admins, input: async (c) => ({ id: (await c.fx.freshUser()).id }) },
  'admin.users.reactivate': { allow: rules.admins, input: async (c) => ({ id: (await c.fx.freshUser()).id }) },
  'admin.departments.list': { allow: rules.admins },
  'admin.departments.create': { allow: rules.admins, input: () => ({ slug: `dept-${unique()}`, name: 'Matrix department' }) },
  'admin.departments.update': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshDepartment(), name: 'Renamed' }) },
  'admin.departments.delete': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshDepartment() }) },
  'admin.buildings.list': { allow: rules.admins },
  'admin.buildings.create': { allow: rules.admins, input: () => ({ name: `Building ${unique()}` }) },
  'admin.buildings.update': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshBuilding(), address: '2 New Street' }) },
  'admin.buildings.delete': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshBuilding() }) },
  'admin.categories.list': { allow: rules.admins },
  'admin.categories.create': { allow: rules.admins, input: () => ({ name: `Category ${unique()}` }) },
  'admin.categories.update': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshCategory(), description: 'Updated' }) },
  'admin.categories.delete': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshCategory() }) },
  'admin.templates.list': { allow: rules.admins },
  'admin.templates.create': { allow: rules.admins, input: () => ({ name: `Template ${unique()}`, title: 'Template title', description: 'Template body' }) },
  'admin.templates.update': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshTemplate(), urgency: 'high' }) },
  'admin.templates.delete': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshTemplate() }) },
  'admin.settings.get': { allow: rules.admins },
  'admin.settings.update': { allow: rules.admins, input: () => ({ commentEditWindowMinutes: 30 }) },
  'admin.notificationDefaults.get': { allow: rules.admins },
  // Sets what the built-in default already is: no other test's notifications change.
  'admin.notificationDefaults.set': { allow: rules.admins, input: () => ({ defaults: [{ kind: 'sla_overdue', inApp: true, email: 'daily_digest' }] }) },
  'admin.audit': { allow: rules.admins, input: () => ({ limit: 5 }) },
  'admin.sla.calendar.list': { allow: rules.admins },
  'admin.sla.calendar.create': {
    allow: rules.admins,
    input: () => ({ name: `Calendar ${unique()}`, timezone: 'Europe/Berlin', weeklyHours: [{ day: 1, start: '09:00', end: '17:00' }], holidays: [] }),
  },
  'admin.sla.calendar.update': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshCalendar(), timezone: 'Europe/Paris' }) },
  'admin.sla.calendar.delete': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshCalendar() }) },
  'admin.sla.policy.list': { allow: rules.admins },
  // For a department of its own, so no fixture ticket changes policy.
  'admin.sla.policy.create': {
    allow: rules.admins,
    input: async (c) => ({
      name: `Policy ${unique()}`,
      departmentId: await c.fx.freshDepartment(),
      calendarId: await c.fx.freshCalendar(),
      firstResponseMinutes: 60,
      nextResponseMinutes: 120,
      resolutionMinutes: 480,
    }),
  },
  'admin.sla.policy.update': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshPolicy(), resolutionMinutes: 600 }) },
  'admin.sla.policy.delete': { allow: rules.admins, input: async (c) => ({ id: await c.fx.freshPolicy() }) },
  'admin.sla.policy.match': { allow: rules.admins, input: () => ({ priority: 'high' }) },
  'admin.sla.escalationGroup.get': { allow: rules.admins, input: (c) => ({ departmentId: c.fx.departmentId('it') }) },
  'admin.sla.escalationGroup.set': { allow: rules.admins, input: async (c) => ({ departmentId: await c.fx.freshDepartment(), userIds: [] }) },
  'admin.sla.settings.get': { allow: rules.admins },
  'admin.sla.settings.update': { allow: rules.admins, input: () => ({ reopenWindowDays: 7 }) },

  // realtime --------------------------------------------------------------------------
  'realtime.token': { allow: rules.seesTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  // The matrix's agent works in IT (another department's queue: rooms.e2e in npm-start.test.ts).
  'realtime.queueToken': { allow: rules.staff, input: (c) => ({ departmentId: c.fx.departmentId('it') }) },
  'realtime.notificationsToken': { allow: rules.signedIn },

  // notifications: everyone's own only (notifications.test.ts: others' ids are ignored) ----------
  // Read and unread, a full page: the leak test reads it for the tickets each caller must not see.
  'notification.list': { allow: rules.signedIn, input: () => ({ limit: 100 }) },
  'notification.unreadCount': { allow: rules.signedIn },
  'notification.markRead': { allow: rules.signedIn, input: () => ({ ids: [Number.MAX_SAFE_INTEGER] }) },
  'notification.markAllRead': { allow: rules.signedIn },
  'notification.preferences': { allow: rules.signedIn },
  'notification.setPreferences': { allow: rules.signedIn, input: () => ({ preferences: [{ kind: 'sla_overdue', useDefault: true }] }) },

  // reports: staff for their scope (report.test.ts covers the scopes: supervisors' departments, agents' own) ----------
  'report.summary': { allow: rules.staff, input: () => ({ from: '2026-01-01', to: '2026-01-31' }) },
  // Scheduled reports: whoever may read reports, each their own subscriptions (report-subscriptions.test.ts covers ownership, scope and the Schedules).
  'report.subscriptions.list': { allow: rules.staff },
  'report.subscriptions.create': { allow: rules.staff, input: () => ({ period: 'weekly', day: 1, time: '07:30' }) },
  'report.subscriptions.update': { allow: rules.staff, input: () => ({ id: '00000000-0000-4000-8000-000000000000', paused: true }), allowedErrors: ['NOT_FOUND'] },
  'report.subscriptions.delete': { allow: rules.staff, input: () => ({ id: '00000000-0000-4000-8000-000000000000' }), allowedErrors: ['NOT_FOUND'] },
  'report.rating': { allow: rules.seesTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  // Only the requester rates, and only a resolved ticket: the matrix's tickets wait on the customer, so the requester is refused for that (BAD_REQUEST).
  'report.rate': { allow: ratesTicket, input: (c) => ({ ticketId: c.ticket.id, score: 4 }), allowedErrors: ['BAD_REQUEST'] },
  // A forged link: refused for what it is, signed in or not (ratings.test.ts rates through a genuine one).
  'report.rateByLink': { allow: rules.anyone, public: true, input: () => ({ token: 'forged-token.forged-signature', score: 5 }), allowedErrors: ['BAD_REQUEST'] },
  // No such suggestion: staff get past the role gate and find nothing.
  'report.rateSuggestion': { allow: rules.staff, input: () => ({ suggestionId: Number.MAX_SAFE_INTEGER, helpful: true }), allowedErrors: ['NOT_FOUND'] },

  // knowledge base: reading published 'everyone' articles for everyone signed in, writing for staff (knowledge.test.ts:
  // staff articles and drafts never reach requesters) ----------
  'kb.search': { allow: rules.signedIn, input: () => ({ q: 'forgot my password' }) },
  'kb.suggest': { allow: rules.signedIn, input: () => ({ title: 'Forgot my password', description: 'I cannot sign in this morning.' }) },
  // Anyone signed in may read this published 'everyone' article; each call records one deflection.
  'kb.deflect': { allow: rules.signedIn, input: async (c) => ({ articleId: await c.fx.articleId('reset-password-and-mfa'), title: 'Forgot my password', draftKey: crypto.randomUUID() }) },
  'kb.categories': { allow: rules.signedIn },
  'kb.list': { allow: rules.signedIn, input: () => ({ limit: 5 }) },
  'kb.get': { allow: rules.signedIn, input: () => ({ slug: 'reset-password-and-mfa' }) },
  'kb.versions': { allow: rules.signedIn, input: async (c) => ({ id: await c.fx.articleId('reset-password-and-mfa') }) },
  'kb.version': { allow: rules.signedIn, input: async (c) => ({ id: await c.fx.articleId('reset-password-and-mfa'), version: 1 }) },
  'kb.vote': { allow: rules.signedIn, input: async (c) => ({ id: await c.fx.articleId('reset-password-and-mfa'), helpful: true }) },
  'kb.related': { allow: rules.seesTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  'kb.create': { allow: rules.staff, input: () => ({ title: `Matrix article ${unique()}`, body: 'How to do the thing.' }) },
  'kb.update': { allow: rules.staff, input: async (c) => ({ id: await c.fx.freshArticle(), body: 'How to do the thing, better.', note: 'Clearer steps' }) },
  'kb.publish': { allow: rules.staff, input: async (c) => ({ id: await c.fx.freshArticle() }) },
  'kb.unpublish': { allow: rules.staff, input: async (c) => ({ id: await c.fx.freshArticle() }) },
  'kb.archive': { allow: rules.staff, input: async (c) => ({ id: await c.fx.freshArticle() }) },
  'kb.draftFromTicket': { allow: rules.staffOfTicket, input: (c) => ({ ticketId: c.ticket.id }) },
  'kb.uploadFile': {
    allow: rules.staff,
    input: async (c) => {
      const form = new FormData();
      form.append('file', new File(['matrix notes'], 'notes.txt'));
      form.append('articleId', await c.fx.freshArticle());
      return form;
    },
  },

  // the answer bot: for everyone signed in, about their own answers (assistant.test.ts: a requester is never
  // cited a staff article; nobody rates or hands over another person's answers). `ask` is streamed: the
  // harness reads its stream to the end (matrix-support.ts callByPath) ----------
  'assistant.ask': { allow: rules.signedIn, input: () => ({ turns: [{ role: 'user', text: 'I forgot my password' }] }) },
  'assistant.rate': { allow: rules.signedIn, input: async (c) => ({ answerId: await c.fx.assistantAnswer(c.callerEmail), helpful: true }) },
  'assistant.handover': { allow: rules.signedIn, input: async (c) => ({ answerIds: [await c.fx.assistantAnswer(c.callerEmail)], note: 'Created by the access matrix.' }) },
};
