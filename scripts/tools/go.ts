/**
 * Go for the tools built from source: the local Go, or, when it is older than GO_MIN, the
 * toolchain fetched once as a Go module; `go install` with progress.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeStale, toolDir, withLock } from './cache';
import { isExecutable, which } from './find';
import { ToolError, runWithProgress } from './progress';

export interface GoInfo {
  bin: string;
  version: [number, number, number];
  raw: string;
}

export function findGo(): GoInfo | undefined {
  // PATH decides, as for any tool (.ci/run puts Go's official install folder on it).
  const candidates = [which('go')];
  for (const bin of candidates) {
    if (!bin || !isExecutable(bin)) continue;
    const res = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 30_000, env: { ...process.env, GOTOOLCHAIN: 'local' } });
    const m = /go(\d+)\.(\d+)(?:\.(\d+))?/.exec(res.stdout ?? '');
    if (res.status === 0 && m) {
      return { bin, version: [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)], raw: res.stdout.trim() };
    }
  }
  return undefined;
}

function goAtLeast(go: GoInfo, major: number, minor: number): boolean {
  return go.version[0] > major || (go.version[0] === major && go.version[1] >= minor);
}

/** Temporal CLI 1.5.1's go.mod says `go 1.25.0`. */
const GO_MIN: [number, number] = [1, 25];
/** Toolchain fetched (as the Go module it is) when the local Go is older than GO_MIN. */
export const GO_TOOLCHAIN_VERSION = '1.25.14';

function goPlatform(): string {
  const arch = ({ x64: 'amd64', arm64: 'arm64', ia32: '386', arm: 'armv6l' } as Record<string, string>)[process.arch] ?? process.arch;
  return `${process.platform}-${arch}`;
}

/**
 * A Go at least GO_MIN. An older local Go (Debian bookworm's `golang` is 1.19) fetches
 * `golang.org/toolchain@v0.0.1-go<GO_TOOLCHAIN_VERSION>.<os>-<arch>` from the Go module
 * proxy — the module Go's own toolchain switching uses — into the cache, once.
 */
export async function usableGo(
  local: GoInfo,
  missingMessage: string,
  log: (line: string) => void,
  /** A tool whose go.mod needs a newer Go than GO_MIN (Mailpit: 1.26) names its own minimum and toolchain. */
  need: { min: [number, number]; toolchain: string } = { min: GO_MIN, toolchain: GO_TOOLCHAIN_VERSION },
): Promise<GoInfo> {
  if (goAtLeast(local, need.min[0], need.min[1])) return local;
  const toolchain = need.toolchain;
  const dir = toolDir('go', toolchain);
  const bin = path.join(dir, 'bin', 'go');
  const check = (): GoInfo | undefined => {
    if (!isExecutable(bin)) return undefined;
    const res = spawnSync(bin, ['version'], { encoding: 'utf8', env: { ...process.env, GOTOOLCHAIN: 'local' } });
    const [major, minor, patch] = toolchain.split('.').map(Number);
    return res.status === 0 ? { bin, version: [major!, minor!, patch ?? 0], raw: res.stdout.trim() } : undefined;
  };
  const ready = check();
  if (ready) return ready;
  if (!goAtLeast(local, 1, 16)) throw new ToolError(`${missingMessage.replace(/:.*$/, '')}: found ${local.raw}, which is too old; install Go 1.22+`);
  const label = `go ${toolchain}`;
  return withLock(`${dir}.lock`, label, log, check, async () => {
    const mod = `golang.org/toolchain@v0.0.1-go${toolchain}.${goPlatform()}`;
    log(`${label}: ${local.raw.replace(/^go version /, '')} is older than go${need.min.join('.')}; fetching ${mod} from the Go module proxy`);
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deskflow-go-'));
    try {
      const moduleDir = goModDownload(local, mod, work, label);
      const tmp = `${dir}.tmp-${process.pid}`;
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.cpSync(moduleDir, tmp, { recursive: true });
      // Module zips carry no file modes: make the tree writable (to remove it later) and the tools executable.
      const fix = (p: string): void => {
        const st = fs.statSync(p);
        if (st.isDirectory()) {
          fs.chmodSync(p, 0o755);
          for (const name of fs.readdirSync(p)) fix(path.join(p, name));
        } else {
          const exec = /[/\\](bin|pkg[/\\]tool[/\\][^/\\]+)[/\\][^/\\]+$/.test(p);
          fs.chmodSync(p, exec ? 0o755 : 0o644);
        }
      };
      fix(tmp);
      fs.rmSync(dir, { recursive: true, force: true });
      fs.renameSync(tmp, dir);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    const go = check();
    if (!go) throw new ToolError(`${label}: fetched, but ${bin} does not run`);
    log(`${label}: ready → ${bin}`);
    return go;
  });
}

/**
 * `go mod download` of one module at one version (any repository the proxy serves, Go or not):
 * the folder of its read-only source in the module cache.
 */
export function goModDownload(go: GoInfo, mod: string, work: string, label: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env, GOTOOLCHAIN: 'local', GO111MODULE: 'on', GOFLAGS: '' };
  const res = spawnSync(go.bin, ['mod', 'download', '-json', mod], { cwd: work, env, encoding: 'utf8', timeout: 600_000 });
  const info = (() => {
    try {
      return JSON.parse(res.stdout) as { Dir?: string; Error?: string };
    } catch {
      return {};
    }
  })();
  if (res.status !== 0 || !info.Dir) throw new ToolError(`${label}: go mod download ${mod} failed: ${(info.Error ?? res.stderr ?? '').trim().slice(0, 300)}`);
  return info.Dir;
}

/** Environment for `go install`/`go build`: pure Go, and exactly the toolchain chosen. */
export function goEnv(_go: GoInfo, extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...process.env, CGO_ENABLED: '0', GOTOOLCHAIN: 'local', ...extra };
}

/** `go install module/pkg@version` into `dir/<name>`, atomically. */
export async function goInstall(go: GoInfo, pkgAtVersion: string, binName: string, dir: string, label: string, log: (line: string) => void, ldflags?: string): Promise<{ path: string; ms: number }> {
  fs.mkdirSync(dir, { recursive: true });
  removeStale(dir, '.build-');
  const gobin = path.join(dir, `.build-${process.pid}-${randomBytes(3).toString('hex')}`);
  fs.mkdirSync(gobin);
  try {
    const args = ['install', '-v', '-trimpath'];
    if (ldflags) args.push(`-ldflags=${ldflags}`);
    args.push(pkgAtVersion);
    log(`${label}: go install ${pkgAtVersion} (${go.raw.replace(/^go version /, '')})`);
    const { ms } = await runWithProgress(go.bin, args, {
      env: goEnv(go, { GOBIN: gobin }),
      cwd: dir,
      label,
      log,
      // `go install -v` prints each package as it is compiled; `go: downloading` each module.
      progress: { match: /^(go: downloading \S+ \S+|\S+)$/, unit: 'packages/modules' },
    });
    const built = path.join(gobin, binName);
    if (!isExecutable(built)) throw new ToolError(`${label}: go install finished but ${built} is missing`);
    const dest = path.join(dir, binName);
    fs.renameSync(built, dest);
    return { path: dest, ms };
  } finally {
    fs.rmSync(gobin, { recursive: true, force: true });
  }
}
