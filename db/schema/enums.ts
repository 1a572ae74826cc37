/** The database's enums, built from the shared vocabulary (domain/vocabulary.ts): one definition for every layer. */
import { pgEnum } from 'drizzle-orm/pg-core';
import { articleStatuses, articleVisibilities, eventSources, priorities, roles, slaStates, ticketStatuses } from '../../domain/vocabulary';

export type { ArticleStatus, ArticleVisibility, EventSource, Priority, Role, SlaState, TicketStatus } from '../../domain/vocabulary';

export const roleEnum = pgEnum('role', roles);
export const ticketStatusEnum = pgEnum('ticket_status', ticketStatuses);
export const priorityEnum = pgEnum('priority', priorities);
export const slaStateEnum = pgEnum('sla_state', slaStates);
export const eventSourceEnum = pgEnum('event_source', eventSources);
export const articleVisibilityEnum = pgEnum('kb_article_visibility', articleVisibilities);
export const articleStatusEnum = pgEnum('kb_article_status', articleStatuses);
