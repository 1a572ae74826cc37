/**
 * The per-user cache of pinned tools and models: $DESKFLOW_CACHE_DIR, else
 * $XDG_CACHE_HOME/deskflow, else ~/.cache/deskflow; one folder per tool and version.
 */
import os from 'node:os';
import path from 'node:path';

export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DESKFLOW_CACHE_DIR) return path.resolve(env.DESKFLOW_CACHE_DIR);
  const xdg = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : undefined;
  return path.join(xdg ?? path.join(os.homedir(), '.cache'), 'deskflow');
}

/** Folder for one tool at one version, e.g. `~/.cache/deskflow/temporal-cli-1.5.1`. */
export function toolDir(tool: string, version: string, env: NodeJS.ProcessEnv = process.env): string {
  return path.join(cacheRoot(env), `${tool}-${version}`);
}
