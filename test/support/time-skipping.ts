/** Temporal's time-skipping test server (Java, pinned, from Maven Central) for workflow tests. */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ensureTestServer } from '../../scripts/tools';
import { ensureSearchAttributes } from '../../worker/search-attributes';
import { installTemporalRuntime } from '../../worker/worker';

export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  installTemporalRuntime();
  const path = await ensureTestServer();
  // The SDK gives the server's JVM 5 s to listen; on a loaded machine (a CPU shared by parallel test
  // files) that is sometimes too little, so a start that timed out is tried again.
  let env: TestWorkflowEnvironment | undefined;
  for (let attempt = 1; !env; attempt++) {
    try {
      env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
    } catch (error) {
      if (attempt >= 5 || !(error instanceof Error && /did not start within/.test(error.message))) throw error;
    }
  }
  // The test server knows only the search attributes registered with it, like a real cluster.
  await ensureSearchAttributes(env.connection, env.namespace ?? 'default', (line) => {
    if (line.startsWith('could not')) throw new Error(line);
  });
  return env;
}
