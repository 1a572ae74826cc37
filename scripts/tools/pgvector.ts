/**
 * pgvector for the local PostgreSQL server that the Neon-driver tests and external-database runs
 * use (PGlite loads its own build, @electric-sql/pglite-pgvector; Neon has it built in). Debian 12
 * does not package it, so its C source comes from the Go module proxy (which serves any public
 * repository), is built once against the server's headers (postgresql-server-dev-<major>) and
 * cached per pgvector and PostgreSQL version; installing copies the built files into the
 * server's extension folders, which needs write access there (root, as in CI).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { linkInto, removeStale, toolDir, withLock } from './cache';
import { isExecutable, which } from './find';
import { findGo, goModDownload } from './go';
import { findPostgresBin, POSTGRES_MISSING_MESSAGE } from './postgres';
import { ToolError, defaultLog, fmtSeconds, runWithProgress, type EnsureOptions } from './progress';
import { spawnSync } from 'node:child_process';

export const PGVECTOR_MODULE = 'github.com/pgvector/pgvector';
export const PGVECTOR_VERSION = '0.8.1';

export const PGVECTOR_MISSING_MESSAGE = (major: number): string =>
  `pgvector must be built against PostgreSQL ${major}'s headers: apt-get install postgresql-server-dev-${major} (and Go, which fetches pgvector's source from the module proxy)`;

function pgConfig(bin: string, flag: string): string {
  const res = spawnSync(path.join(bin, 'pg_config'), [flag], { encoding: 'utf8' });
  if (res.status !== 0) throw new ToolError(`pg_config ${flag} failed: ${res.stderr.trim()}`);
  return res.stdout.trim();
}

/** The server's pg_config: Debian keeps it beside the server binaries only with the -dev package; /usr/bin/pg_config answers for the newest. */
function serverPgConfig(bin: string): string | undefined {
  if (isExecutable(path.join(bin, 'pg_config'))) return bin;
  const onPath = which('pg_config');
  return onPath ? path.dirname(onPath) : undefined;
}

/**
 * Makes `create extension vector` work on the local PostgreSQL server: builds pgvector once
 * (cached), then installs it into the server's folders when it is not there yet. Returns the
 * folder of the built files.
 */
export async function ensurePgvector(opts: EnsureOptions = {}): Promise<string> {
  const log = opts.log ?? defaultLog;
  const bin = findPostgresBin();
  if (!bin) throw new ToolError(POSTGRES_MISSING_MESSAGE);
  const configDir = serverPgConfig(bin);
  if (!configDir) throw new ToolError(PGVECTOR_MISSING_MESSAGE(0));
  const major = Number(/(\d+)/.exec(pgConfig(configDir, '--version'))?.[1] ?? 0);
  const pkglibdir = pgConfig(configDir, '--pkglibdir');
  const extensionDir = path.join(pgConfig(configDir, '--sharedir'), 'extension');
  const dir = toolDir('pgvector', `${PGVECTOR_VERSION}-pg${major}`);
  const label = `pgvector ${PGVECTOR_VERSION} (PostgreSQL ${major})`;
  const built = (): string | undefined => (fs.existsSync(path.join(dir, 'lib', 'vector.so')) && fs.existsSync(path.join(dir, 'extension', 'vector.control')) ? dir : undefined);
  if (!built()) {
    if (!fs.existsSync(path.join(pgConfig(configDir, '--includedir-server'), 'postgres.h'))) throw new ToolError(PGVECTOR_MISSING_MESSAGE(major));
    const go = findGo();
    if (!go) throw new ToolError(PGVECTOR_MISSING_MESSAGE(major));
    await withLock(`${dir}.lock`, label, log, built, async () => {
      fs.mkdirSync(path.dirname(dir), { recursive: true });
      removeStale(path.dirname(dir), `${path.basename(dir)}.tmp-`);
      const tmp = `${dir}.tmp-${process.pid}-${randomBytes(3).toString('hex')}`;
      const work = fs.mkdtempSync(path.join(os.tmpdir(), 'deskflow-pgvector-'));
      try {
        log(`${label}: fetching the source from the Go module proxy`);
        const source = goModDownload(go, `${PGVECTOR_MODULE}@v${PGVECTOR_VERSION}`, work, label);
        const src = path.join(work, 'src');
        fs.cpSync(source, src, { recursive: true });
        fs.chmodSync(src, 0o755);
        for (const entry of fs.readdirSync(src, { recursive: true, withFileTypes: true })) {
          const p = path.join(entry.parentPath, entry.name);
          fs.chmodSync(p, entry.isDirectory() ? 0o755 : 0o644);
        }
        log(`${label}: building with make (a minute on 2 cores)`);
        // with_llvm=no: no JIT bitcode, so clang/llvm are not needed.
        const { ms } = await runWithProgress('make', ['-j2', `PG_CONFIG=${path.join(configDir, 'pg_config')}`, 'with_llvm=no'], {
          label,
          log,
          cwd: src,
          progress: { match: /\.c$|-c /, unit: 'files compiled' },
        });
        fs.mkdirSync(path.join(tmp, 'lib'), { recursive: true });
        fs.mkdirSync(path.join(tmp, 'extension'), { recursive: true });
        fs.copyFileSync(path.join(src, 'vector.so'), path.join(tmp, 'lib', 'vector.so'));
        for (const name of fs.readdirSync(path.join(src, 'sql'))) {
          if (/^vector--.+\.sql$/.test(name)) fs.copyFileSync(path.join(src, 'sql', name), path.join(tmp, 'extension', name));
        }
        fs.copyFileSync(path.join(src, 'vector.control'), path.join(tmp, 'extension', 'vector.control'));
        fs.rmSync(dir, { recursive: true, force: true });
        fs.renameSync(tmp, dir);
        log(`${label}: built in ${fmtSeconds(ms)} → ${dir}`);
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
        fs.rmSync(work, { recursive: true, force: true });
      }
      return dir;
    });
  }
  installInto(dir, pkglibdir, extensionDir, label, log);
  if (opts.link !== false) linkInto('pgvector', dir);
  return dir;
}

/** Copies the built files into the server's folders unless the same files are there. */
function installInto(dir: string, pkglibdir: string, extensionDir: string, label: string, log: (line: string) => void): void {
  const files: Array<[string, string]> = [[path.join(dir, 'lib', 'vector.so'), path.join(pkglibdir, 'vector.so')]];
  for (const name of fs.readdirSync(path.join(dir, 'extension'))) files.push([path.join(dir, 'extension', name), path.join(extensionDir, name)]);
  const stale = files.filter(([from, to]) => !fs.existsSync(to) || !fs.readFileSync(from).equals(fs.readFileSync(to)));
  if (!stale.length) return;
  try {
    for (const [from, to] of stale) fs.copyFileSync(from, to);
  } catch (err) {
    throw new ToolError(
      `${label}: cannot install into ${pkglibdir} and ${extensionDir} (${(err as NodeJS.ErrnoException).code}); run \`npm run provision\` as root once, or use a PostgreSQL with pgvector`,
    );
  }
  log(`${label}: installed into ${pkglibdir} and ${extensionDir}`);
}
