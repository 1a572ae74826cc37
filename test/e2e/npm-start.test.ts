/**
 * The stack exactly as `npm start` runs it (dev server, PGlite on disk, worker, API, rooms under
 * wrangler dev), driven from outside like a user would: sign in, create, watch, chat, stop, restart.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDeskflowClient } from '../../api/client';
import { connectRoom, connectTicketRoom } from '../../realtime/client';
import { SLA_RECONCILE_SCHEDULE_ID } from '../../worker/schedules';
import { SLA_RECONCILE_WORKFLOW_TYPE } from '../../workflows/messages';
import { freePort, portIsFree, runStart, waitForOutput, type StartedProcess } from '../support/start-process';

const password = 'e2e-demo-password';
const dataDir = mkdtempSync(join(tmpdir(), 'deskflow-e2e-'));
let ports: { api: number; internal: number; rooms: number; temporal: number; ui: number };
let env: Record<string, string>;
let running: StartedProcess | undefined;

async function start() {
  running = runStart(env);
  await waitForOutput(running, 'Deskflow is up', 150_000);
  return running;
}

let lastOutput = '';

async function stop() {
  if (!running) return;
  running.interrupt();
  const code = await running.exited;
  lastOutput = running.output();
  running = undefined;
  return code;
}

beforeAll(async () => {
  ports = { api: await freePort(), internal: await freePort(), rooms: await freePort(), temporal: await freePort(), ui: await freePort() };
  env = {
    DATA_DIR: dataDir,
    DEMO_PASSWORD: password,
    // A few hundred tickets of history prove the seeding runs in npm start; its full size and speed are test/integration/demo-history.test.ts's.
    DEMO_HISTORY_TICKETS: '300',
    API_PORT: String(ports.api),
    INTERNAL_PORT: String(ports.internal),
    ROOMS_PORT: String(ports.rooms),
    TEMPORAL_DEV_PORT: String(ports.temporal),
    TEMPORAL_UI_PORT: String(ports.ui),
    TEMPORAL_ADDRESS: '',
    DATABASE_URL: '',
    SMTP_URL: '',
    LOG_LEVEL: 'warn',
  };
  await start();
});

afterAll(async () => {
  await stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start', () => {
  let ticket: { id: string; number: number };

  it('prints the URLs and the demo password, and reports ready', async () => {
    const out = running!.output();
    expect(out).toContain(`http://127.0.0.1:${ports.api}/trpc`);
    expect(out).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(out).toContain(password);
    const ready = await fetch(`http://127.0.0.1:${ports.api}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'ok', temporal: 'ok' });
  });

  it('takes one ticket from sign-in to an assigned agent, visible in Temporal by its search attributes', async () => {
    const url = `http://127.0.0.1:${ports.api}`;
    const { token } = await createDeskflowClient(url).auth.signIn.mutate({ email: 'rita.requester@deskflow.test', password });
    const api = createDeskflowClient(url, token);
    const created = await api.ticket.create.mutate({ title: 'Cannot print to the 3rd floor printer', description: 'Jobs vanish from the queue.', urgency: 'medium' });
    ticket = created;
    await expect.poll(async () => (await api.ticket.get.query({ id: created.id })).status, { timeout: 20_000 }).toBe('assigned');

    const connection = await Connection.connect({ address: `127.0.0.1:${ports.temporal}` });
    try {
      const client = new Client({ connection });
      const { department } = await api.ticket.get.query({ id: created.id });
      const query = `TicketNumber = ${created.number} AND TicketStatus = "assigned" AND TicketDepartment = "${department!.slug}"`;
      await expect
        .poll(
          async () => {
            const ids: string[] = [];
            for await (const wf of client.workflow.list({ query })) ids.push(wf.workflowId);
            return ids;
          },
          { timeout: 20_000 },
        )
        .toEqual([`ticket-${created.number}`]);
      // The periodic SLA reconciliation is a Temporal Schedule, visible (and pausable) in the UI.
      const schedule = await client.schedule.getHandle(SLA_RECONCILE_SCHEDULE_ID).describe();
      expect(schedule.action).toMatchObject({ type: 'startWorkflow', workflowType: SLA_RECONCILE_WORKFLOW_TYPE });
    } finally {
      await connection.close();
    }
  });

  it('lets requester and agent chat in the ticket room with API-issued tokens, and refuses forged ones', async () => {
    const url = `http://127.0.0.1:${ports.api}`;
    const rita = createDeskflowClient(url, (await createDeskflowClient(url).auth.signIn.mutate({ email: 'rita.requester@deskflow.test', password })).token);
    const ivyToken = (await createDeskflowClient(url).auth.signIn.mutate({ email: 'sam.supervisor@deskflow.test', password })).token;
    const agent = createDeskflowClient(url, ivyToken);

    const requesterRoom = connectTicketRoom({ url: `http://127.0.0.1:${ports.rooms}`, ticketId: ticket.id, token: (await rita.realtime.token.mutate({ ticketId: ticket.id })).token, WebSocket });
    const agentRoom = connectTicketRoom({ url: `http://127.0.0.1:${ports.rooms}`, ticketId: ticket.id, token: (await agent.realtime.token.mutate({ ticketId: ticket.id })).token, WebSocket });
    try {
      await Promise.all([requesterRoom.ready, agentRoom.ready]);
      await agentRoom.sendMessage({ body: 'Hi Rita, which printer exactly?' });
      await expect.poll(() => requesterRoom.messages.map((m) => m.body), { timeout: 10_000 }).toContain('Hi Rita, which printer exactly?');
    } finally {
      requesterRoom.close();
      agentRoom.close();
    }

    const forged = await new Promise<number>((resolve) => {
      const socket = new WebSocket(`ws://127.0.0.1:${ports.rooms}/parties/room/ticket-${ticket.id}?token=forged.token`);
      socket.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      socket.on('open', () => resolve(101));
    });
    expect(forged).toBe(401);
  });

  it('serves /internal on its own loopback listener only: the public port answers 404 there', async () => {
    const secrets = join(dataDir, 'secrets.json');
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    const { internalSecret } = JSON.parse(readFileSync(secrets, 'utf8')) as { internalSecret: string };
    const path = `/internal/rooms/tickets/${ticket.id}/messages`;
    const headers = { authorization: `Bearer ${internalSecret}` };
    const viaPublic = await fetch(`http://127.0.0.1:${ports.api}${path}`, { headers });
    expect(viaPublic.status).toBe(404);
    expect(await viaPublic.json()).toEqual({ error: 'NOT_FOUND', message: 'No such endpoint.' });
    const viaInternal = await fetch(`http://127.0.0.1:${ports.internal}${path}`, { headers });
    expect(viaInternal.status).toBe(200);
    // What the chat above stored, through the rooms' calls to this listener.
    expect(((await viaInternal.json()) as { messages: { body: string }[] }).messages.map((m) => m.body)).toContain('Hi Rita, which printer exactly?');
  });

  it("pushes live events from the workflow into the ticket room, the department queue and the new assignee's channel", async () => {
    const url = `http://127.0.0.1:${ports.api}`;
    const rooms = `http://127.0.0.1:${ports.rooms}`;
    const signIn = async (email: string) => createDeskflowClient(url, (await createDeskflowClient(url).auth.signIn.mutate({ email, password })).token);
    const rita = await signIn('rita.requester@deskflow.test');
    const sam = await signIn('sam.supervisor@deskflow.test');
    const current = await sam.ticket.get.query({ id: ticket.id });
    const colleague = (await sam.directory.agents.query({ departmentId: current.department!.id })).find((a) => a.role === 'agent' && a.id !== current.assignee?.id)!;
    const other = await signIn(colleague.email);
    const otherDepartment = (await sam.directory.departments.query()).find((d) => d.id !== current.department!.id)!;
    await expect(other.realtime.queueToken.mutate({ departmentId: otherDepartment.id })).rejects.toMatchObject({ data: { code: 'FORBIDDEN' } });

    const ticketRoom = connectTicketRoom({ url: rooms, ticketId: ticket.id, token: (await rita.realtime.token.mutate({ ticketId: ticket.id })).token, WebSocket });
    const queueToken = await sam.realtime.queueToken.mutate({ departmentId: current.department!.id });
    const queue = connectRoom({ url: rooms, room: queueToken.room, token: queueToken.token, WebSocket });
    const channelToken = await other.realtime.notificationsToken.mutate();
    const channel = connectRoom({ url: rooms, room: channelToken.room, token: channelToken.token, WebSocket });
    try {
      await Promise.all([ticketRoom.ready, queue.ready, channel.ready]);
      const isAssignment = (frame: { event: { kind: string; ticketId: string } }) => frame.event.kind === 'assignment' && frame.event.ticketId === ticket.id;
      const seen = Promise.all([ticketRoom.next('event', isAssignment, 20_000), queue.next('event', isAssignment, 20_000), channel.next('event', isAssignment, 20_000)]);
      await sam.ticket.assign.mutate({ id: ticket.id, assigneeId: colleague.id, reason: 'Otto knows this printer' });
      for (const frame of await seen) expect(frame.event).toMatchObject({ kind: 'assignment', ticketNumber: ticket.number, assigneeId: colleague.id, assigneeName: colleague.name });

      const started = ticketRoom.next('event', (f) => f.event.kind === 'status' && f.event.ticketId === ticket.id, 20_000);
      await other.ticket.transition.mutate({ id: ticket.id, to: 'in_progress' });
      expect((await started).event).toMatchObject({ kind: 'status', from: 'assigned', to: 'in_progress' });
    } finally {
      ticketRoom.close();
      queue.close();
      channel.close();
    }
  });

  it('catches the mail it sends in Mailpit, whose address the banner prints beside the Temporal UI', async () => {
    const mailUi = /Mail UI\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(running!.output())?.[1];
    expect(mailUi).toBeTruthy();
    await expect
      .poll(
        async () => {
          const { messages } = (await (await fetch(`${mailUi}/api/v1/messages`)).json()) as { messages: { Subject: string; To: { Address: string }[] }[] };
          return messages.filter((m) => m.To.some((to) => to.Address === 'rita.requester@deskflow.test')).map((m) => m.Subject);
        },
        { timeout: 30_000 },
      )
      .toContainEqual(`[#${ticket.number}] We received your request: Cannot print to the 3rd floor printer`);
  });

  it('stops every process on Ctrl-C and comes back with the same data', async () => {
    const mailUiPort = Number(/Mail UI\s+http:\/\/127\.0\.0\.1:(\d+)/.exec(running!.output())?.[1]);
    expect(await stop()).toBe(0);
    expect(running?.output() ?? lastOutput).toContain('Stopping Deskflow…');
    for (const [name, port] of Object.entries(ports)) expect(await portIsFree(port), `${name} port ${port} still taken`).toBe(true);
    expect(await portIsFree(mailUiPort), `Mailpit's port ${mailUiPort} still taken`).toBe(true);

    await start();
    const url = `http://127.0.0.1:${ports.api}`;
    const { token } = await createDeskflowClient(url).auth.signIn.mutate({ email: 'rita.requester@deskflow.test', password });
    const again = await createDeskflowClient(url, token).ticket.get.query({ id: ticket.id });
    expect(again).toMatchObject({ number: ticket.number, status: 'in_progress' }); // as the live-events test left it
    expect(running!.output()).not.toContain('seeded the demo organisation');
    // A stop and a cold start of the whole stack: ~20 s alone, longer beside the rest of the suite on two cores.
  }, 150_000);
});
