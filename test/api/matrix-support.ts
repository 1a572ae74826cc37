/**
 * Shared by the access matrix and the fuzz suite: fixture tickets in every relation to every
 * role, created through the API (so each has its real workflow), fixture builders, and calling
 * any procedure of the typed client by its path.
 */
import { eq } from 'drizzle-orm';
import type { DeskflowClient } from '../../api/client';
import { createApiToken } from '../../api/auth/api-tokens';
import { issueEmailToken } from '../../api/auth/email-tokens';
import {
  assistantAnswers,
  kbArticles,
  attachmentBlobs,
  attachments,
  buildings,
  businessCalendars,
  categories,
  comments,
  departments,
  inboundMail,
  slaPolicies,
  tickets,
  ticketTemplates,
  ticketWatchers,
  users,
} from '../../db/schema';
import type { FixtureTicket, Fixtures, MatrixRole, Relation } from './access-matrix';
import { demo, type ApiHarness } from './support';

export type World = {
  callers: Record<Exclude<MatrixRole, 'anonymous'>, string>;
  tickets: Record<Exclude<MatrixRole, 'anonymous'>, Record<Relation, FixtureTicket>>;
  fx: Fixtures;
};

/**
 * Builds the relations on real workflows: tickets are opened through the API, then put where the
 * relation needs them with the lifecycle's own Updates (ApiHarness.route), so what triage
 * happens to decide does not matter. The ticket in no department is a plain row (nothing in the
 * matrix needs its workflow: a reply's signal to a missing workflow is skipped).
 */
export async function buildWorld(api: ApiHarness): Promise<World> {
  const admin = await api.signIn(demo.admin);
  await admin.api.admin.settings.update.mutate({ ticketRateLimit: { max: 10_000, windowHours: 1 }, signUpEnabled: true, signUpDomains: [] });
  await api.db
    .update(users)
    .set({ departmentId: api.departmentId('it') })
    .where(eq(users.email, demo.requester));

  const create = async (email: string, title: string, description: string): Promise<FixtureTicket> => {
    const { api: client } = await api.signIn(email);
    const ticket = await client.ticket.create.mutate({ title, description });
    return { id: ticket.id, number: ticket.number, requesterEmail: email };
  };
  const ritaTicket = await create(demo.requester, 'Laptop screen is broken', 'Cracked display after a fall.');
  const itTicket = await create(demo.requester2, 'Keyboard misses keys', 'The E and R keys fell off.');
  const hrTicket = await create(demo.requester2, 'Payroll question about March', 'My payslip shows the wrong hours.');
  const samTicket = await create(demo.supervisor, 'Monitor for the supervisor', 'Need a second monitor.');
  const adaTicket = await create(demo.admin, 'Admin needs a headset', 'For calls.');
  // Filed by each caller in HR, a department none of the staff callers works in (the admin's own is there already).
  const filedElsewhere = {
    requester: await create(demo.requester, 'Question about my contract', 'My contract end date looks wrong.'),
    agent: await create(demo.itAgent, 'Grievance about my manager', 'I want to raise a formal grievance.'),
    supervisor: await create(demo.supervisor, 'Parental leave request', 'Planning leave from June.'),
    admin: adaTicket,
  };
  const watchedTicket = await create(demo.requester2, 'Overtime pay missing', 'My overtime in May was not paid.');
  const routes = new Map<string, { department: string; assignee: string }>();
  const route = async (ticket: FixtureTicket, target: { department: string; assignee: string }) => {
    routes.set(ticket.id, target);
    await api.route(ticket.id, target);
  };
  await route(ritaTicket, { department: 'it', assignee: demo.itAgent });
  await route(itTicket, { department: 'it', assignee: demo.itAgent2 });
  await route(hrTicket, { department: 'hr', assignee: demo.hrAgent });
  await route(samTicket, { department: 'it', assignee: demo.itAgent2 });
  await route(adaTicket, { department: 'hr', assignee: demo.hrAgent });
  for (const ticket of [filedElsewhere.requester, filedElsewhere.agent, filedElsewhere.supervisor, watchedTicket]) await route(ticket, { department: 'hr', assignee: demo.hrAgent });
  const watchers = [demo.requester, demo.itAgent, demo.supervisor, demo.admin].map((email) => api.userId(email));
  const watch = (ticketId: string) => api.db.insert(ticketWatchers).values(watchers.map((userId) => ({ ticketId, userId })));
  await watch(watchedTicket.id);
  // Waiting on the customer: most lifecycle moves are illegal from here (see access-matrix.ts).
  // Signs in each time: the matrix's "sign out everywhere" ends earlier sessions.
  const wait = async (id: string) => (await api.signIn(demo.admin)).api.ticket.transition.mutate({ id, to: 'waiting_on_customer', reason: 'access matrix fixture' });
  for (const ticket of [ritaTicket, itTicket, hrTicket, samTicket, adaTicket, filedElsewhere.requester, filedElsewhere.agent, filedElsewhere.supervisor, watchedTicket]) await wait(ticket.id);
  const cancelled = await api.insertTicket({ requester: demo.requester3, title: 'Old printer request', description: 'No longer needed.', department: 'it', assignee: null, status: 'cancelled' });
  const loose = await api.insertTicket({
    requester: demo.requester3,
    title: 'Desk wobbles badly',
    description: 'The desk in the office corner wobbles.',
    department: null,
    assignee: null,
    status: 'new',
  });
  const looseTicket = { id: loose.id, number: loose.number, requesterEmail: demo.requester3 };
  const agent = { email: demo.itAgent };

  const shared = { sameDepartment: itTicket, otherDepartment: hrTicket, anotherRequester: looseTicket, watching: watchedTicket };
  let counter = 0;
  const next = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;
  const fx: Fixtures = {
    userId: (email) => api.userId(email),
    departmentId: (slug) => api.departmentId(slug),
    async freshUser() {
      const email = `fixture-${next()}@example.com`;
      const [row] = await api.db.insert(users).values({ email, name: 'Fixture Person', role: 'requester' }).returning({ id: users.id });
      return { id: row!.id, email };
    },
    async freshDepartment() {
      const [row] = await api.db
        .insert(departments)
        .values({ slug: `fixture-${next()}`, name: 'Fixture' })
        .returning({ id: departments.id });
      return row!.id;
    },
    async freshBuilding() {
      const [row] = await api.db
        .insert(buildings)
        .values({ name: `Fixture ${next()}` })
        .returning({ id: buildings.id });
      return row!.id;
    },
    async freshCategory() {
      const [row] = await api.db
        .insert(categories)
        .values({ name: `Fixture ${next()}` })
        .returning({ id: categories.id });
      return row!.id;
    },
    async freshTemplate() {
      const [row] = await api.db
        .insert(ticketTemplates)
        .values({ name: `Fixture ${next()}`, title: 'Fixture', description: 'Fixture' })
        .returning({ id: ticketTemplates.id });
      return row!.id;
    },
    // Written straight to the table: the author need not see the ticket (the matrix checks who may edit it).
    async comment(ticketId, authorEmail) {
      const [row] = await api.db
        .insert(comments)
        .values({ ticketId, authorId: api.userId(authorEmail), body: 'Fixture comment', internal: false, ai: false })
        .returning({ id: comments.id });
      return row!.id;
    },
    async heldComment(ticket) {
      const [row] = await api.db
        .insert(comments)
        .values({ ticketId: ticket.id, authorId: api.userId(ticket.requesterEmail), body: 'Buy now! Click here to claim your prize', internal: false, ai: false, reviewState: 'held' })
        .returning({ id: comments.id });
      return row!.id;
    },
    staffTarget: () => cancelled.id,
    async attachment(ticketId, uploaderEmail) {
      const id = crypto.randomUUID();
      const bytes = new TextEncoder().encode('fixture');
      await api.db.insert(attachmentBlobs).values({ key: `attachments/${id}`, bytes });
      await api.db
        .insert(attachments)
        .values({ id, ticketId, uploaderId: api.userId(uploaderEmail), fileName: 'fixture.txt', mimeType: 'text/plain', size: bytes.length, sha256: 'fixture', storageKey: `attachments/${id}` });
      return id;
    },
    async apiToken(ownerEmail, scopes = ['read']) {
      return (await createApiToken(api.db, { userId: api.userId(ownerEmail), name: `fixture-${next()}`, scopes, expiresInDays: 1 })).id;
    },
    async emailToken(userId) {
      return (await issueEmailToken(api.db, userId, 'password_reset')).token;
    },
    async ticketLike(ticket) {
      const [original] = await api.db.select().from(tickets).where(eq(tickets.id, ticket.id));
      const target = routes.get(ticket.id);
      if (!target) {
        const row = await api.insertTicket({
          requester: ticket.requesterEmail,
          title: original!.title,
          description: original!.description,
          department: null,
          assignee: null,
          status: original!.status,
        });
        return { id: row.id, number: row.number, requesterEmail: ticket.requesterEmail };
      }
      const copy = await create(ticket.requesterEmail, original!.title, original!.description);
      await route(copy, target);
      await wait(copy.id);
      if (ticket.id === watchedTicket.id) await watch(copy.id);
      return copy;
    },
    async inboundMail() {
      const [row] = await api.db
        .insert(inboundMail)
        .values({
          messageId: `<fixture-${next()}@example.com>`,
          source: 'push',
          sender: 'someone@example.com',
          subject: 'Fixture',
          outcome: 'failed',
          reason: 'fixture',
          raw: new TextEncoder().encode('not a mail'),
          size: 10,
        })
        .returning({ id: inboundMail.id });
      return row!.id;
    },
    async freshCalendar() {
      const [row] = await api.db
        .insert(businessCalendars)
        .values({ name: `Fixture ${next()}`, timezone: 'UTC', alwaysOpen: true })
        .returning({ id: businessCalendars.id });
      return row!.id;
    },
    async freshPolicy() {
      const [row] = await api.db
        .insert(slaPolicies)
        .values({
          name: `Fixture ${next()}`,
          departmentId: await fx.freshDepartment(),
          calendarId: await fx.freshCalendar(),
          firstResponseSeconds: 3600,
          nextResponseSeconds: 7200,
          resolutionSeconds: 28_800,
        })
        .returning({ id: slaPolicies.id });
      return row!.id;
    },
    async articleId(slug) {
      const [row] = await api.db.select({ id: kbArticles.id }).from(kbArticles).where(eq(kbArticles.slug, slug));
      return row!.id;
    },
    async assistantAnswer(askerEmail) {
      const [row] = await api.db
        .insert(assistantAnswers)
        .values({ userId: api.userId(askerEmail), question: 'Matrix: how do I reset my password?', answer: 'From the fixture.', outcome: 'answered', mode: 'offline' })
        .returning({ id: assistantAnswers.id });
      return row!.id;
    },
    async freshArticle() {
      const [row] = await api.db
        .insert(kbArticles)
        .values({ slug: `fixture-${next()}-${crypto.randomUUID().slice(0, 8)}`, title: 'Fixture article', body: 'Fixture', status: 'draft' })
        .returning({ id: kbArticles.id });
      return row!.id;
    },
  };

  return {
    callers: { requester: demo.requester, agent: agent.email, supervisor: demo.supervisor, admin: demo.admin },
    tickets: {
      requester: { own: ritaTicket, ...shared, filedElsewhere: filedElsewhere.requester },
      agent: { own: ritaTicket, ...shared, filedElsewhere: filedElsewhere.agent },
      supervisor: { own: samTicket, ...shared, filedElsewhere: filedElsewhere.supervisor },
      admin: { own: adaTicket, ...shared, filedElsewhere: filedElsewhere.admin },
    },
    fx,
  };
}

/** Calls `path` (e.g. "admin.users.list") on a typed client, as a query or mutation. */
export async function callByPath(client: DeskflowClient, path: string, type: 'query' | 'mutation', input: unknown): Promise<unknown> {
  let target: unknown = client;
  for (const segment of path.split('.')) target = (target as Record<string, unknown>)[segment];
  const procedure = target as { query(input: unknown): Promise<unknown>; mutate(input: unknown): Promise<unknown> };
  const result = await (type === 'query' ? procedure.query(input) : procedure.mutate(input));
  // A streamed answer (STREAMED_PROCEDURES) is read to its end: an error inside the stream fails the call too.
  if (result !== null && typeof result === 'object' && Symbol.asyncIterator in result) {
    const events: unknown[] = [];
    for await (const event of result as AsyncIterable<unknown>) events.push(event);
    return events;
  }
  return result;
}
