/**
 * Staff powers belong to a ticket, not a role. This is the one place that decides what a person
 * may do on a ticket; the API (every router, search, history, room tokens, notifications, live
 * events) and the ticket workflow's move rules ask it. Dependency-free, so the workflow sandbox,
 * the API and tests share it.
 *
 * A person has staff powers on a ticket when they are
 *   - an admin, or
 *   - its assignee (an agent, supervisor or admin it was assigned to), or
 *   - an agent or supervisor of the ticket's department. Staff work in their home department
 *     and in any further departments an admin adds them to (`staffDepartmentIds`): an agent in
 *     several departments is an agent in each; a supervisor of several departments supervises
 *     each. Nobody but admins has staff powers on a ticket with no department (not yet routed).
 * Supervising powers (cancel or confirm a resolution on the requester's behalf) are staff powers
 * of a supervisor of the ticket's department, or of an admin.
 *
 * On any other ticket they can see — one they filed or watch — they are a requester, exactly as
 * a requester is, whatever their role. Tickets outside all of these do not exist for them.
 */

export type Role = 'requester' | 'agent' | 'supervisor' | 'admin';

export type Person = {
  id: string;
  role: Role;
  /** Departments the person works in as staff (home department first); empty for requesters. */
  staffDepartmentIds: readonly string[];
};

export type TicketParties = {
  requesterId: string;
  departmentId: string | null;
  assigneeId: string | null;
  /** Whether the person watches the ticket (only needed for `see`). */
  watching?: boolean;
};

/** How the person stands to the ticket, strongest first. */
export type TicketRelation = 'staff' | 'requester' | 'watcher' | 'none';

export type Capabilities = {
  relation: TicketRelation;
  /** The ticket exists for them. */
  see: boolean;
  /**
   * Staff powers: internal notes (reading them in every channel, posting them), history with
   * reasons, room tokens that see internal, AI suggestions, deleting others' attachments,
   * managing watchers, lifecycle moves, merge and link.
   */
  staff: boolean;
  /** Cancel or confirm a resolution on the requester's behalf. */
  supervise: boolean;
  /** The person filed it: cancel, reopen and confirm are theirs. */
  requester: boolean;
};

const NONE: Capabilities = { relation: 'none', see: false, staff: false, supervise: false, requester: false };

/** The departments in which this person works as staff, for a role and its department links. */
export function staffDepartments(role: Role, homeDepartmentId: string | null, extraDepartmentIds: readonly string[] = []): string[] {
  if (role === 'requester') return [];
  const all = homeDepartmentId ? [homeDepartmentId, ...extraDepartmentIds] : [...extraDepartmentIds];
  return [...new Set(all)];
}

export function capabilitiesFor(person: Person, ticket: TicketParties): Capabilities {
  const requester = ticket.requesterId === person.id;
  const inDepartment = person.role !== 'requester' && ticket.departmentId !== null && person.staffDepartmentIds.includes(ticket.departmentId);
  const assignee = ticket.assigneeId !== null && ticket.assigneeId === person.id && person.role !== 'requester';
  const staff = person.role === 'admin' || inDepartment || assignee;
  if (staff) return { relation: 'staff', see: true, staff, supervise: person.role === 'admin' || (person.role === 'supervisor' && inDepartment), requester };
  if (requester) return { relation: 'requester', see: true, staff: false, supervise: false, requester };
  if (ticket.watching) return { relation: 'watcher', see: true, staff: false, supervise: false, requester: false };
  return NONE;
}
