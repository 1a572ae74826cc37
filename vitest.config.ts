import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Temporal's native worker and workerd child processes want real processes, not threads.
    pool: 'forks',
    // Two files at a time: most of a file's time is spent waiting on servers (Temporal, PostgreSQL,
    // workerd, the browser), and Vitest's default on a 2-core machine is one.
    maxWorkers: 2,
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    teardownTimeout: 30_000,
  },
});
