/**
 * Temporal's Java time-skipping test server, fetched from Maven Central at a pinned version
 * and run through a wrapper script.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT, linkInto, removeStale, toolDir, withLock } from './cache';
import { isExecutable, which } from './find';
import { ToolError, defaultLog, fmtSeconds, runWithProgress, type EnsureOptions } from './progress';

/**
 * io.temporal:temporal-test-server on Maven Central. @temporalio/testing 1.24.0 (published
 * 2026-09-15) asks temporal.download for the "default" test server of its SDK version,
 * which serves the Java SDK release current then; no version is pinned in the TS sources.
 * 1.38.0 (jar built 2026-08-10) is the newest on Maven Central and predates 1.24.0, so it
 * is the nearest match. Keep in step with scripts/test-server/pom.xml.
 */
export const TEST_SERVER_VERSION = '1.38.0';

export const JAVA_MISSING_MESSAGE = "Java 17+ is needed for Temporal's time-skipping test server: apt-get install openjdk-17-jre-headless";
export const MAVEN_MISSING_MESSAGE = "Maven is needed to fetch Temporal's time-skipping test server from Maven Central: apt-get install maven";

/** `$JAVA_HOME/bin/java` if set and present, else `java` on PATH. */
function findJava(): string | undefined {
  const home = process.env.JAVA_HOME;
  if (home && isExecutable(path.join(home, 'bin', 'java'))) return path.join(home, 'bin', 'java');
  return which('java');
}

function javaMajor(java: string): number | undefined {
  const res = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 30_000 });
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${res.stderr ?? ''}${res.stdout ?? ''}`);
  if (!m) return undefined;
  const first = Number(m[1]);
  return first === 1 ? Number(m[2]) : first; // "1.8.0_x" → 8
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

function testServerWrapper(dir: string): string {
  const lib = path.join(dir, 'lib');
  // exec: the SDK kills the process it started; without exec it would kill sh and orphan java.
  return `#!/bin/sh
# Temporal time-skipping test server ${TEST_SERVER_VERSION} (Maven Central io.temporal:temporal-test-server),
# written by scripts/tools.ts. Usage: test-server <port> [--enable-time-skipping]
if [ -n "\${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi
# C1 only + serial GC: the SDK gives the server 5 s to listen; this starts in about 1 s.
exec "$JAVA" -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \${DESKFLOW_TEST_SERVER_JAVA_OPTS:-} \\
  -cp ${shellQuote(`${lib}/*`)} io.temporal.testserver.TestServer "$@"
`;
}

function testServerReady(dir: string): boolean {
  const wrapper = path.join(dir, 'test-server');
  return isExecutable(wrapper) && fs.existsSync(path.join(dir, 'lib', `temporal-test-server-${TEST_SERVER_VERSION}.jar`));
}

/**
 * Path to an executable wrapper (`<cache>/temporal-test-server-1.38.0/test-server`) that
 * execs Java's `io.temporal.testserver.TestServer`, for
 * `TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } })`.
 * Fetches the jars with Maven once.
 */
export async function ensureTestServer(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('temporal-test-server', TEST_SERVER_VERSION);
  const wrapper = path.join(dir, 'test-server');
  const label = `temporal-test-server ${TEST_SERVER_VERSION}`;
  const java = findJava();
  if (!java) throw new ToolError(JAVA_MISSING_MESSAGE);
  const ready = (): string | undefined => (testServerReady(dir) ? wrapper : undefined);
  if (!ready()) {
    const major = javaMajor(java);
    if (major !== undefined && major < 11) {
      throw new ToolError(`${JAVA_MISSING_MESSAGE.replace(/:.*$/, '')}: found Java ${major}; apt-get install openjdk-17-jre-headless`);
    }
    const mvn = which('mvn');
    if (!mvn) throw new ToolError(MAVEN_MISSING_MESSAGE);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      removeStale(path.dirname(dir), `${path.basename(dir)}.tmp-`);
      const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      fs.mkdirSync(tmp, { recursive: true });
      try {
        log(`${label}: fetching io.temporal:temporal-test-server:${TEST_SERVER_VERSION} from Maven Central with mvn`);
        const { ms } = await runWithProgress(
          mvn,
          [
            '-B',
            '-f',
            path.join(PROJECT_ROOT, 'scripts', 'test-server', 'pom.xml'),
            `-Dtemporal-test-server.version=${TEST_SERVER_VERSION}`,
            'dependency:copy-dependencies',
            `-DoutputDirectory=${path.join(tmp, 'lib')}`,
            '-DincludeScope=runtime',
          ],
          { label, log, cwd: tmp, progress: { match: /^\[INFO\] Downloaded from /, unit: 'files downloaded' } },
        );
        if (!fs.existsSync(path.join(tmp, 'lib', `temporal-test-server-${TEST_SERVER_VERSION}.jar`))) {
          throw new ToolError(`${label}: mvn finished but temporal-test-server-${TEST_SERVER_VERSION}.jar is missing`);
        }
        fs.writeFileSync(path.join(tmp, 'test-server'), testServerWrapper(dir), { mode: 0o755 });
        fs.rmSync(dir, { recursive: true, force: true }); // a partial leftover, if any
        fs.renameSync(tmp, dir);
        log(`${label}: fetched in ${fmtSeconds(ms)} → ${wrapper}`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
      return wrapper;
    });
  }
  // Keep the wrapper in step with this file (flags may change without a new server version).
  const expected = testServerWrapper(dir);
  if (fs.readFileSync(wrapper, 'utf8') !== expected) {
    const tmp = `${wrapper}.${process.pid}`;
    fs.writeFileSync(tmp, expected, { mode: 0o755 });
    fs.renameSync(tmp, wrapper);
  }
  if (opts.link !== false) linkInto('temporal-test-server', wrapper);
  return wrapper;
}
