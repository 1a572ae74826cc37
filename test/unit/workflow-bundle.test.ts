/**
 * What the ticket workflow's bundle may contain. A workflow sandbox evaluates the bundle's modules
 * once per workflow, so heavy libraries there cost memory per open ticket (bench:timers holds
 * 10,000): no zod, no drizzle, no configuration parsing. Enum values come from domain/, which
 * the database schema builds its enums from.
 */
import { describe, expect, it } from 'vitest';
import { workflowBundle } from '../../worker/worker';

describe('the workflow bundle', () => {
  it('loads no zod, drizzle or configuration code', async () => {
    const { code } = await workflowBundle();
    // Modules webpack kept apart (`/***/ "./path"`) and those it concatenated into one scope (`;// ./path`).
    const modules = [...code.matchAll(/^(?:\/\*\*\*\/ "|;\/\/ (?:EXTERNAL MODULE: )?)\.\/([^"\n]+?)"?$/gm)].map((m) => m[1]!);
    expect(modules).toContain('workflows/ticket/workflow.ts');
    expect(modules.filter((m) => /node_modules\/(zod|drizzle-orm)\/|(deskflow|temporal)\.config\.ts|^db\//.test(m))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('node_modules/') && !/node_modules\/(@temporalio|nexus-rpc|ms|long|@date-fns\/tz|async-mutex)\//.test(m))).toEqual([]);
  });
});
