/**
 * The custom search attributes ticket workflows upsert, defined without zod or configuration code:
 * the workflow sandbox evaluates a workflow's modules once per workflow, so its bundle stays lean.
 * temporal.config.ts exports them as `searchAttributes` for registration and queries.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const ticketSearchAttributes = {
  TicketNumber: defineSearchAttributeKey('TicketNumber', SearchAttributeType.INT),
  TicketStatus: defineSearchAttributeKey('TicketStatus', SearchAttributeType.KEYWORD),
  TicketPriority: defineSearchAttributeKey('TicketPriority', SearchAttributeType.KEYWORD),
  TicketDepartment: defineSearchAttributeKey('TicketDepartment', SearchAttributeType.KEYWORD),
  AssigneeId: defineSearchAttributeKey('AssigneeId', SearchAttributeType.KEYWORD),
  SlaState: defineSearchAttributeKey('SlaState', SearchAttributeType.KEYWORD),
  SlaDueAt: defineSearchAttributeKey('SlaDueAt', SearchAttributeType.DATETIME),
} as const;
