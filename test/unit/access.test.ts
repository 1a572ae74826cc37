/** domain/access.ts: who has which powers on a ticket, and the move rules that ask it. */
import { describe, expect, it } from 'vitest';
import { capabilitiesFor, staffDepartments, type Person } from '../../domain/access';
import { permissionProblem, type RuleSubject } from '../../workflows/lifecycle/rules';

const IT = 'it-dept';
const HR = 'hr-dept';
const person = (id: string, role: Person['role'], home: string | null, extra: string[] = []): Person => ({ id, role, staffDepartmentIds: staffDepartments(role, home, extra) });
const hrTicket = { requesterId: 'ivy', departmentId: HR, assigneeId: 'hana' };

describe('capabilitiesFor', () => {
  it('gives staff powers to the department’s agents and supervisors, the assignee and admins', () => {
    expect(capabilitiesFor(person('hana', 'agent', HR), hrTicket)).toMatchObject({ relation: 'staff', staff: true, supervise: false });
    expect(capabilitiesFor(person('hugo', 'agent', HR), hrTicket)).toMatchObject({ staff: true, supervise: false });
    expect(capabilitiesFor(person('hsup', 'supervisor', HR), hrTicket)).toMatchObject({ staff: true, supervise: true });
    expect(capabilitiesFor(person('ada', 'admin', null), hrTicket)).toMatchObject({ staff: true, supervise: true });
    expect(capabilitiesFor(person('hana', 'agent', IT), hrTicket), 'assignee from another department').toMatchObject({ staff: true, supervise: false });
  });

  it('makes anyone else who filed or watches it a requester, whatever their role', () => {
    expect(capabilitiesFor(person('ivy', 'agent', IT), hrTicket)).toEqual({ relation: 'requester', see: true, staff: false, supervise: false, requester: true });
    expect(capabilitiesFor(person('sam', 'supervisor', IT), { ...hrTicket, watching: true })).toEqual({ relation: 'watcher', see: true, staff: false, supervise: false, requester: false });
    expect(capabilitiesFor(person('sam', 'supervisor', IT), hrTicket)).toMatchObject({ relation: 'none', see: false });
  });

  it('gives staff of several departments the same powers in each, and requesters none', () => {
    expect(capabilitiesFor(person('otto', 'agent', IT, [HR]), hrTicket).staff).toBe(true);
    expect(capabilitiesFor(person('sam', 'supervisor', IT, [HR]), hrTicket).supervise).toBe(true);
    expect(staffDepartments('requester', IT, [HR])).toEqual([]);
    expect(capabilitiesFor(person('rita', 'requester', IT), { ...hrTicket, departmentId: IT }).see).toBe(false);
  });

  it('leaves tickets without a department to admins and their assignee', () => {
    const unrouted = { requesterId: 'rosa', departmentId: null, assigneeId: null };
    expect(capabilitiesFor(person('sam', 'supervisor', IT), unrouted).see).toBe(false);
    expect(capabilitiesFor(person('ada', 'admin', null), unrouted).staff).toBe(true);
  });
});

describe('the move rules ask the same function', () => {
  const subject: RuleSubject = { number: 7, status: 'assigned', ...hrTicket, held: false, merged: false, closedAt: null, openChildren: 0, settings: null };

  it('let a supervisor cancel only in their own departments', () => {
    expect(permissionProblem(subject, { id: 'sam', role: 'supervisor', departmentId: IT }, 'cancel')).toMatch(/departments they supervise/);
    expect(permissionProblem(subject, { id: 'hsup', role: 'supervisor', departmentId: HR }, 'cancel')).toBeNull();
  });

  it('let an agent who filed the ticket act as its requester only', () => {
    const ivy = { id: 'ivy', role: 'agent' as const, departmentId: IT, staffDepartmentIds: [IT] };
    expect(permissionProblem(subject, ivy, 'cancel')).toBeNull();
    expect(permissionProblem(subject, ivy, 'escalate')).toMatch(/requesters may only cancel, reopen or confirm/);
  });

  it('read an Update sent before per-department staff by its home department', () => {
    expect(permissionProblem(subject, { id: 'hugo', role: 'agent', departmentId: HR }, 'escalate')).toBeNull();
    expect(permissionProblem(subject, { id: 'otto', role: 'agent', departmentId: IT, staffDepartmentIds: [IT, HR] }, 'escalate')).toBeNull();
  });

  it('keep the role rule for handlers replaying Updates accepted before staff powers were per ticket', () => {
    const sam = { id: 'sam', role: 'supervisor' as const, departmentId: IT };
    expect(permissionProblem(subject, sam, 'cancel', 'byRole')).toBeNull();
    expect(permissionProblem(subject, sam, 'cancel', 'perTicket')).not.toBeNull();
  });
});
