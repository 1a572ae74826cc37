/**
 * Mailpit as a child process on loopback: the SMTP server `npm start` sends to when SMTP_URL is
 * unset (its web UI shows every mail the desk sends), and the real SMTP server of the mail tests,
 * which read mail back through its REST API (GET /api/v1/messages). The binary is the pinned one
 * from scripts/tools.ts (built with Go once, cached).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { ensureMailpit } from '../scripts/tools';
import { freePort } from '../lib/ports';

export type MailpitOptions = {
  /** SMTP port (default: a free one). */
  smtpPort?: number;
  /** Web UI and REST API port (default: a free one). */
  uiPort?: number;
  /** Where it keeps messages (default: a temporary file Mailpit deletes when it stops). A file survives restarts. */
  database?: string;
  /** Extra flags, e.g. `--smtp-allowed-recipients <regexp>` (others are refused with 550). */
  args?: string[];
  /** Progress lines while the binary builds (first run only). */
  log?: (line: string) => void;
  /** Mailpit's own output (default: dropped; it logs every message). */
  output?: 'inherit' | 'ignore';
  /** Its own process group (npm start stops its children by group). */
  detached?: boolean;
};

export type Mailpit = {
  smtpUrl: string;
  uiUrl: string;
  smtpPort: number;
  uiPort: number;
  /** Stops it (SIGTERM, then waits for the exit). */
  stop(): Promise<void>;
  /** Starts it again on the same ports and database (after stop()). */
  start(): Promise<void>;
  /** Exits when the process does (for a supervisor). */
  child(): ChildProcess;
};

/** A port to listen on: the preferred one when it is free, else any free one. */
export async function portOr(preferred: number): Promise<number> {
  const free = await new Promise<boolean>((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .once('listening', () => probe.close(() => resolve(true)))
      .listen(preferred, '127.0.0.1');
  });
  return free ? preferred : freePort();
}

export async function startMailpit(options: MailpitOptions = {}): Promise<Mailpit> {
  const bin = await ensureMailpit({ log: options.log, link: false });
  const smtpPort = options.smtpPort ?? (await freePort());
  const uiPort = options.uiPort ?? (await freePort());
  const uiUrl = `http://127.0.0.1:${uiPort}`;
  const args = [
    '--smtp',
    `127.0.0.1:${smtpPort}`,
    '--listen',
    `127.0.0.1:${uiPort}`,
    // A catcher: whoever connects may send (nodemailer offers no credentials for smtp://host:port).
    '--smtp-auth-accept-any',
    '--smtp-auth-allow-insecure',
    '--smtp-disable-rdns',
    '--disable-version-check',
    '--quiet',
    ...(options.database ? ['--database', options.database] : []),
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(bin, args, { stdio: ['ignore', options.output ?? 'ignore', options.output ?? 'ignore'], detached: options.detached ?? false });
    const spawned = child;
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (spawned.exitCode !== null) throw new Error(`mailpit exited (code ${spawned.exitCode}) before it was ready: are ports ${smtpPort} and ${uiPort} free?`);
      const ready = await fetch(`${uiUrl}/readyz`).then(
        (res) => res.ok,
        () => false,
      );
      if (ready) return;
      if (Date.now() > deadline) throw new Error(`mailpit did not become ready on ${uiUrl} within 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  const stop = async () => {
    const running = child;
    if (!running || running.exitCode !== null || running.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    await exited;
  };
  await start();
  return { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, uiUrl, smtpPort, uiPort, stop, start, child: () => child! };
}

/** A message as Mailpit's REST API lists it (the fields the tests read). */
export type MailpitSummary = { ID: string; MessageID: string; Subject: string; To: { Address: string; Name: string }[]; Created: string };
export type MailpitMessage = MailpitSummary & { Text: string; HTML: string };

/** The messages Mailpit holds, newest first (up to 500). */
export async function mailpitMessages(uiUrl: string): Promise<MailpitSummary[]> {
  const res = await fetch(`${uiUrl}/api/v1/messages?limit=500`);
  if (!res.ok) throw new Error(`mailpit answered ${res.status} for its message list`);
  return ((await res.json()) as { messages: MailpitSummary[] }).messages;
}

/** One message with its text and HTML parts. */
export async function mailpitMessage(uiUrl: string, id: string): Promise<MailpitMessage> {
  const res = await fetch(`${uiUrl}/api/v1/message/${id}`);
  if (!res.ok) throw new Error(`mailpit answered ${res.status} for message ${id}`);
  return (await res.json()) as MailpitMessage;
}

/** A message's headers, as Mailpit parsed them (name → values). */
export async function mailpitHeaders(uiUrl: string, id: string): Promise<Record<string, string[]>> {
  const res = await fetch(`${uiUrl}/api/v1/message/${id}/headers`);
  if (!res.ok) throw new Error(`mailpit answered ${res.status} for the headers of message ${id}`);
  return (await res.json()) as Record<string, string[]>;
}
