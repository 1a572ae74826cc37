/**
 * Before any test file starts: provisions the pinned tools (Temporal CLI, test server, Mailpit,
 * pgvector for the local PostgreSQL, the sentence model) and builds the web console once when its
 * sources changed, since files run in parallel and two builds into one web/dist would race (the
 * browser tests and `npm start` in the end-to-end tests then find it up to date).
 */
import { ensureWebConsoleBuilt } from '../../dev-support/web-console';
import { ensureMailpit, ensurePgvector, ensureSentenceModel, ensureTemporalCli, ensureTestServer } from '../../scripts/tools';

export default async function setup() {
  await ensureTemporalCli();
  await ensureTestServer();
  await ensureMailpit();
  await ensurePgvector();
  await ensureSentenceModel();
  const build = await ensureWebConsoleBuilt();
  if (build.kind === 'failed') throw build.error;
}
