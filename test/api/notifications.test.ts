/**
 * The notification center on the real stack: the API on PGlite, the Temporal dev server with the
 * Deskflow worker, and the rooms under workerd. Listing, paging, marking read, what a user may
 * see, preferences and organisation defaults, the unread count pushed live into the user's
 * channel (by the worker when it writes notifications, by the API when they are read), the
 * requester's "resolved" notification, and pruning by the Temporal Schedule.
 */
import { ScheduleOverlapPolicy } from '@temporalio/client';
import { eq, inArray } from 'drizzle-orm';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeskflowClient } from '../../api/client';
import { notifications, tickets, users, type Role } from '../../db/schema';
import { hashPassword } from '../../lib/password';
import { connectRoom, type RoomClient } from '../../realtime/client';
import { ticketActivities } from '../../worker/activities/tickets';
import { createRoomsNotifier } from '../../worker/rooms-notifier';
import { NOTIFICATION_PRUNE_SCHEDULE_ID, ensureSchedules } from '../../worker/schedules';
import { NOTIFICATION_PRUNE_WORKFLOW_TYPE } from '../../workflows/messages';
import { PASSWORD, outcome, startApi, type ApiHarness } from './support';

let api: ApiHarness;
let passwordHash: string;
const channels: RoomClient[] = [];

// The whole stack (dev server, worker bundle, workerd) on a busy machine, as leak.test.ts.
beforeAll(async () => {
  api = await startApi({ temporal: true, rooms: true });
  passwordHash = await hashPassword(PASSWORD);
}, 300_000);

afterAll(async () => {
  for (const channel of channels) channel.close();
  await api?.stop();
});

type Person = { id: string; email: string; api: DeskflowClient };

/** A new person of their own (so counts are theirs alone), signed in. Agents are away: routing never picks them. */
async function person(role: Role = 'requester', department: string | null = role === 'requester' ? null : 'it'): Promise<Person> {
  const email = `notify-${crypto.randomUUID().slice(0, 8)}@deskflow.test`;
  const [row] = await api.db
    .insert(users)
    .values({ email, name: `Notify ${role}`, role, passwordHash, departmentId: department ? api.departmentId(department) : null, away: role !== 'requester' })
    .returning({ id: users.id });
  const session = await api.signIn(email);
  return { id: row!.id, email, api: session.api };
}

/** A notification row as the worker or the message path writes it. */
async function plant(to: Person, fields: { ticketId?: string | null; kind?: string; title?: string; body?: string; readAt?: Date | null; createdAt?: Date; data?: Record<string, unknown> } = {}) {
  const [row] = await api.db
    .insert(notifications)
    .values({
      userId: to.id,
      ticketId: fields.ticketId ?? null,
      kind: fields.kind ?? 'assigned',
      title: fields.title ?? 'Something for you',
      body: fields.body ?? 'Have a look.',
      data: fields.data ?? {},
      dedupeKey: `test/${crypto.randomUUID()}`,
      readAt: fields.readAt ?? null,
      ...(fields.createdAt ? { createdAt: fields.createdAt } : {}),
    })
    .returning();
  return row!;
}

/** The user's own notification channel, opened with the token the API issues. */
async function openChannel(who: Person): Promise<RoomClient> {
  const grant = await who.api.realtime.notificationsToken.mutate();
  const channel = connectRoom({ url: grant.url, room: grant.room, token: grant.token, WebSocket });
  channels.push(channel);
  await channel.ready;
  return channel;
}

/** Waits until `check` passes (polling), for state that arrives over the network or from the worker. */
async function eventually(check: () => void | Promise<void>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/** The latest unread count the channel pushed to its client. */
const latestCount = (channel: RoomClient) => channel.framesOf('notifications').at(-1)?.unread;

describe('listing', () => {
  it('pages the caller’s own notifications newest first, with the ticket, a short body and a deep link', async () => {
    const rita = await person();
    const ticket = await api.insertTicket({ requester: rita.id, title: 'Laptop will not boot', department: 'it' });
    const planted = [];
    for (let i = 1; i <= 5; i++) planted.push(await plant(rita, { ticketId: ticket.id, title: `Update ${i}`, body: i === 5 ? 'x'.repeat(2000) : `body ${i}` }));
    await plant(await person(), { title: 'someone else’s' });

    const first = await rita.api.notification.list.query({ limit: 2 });
    const second = await rita.api.notification.list.query({ limit: 2, cursor: first.nextCursor! });
    const third = await rita.api.notification.list.query({ limit: 2, cursor: second.nextCursor! });
    expect([...first.items, ...second.items, ...third.items].map((n) => n.title)).toEqual(['Update 5', 'Update 4', 'Update 3', 'Update 2', 'Update 1']);
    expect(third.nextCursor).toBeNull();
    const [newest] = first.items;
    expect(newest).toMatchObject({
      id: planted[4]!.id,
      kind: 'assigned',
      ticket: { id: ticket.id, number: ticket.number, title: 'Laptop will not boot' },
      link: `/tickets/${ticket.number}`,
      readAt: null,
    });
    expect(newest!.body.length).toBeLessThanOrEqual(280);
    expect(newest!.body.endsWith('…')).toBe(true);
    expect(second.items[0]!.body).toBe('body 3');
  });

  it('uses a stored deep link; a notification about no ticket has none', async () => {
    const rita = await person();
    const ticket = await api.insertTicket({ requester: rita.id, department: 'it' });
    await plant(rita, { ticketId: ticket.id, kind: 'message', data: { link: `/tickets/${ticket.number}#comment-7` } });
    await plant(rita, { kind: 'mention', title: 'About nothing in particular' });
    const { items } = await rita.api.notification.list.query();
    expect(items.map((n) => [n.kind, n.link, n.ticket?.id ?? null])).toEqual([
      ['mention', null, null],
      ['message', `/tickets/${ticket.number}#comment-7`, ticket.id],
    ]);
  });

  it('filters to the unread ones; counts them; marking some and all read', async () => {
    const rita = await person();
    await plant(rita, { title: 'old and read', readAt: new Date(Date.now() - 60_000) });
    const a = await plant(rita, { title: 'a' });
    const b = await plant(rita, { title: 'b' });
    await plant(rita, { title: 'c' });
    expect(await rita.api.notification.unreadCount.query()).toEqual({ unread: 3 });
    expect((await rita.api.notification.list.query({ unreadOnly: true })).items.map((n) => n.title)).toEqual(['c', 'b', 'a']);

    expect(await rita.api.notification.markRead.mutate({ ids: [a.id, b.id] })).toEqual({ marked: 2, unread: 1 });
    // Marking again changes nothing.
    expect(await rita.api.notification.markRead.mutate({ ids: [a.id] })).toEqual({ marked: 0, unread: 1 });
    expect((await rita.api.notification.list.query({ unreadOnly: true })).items.map((n) => n.title)).toEqual(['c']);
    const all = await rita.api.notification.list.query();
    expect(all.items.map((n) => [n.title, n.readAt !== null])).toEqual([
      ['c', false],
      ['b', true],
      ['a', true],
      ['old and read', true],
    ]);

    expect(await rita.api.notification.markAllRead.mutate()).toEqual({ marked: 1, unread: 0 });
    expect((await rita.api.notification.list.query({ unreadOnly: true })).items).toEqual([]);
  });

  it('ignores someone else’s notification ids exactly like ids that do not exist', async () => {
    const rita = await person();
    const raj = await person();
    const ritas = await plant(rita, { title: 'for rita' });
    expect(await raj.api.notification.markRead.mutate({ ids: [ritas.id] })).toEqual({ marked: 0, unread: 0 });
    expect(await raj.api.notification.markRead.mutate({ ids: [Number.MAX_SAFE_INTEGER] })).toEqual({ marked: 0, unread: 0 });
    expect((await raj.api.notification.list.query()).items).toEqual([]);
    expect((await rita.api.notification.list.query({ unreadOnly: true })).items.map((n) => n.id)).toEqual([ritas.id]);
    // Invalid ids are refused with a field error.
    expect(await outcome(raj.api.notification.markRead.mutate({ ids: [] }))).toBe('BAD_REQUEST');
  });

  it('hides notifications about a ticket the user can no longer see, in the list and the count', async () => {
    const agent = await person('agent', 'it');
    const ticket = await api.insertTicket({ requester: 'rita.requester@deskflow.test', department: 'it', assignee: null, status: 'triaged' });
    await plant(agent, { ticketId: ticket.id, kind: 'needs_triage', title: 'Triage it' });
    await plant(agent, { title: 'About no ticket' });
    expect(await agent.api.notification.unreadCount.query()).toEqual({ unread: 2 });
    // The ticket moves to HR: the IT agent no longer sees it, nor anything about it.
    await api.db
      .update(tickets)
      .set({ departmentId: api.departmentId('hr') })
      .where(eq(tickets.id, ticket.id));
    expect((await agent.api.notification.list.query()).items.map((n) => n.title)).toEqual(['About no ticket']);
    expect(await agent.api.notification.unreadCount.query()).toEqual({ unread: 1 });
    // And marking it read does nothing: it does not exist for them.
    const [hidden] = await api.db.select().from(notifications).where(eq(notifications.ticketId, ticket.id));
    expect((await agent.api.notification.markRead.mutate({ ids: [hidden!.id] })).marked).toBe(0);
  });

  it('is also a REST route', async () => {
    const rita = await api.signIn('rita.requester@deskflow.test');
    const response = await fetch(`${api.url}/api/notifications/unread-count`, { headers: { authorization: `Bearer ${rita.token}` } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ unread: expect.any(Number) });
  });
});

describe('preferences', () => {
  it('answers the organisation default per kind; a choice overrides it; in-app off hides the kind from list and count', async () => {
    const otto = await person('agent');
    const defaults = (await otto.api.notification.preferences.query()).preferences;
    expect(defaults.map((p) => p.kind)).toContain('resolved');
    expect(defaults.every((p) => p.isDefault && p.inApp)).toBe(true);
    expect(defaults.find((p) => p.kind === 'sla_warning')).toEqual({ kind: 'sla_warning', inApp: true, email: 'daily_digest', isDefault: true });

    await plant(otto, { kind: 'sla_warning', title: 'warning' });
    await plant(otto, { kind: 'assigned', title: 'assigned' });
    const changed = await otto.api.notification.setPreferences.mutate({
      preferences: [
        { kind: 'sla_warning', inApp: false },
        { kind: 'assigned', email: 'never' },
      ],
    });
    expect(changed.preferences.find((p) => p.kind === 'sla_warning')).toEqual({ kind: 'sla_warning', inApp: false, email: 'daily_digest', isDefault: false });
    expect(changed.preferences.find((p) => p.kind === 'assigned')).toEqual({ kind: 'assigned', inApp: true, email: 'never', isDefault: false });
    expect((await otto.api.notification.list.query()).items.map((n) => n.title)).toEqual(['assigned']);
    expect(await otto.api.notification.unreadCount.query()).toEqual({ unread: 1 });

    const back = await otto.api.notification.setPreferences.mutate({ preferences: [{ kind: 'sla_warning', useDefault: true }] });
    expect(back.preferences.find((p) => p.kind === 'sla_warning')).toEqual({ kind: 'sla_warning', inApp: true, email: 'daily_digest', isDefault: true });
    expect(await otto.api.notification.unreadCount.query()).toEqual({ unread: 2 });

    expect(await outcome(otto.api.notification.setPreferences.mutate({ preferences: [{ kind: 'assigned' }] }))).toBe('BAD_REQUEST');
    expect(await outcome(otto.api.notification.setPreferences.mutate({ preferences: [{ kind: 'assigned', email: 'hourly' as never }] }))).toBe('BAD_REQUEST');
  });

  it('admins set the organisation defaults, audited; users without a choice of their own follow them', async () => {
    const admin = await api.signIn('admin@deskflow.test');
    const agent = await person('agent');
    await plant(agent, { kind: 'needs_triage', title: 'triage me' });
    const set = await admin.api.admin.notificationDefaults.set.mutate({ defaults: [{ kind: 'needs_triage', inApp: false, email: 'never' }] });
    try {
      expect(set.defaults.find((d) => d.kind === 'needs_triage')).toEqual({ kind: 'needs_triage', inApp: false, email: 'never', builtIn: false });
      expect((await admin.api.admin.notificationDefaults.get.query()).defaults.find((d) => d.kind === 'assigned')).toMatchObject({ builtIn: true });
      expect((await agent.api.notification.preferences.query()).preferences.find((p) => p.kind === 'needs_triage')).toEqual({ kind: 'needs_triage', inApp: false, email: 'never', isDefault: true });
      expect(await agent.api.notification.unreadCount.query()).toEqual({ unread: 0 });
      // A choice of their own wins over the default.
      await agent.api.notification.setPreferences.mutate({ preferences: [{ kind: 'needs_triage', inApp: true }] });
      expect((await agent.api.notification.list.query()).items.map((n) => n.title)).toEqual(['triage me']);
      const audit = await admin.api.admin.audit.query({ limit: 5 });
      expect(audit.find((a) => a.action === 'notification_defaults.updated')).toMatchObject({
        details: { needs_triage: { from: { inApp: true, email: 'daily_digest' }, to: { inApp: false, email: 'never' } } },
      });
    } finally {
      await admin.api.admin.notificationDefaults.set.mutate({ defaults: [{ kind: 'needs_triage', inApp: true, email: 'daily_digest' }] });
    }
  });
});

describe('live unread count in the user’s channel', () => {
  const notifier = () => createRoomsNotifier({ roomsUrl: api.roomsUrl, internalSecret: api.internalSecret });

  it('is pushed when the worker writes a notification and when the user reads it', async () => {
    const agent = await person('agent');
    const ticket = await api.insertTicket({ requester: 'rita.requester@deskflow.test', department: 'it', assignee: agent.id });
    const channel = await openChannel(agent);
    // The activity the ticket workflow calls, with the worker's notifier.
    await ticketActivities(api.db, notifier()).applyTicketChange({
      ticketId: ticket.id,
      seq: ticket.lifecycleSeq + 1,
      dedupeKey: `${ticket.workflowId}#${ticket.lifecycleSeq + 1}`,
      set: {},
      kind: 'sla_warning',
      actorId: null,
      source: 'workflow',
      notifications: [{ key: 'sla/test', kind: 'sla_warning', audience: ['assignee'], title: `Ticket #${ticket.number}: resolution SLA at 80 %`, body: 'Hurry' }],
    });
    await eventually(() => expect(latestCount(channel)).toBe(1));
    const [item] = (await agent.api.notification.list.query()).items;
    expect(item).toMatchObject({ kind: 'sla_warning', link: `/tickets/${ticket.number}`, ticket: { id: ticket.id, number: ticket.number } });

    await agent.api.notification.markRead.mutate({ ids: [item!.id] });
    await eventually(() => expect(latestCount(channel)).toBe(0));
    await plant(agent, { title: 'via the message path' });
    await agent.api.notification.markAllRead.mutate();
    // Two reads, two pushes; both say 0 now.
    await eventually(() => expect(channel.framesOf('notifications').map((f) => f.unread)).toEqual([1, 0, 0]));
  });

  it('is pushed when a message notifies someone, whether it was sent through the API or in the ticket’s room', async () => {
    const rita = await person();
    const agent = await person('agent');
    const ticket = await api.insertTicket({ requester: rita.id, department: 'it', assignee: agent.id });
    const channel = await openChannel(rita);
    await agent.api.comment.add.mutate({ ticketId: ticket.id, body: 'Through the API: is it working again?', internal: false });
    await eventually(() => expect(latestCount(channel)).toBe(1));

    const grant = await agent.api.realtime.token.mutate({ ticketId: ticket.id });
    const room = connectRoom({ url: grant.url, room: grant.room, token: grant.token, WebSocket });
    channels.push(room);
    await room.ready;
    await room.sendMessage({ clientId: 'notify-room-1', body: 'In the room: try it now, please.' });
    await eventually(() => expect(latestCount(channel)).toBe(2));
    expect((await rita.api.notification.list.query({ unreadOnly: true })).items.map((n) => [n.kind, n.ticket?.id])).toEqual([
      ['message', ticket.id],
      ['message', ticket.id],
    ]);
  });

  it('goes to user channels only: a ticket room refuses it', async () => {
    const ticket = await api.insertTicket({ requester: 'rita.requester@deskflow.test', department: 'it' });
    const response = await fetch(`${api.roomsUrl}/parties/room/ticket-${ticket.id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.internalSecret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'notifications', unread: 1 }),
    });
    expect(response.status).toBe(400);
  });

  it('gives staff an internal channel token, so SLA breaches addressed to them arrive; requesters get none', async () => {
    const agent = await person('agent');
    const rita = await person();
    const agentGrant = await agent.api.realtime.notificationsToken.mutate();
    expect((await api.roomClaims(agentGrant)).internal).toBe(true);
    expect((await api.roomClaims(await rita.api.realtime.notificationsToken.mutate())).internal).toBe(false);

    const ticket = await api.insertTicket({ requester: rita.id, department: 'it', assignee: agent.id });
    const channel = await openChannel(agent);
    const result = await notifier().publish({
      id: `test-${crypto.randomUUID()}#1/sla_breach`,
      ticketId: ticket.id,
      ticketNumber: ticket.number,
      departmentSlug: 'it',
      at: new Date().toISOString(),
      kind: 'sla_breach',
      target: 'resolution',
      dueAt: new Date().toISOString(),
      notify: [agent.id],
    });
    expect(result.rooms.find((r) => r.room === `user-${agent.id}`)!.delivered).toBe(1);
    await eventually(() => expect(channel.framesOf('event').map((f) => f.event.kind)).toEqual(['sla_breach']));
  });
});

describe('through the ticket workflow', () => {
  it('tells the assignee, then the requester that their ticket was resolved, live and in the list', async () => {
    const rita = await person();
    const ivy = await api.signIn('ivy.it@deskflow.test');
    const ritaChannel = await openChannel(rita);
    const created = await rita.api.ticket.create.mutate({ title: 'Docking station flickers', description: 'The second monitor goes dark every minute.' });
    await api.route(created.id, { department: 'it', assignee: 'ivy.it@deskflow.test' });
    await eventually(async () => expect((await ivy.api.notification.list.query({ unreadOnly: true })).items.map((n) => [n.kind, n.ticket?.id])).toContainEqual(['assigned', created.id]));

    await ivy.api.ticket.transition.mutate({ id: created.id, to: 'resolved', reason: 'new cable' });
    await eventually(() => expect(latestCount(ritaChannel)).toBe(1));
    const [resolved] = (await rita.api.notification.list.query()).items;
    expect(resolved).toMatchObject({
      kind: 'resolved',
      title: `Your ticket #${created.number} was resolved`,
      ticket: { id: created.id, number: created.number, title: 'Docking station flickers' },
      link: `/tickets/${created.number}`,
      readAt: null,
    });
    expect(resolved!.body).toMatch(/confirm the resolution .* or reopen/);
  });
});

describe('pruning', () => {
  it('a daily Temporal Schedule deletes notifications read longer ago than the retention setting, and nothing else', async () => {
    const client = api.env!.client;
    await ensureSchedules(client, api.taskQueue);
    const schedule = client.schedule.getHandle(NOTIFICATION_PRUNE_SCHEDULE_ID);
    try {
      expect((await schedule.describe()).action).toMatchObject({ type: 'startWorkflow', workflowType: NOTIFICATION_PRUNE_WORKFLOW_TYPE });
      const raj = await person();
      const day = 24 * 60 * 60 * 1000;
      const longRead = await plant(raj, { title: 'read 40 days ago', readAt: new Date(Date.now() - 40 * day), createdAt: new Date(Date.now() - 41 * day) });
      const recentlyRead = await plant(raj, { title: 'read 2 days ago', readAt: new Date(Date.now() - 2 * day), createdAt: new Date(Date.now() - 50 * day) });
      const oldUnread = await plant(raj, { title: 'never read', createdAt: new Date(Date.now() - 100 * day) });
      const remaining = async () =>
        (
          await api.db
            .select({ id: notifications.id })
            .from(notifications)
            .where(inArray(notifications.id, [longRead.id, recentlyRead.id, oldUnread.id]))
        )
          .map((r) => r.id)
          .sort();

      await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
      await eventually(async () => expect(await remaining()).toEqual([recentlyRead.id, oldUnread.id].sort()), 30_000);

      // A shorter retention (admin setting): the one read 2 days ago goes too; unread ones never do.
      const admin = await api.signIn('admin@deskflow.test');
      await admin.api.admin.settings.update.mutate({ notificationRetentionDays: 1 });
      try {
        await schedule.trigger(ScheduleOverlapPolicy.ALLOW_ALL);
        await eventually(async () => expect(await remaining()).toEqual([oldUnread.id]), 30_000);
      } finally {
        await admin.api.admin.settings.update.mutate({ notificationRetentionDays: 30 });
      }
    } finally {
      await schedule.delete();
      await client.schedule
        .getHandle('deskflow-sla-reconcile')
        .delete()
        .catch(() => undefined);
    }
  });
});
