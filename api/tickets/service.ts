/**
 * Tickets as the API serves them: one row shape (TicketView), one visibility rule
 * (api/access.ts) in every query, keyset pagination, ranked full-text search, and creation
 * through the ticket's workflow.
 */
import { WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TRPCError } from '@trpc/server';
import { and, asc, desc, eq, gte, inArray, isNull, lt, not, or, sql, type SQL } from 'drizzle-orm';
import { alias, unionAll } from 'drizzle-orm/pg-core';
import type { Db } from '../../db/client';
import { attachments, buildings, categories, comments, departments, ticketFacts, ticketIntake, tickets, ticketTemplates, users } from '../../db/schema';
import { OPEN_STATUSES } from '../../domain/vocabulary';
import { searchAttributes as sa } from '../../temporal.config';
import { awaitPersistedUpdate, TICKET_WORKFLOW_TYPE, ticketWorkflowId } from '../../workflows/messages';
import type { ticketWorkflow } from '../../workflows/ticket/workflow';
import { staffTickets, visibleTickets } from '../access';
import { getSettings } from '../admin/settings/service';
import type { SessionUser } from '../auth/session';
import { RetryLater } from '../errors';
import type { AuthedContext } from '../trpc';
import { recordTicketEvent } from './events';
import type { CreateTicketInput, ListTicketsInput, SearchTicketsInput, TicketSort, TicketView } from './schemas';

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
  requestedCategory: tickets.requestedCategory,
  slaState: tickets.slaState,
  responseDueAt: tickets.responseDueAt,
  resolutionDueAt: tickets.resolutionDueAt,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  department: { id: departments.id, slug: departments.slug, name: departments.name },
  building: { id: buildings.id, name: buildings.name },
  assignee: { id: assignee.id, name: assignee.name },
  requester: { id: requester.id, name: requester.name },
};

/** Escalation is staff-only (a requester's history leaves out its events): the level for staff of the ticket, null for anyone else who sees it. */
const escalationLevelFor = (user: SessionUser) => sql<number | null>`case when ${staffTickets(user)} then ${tickets.escalationLevel} end`.mapWith(Number);

function selectTickets<Extra extends Record<string, SQL.Aliased | SQL>>(db: Db, user: SessionUser, extra?: Extra) {
  return db
    .select({ ...ticketColumns, escalationLevel: escalationLevelFor(user), ...(extra ?? ({} as Extra)) })
    .from(tickets)
    .leftJoin(departments, eq(departments.id, tickets.departmentId))
    .leftJoin(buildings, eq(buildings.id, tickets.buildingId))
    .leftJoin(assignee, eq(assignee.id, tickets.assigneeId))
    .innerJoin(requester, eq(requester.id, tickets.requesterId));
}

export async function getTicket(db: Db, user: SessionUser, id: string): Promise<TicketView> {
  const [row] = await selectTickets(db, user).where(and(eq(tickets.id, id), visibleTickets(user)));
  // Not visible and not existing look the same, so ids cannot be probed.
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Ticket ${id} was not found.` });
  return row;
}

/** A ticket by its number (the links in mail name tickets by number): same visibility rule, same answer for hidden and missing. */
export async function getTicketByNumber(db: Db, user: SessionUser, number: number): Promise<TicketView> {
  const [row] = await selectTickets(db, user).where(and(eq(tickets.number, number), visibleTickets(user)));
  if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Ticket #${number} was not found.` });
  return row;
}

// ---------------------------------------------------------------------------------------
// Lists: filters, sorting, keyset pagination

const sortColumns = { created: tickets.createdAt, updated: tickets.updatedAt, due: tickets.resolutionDueAt } as const;

type Cursor = { s: TicketSort; o: 'asc' | 'desc'; v: string | null; id: string };
const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(cursor: string, sort: TicketSort, order: 'asc' | 'desc'): Cursor {
  try {
    const c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<Cursor>;
    const valueOk = c.v === null || (typeof c.v === 'string' && c.v.length <= 40 && !Number.isNaN(Date.parse(c.v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00'))));
    if (c.s === sort && c.o === order && valueOk && typeof c.id === 'string' && /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(c.id)) {
      return { s: sort, o: order, v: c.v ?? null, id: c.id };
    }
  } catch {
    // fall through
  }
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'cursor is not one this API issued for this sort order; pass nextCursor from the previous page.' });
}

/** Rows strictly after the cursor in (sort column, id) order; nulls sort last ascending, first descending (Postgres' default). */
function afterCursor(sort: TicketSort, order: 'asc' | 'desc', c: Cursor): SQL {
  const column = sortColumns[sort];
  const cmp = order === 'asc' ? sql.raw('>') : sql.raw('<');
  if (c.v === null) {
    return order === 'asc' ? sql`(${column} is null and ${tickets.id} > ${c.id})` : sql`((${column} is null and ${tickets.id} < ${c.id}) or ${column} is not null)`;
  }
  const tuple = sql`(${column}, ${tickets.id}) ${cmp} (${c.v}::timestamptz, ${c.id}::uuid)`;
  return sort === 'due' && order === 'asc' ? sql`(${tuple} or ${column} is null)` : tuple;
}

/**
 * Open and escalated now, for staff of the ticket (the list's `escalated` filter). Constants, not
 * parameters, so that a partial index on exactly this predicate could serve it; on the tickets
 * table alone, so the keyset page (and its cursor) works as for any other filter.
 */
function escalatedNow(user: SessionUser): SQL {
  const open = sql.raw(OPEN_STATUSES.map((s) => `'${s}'`).join(', '));
  return sql`(${staffTickets(user)} and ${tickets.escalationLevel} > 0 and ${tickets.status} in (${open}))`;
}

export function listFilters(user: SessionUser, input: ListTicketsInput): SQL[] {
  const me = (value: string) => (value === 'me' ? user.id : value);
  const filters: (SQL | undefined)[] = [
    visibleTickets(user),
    input.status && inArray(tickets.status, input.status),
    input.priority && inArray(tickets.priority, input.priority),
    input.slaState && inArray(tickets.slaState, input.slaState),
    input.departmentId && inArray(tickets.departmentId, input.departmentId),
    input.buildingId && inArray(tickets.buildingId, input.buildingId),
    input.category &&
      inArray(
        sql`lower(coalesce(${tickets.category}, ${tickets.requestedCategory}))`,
        input.category.map((c) => c.toLowerCase()),
      ),
    input.assigneeId === 'none' ? isNull(tickets.assigneeId) : input.assigneeId ? eq(tickets.assigneeId, me(input.assigneeId)) : undefined,
    input.requesterId ? eq(tickets.requesterId, me(input.requesterId)) : undefined,
    input.watchedBy ? sql`exists (select 1 from ticket_watchers w where w.ticket_id = ${tickets.id} and w.user_id = ${user.id})` : undefined,
    // Staff powers by department are null for a ticket without one: coalesce, so "not escalated" keeps it.
    input.escalated === true ? escalatedNow(user) : input.escalated === false ? not(sql`coalesce(${escalatedNow(user)}, false)`) : undefined,
    input.createdFrom && gte(tickets.createdAt, input.createdFrom),
    input.createdTo && lt(tickets.createdAt, input.createdTo),
    input.dueFrom && gte(tickets.resolutionDueAt, input.dueFrom),
    input.dueTo && lt(tickets.resolutionDueAt, input.dueTo),
  ];
  return filters.filter((f): f is SQL => f !== undefined);
}

/** The list's query, unexecuted (bench/list.ts runs the same SQL straight through the driver). */
export function listTicketsQuery(db: Db, user: SessionUser, input: ListTicketsInput) {
  const sort = input.sort;
  const order = input.order ?? (sort === 'due' ? 'asc' : 'desc');
  const column = sortColumns[sort];
  const filters = listFilters(user, input);
  if (input.cursor) filters.push(afterCursor(sort, order, decodeCursor(input.cursor, sort, order)));
  const direction = order === 'asc' ? asc : desc;
  // First the page of ids (narrow, index-ordered), then the joins for those rows only: a filter
  // the planner misjudges then costs a sort of ids, not of joined rows.
  const page = db
    .select({ id: tickets.id, sortKey: sql<string | null>`${column}::text`.as('sort_key') })
    .from(tickets)
    .where(and(...filters))
    .orderBy(direction(column), direction(tickets.id))
    .limit(input.limit + 1)
    .as('page');
  // The sort key as Postgres text keeps microseconds, which a JS Date would drop (and skip rows).
  const query = selectTickets(db, user, { sortKey: sql<string | null>`${page.sortKey}`.as('page_sort_key') })
    .innerJoin(page, eq(page.id, tickets.id))
    .orderBy(direction(column), direction(tickets.id));
  return { query, sort, order };
}

export async function listTickets(db: Db, user: SessionUser, input: ListTicketsInput): Promise<{ items: TicketView[]; nextCursor: string | null }> {
  const { query, sort, order } = listTicketsQuery(db, user, input);
  const rows = await query;
  const page = rows.slice(0, input.limit);
  const last = page.at(-1);
  return {
    items: page.map(({ sortKey: _sortKey, ...ticket }) => ticket),
    nextCursor: rows.length > input.limit && last ? encodeCursor({ s: sort, o: order, v: last.sortKey, id: last.id }) : null,
  };
}

// ---------------------------------------------------------------------------------------
// Full-text search over titles, descriptions and comments

/** The search's query, unexecuted (bench/list.ts runs the same SQL straight through the driver). */
export function searchTicketsQuery(db: Db, user: SessionUser, input: SearchTicketsInput) {
  const query = sql`websearch_to_tsquery('english', ${input.q})`;
  const commentDocument = sql`to_tsvector('english', ${comments.body})`;
  const ticketMatches = db
    .select({ ticketId: sql<string>`${tickets.id}`.as('ticket_id'), rank: sql<number>`ts_rank(${tickets.search}, ${query})`.as('rank') })
    .from(tickets)
    .where(sql`${tickets.search} @@ ${query}`);
  // A match in a comment counts for less than one in the ticket itself; internal notes match only
  // for staff of their ticket (an agent who filed a ticket elsewhere never finds it by its notes).
  // Correlated, so it is evaluated only for matching internal notes (not a scan of every ticket in scope).
  const staffOfComment = sql`exists (select 1 from ${tickets} where ${tickets.id} = ${comments.ticketId} and ${staffTickets(user)})`;
  const commentMatches = db
    .select({ ticketId: sql<string>`${comments.ticketId}`.as('ticket_id'), rank: sql<number>`ts_rank(${commentDocument}, ${query}) * 0.5`.as('rank') })
    .from(comments)
    .where(
      and(
        sql`${commentDocument} @@ ${query}`,
        user.role === 'admin' ? undefined : or(eq(comments.internal, false), staffOfComment),
        // Deleted comments match nobody; hidden ones only staff of their ticket (api/comments/moderation.ts).
        isNull(comments.deletedAt),
        user.role === 'admin' ? undefined : or(isNull(comments.hiddenAt), staffOfComment),
      ),
    );
  const matches = unionAll(ticketMatches, commentMatches).as('matches');
  const ranked = db
    .select({ ticketId: matches.ticketId, rank: sql<number>`max(${matches.rank})`.as('best_rank') })
    .from(matches)
    .groupBy(matches.ticketId)
    .as('ranked');
  const filters: (SQL | undefined)[] = [visibleTickets(user), input.status && inArray(tickets.status, input.status), input.departmentId && inArray(tickets.departmentId, input.departmentId)];
  // Rank and page on the tickets table alone; join the people and places for the page only.
  const page = db
    .select({ id: tickets.id, rank: sql<number>`${ranked.rank}::float8`.as('rank_value') })
    .from(tickets)
    .innerJoin(ranked, eq(ranked.ticketId, tickets.id))
    .where(and(...filters))
    .orderBy(desc(ranked.rank), desc(tickets.createdAt), desc(tickets.id))
    .limit(input.limit + 1)
    .offset(input.offset)
    .as('page');
  return selectTickets(db, user, {
    rank: sql<number>`${page.rank}`.as('page_rank'),
    snippet: sql<string>`ts_headline('english', ${tickets.title} || ' — ' || left(${tickets.description}, 2000), ${query}, 'MaxWords=24, MinWords=8, StartSel=«, StopSel=»')`.as('snippet'),
  })
    .innerJoin(page, eq(page.id, tickets.id))
    .orderBy(desc(page.rank), desc(tickets.createdAt), desc(tickets.id));
}

export async function searchTickets(db: Db, user: SessionUser, input: SearchTicketsInput) {
  const rows = await searchTicketsQuery(db, user, input);
  return { items: rows.slice(0, input.limit).map((row) => ({ ...row, rank: Number(row.rank) })), hasMore: rows.length > input.limit };
}

// ---------------------------------------------------------------------------------------
// Creation

/** What creating a ticket needs of its caller: a signed-in request, or the inbound mail service acting for a mail's sender. */
export type TicketCreator = Pick<AuthedContext, 'db' | 'temporal' | 'taskQueue' | 'user'>;

/**
 * The per-requester creation limit (settings.ticketRateLimit). Counted on reservations, under a
 * per-requester lock so concurrent creates cannot slip past it; a retry of an existing key is
 * never counted again.
 */
async function reserveIntake(ctx: TicketCreator, idempotencyKey: string): Promise<{ id: string; number: number }> {
  const limited = ctx.user.role === 'requester';
  const settings = limited ? await getSettings(ctx.db) : null;
  return ctx.db.transaction(async (tx) => {
    const find = () =>
      tx
        .select({ id: ticketIntake.id, number: ticketIntake.number })
        .from(ticketIntake)
        .where(and(eq(ticketIntake.requesterId, ctx.user.id), eq(ticketIntake.idempotencyKey, idempotencyKey)));
    const [existing] = await find();
    if (existing) return existing;
    if (settings) {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${`ticket-intake:${ctx.user.id}`}, 0))`);
      const { max, windowHours } = settings.ticketRateLimit;
      const windowStart = new Date(Date.now() - windowHours * 3600_000);
      const recent = await tx
        .select({ createdAt: ticketIntake.createdAt })
        .from(ticketIntake)
        .where(and(eq(ticketIntake.requesterId, ctx.user.id), gte(ticketIntake.createdAt, windowStart)))
        .orderBy(desc(ticketIntake.createdAt))
        .limit(max);
      if (recent.length >= max) {
        const oldestCounted = recent.at(-1)!.createdAt.getTime();
        const retryAfterSeconds = Math.max(1, Math.ceil((oldestCounted + windowHours * 3600_000 - Date.now()) / 1000));
        const when = new Date(Date.now() + retryAfterSeconds * 1000).toISOString();
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `You can open ${max} tickets per ${windowHours} h; you can open the next one at ${when} (in ${formatDuration(retryAfterSeconds)}). Add to an open ticket meanwhile.`,
          cause: new RetryLater(retryAfterSeconds),
        });
      }
    }
    await tx.insert(ticketIntake).values({ requesterId: ctx.user.id, idempotencyKey }).onConflictDoNothing();
    const [reserved] = await find();
    if (!reserved) throw new Error('ticket intake reservation vanished');
    return reserved;
  });
}

function formatDuration(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.ceil((seconds % 3600) / 60);
  return hours > 0 ? `${hours} h ${minutes} min` : `${minutes} min`;
}

/** An admin restricted this user after a misuse report (admin.misuse.restrict): no new tickets until lifted. */
async function refuseIfRestricted(ctx: TicketCreator): Promise<void> {
  const [user] = await ctx.db.select({ at: users.ticketingRestrictedAt, reason: users.ticketingRestrictionReason }).from(users).where(eq(users.id, ctx.user.id));
  if (user?.at) {
    throw new TRPCError({
      code: 'FORBIDDEN',
      message: `An administrator has restricted your account from opening tickets (${user.reason ?? 'no reason given'}). Reply on your open tickets, or contact the service desk to have it lifted.`,
    });
  }
}

type ResolvedCreate = { title: string; description: string; urgency: TicketView['urgency']; category: string | null; buildingId: string | null; attachmentIds: string[] };

/** Checks everything a create names (template, category, building, staged files) before anything is reserved. */
async function resolveCreate(ctx: TicketCreator, input: CreateTicketInput): Promise<ResolvedCreate> {
  let template: typeof ticketTemplates.$inferSelect | undefined;
  if (input.templateId) {
    [template] = await ctx.db
      .select()
      .from(ticketTemplates)
      .where(and(eq(ticketTemplates.id, input.templateId), eq(ticketTemplates.active, true)));
    if (!template) throw new TRPCError({ code: 'BAD_REQUEST', message: 'templateId: there is no such active template.' });
  }
  let category = input.category ?? template?.category ?? null;
  if (category) {
    const [known] = await ctx.db
      .select({ name: categories.name })
      .from(categories)
      .where(and(eq(sql`lower(${categories.name})`, category.toLowerCase()), eq(categories.active, true)));
    if (!known) throw new TRPCError({ code: 'BAD_REQUEST', message: `category: "${category}" is not a category here; list them with directory.categories.` });
    category = known.name;
  }
  if (input.buildingId) {
    const [building] = await ctx.db
      .select({ id: buildings.id })
      .from(buildings)
      .where(and(eq(buildings.id, input.buildingId), eq(buildings.active, true)));
    if (!building) throw new TRPCError({ code: 'BAD_REQUEST', message: 'buildingId: there is no such building.' });
  }
  const attachmentIds = [...new Set(input.attachmentIds ?? [])];
  if (attachmentIds.length > 0) {
    const staged = await ctx.db
      .select({ id: attachments.id })
      .from(attachments)
      .where(and(inArray(attachments.id, attachmentIds), eq(attachments.uploaderId, ctx.user.id), isNull(attachments.ticketId)));
    if (staged.length !== attachmentIds.length) throw new TRPCError({ code: 'BAD_REQUEST', message: 'attachmentIds: each must be a file you uploaded without a ticket and not yet attached.' });
  }
  return {
    title: (input.title ?? template!.title).trim(),
    description: (input.description ?? template!.description).trim(),
    urgency: input.urgency ?? template?.urgency ?? 'medium',
    category,
    buildingId: input.buildingId ?? null,
    attachmentIds,
  };
}

/**
 * Reserves the ticket's id and number (once per requester + idempotency key, within the
 * creation limit), then starts its workflow with Update-With-Start ("use existing"): the update
 * returns once the row exists, and a retried create reaches the same workflow instead of
 * starting a second one. The API's own data (building, requested category, files) follows.
 */
export async function createTicket(ctx: TicketCreator, input: CreateTicketInput): Promise<TicketView> {
  await refuseIfRestricted(ctx);
  const resolved = await resolveCreate(ctx, input);
  const idempotencyKey = input.idempotencyKey ?? `auto:${crypto.randomUUID()}`;
  const intake = await reserveIntake(ctx, idempotencyKey);

  const workflowId = ticketWorkflowId(intake.number);
  const start = new WithStartWorkflowOperation<typeof ticketWorkflow>(TICKET_WORKFLOW_TYPE, {
    workflowId,
    taskQueue: ctx.taskQueue,
    workflowIdConflictPolicy: 'USE_EXISTING',
    // A finished ticket's workflow must never be started again by a late retry.
    workflowIdReusePolicy: 'REJECT_DUPLICATE',
    args: [{ ticketId: intake.id, number: intake.number, title: resolved.title, description: resolved.description, urgency: resolved.urgency, requesterId: ctx.user.id }],
    memo: { title: resolved.title },
    typedSearchAttributes: [
      { key: sa.TicketNumber, value: intake.number },
      { key: sa.TicketStatus, value: 'new' },
      { key: sa.TicketPriority, value: resolved.urgency },
    ],
  });
  try {
    await ctx.temporal.workflow.executeUpdateWithStart(awaitPersistedUpdate, { startWorkflowOperation: start });
  } catch (error) {
    // The ticket's workflow already ran to completion: the ticket exists, so this is a repeat.
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }

  if (resolved.buildingId || resolved.category) {
    await ctx.db.transaction(async (tx) => {
      const updated = await tx
        .update(tickets)
        .set({ buildingId: resolved.buildingId, requestedCategory: resolved.category })
        .where(and(eq(tickets.id, intake.id), isNull(tickets.buildingId), isNull(tickets.requestedCategory)))
        .returning({ id: tickets.id });
      // The reports' facts follow the row (the ticket row's lock orders this with the workflow's first change).
      if (updated.length > 0 && resolved.buildingId) await tx.update(ticketFacts).set({ buildingId: resolved.buildingId }).where(eq(ticketFacts.ticketId, intake.id));
    });
  }
  if (resolved.attachmentIds.length > 0) {
    const attached = await ctx.db
      .update(attachments)
      .set({ ticketId: intake.id })
      .where(and(inArray(attachments.id, resolved.attachmentIds), eq(attachments.uploaderId, ctx.user.id), isNull(attachments.ticketId)))
      .returning({ id: attachments.id, fileName: attachments.fileName });
    for (const file of attached) {
      await recordTicketEvent(ctx.db, {
        ticketId: intake.id,
        kind: 'attachment_added',
        newValue: { id: file.id, fileName: file.fileName },
        actorId: ctx.user.id,
        dedupeKey: `attachment:${file.id}:added`,
      });
    }
  }
  return getTicket(ctx.db, ctx.user, intake.id);
}
