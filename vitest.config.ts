import { defineConfig } from 'vitest/config';

/**
 * Files that assert wall-clock timing on the Temporal dev server (timers firing within a second of
 * their deadline): they run on their own, after the rest, so no other file's load makes them late.
 */
const wallClock = ['test/integration/faults-worker.test.ts', 'test/integration/lifecycle-api.test.ts'];

export default defineConfig({
  test: {
    // Temporal's native worker and workerd child processes want real processes, not threads.
    pool: 'forks',
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
    projects: [
      {
        extends: true,
        // Most files wait on servers (Temporal, Postgres, workerd, Chromium) rather than compute: two at a time,
        // where Vitest's default on two cores would be one.
        test: { name: 'suite', include: ['test/**/*.test.ts'], exclude: wallClock, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      { extends: true, test: { name: 'wall-clock', include: wallClock, maxWorkers: 1, sequence: { groupOrder: 1 } } },
    ],
  },
});
