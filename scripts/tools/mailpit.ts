/**
 * Mailpit (SMTP mail catcher with a web UI and a REST API), built from its Go module at a pinned
 * version and cached like the Temporal CLI. `npm start` runs it when SMTP_URL is unset; the mail
 * tests run it to read back what Deskflow sent (GET /api/v1/messages).
 *
 * The Go module carries the server but not the web UI's compiled assets (Mailpit's release build
 * makes them with npm first): the REST API and SMTP work, the page at / answers "File not found"
 * until the assets are built. See README, "Mail".
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { linkInto, toolDir, withLock } from './cache';
import { isExecutable } from './find';
import { findGo, goInstall, usableGo } from './go';
import { ToolError, defaultLog, fmtSeconds, type EnsureOptions } from './progress';

export const MAILPIT_MODULE = 'github.com/axllent/mailpit';
export const MAILPIT_VERSION = '1.33.1';

export const MAILPIT_GO_MISSING_MESSAGE = 'Go is needed to build Mailpit (the embedded mail catcher): install Go 1.22+ (apt-get install golang) or set SMTP_URL to a mail server of yours';

/** Mailpit 1.33's go.mod says `go 1.26.0`: an older local Go fetches this toolchain once. */
const MAILPIT_GO: { min: [number, number]; toolchain: string } = { min: [1, 26], toolchain: '1.26.8' };

function mailpitVersionOk(bin: string): boolean {
  if (!isExecutable(bin)) return false;
  const res = spawnSync(bin, ['version', '--no-release-check'], { encoding: 'utf8', timeout: 30_000 });
  // "mailpit v1.33.1 compiled with go1.26.8 on linux/amd64"
  return res.status === 0 && res.stdout.includes(`v${MAILPIT_VERSION} `);
}

/** Path to Mailpit v1.33.1, built with Go once (`go install`, progress every ~10 s). */
export async function ensureMailpit(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('mailpit', MAILPIT_VERSION);
  const bin = path.join(dir, 'mailpit');
  const label = `mailpit ${MAILPIT_VERSION}`;
  const ready = (): string | undefined => (mailpitVersionOk(bin) ? bin : undefined);
  if (!ready()) {
    const local = findGo();
    if (!local) throw new ToolError(MAILPIT_GO_MISSING_MESSAGE);
    const go = await usableGo(local, MAILPIT_GO_MISSING_MESSAGE, log, MAILPIT_GO);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      log(`${label}: building from source with Go; the first build takes several minutes on 2 cores (SQLite in pure Go), later runs reuse it`);
      const { ms } = await goInstall(go, `${MAILPIT_MODULE}@v${MAILPIT_VERSION}`, 'mailpit', dir, label, log, `-s -w -X ${MAILPIT_MODULE}/config.Version=v${MAILPIT_VERSION}`);
      if (!ready()) throw new ToolError(`${label}: built ${bin} but \`mailpit version\` does not report v${MAILPIT_VERSION}`);
      log(`${label}: built in ${fmtSeconds(ms)} → ${bin}`);
      return bin;
    });
  }
  if (opts.link !== false) linkInto('mailpit', bin);
  return bin;
}
