/**
 * Neon's WebSocket→TCP proxy (wsproxy), built once with Go at a pinned pseudo-version.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { linkInto, removeStale, toolDir, withLock } from './cache';
import { isExecutable } from './find';
import { findGo, goEnv, usableGo } from './go';
import { ToolError, defaultLog, fmtSeconds, runWithProgress, type EnsureOptions } from './progress';

/** Neon's WebSocket→TCP proxy: newest commit (99ed92d, 2024-11-04) as a pseudo-version. */
export const WSPROXY_MODULE = 'github.com/neondatabase/wsproxy';
export const WSPROXY_VERSION = 'v0.0.0-20241104134926-99ed92dd75ba';

export const WSPROXY_GO_MISSING_MESSAGE = "Go is needed to build Neon's WebSocket proxy (wsproxy): install Go 1.22+ (apt-get install golang)";

/**
 * Path to Neon's `github.com/neondatabase/wsproxy` at WSPROXY_VERSION, built once with Go.
 * The Go module proxy serves this module's go.mod and zip but not its `.info`, so
 * `go install pkg@version` refuses it; a throwaway module that requires the pinned version
 * and `go build -mod=mod` fetch the same source, checked against the checksum database.
 * It reads LISTEN_PORT, ALLOW_ADDR_REGEX, APPEND_PORT and PROMETHEUS_BIND (default ":2112" on
 * every interface: always set it). Run it through scripts/pg.ts startWsproxy().
 */
export async function ensureWsproxy(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const dir = toolDir('wsproxy', WSPROXY_VERSION);
  const bin = path.join(dir, 'wsproxy');
  const ready = (): string | undefined => (isExecutable(bin) ? bin : undefined);
  if (!ready()) {
    const local = findGo();
    if (!local) throw new ToolError(WSPROXY_GO_MISSING_MESSAGE);
    const go = await usableGo(local, WSPROXY_GO_MISSING_MESSAGE, log);
    await withLock(`${dir}.lock`, 'wsproxy', log, ready, async () => {
      fs.mkdirSync(dir, { recursive: true });
      removeStale(dir, '.build-');
      const work = path.join(dir, `.build-${process.pid}-${randomBytes(3).toString('hex')}`);
      fs.mkdirSync(work);
      try {
        fs.writeFileSync(path.join(work, 'go.mod'), `module deskflow.local/wsproxy-build\n\ngo 1.22\n\nrequire ${WSPROXY_MODULE} ${WSPROXY_VERSION}\n`);
        fs.writeFileSync(path.join(work, 'tools.go'), `//go:build tools\n\npackage tools\n\nimport _ "${WSPROXY_MODULE}"\n`);
        log(`wsproxy: go build ${WSPROXY_MODULE}@${WSPROXY_VERSION} (${go.raw.replace(/^go version /, '')})`);
        const { ms } = await runWithProgress(go.bin, ['build', '-v', '-mod=mod', '-trimpath', '-ldflags=-s -w', '-o', path.join(work, 'wsproxy'), WSPROXY_MODULE], {
          env: goEnv(go, {}),
          cwd: work,
          label: 'wsproxy',
          log,
          progress: { match: /^(go: downloading \S+ \S+|\S+)$/, unit: 'packages/modules' },
        });
        fs.renameSync(path.join(work, 'wsproxy'), bin);
        log(`wsproxy: built in ${fmtSeconds(ms)} → ${bin}`);
        return bin;
      } finally {
        fs.rmSync(work, { recursive: true, force: true });
      }
    });
  }
  if (opts.link !== false) linkInto('wsproxy', bin);
  return bin;
}
