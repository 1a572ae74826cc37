import { pgEnum } from 'drizzle-orm/pg-core';

export const roles = ['requester', 'agent', 'supervisor', 'admin'] as const;
export type Role = (typeof roles)[number];
export const roleEnum = pgEnum('role', roles);

export const ticketStatuses = [
  'new',
  'triaged',
  'assigned',
  'in_progress',
  'waiting_on_customer',
  'waiting_on_third_party',
  'resolved',
  'closed',
  'cancelled',
  'rejected',
] as const;
export type TicketStatus = (typeof ticketStatuses)[number];
export const ticketStatusEnum = pgEnum('ticket_status', ticketStatuses);

/** Ordered from least to most urgent, so "one step up" is the next index. */
export const priorities = ['low', 'medium', 'high', 'critical'] as const;
export type Priority = (typeof priorities)[number];
export const priorityEnum = pgEnum('priority', priorities);

export const slaStates = ['on_track', 'at_risk', 'breached', 'paused', 'met'] as const;
export type SlaState = (typeof slaStates)[number];
export const slaStateEnum = pgEnum('sla_state', slaStates);

export const eventSources = ['api', 'workflow', 'ai'] as const;
export type EventSource = (typeof eventSources)[number];
export const eventSourceEnum = pgEnum('event_source', eventSources);
