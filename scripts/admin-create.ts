/**
 * `npm run admin:create -- --email ada@example.com --name "Ada Lovelace" [--invite]`: the first
 * admin of an install that has no demo organisation (DATABASE_URL). The password is read from
 * stdin: typed twice without echo on a terminal, or the first line of piped input for scripts.
 * With --invite it prints a one-time invitation link instead (valid 7 days). Same database as
 * npm start (DATABASE_URL, or PGlite under DATA_DIR, which npm start must not hold open); the
 * account is audited like an admin's invitation, with no actor.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { ZName } from '../api/admin/users/schemas';
import { createAccount } from '../api/admin/users/service';
import { issueInvitation } from '../api/auth/email-tokens';
import { hashPassword } from '../lib/password';
import { ZEmail, ZNewPassword } from '../api/auth/passwords-policy';
import { DatabaseInUseError } from '../db/client';
import { users } from '../db/schema';
import { ConfigError, deskflowSettings, firstIssue } from '../deskflow.config';
import { openMigratedDatabase, prepareDataDir } from './startup';

const USAGE = 'usage: npm run admin:create -- --email you@example.com --name "Your Name" [--invite]  (password on stdin unless --invite)';

const ZArgs = z.object({ email: ZEmail, name: ZName, invite: z.boolean() });

async function main() {
  const settings = deskflowSettings();
  const args = parseArguments();
  if (!settings.DATABASE_URL) prepareDataDir(settings.DATA_DIR);
  const database = await openMigratedDatabase(settings);
  try {
    const email = args.email.toLowerCase();
    // Checked before asking for a password, so nobody types one for nothing.
    const [existing] = await database.db
      .select({ id: users.id })
      .from(users)
      .where(eq(sql`lower(${users.email})`, email));
    const refuse = () => new ConfigError(`there is already an account for ${email}: sign in with it, or have another admin change its role`);
    if (existing) throw refuse();

    const password = args.invite ? undefined : ZNewPassword.safeParse(await readPassword());
    if (password && !password.success) throw new ConfigError(`password: ${password.error.issues[0]!.message}`);
    const passwordHash = password ? await hashPassword(password.data) : undefined;
    const user = await createAccount(database.db, { email, name: args.name, role: 'admin', passwordHash }, { actorId: null, via: 'admin:create' });
    if (!user) throw refuse();

    if (!args.invite) {
      say(`Created admin ${user.email} (${user.name}); sign in with the password you gave.`);
      return;
    }
    const invitation = await issueInvitation(database.db, user.id, settings.appUrl);
    say(`Invited ${user.email} (${user.name}) as admin. Hand them this link to choose a password; it works once, until ${invitation.expiresAt.toISOString()}:`);
    say(invitation.link);
  } finally {
    await database.close();
  }
}

function parseArguments(): z.infer<typeof ZArgs> {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, invite: { type: 'boolean', default: false } }, strict: true, allowPositionals: false }));
  } catch (error) {
    throw new ConfigError(`${error instanceof Error ? error.message : String(error)}; ${USAGE}`);
  }
  for (const name of ['email', 'name']) if (values[name] === undefined) throw new ConfigError(`--${name}: is required; ${USAGE}`);
  const parsed = ZArgs.safeParse(values);
  if (!parsed.success) throw new ConfigError(`--${firstIssue(parsed.error)}`);
  return parsed.data;
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) {
    const first = await askHidden('Password (at least 10 characters, not shown): ');
    if (first !== (await askHidden('The same again: '))) throw new ConfigError('the two passwords differ; run the command again');
    return first;
  }
  // Piped: the first line, without its line break (stdin may stay open: do not wait for its end).
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
    process.stdin.destroy();
  }
}

/** Keystrokes that arrived after the last line read (both answers may come in one chunk). */
let typedAhead = '';

/** Reads one line from the terminal in raw mode, echoing nothing. */
function askHidden(prompt: string): Promise<string> {
  const stdin = process.stdin;
  process.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    let done = false;
    const finish = (rest: string, error?: Error) => {
      done = true;
      typedAhead = rest;
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      const chars = Array.from(chunk);
      for (const [index, char] of chars.entries()) {
        const rest = chars.slice(index + 1).join('');
        if (char === '\r' || char === '\n' || char === '\u0004') return finish(rest);
        if (char === '\u0003') return finish(rest, new ConfigError('cancelled')); // Ctrl-C: raw mode sends no SIGINT
        if (char === '\u007f' || char === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (char >= ' ') value += char;
      }
    };
    stdin.on('data', onData);
    const ahead = typedAhead;
    typedAhead = '';
    if (ahead) onData(ahead);
    if (!done) stdin.resume();
  });
}

function say(line: string) {
  process.stdout.write(`${line}\n`);
}

main().catch((error: unknown) => {
  const known = error instanceof ConfigError || error instanceof DatabaseInUseError;
  process.stderr.write(`deskflow: ${known ? error.message : `admin:create failed: ${error instanceof Error ? error.message : String(error)}`}\n`);
  process.exitCode = 1;
});
