import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, desc, eq, inArray, lt, or, type SQL } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client';
import { departments, ticketIntake, tickets, users } from '../../db/schema';
import { searchAttributes as sa } from '../../temporal.config';
import { awaitPersistedUpdate, TICKET_WORKFLOW_TYPE, ticketWorkflowId } from '../../workflows/messages';
import type { ticketWorkflow } from '../../workflows/ticket';
import { visibleTickets } from '../access';
import type { SessionUser } from '../auth/session';
import type { AuthedContext } from '../trpc';
import type { CreateTicketInput, ListTicketsInput } from './schemas';

const assignee = alias(users, 'assignee');
const requester = alias(users, 'requester');

const ticketColumns = {
  id: tickets.id,
  number: tickets.number,
  title: tickets.title,
  description: tickets.description,
  status: tickets.status,
  priority: tickets.priority,
  urgency: tickets.urgency,
  category: tickets.category,
  slaState: tickets.slaState,
  responseDueAt: tickets.responseDueAt,
  resolutionDueAt: tickets.resolutionDueAt,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  department: { id: departments.id, slug: departments.slug, name: departments.name },
  assignee: { id: assignee.id, name: assignee.name },
  requester: { id: requester.id, name: requester.name },
};

function selectTickets(db: Db) {
  return db
    .select(ticketColumns)
    .from(tickets)
    .leftJoin(departments, eq(departments.id, tickets.departmentId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .innerJoin(requester, eq(requester.id, tickets.requesterId));
}

export type TicketView = Awaited<ReturnType<typeof getTicket>>;

export async function getTicket(db: Db, user: SessionUser, id: string) {
  const [row] = await selectTickets(db).where(and(eq(tickets.id, id), visibleTickets(user)));
  // Not visible and not existing look the same, so ids cannot be probed.
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Ticket ${id} was not found.` });
  return row;
}

type Cursor = { createdAt: string; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');
function decodeCursor(cursor: string): Cursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    if (typeof parsed.createdAt === 'string' && typeof parsed.id === 'string' && !Number.isNaN(Date.parse(parsed.createdAt)) && /^[0-9a-f-]{36}$/i.test(parsed.id)) {
      return { createdAt: parsed.createdAt, id: parsed.id };
    }
  } catch {
    // fall through
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor is not one this API issued; pass nextCursor from the previous page.' });
}

export async function listTickets(db: Db, user: SessionUser, input: ListTicketsInput) {
  const filters: (SQL | undefined)[] = [
    visibleTickets(user),
    input.status && inArray(tickets.status, input.status),
    input.priority && inArray(tickets.priority, input.priority),
    input.slaState && inArray(tickets.slaState, input.slaState),
    input.departmentId ? eq(tickets.departmentId, input.departmentId) : undefined,
    input.assigneeId ? eq(tickets.assigneeId, input.assigneeId) : undefined,
    input.requesterId ? eq(tickets.requesterId, input.requesterId) : undefined,
  ];
  if (input.cursor) {
    const c = decodeCursor(input.cursor);
    const at = new Date(c.createdAt);
    filters.push(or(lt(tickets.createdAt, at), and(eq(tickets.createdAt, at), lt(tickets.id, c.id))));
  }
  const rows = await selectTickets(db)
    .where(and(...filters))
    .orderBy(desc(tickets.createdAt), desc(tickets.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return { items: page, nextCursor: rows.length > input.limit && last ? encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id }) : null };
}

/**
 * Reserves the ticket's id and number (once per requester + idempotency key), then starts its
 * workflow with Update-With-Start ("use existing"): the update returns once the row exists, and
 * a retried create reaches the same workflow instead of starting a second one.
 */
export async function createTicket(ctx: AuthedContext, input: CreateTicketInput) {
  const idempotencyKey = input.idempotencyKey ?? `auto:${crypto.randomUUID()}`;
  await ctx.db.insert(ticketIntake).values({ requesterId: ctx.user.id, idempotencyKey }).onConflictDoNothing();
  const [intake] = await ctx.db
    .select({ id: ticketIntake.id, number: ticketIntake.number })
    .from(ticketIntake)
    .where(and(eq(ticketIntake.requesterId, ctx.user.id), eq(ticketIntake.idempotencyKey, idempotencyKey)));
  if (!intake) throw new Error('ticket intake reservation vanished');

  const workflowId = ticketWorkflowId(intake.number);
  const start = new WithStartWorkflowOperation<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: ctx.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A finished ticket's workflow must never be started again by a late retry.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args: [{ ticketId: intake.id, number: intake.number, title: input.title, description: input.description, urgency: input.urgency, requesterId: ctx.user.id }],
    memo: { title: input.title },
    typedSearchAttributes: [
      { key: sa.TicketNumber, value: intake.number },
      { key: sa.TicketStatus, value: 'new' },
      { key: sa.TicketPriority, value: input.urgency },
    ],
  });
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitPersistedUpdate, { startWorkflowOperation: start });
  } catch (error) {
    // The ticket's workflow already ran to completion: the ticket exists, so this is a repeat.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
  return getTicket(ctx.db, ctx.user, intake.id);
}
