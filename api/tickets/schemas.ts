/** Ticket inputs and outputs. Every string is bounded; every id is a UUID; every list is capped. */
import { z } from 'zod';
import { priorities, roles, slaStates, ticketStatuses } from '../../domain/vocabulary';

export const ZTicketId = z.object({ id: z.uuid('must be a ticket id (UUID)') });

const ZCategoryName = z.string().trim().min(1, 'must not be empty').max(80, 'must be at most 80 characters');

export const ZCreateTicketInput = z
  .object({
    title: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters').optional(),
    description: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters').optional(),
    urgency: z.enum(priorities).optional(),
    /** The category the requester thinks fits; triage has the last word. */
    category: ZCategoryName.optional(),
    buildingId: z.uuid('must be a building id (UUID)').optional(),
    /** Fills title, description, urgency and category that are not given. */
    templateId: z.uuid('must be a template id (UUID)').optional(),
    /** Files uploaded beforehand with attachment.upload (no ticketId). */
    attachmentIds: z.array(z.uuid('must be an attachment id (UUID)')).max(20, 'at most 20 attachments').optional(),
    /** Same key, same ticket: retrying a create never makes a second one. */
    idempotencyKey: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(128, 'must be at most 128 characters')
      .regex(/^[A-Za-z0-9._:-]+$/, 'may contain letters, digits and . _ : - only')
      .optional(),
  })
  .superRefine((input, ctx) => {
    if (input.templateId) return;
    if (input.title === undefined) ctx.addIssue({ code: 'custom', path: ['title'], message: 'is required (or pick a template)' });
    if (input.description === undefined) ctx.addIssue({ code: 'custom', path: ['description'], message: 'is required (or pick a template)' });
  });
export type CreateTicketInput = z.infer<typeof ZCreateTicketInput>;

/** The requester's edit of their ticket (api/tickets/details.ts): at least one of the two. */
export const ZUpdateDetailsInput = z
  .object({
    id: z.uuid('must be a ticket id (UUID)'),
    title: z.string().trim().min(3, 'must be at least 3 characters').max(200, 'must be at most 200 characters').optional(),
    description: z.string().trim().min(1, 'must not be empty').max(20_000, 'must be at most 20,000 characters').optional(),
  })
  .refine((input) => input.title !== undefined || input.description !== undefined, { message: 'give a new title, a new description or both', path: ['title'] });
export type UpdateDetailsInput = z.infer<typeof ZUpdateDetailsInput>;

export const ticketSorts = ['created', 'updated', 'due'] as const;
export type TicketSort = (typeof ticketSorts)[number];

const idList = (what: string) =>
  z
    .array(z.uuid(`must be ${what} ids (UUID)`))
    .min(1)
    .max(50, 'at most 50');

export const ZListTicketsInput = z
  .object({
    status: z.array(z.enum(ticketStatuses)).min(1).max(ticketStatuses.length).optional(),
    priority: z.array(z.enum(priorities)).min(1).max(priorities.length).optional(),
    slaState: z.array(z.enum(slaStates)).min(1).max(slaStates.length).optional(),
    departmentId: idList('department').optional(),
    category: z.array(ZCategoryName).min(1).max(50, 'at most 50').optional(),
    buildingId: idList('building').optional(),
    /** A user id, `me`, or `none` for unassigned tickets. */
    assigneeId: z.union([z.uuid(), z.enum(['me', 'none'])], 'must be a user id, "me" or "none"').optional(),
    requesterId: z.union([z.uuid(), z.literal('me')], 'must be a user id or "me"').optional(),
    /** Only tickets the caller watches. */
    watchedBy: z.literal('me').optional(),
    /**
     * true: open tickets escalated now (escalation level above 0) of which the caller is staff;
     * false: every other ticket. Escalation is staff-only (like its history events), so a ticket
     * the caller only filed or watches never counts as escalated to them.
     */
    escalated: z.boolean().optional(),
    createdFrom: z.date().optional(),
    createdTo: z.date().optional(),
    dueFrom: z.date().optional(),
    dueTo: z.date().optional(),
    /** created / updated: newest first by default; due: soonest first, tickets without a due date last. */
    sort: z.enum(ticketSorts).default('created'),
    order: z.enum(['asc', 'desc']).optional(),
    limit: z.number().int().min(1).max(100).default(25),
    /** Opaque cursor from the previous page's `nextCursor`. */
    cursor: z.string().max(300).optional(),
  })
  .default({ sort: 'created', limit: 25 });
export type ListTicketsInput = z.infer<typeof ZListTicketsInput>;

export const ZSearchTicketsInput = z.object({
  /** Web-search syntax: words, "quoted phrases", -excluded, or. */
  q: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  status: z.array(z.enum(ticketStatuses)).min(1).max(ticketStatuses.length).optional(),
  departmentId: idList('department').optional(),
  limit: z.number().int().min(1).max(50).default(20),
  offset: z.number().int().min(0).max(1000, 'search pages stop at 1,000 results; refine the query').default(0),
});
export type SearchTicketsInput = z.infer<typeof ZSearchTicketsInput>;

const ZRef = z.object({ id: z.uuid(), name: z.string() });

export const ZTicketView = z.object({
  id: z.uuid(),
  number: z.number().int(),
  title: z.string(),
  description: z.string(),
  status: z.enum(ticketStatuses),
  priority: z.enum(priorities),
  urgency: z.enum(priorities),
  category: z.string().nullable(),
  requestedCategory: z.string().nullable(),
  slaState: z.enum(slaStates),
  /** 0: not escalated; 1, 2…: the escalation level. Null for a viewer who is not staff of the ticket (escalation is staff-only). */
  escalationLevel: z.number().int().min(0).nullable(),
  responseDueAt: z.date().nullable(),
  resolutionDueAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
  department: z.object({ id: z.uuid(), slug: z.string(), name: z.string() }).nullable(),
  building: ZRef.nullable(),
  assignee: ZRef.nullable(),
  requester: ZRef,
});
export type TicketView = z.infer<typeof ZTicketView>;

export const ZTicketPage = z.object({ items: z.array(ZTicketView), nextCursor: z.string().nullable() });
export const ZSearchResult = z.object({ items: z.array(ZTicketView.extend({ rank: z.number(), snippet: z.string() })), hasMore: z.boolean() });

export const ZHistoryInput = z.object({
  id: z.uuid('must be a ticket id (UUID)'),
  /** Only events after this one (ids ascend). */
  after: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.number().int().min(1).max(200).default(100),
});

export const ZWatcherInput = z.object({ id: z.uuid('must be a ticket id (UUID)'), userId: z.uuid('must be a user id (UUID)') });

export const bulkActions = ['assign', 'status', 'priority'] as const;
export const ZBulkUpdateInput = z.object({
  ticketIds: z.array(z.uuid('must be ticket ids (UUID)')).min(1, 'pick at least one ticket').max(100, 'at most 100 tickets at once'),
  change: z.discriminatedUnion('action', [
    z.object({ action: z.literal('assign'), assigneeId: z.uuid('must be a user id (UUID)') }),
    z.object({ action: z.literal('status'), status: z.enum(ticketStatuses) }),
    z.object({ action: z.literal('priority'), priority: z.enum(priorities) }),
  ]),
  reason: z.string().trim().max(500, 'must be at most 500 characters').optional(),
});
export type BulkUpdateInput = z.infer<typeof ZBulkUpdateInput>;

export const ZRole = z.enum(roles);
