/**
 * PostgreSQL's server binaries (Debian's packages; nothing to build).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isExecutable, which } from './find';

export const POSTGRES_MISSING_MESSAGE = 'PostgreSQL server binaries (initdb, postgres) not found: apt-get install postgresql, or set DESKFLOW_PG_BIN to their folder';

function pgMajorOf(dir: string): number {
  const m = /postgresql\/(\d+)\//.exec(`${dir}/`);
  return m ? Number(m[1]) : 0;
}

/**
 * Folder holding PostgreSQL's server binaries (`initdb`, `postgres`, `pg_ctl`), newest
 * Debian version first: $DESKFLOW_PG_BIN, /usr/lib/postgresql/<N>/bin, then `initdb` on PATH.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ok = (dir: string): boolean => isExecutable(path.join(dir, 'initdb')) && isExecutable(path.join(dir, 'postgres'));
  if (env.DESKFLOW_PG_BIN) return ok(env.DESKFLOW_PG_BIN) ? path.resolve(env.DESKFLOW_PG_BIN) : undefined;
  const root = '/usr/lib/postgresql';
  let versions: string[] = [];
  try {
    versions = fs.readdirSync(root);
  } catch {
    // not Debian-style
  }
  const dirs = versions
    .map((v) => path.join(root, v, 'bin'))
    .filter(ok)
    .sort((a, b) => pgMajorOf(b) - pgMajorOf(a));
  if (dirs[0]) return dirs[0];
  const initdb = which('initdb', env);
  if (initdb) {
    const dir = path.dirname(fs.realpathSync(initdb));
    if (ok(dir)) return dir;
  }
  return undefined;
}
