/** Provisions the pinned Temporal CLI, test server and Mailpit once, before any test file starts. */
import { ensureMailpit, ensureTemporalCli, ensureTestServer } from '../../scripts/tools';

export default async function setup() {
  await ensureTemporalCli();
  await ensureTestServer();
  await ensureMailpit();
}
