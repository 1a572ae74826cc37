/**
 * What the ticket workflow's bundle may contain. A workflow sandbox evaluates the bundle's modules
 * once per workflow, so heavy libraries there cost memory per open ticket (bench:timers holds
 * 10,000): no zod, no drizzle, no configuration parsing. The plain copies of enum values and
 * search attributes the workflow uses instead must stay equal to their sources.
 */
import { describe, expect, it } from 'vitest';
import { priorities as dbPriorities, roles as dbRoles } from '../../db/schema/enums';
import { workflowBundle } from '../../worker/worker';
import { priorities, roles } from '../../workflows/lifecycle/vocabulary';

describe('the workflow bundle', () => {
  it('loads no zod, drizzle or configuration code', async () => {
    const { code } = await workflowBundle();
    const modules = [...code.matchAll(/\/\*\*\*\/ "\.\/([^"]+)"/g)].map((m) => m[1]!);
    expect(modules).toContain('workflows/ticket/workflow.ts');
    expect(modules.filter((m) => /node_modules\/(zod|drizzle-orm)\/|(deskflow|temporal)\.config\.ts|^db\//.test(m))).toEqual([]);
    expect(modules.filter((m) => m.startsWith('node_modules/') && !/node_modules\/(@temporalio|nexus-rpc|ms|long|luxon|async-mutex)\//.test(m))).toEqual([]);
  });

  it('uses the same enum values as the database schema', () => {
    expect(priorities).toEqual(dbPriorities);
    expect(roles).toEqual(dbRoles);
  });
});
