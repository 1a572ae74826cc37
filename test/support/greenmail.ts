/**
 * A real SMTP + IMAP server for the inbound mail tests: GreenMail standalone (scripts/tools/greenmail.ts)
 * under Java on free loopback ports, with one mailbox user. Mail goes in over SMTP (nodemailer,
 * the raw message as given) and comes out over IMAP to the mailbox workflow.
 */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { ensureGreenMail } from '../../scripts/tools';
import { freePort } from './start-process';

export const MAILBOX_ADDRESS = 'desk@example.com';

export async function startGreenMail() {
  const jar = await ensureGreenMail({ log: () => undefined });
  const [smtpPort, imapPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const password = 'mailbox-secret';
  const child = spawn(
    process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java',
    [
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-Xmx512m',
      `-Dgreenmail.smtp.hostname=127.0.0.1`,
      `-Dgreenmail.smtp.port=${smtpPort}`,
      `-Dgreenmail.imap.hostname=127.0.0.1`,
      `-Dgreenmail.imap.port=${imapPort}`,
      `-Dgreenmail.api.hostname=127.0.0.1`,
      `-Dgreenmail.api.port=${apiPort}`,
      `-Dgreenmail.users=desk:${password}@example.com`,
      '-jar',
      jar,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const up = await new Promise<boolean>((resolve) => {
      const socket = connect(imapPort, '127.0.0.1', () => {
        socket.end();
        resolve(true);
      }).once('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`GreenMail did not start:\n${output.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  return {
    imapUrl: `imap://desk:${password}@127.0.0.1:${imapPort}/INBOX`,
    address: MAILBOX_ADDRESS,
    /** Delivers a raw RFC 822 message, byte for byte, to the mailbox over SMTP. */
    async deliver(raw: string | Buffer, from = 'sender@example.net') {
      await smtp.sendMail({ envelope: { from, to: [MAILBOX_ADDRESS] }, raw });
    },
    /** An IMAP session as the mailbox's user, for what SMTP cannot do (folders, UIDVALIDITY). */
    async imap() {
      const client = new ImapFlow({ host: '127.0.0.1', port: imapPort, secure: false, auth: { user: 'desk', pass: password }, logger: false });
      await client.connect();
      return client;
    },
    /** What the server printed (for a failing test's message). */
    output: () => output,
    /** The URL of another folder of the same mailbox. */
    folderUrl(folder: string) {
      return `imap://desk:${password}@127.0.0.1:${imapPort}/${encodeURIComponent(folder)}`;
    },
    async stop() {
      smtp.close();
      child.kill('SIGTERM');
      await exited;
    },
  };
}
