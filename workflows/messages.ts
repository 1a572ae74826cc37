/**
 * The ticket workflow's messages as typed constants. The API imports this module (and never
 * the activities) to talk to a ticket; nobody calls a workflow or handler by a string name.
 */
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { TicketState } from './types';

export const TICKET_WORKFLOW_TYPE = 'ticketWorkflow';

export const ticketWorkflowId = (number: number) => `ticket-${number}`;

/** Completes once the ticket row exists in Postgres; the create path sends it with Update-With-Start. */
export const awaitPersistedUpdate = defineUpdate<TicketState, []>('awaitPersisted');

export const stateQuery = defineQuery<TicketState>('state');
