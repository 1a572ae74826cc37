/**
 * The Temporal CLI (dev server + Web UI), built from its Go module at a pinned version.
 */
import { spawnSync } from 'node:child_process';
import https from 'node:https';
import path from 'node:path';
import { linkInto, toolDir, withLock } from './cache';
import { isExecutable } from './find';
import { findGo, goInstall, usableGo } from './go';
import { ToolError, defaultLog, fmtSeconds, type EnsureOptions } from './progress';

/** Temporal CLI (dev server + Web UI). v1.6+ has a `replace` that `go install` refuses. */
export const TEMPORAL_CLI_VERSION = '1.5.1';
export const TEMPORAL_CLI_MODULE = 'github.com/temporalio/cli';

export const GO_MISSING_MESSAGE = 'Go is needed to build the Temporal CLI: install Go 1.22+ (apt-get install golang) or set TEMPORAL_ADDRESS to an existing server';

/** Quick probe whether the SDK could download its own server (only asked when Go is missing). */
export function hasInternet(timeoutMs = 3000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = https.request('https://temporal.download/', { method: 'HEAD', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(true);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

function temporalCliVersionOk(bin: string): boolean {
  if (!isExecutable(bin)) return false;
  const res = spawnSync(bin, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  // "temporal version 1.5.1 (Server 1.29.1, UI 2.42.1)"
  return res.status === 0 && new RegExp(`\\bversion ${TEMPORAL_CLI_VERSION.replace(/\./g, '\\.')}\\b`).test(res.stdout);
}

/**
 * Path to the Temporal CLI v1.5.1 (for `TestWorkflowEnvironment.createLocal` / the dev
 * server via `executable: { type: 'existing-path', path }`), building it with Go once.
 *
 * Resolves `undefined` only when Go is missing but the internet is reachable: the caller
 * then leaves `executable` unset so the SDK downloads its default CLI. With neither, throws
 * a ToolError carrying GO_MISSING_MESSAGE.
 */
export async function ensureTemporalCli(opts: EnsureOptions = {}): Promise<string | undefined> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('temporal-cli', TEMPORAL_CLI_VERSION);
  const bin = path.join(dir, 'temporal');
  const label = `temporal-cli ${TEMPORAL_CLI_VERSION}`;
  const ready = (): string | undefined => (temporalCliVersionOk(bin) ? bin : undefined);
  if (!ready()) {
    const go = findGo();
    if (!go) {
      if (await hasInternet()) {
        log('Go not found; leaving the Temporal CLI to the SDK’s own download');
        return undefined;
      }
      throw new ToolError(GO_MISSING_MESSAGE);
    }
    const usable = await usableGo(go, GO_MISSING_MESSAGE, log);
    await withLock(`${dir}.lock`, label, log, ready, async () => {
      log(`${label}: building from source with Go; the first build takes several minutes on 2 cores, later runs reuse it`);
      const { ms } = await goInstall(
        usable,
        `${TEMPORAL_CLI_MODULE}/cmd/temporal@v${TEMPORAL_CLI_VERSION}`,
        'temporal',
        dir,
        label,
        log,
        // as the release build does; without it `temporal --version` says 0.0.0-DEV
        `-s -w -X ${TEMPORAL_CLI_MODULE}/temporalcli.Version=${TEMPORAL_CLI_VERSION}`,
      );
      if (!ready()) throw new ToolError(`${label}: built ${bin} but \`temporal --version\` does not report ${TEMPORAL_CLI_VERSION}`);
      log(`${label}: built in ${fmtSeconds(ms)} → ${bin}`);
      return bin;
    });
  }
  if (opts.link !== false) linkInto('temporal', bin);
  return bin;
}
