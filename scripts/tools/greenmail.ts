/**
 * GreenMail (com.icegreen:greenmail-standalone on Maven Central): a real SMTP + IMAP server in
 * one jar, with IMAP IDLE, for the inbound mail tests. Fetched once with Maven, cached per
 * version like the other tools; run with Java 17 on loopback ports (test/support/greenmail.ts).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { linkInto, removeStale, toolDir, withLock } from './cache';
import { which } from './find';
import { ToolError, defaultLog, fmtSeconds, runWithProgress, type EnsureOptions } from './progress';
import { JAVA_MISSING_MESSAGE, MAVEN_MISSING_MESSAGE } from './test-server';

/** 2.1.x: Jakarta Mail, Java 11+, IMAP IDLE. */
export const GREENMAIL_VERSION = '2.1.7';
const ARTIFACT = `com.icegreen:greenmail-standalone:${GREENMAIL_VERSION}`;

const jarName = `greenmail-standalone-${GREENMAIL_VERSION}.jar`;

/** Path to the cached standalone jar (`<cache>/greenmail-2.1.7/greenmail-standalone-2.1.7.jar`); fetched with Maven once. */
export async function ensureGreenMail(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('greenmail', GREENMAIL_VERSION);
  const jar = path.join(dir, jarName);
  const label = `greenmail ${GREENMAIL_VERSION}`;
  if (!which('java') && !process.env.JAVA_HOME) throw new ToolError(JAVA_MISSING_MESSAGE.replace("Temporal's time-skipping test server", 'the GreenMail mail server of the inbound mail tests'));
  const ready = (): string | undefined => (fs.existsSync(jar) ? jar : undefined);
  if (!ready()) {
    const mvn = which('mvn');
    if (!mvn) throw new ToolError(MAVEN_MISSING_MESSAGE.replace("Temporal's time-skipping test server", 'GreenMail'));
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      removeStale(path.dirname(dir), `${path.basename(dir)}.tmp-`);
      const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      fs.mkdirSync(tmp, { recursive: true });
      try {
        log(`${label}: fetching ${ARTIFACT} from Maven Central with mvn`);
        const { ms } = await runWithProgress(mvn, ['-B', 'dependency:copy', `-Dartifact=${ARTIFACT}`, `-DoutputDirectory=${tmp}`], {
          label,
          log,
          cwd: tmp,
          progress: { match: /^\[INFO\] Downloaded from /, unit: 'files downloaded' },
        });
        if (!fs.existsSync(path.join(tmp, jarName))) throw new ToolError(`${label}: mvn finished but ${jarName} is missing`);
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(tmp, dir);
        log(`${label}: fetched in ${fmtSeconds(ms)} → ${jar}`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      return jar;
    });
  }
  if (opts.link !== false) linkInto('greenmail.jar', jar);
  return jar;
}
