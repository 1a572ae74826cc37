/** Provisions the pinned tools once, before any test file starts: Temporal CLI, test server, Mailpit, pgvector for the local PostgreSQL, the sentence model. */
import { ensureMailpit, ensurePgvector, ensureSentenceModel, ensureTemporalCli, ensureTestServer } from '../../scripts/tools';

export default async function setup() {
  await ensureTemporalCli();
  await ensureTestServer();
  await ensureMailpit();
  await ensurePgvector();
  await ensureSentenceModel();
}
