/** Temporal's time-skipping test server (Java, pinned, from Maven Central) for workflow tests. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTestServer } from '../../scripts/tools';
import { ensureSearchAttributes } from '../../worker/search-attributes';
import { installTemporalRuntime } from '../../worker/worker';

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime();
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: await ensureTestServer() } } });
  // The test server knows only the search attributes registered with it, like a real cluster.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default', (line) => {
    if (line.startsWith('could not')) throw new Error(line);
  });
  return env;
}
