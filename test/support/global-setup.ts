/** Provisions the pinned Temporal CLI and test server once, before any test file starts. */
import { ensureTemporalCli, ensureTestServer } from '../../scripts/tools';

export default async function setup() {
  await ensureTemporalCli();
  await ensureTestServer();
}
