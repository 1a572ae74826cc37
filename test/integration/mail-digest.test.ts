/**
 * Which notifications become mail (db/mail-outbox.ts), on PGlite: the recipient's preference
 * (immediately, daily digest, never), the one access rule (no internal note to a requester), and
 * the daily digest at 08:00 in each user's timezone, once a day.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../db/client';
import { enqueueDueDigests, enqueueNotificationMails } from '../../db/mail-outbox';
import { comments, mailOutbox, notificationPreferences, notifications, ticketIntake, tickets, ticketWatchers, users } from '../../db/schema';
import { seedDemo } from '../../db/seed';
import { freshPglite } from '../../dev-support/databases';

let database: Database;
const ids = new Map<string, string>();
let ticket: { id: string; number: number };

beforeAll(async () => {
  database = await freshPglite();
  await seedDemo(database.db, 'digest-test-password');
  for (const u of await database.db.select({ id: users.id, email: users.email }).from(users)) ids.set(u.email, u.id);
  const rita = ids.get('rita.requester@deskflow.test')!;
  const [intake] = await database.db.insert(ticketIntake).values({ requesterId: rita, idempotencyKey: 'digest-test' }).returning();
  const [row] = await database.db
    .insert(tickets)
    .values({
      id: intake!.id,
      number: intake!.number,
      title: 'Monitor flickers',
      description: 'Since the move.',
      urgency: 'low',
      priority: 'low',
      status: 'assigned',
      requesterId: rita,
      workflowId: `ticket-${intake!.number}`,
    })
    .returning({ id: tickets.id, number: tickets.number });
  ticket = row!;
  // Raj watches Rita's ticket: he sees it (as a requester), so its public messages may be mailed to him.
  await database.db.insert(ticketWatchers).values({ ticketId: ticket.id, userId: ids.get('raj.requester@deskflow.test')! });
}, 120_000);
afterAll(() => database?.close());

async function notify(email: string, kind: string, comment: { body: string; internal: boolean; at?: Date }) {
  const [c] = await database.db
    .insert(comments)
    .values({ ticketId: ticket.id, authorId: ids.get('admin@deskflow.test')!, body: comment.body, internal: comment.internal })
    .returning({ id: comments.id });
  const [n] = await database.db
    .insert(notifications)
    .values({
      userId: ids.get(email)!,
      ticketId: ticket.id,
      kind,
      title: `New message on ticket #${ticket.number}`,
      body: comment.body,
      data: { link: `/tickets/${ticket.number}`, ticketNumber: ticket.number, commentId: c!.id },
      dedupeKey: `digest-test:${c!.id}:${email}`,
      ...(comment.at && { createdAt: comment.at }),
    })
    .returning({ id: notifications.id });
  return n!.id;
}

const outboxFor = (email: string) => database.db.select().from(mailOutbox).where(eq(mailOutbox.toAddress, email));

describe('notification mail by preference and access', () => {
  it('mails a public message at once to a watcher who mails it immediately (the default), keyed per notification', async () => {
    const id = await notify('raj.requester@deskflow.test', 'message', { body: 'Public answer for Raj', internal: false });
    const first = await enqueueNotificationMails(database.db, [id]);
    expect(first).toHaveLength(1);
    expect(await enqueueNotificationMails(database.db, [id])).toEqual(first);
    const [row] = await outboxFor('raj.requester@deskflow.test');
    expect(row).toMatchObject({ kind: 'public_reply', status: 'queued', idempotencyKey: `notification:${id}`, ticketNumber: ticket.number, notificationKind: 'message' });
  });

  it('never mails an internal note to someone without staff powers on the ticket', async () => {
    const id = await notify('rita.requester@deskflow.test', 'message', { body: 'INTERNAL-CANARY note', internal: true });
    expect(await enqueueNotificationMails(database.db, [id])).toEqual([]);
    expect(JSON.stringify(await outboxFor('rita.requester@deskflow.test'))).not.toContain('INTERNAL-CANARY');
  });

  it('mails nothing about a ticket the recipient may not see', async () => {
    const id = await notify('hana.hr@deskflow.test', 'message', { body: 'Not for HR', internal: false });
    expect(await enqueueNotificationMails(database.db, [id])).toEqual([]);
  });

  it('mails nothing for a kind set to never', async () => {
    await database.db.insert(notificationPreferences).values({ userId: ids.get('rosa.requester@deskflow.test')!, kind: 'message', inApp: true, email: 'never' });
    const id = await notify('rosa.requester@deskflow.test', 'message', { body: 'For Rosa', internal: false });
    expect(await enqueueNotificationMails(database.db, [id])).toEqual([]);
  });
});

describe('the daily digest', () => {
  it('collects daily-digest kinds into one mail at 08:00 in the user’s timezone, once a day, without internal notes', async () => {
    const rita = ids.get('rita.requester@deskflow.test')!;
    await database.db.insert(notificationPreferences).values({ userId: rita, kind: 'message', inApp: true, email: 'daily_digest' });
    await database.db.update(users).set({ timezone: 'Europe/Berlin' }).where(eq(users.id, rita));
    const at = new Date('2026-11-30T16:00:00Z');
    const publicId = await notify('rita.requester@deskflow.test', 'message', { body: 'Digest-worthy public answer', internal: false, at });
    expect(await enqueueNotificationMails(database.db, [publicId])).toEqual([]); // not now: in the digest

    // 06:30 UTC is 07:30 in Berlin: not yet.
    expect(await enqueueDueDigests(database.db, new Date('2026-12-01T06:30:00Z'))).toEqual([]);
    // 07:05 UTC is 08:05 in Berlin.
    const queued = await enqueueDueDigests(database.db, new Date('2026-12-01T07:05:00Z'));
    const digests = (await outboxFor('rita.requester@deskflow.test')).filter((r) => r.kind === 'digest');
    expect(digests).toHaveLength(1);
    expect(queued).toContain(digests[0]!.id);
    expect(digests[0]).toMatchObject({ idempotencyKey: `digest:${rita}:2026-12-01` });
    const data = digests[0]!.data as { items: { body: string }[] };
    expect(data.items.map((i) => i.body)).toEqual(['Digest-worthy public answer']);
    expect(JSON.stringify(data)).not.toContain('INTERNAL-CANARY');

    // The schedule runs every quarter hour: the same day's digest is queued once.
    await enqueueDueDigests(database.db, new Date('2026-12-01T07:20:00Z'));
    expect((await outboxFor('rita.requester@deskflow.test')).filter((r) => r.kind === 'digest')).toHaveLength(1);
  });
});
