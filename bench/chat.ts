/**
 * npm run bench:chat — chat delivery in the live rooms, beside a bare WebSocket fan-out server
 * measured in the same run.
 *
 * Rooms: the real stack on loopback — `wrangler dev` (workerd) running the rooms worker, every
 * message stored through the API's internal endpoint in PGlite before it is fanned out.
 * Baseline: a `ws` server that relays each message to the other sockets of its room, with no
 * storage and no checks. Processes: this one (PGlite + the API, as `npm start` runs them),
 * wrangler/workerd, the baseline server, and one process for all the clients (realtime/client.ts
 * for the rooms, plain `ws` for the baseline), so client work does not slow the API down.
 *
 * Scenarios (open loop: messages go out on schedule whatever the latency):
 *   one room:  --clients (100) clients in one room, --rate (20) messages/s in total;
 *   pairs:     --rooms (500) rooms of 2 clients, --pair-rate (20) messages/s in total.
 * Latency: from send to receipt by each other member of the room (one clock: the clients' process).
 * 60 s per run by default: at 20 messages/s that is 1,200 sends, enough for a p99 that is not
 * just the third-worst message.
 *
 *   npm run bench:chat -- --duration 20 --json /tmp/chat.json
 */
import { fork, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg } from 'node:os';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { connectTicketRoom, type RoomClient } from '../realtime/client';
import { ticketRoomName } from '../realtime/token';
import { startRoomsHarness } from '../dev-support/rooms-harness';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '3' },
    clients: { type: 'string', default: '100' },
    rate: { type: 'string', default: '20' },
    rooms: { type: 'string', default: '500' },
    'pair-rate': { type: 'string', default: '20' },
    scenarios: { type: 'string', default: 'one-room,pairs' },
    json: { type: 'string' },
    'skip-baseline': { type: 'boolean', default: false },
    'clients-process': { type: 'boolean', default: false },
  },
});

type ServerKind = 'rooms' | 'baseline';
/** One scenario for the clients' process: who joins which room, and how fast to send. */
type Plan = {
  label: string;
  server: ServerKind;
  url: string;
  rate: number;
  durationS: number;
  warmupS: number;
  /** Rooms: ticket id and one token per member. Baseline: a path and a member count. */
  rooms: { ticketId: string; tokens: string[] }[];
};
type Result = {
  scenario: string;
  server: string;
  sent: number;
  expected: number;
  delivered: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  ackP50: number | null;
  ackP99: number | null;
  deliveriesPerSecond: number;
  messagesPerSecond: number;
  joinSeconds: number;
  errors: number;
  /** Event-loop lag of the clients' process during the run (p99, max; ms). */
  clientLagP99: number;
  clientLagMax: number;
  /** Connections that dropped and came back during the run (should be 0). */
  reconnects: number;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const percentile = (sorted: number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
const log = (line: string) => process.stderr.write(`${line}\n`);
const SERVER_NAMES: Record<ServerKind, string> = { rooms: 'rooms: workerd + API + PGlite', baseline: 'bare ws fan-out' };

// =============================================================================================
// The clients' process
// =============================================================================================

/** A member of a room, whatever the server: sends a timestamped body, reports deliveries. */
type Member = { n?: number; send(body: string): Promise<number>; close(): void; reconnects?: () => number };
/** Called with each message body a member receives, and that member's number. */
type OnBody = (body: string, member: number) => void;

async function joinRooms(plan: Plan, onBody: OnBody): Promise<Member[][]> {
  const rooms: Member[][] = plan.rooms.map(() => []);
  const tasks = plan.rooms.flatMap((room, r) => room.tokens.map((token, m) => ({ room, r, token, n: r * 1000 + m })));
  // Join in batches: each join is a token check, and each room's first join an API read.
  for (let i = 0; i < tasks.length; i += 50) {
    await Promise.all(
      tasks.slice(i, i + 50).map(async ({ room, r, token, n }) => {
        const deliver = (body: string) => onBody(body, n);
        rooms[r]!.push(plan.server === 'rooms' ? await roomMember(plan.url, room.ticketId, token, deliver, n) : await baselineMember(plan.url, room.ticketId, deliver, n));
      }),
    );
  }
  return rooms;
}

async function roomMember(url: string, ticketId: string, token: string, onBody: (body: string) => void, n: number): Promise<Member & { n: number }> {
  const client: RoomClient = connectTicketRoom({ url, ticketId, token, WebSocket, keepFrames: false });
  client.onFrame((frame) => {
    if (frame.type === 'message') onBody(frame.message.body);
  });
  await client.ready;
  return {
    send: async (body) => {
      await client.sendMessage({ body });
      return performance.now();
    },
    close: () => client.close(),
    reconnects: () => {
      if (client.connections > 1) log(`    reconnected ${client.connections - 1}× after closes ${JSON.stringify(client.closes)}`);
      return client.connections - 1;
    },
    n,
  };
}

async function baselineMember(url: string, room: string, onBody: (body: string) => void, n: number): Promise<Member & { n: number }> {
  const ws = new WebSocket(`${url}/${room}`);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const pending = new Map<string, (at: number) => void>();
  ws.on('message', (data) => {
    const frame = JSON.parse(String(data)) as { type: string; clientId?: string; message?: { body: string } };
    if (frame.type === 'message') onBody(frame.message!.body);
    else if (frame.type === 'ack') {
      pending.get(frame.clientId!)?.(performance.now());
      pending.delete(frame.clientId!);
    }
  });
  return {
    send: (body) =>
      new Promise((resolve) => {
        const clientId = crypto.randomUUID();
        pending.set(clientId, resolve);
        ws.send(JSON.stringify({ type: 'message', clientId, body }));
      }),
    close: () => ws.close(),
    n,
  };
}

async function runPlan(plan: Plan): Promise<Result> {
  const latencies: number[] = [];
  const acks: number[] = [];
  let delivered = 0;
  let errors = 0;
  const joinStarted = performance.now();
  const rooms = await joinRooms(plan, (body, member) => {
    const match = /^bench (\d+(?:\.\d+)?) m (\d+)$/.exec(body);
    // Warm-up traffic, and a sender's own message (a room sends it back if the store outlived
    // the ack, e.g. after a timeout): not a delivery to someone else.
    if (!match || Number(match[2]) === member) return;
    latencies.push(performance.now() - Number(match[1]));
    delivered++;
  });
  const joinSeconds = (performance.now() - joinStarted) / 1000;

  let cursor = 0;
  const sendOne = (tag: 'm' | 'w'): number => {
    // Round-robin over rooms first, then over each room's members.
    const room = rooms[cursor % rooms.length]!;
    const member = room[Math.floor(cursor / rooms.length) % room.length]!;
    cursor++;
    const sentAt = performance.now();
    member.send(`bench ${sentAt.toFixed(3)} ${tag} ${member.n}`).then(
      (ackAt) => {
        if (tag === 'm') acks.push(ackAt - sentAt);
      },
      () => {
        errors++;
      },
    );
    return room.length - 1;
  };
  const run = async (seconds: number, tag: 'm' | 'w') => {
    const interval = 1000 / plan.rate;
    const start = performance.now();
    let expected = 0;
    let sent = 0;
    for (let i = 0; i * interval < seconds * 1000; i++) {
      const wait = start + i * interval - performance.now();
      if (wait > 1) await sleep(wait);
      expected += sendOne(tag);
      sent++;
    }
    return { expected, sent };
  };

  await run(plan.warmupS, 'w');
  await sleep(500);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const { expected, sent } = await run(plan.durationS, 'm');
  lag.disable();
  const reconnects = rooms.flat().reduce((sum, member) => sum + (member.reconnects?.() ?? 0), 0);
  const drainUntil = performance.now() + 15_000;
  while ((delivered < expected || acks.length + errors < sent) && performance.now() < drainUntil) await sleep(50);
  for (const member of rooms.flat()) member.close();
  latencies.sort((a, b) => a - b);
  acks.sort((a, b) => a - b);
  return {
    scenario: plan.label,
    server: SERVER_NAMES[plan.server],
    sent,
    expected,
    delivered,
    p50: percentile(latencies, 0.5),
    p90: percentile(latencies, 0.9),
    p99: percentile(latencies, 0.99),
    max: latencies.at(-1) ?? NaN,
    ackP50: acks.length ? percentile(acks, 0.5) : null,
    ackP99: acks.length ? percentile(acks, 0.99) : null,
    deliveriesPerSecond: delivered / plan.durationS,
    messagesPerSecond: sent / plan.durationS,
    joinSeconds,
    errors,
    clientLagP99: lag.percentile(99) / 1e6,
    clientLagMax: lag.max / 1e6,
    reconnects,
  };
}

function clientsProcess() {
  process.on('message', (plan: Plan) => {
    runPlan(plan).then(
      (result) => process.send!({ ok: true, result }),
      (error: unknown) => process.send!({ ok: false, error: error instanceof Error ? error.message : String(error) }),
    );
  });
}

// =============================================================================================
// The orchestrator: stack, baseline server, plans, report
// =============================================================================================

const BASELINE_SERVER = `
const { WebSocketServer } = require('ws');
const rooms = new Map();
let id = 0;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 }, () => process.stdout.write('PORT ' + wss.address().port + '\\n'));
wss.on('connection', (ws, req) => {
  const room = req.url;
  if (!rooms.has(room)) rooms.set(room, new Set());
  const members = rooms.get(room);
  members.add(ws);
  ws.on('close', () => members.delete(ws));
  ws.on('message', (data) => {
    let frame;
    try { frame = JSON.parse(String(data)); } catch { return; }
    if (frame.type !== 'message') return;
    const message = { id: ++id, body: frame.body, createdAt: new Date().toISOString(), clientId: frame.clientId };
    ws.send(JSON.stringify({ type: 'ack', clientId: frame.clientId, id: message.id }));
    const out = JSON.stringify({ type: 'message', message });
    for (const other of members) if (other !== ws && other.readyState === 1) other.send(out);
  });
});
`;

async function startBaseline(): Promise<{ url: string; stop(): Promise<void> }> {
  const child = spawn(process.execPath, ['-e', BASELINE_SERVER], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      const match = /PORT (\d+)/.exec(chunk.toString());
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
  });
  return {
    url: `ws://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

function table(results: Result[]): string {
  const f = (n: number | null) => (n === null || Number.isNaN(n) ? '–' : n.toFixed(1));
  return [
    '| scenario | server | sent | delivered / expected | p50 ms | p90 ms | p99 ms | max ms | ack p50 / p99 ms | deliveries/s | errors |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.server} | ${r.sent} | ${r.delivered} / ${r.expected} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max)} | ${f(r.ackP50)} / ${f(r.ackP99)} | ${r.deliveriesPerSecond.toFixed(0)} | ${r.errors} |`,
    ),
  ].join('\n');
}

async function orchestrate() {
  const durationS = Number(args.duration);
  const warmupS = Number(args.warmup);
  const oneRoomClients = Number(args.clients);
  const pairRooms = Number(args.rooms);
  const loadBefore = loadavg()[0]!;

  log('starting PGlite, the API and the rooms (wrangler dev)…');
  const h = await startRoomsHarness();
  const baseline = args['skip-baseline'] ? null : await startBaseline();
  const clients = fork(fileURLToPath(import.meta.url), ['--clients-process'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const apiNotes: string[] = [];
  const run = async (plan: Plan) => {
    log(`  ${plan.label} · ${SERVER_NAMES[plan.server]}: joining, ${plan.warmupS}s warm-up, ${plan.durationS}s at ${plan.rate} msg/s`);
    h.apiTimings.POST.length = 0;
    const loopDelay = monitorEventLoopDelay({ resolution: 10 });
    loopDelay.enable();
    const result = await new Promise<Result>((resolve, reject) => {
      clients.once('message', (reply: { ok: true; result: Result } | { ok: false; error: string }) => (reply.ok ? resolve(reply.result) : reject(new Error(reply.error))));
      clients.send(plan);
    });
    loopDelay.disable();
    if (plan.server === 'rooms') {
      const stores = [...h.apiTimings.POST].sort((a, b) => a - b);
      apiNotes.push(
        `${plan.label}: the API stored each message in p50 ${percentile(stores, 0.5).toFixed(1)} ms / p99 ${percentile(stores, 0.99).toFixed(1)} ms; its event loop lagged p99 ${(loopDelay.percentile(99) / 1e6).toFixed(1)} ms, max ${(loopDelay.max / 1e6).toFixed(1)} ms`,
      );
    }
    return result;
  };

  const results: Result[] = [];
  try {
    const common = { durationS, warmupS };
    const scenarios = new Set(args.scenarios.split(','));
    const oneRoomLabel = `1 room × ${oneRoomClients} clients`;
    if (scenarios.has('one-room')) {
      const members = [h.people.requester, ...(await Promise.all(Array.from({ length: oneRoomClients - 1 }, (_, i) => h.createUser(`Agent ${i + 1}`, 'agent'))))];
      const ticketId = await h.createTicket();
      const tokens = await Promise.all(members.map((user) => h.token(user, ticketRoomName(ticketId))));
      results.push(await run({ ...common, label: oneRoomLabel, server: 'rooms', url: h.roomsUrl, rate: Number(args.rate), rooms: [{ ticketId, tokens }] }));
      if (baseline) results.push(await run({ ...common, label: oneRoomLabel, server: 'baseline', url: baseline.url, rate: Number(args.rate), rooms: [{ ticketId: 'one-room', tokens }] }));
    }

    const pairsLabel = `${pairRooms} rooms × 2 clients`;
    if (scenarios.has('pairs')) {
      log(`creating ${pairRooms} tickets…`);
      const pairs: Plan['rooms'] = [];
      for (let i = 0; i < pairRooms; i++) {
        const id = await h.createTicket();
        pairs.push({ ticketId: id, tokens: await Promise.all([h.people.requester, h.people.agent].map((user) => h.token(user, ticketRoomName(id)))) });
      }
      results.push(await run({ ...common, label: pairsLabel, server: 'rooms', url: h.roomsUrl, rate: Number(args['pair-rate']), rooms: pairs }));
      if (baseline)
        results.push(
          await run({
            ...common,
            label: pairsLabel,
            server: 'baseline',
            url: baseline.url,
            rate: Number(args['pair-rate']),
            rooms: pairs.map((p, i) => ({ ticketId: `pair-${i}`, tokens: p.tokens })),
          }),
        );
    }
  } finally {
    clients.kill('SIGTERM');
    await baseline?.stop();
    await h.stop();
  }

  const loadAfter = loadavg()[0]!;
  process.stdout.write(
    `\nChat delivery on loopback: ${durationS} s per run after ${warmupS} s of warm-up; ${availableParallelism()} CPUs, load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)}\n\n${table(results)}\n`,
  );
  for (const r of results) if (r.server.startsWith('rooms')) process.stdout.write(`joined ${r.scenario} in ${r.joinSeconds.toFixed(1)} s\n`);
  for (const note of apiNotes) process.stdout.write(`${note}\n`);
  for (const r of results)
    process.stdout.write(`${r.scenario} · ${r.server}: the clients' event loop lagged p99 ${r.clientLagP99.toFixed(1)} ms, max ${r.clientLagMax.toFixed(1)} ms; ${r.reconnects} reconnects\n`);
  const roomsP99 = results.filter((r) => r.server.startsWith('rooms')).map((r) => r.p99);
  process.stdout.write(`goal p99 ≤ 50 ms: ${roomsP99.every((p) => p <= 50) ? 'met' : 'NOT met'} (${roomsP99.map((p) => p.toFixed(1)).join(' / ')} ms)\n`);
  if (args.json) await writeFile(args.json, JSON.stringify({ at: new Date().toISOString(), durationS, warmupS, cpus: availableParallelism(), loadBefore, loadAfter, results }, null, 2));
}

if (args['clients-process']) clientsProcess();
else
  orchestrate().catch((error: unknown) => {
    process.stderr.write(`bench:chat failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
