/**
 * bench:workflow-memory — the heap each cached ticket workflow spends on its own copy of the workflow bundle's
 * modules, beside the bare timer workflow's bundle (bench:timers' baseline: the Temporal SDK alone) in the same run.
 *
 * Temporal's worker evaluates the bundle once per V8 context but gives every workflow its own module cache
 * (`globalThis.__webpack_module_cache__`), so each cached workflow pays for every module object, closure and table
 * its imports create. This evaluates each bundle the way the worker does — one context, a fresh module cache per
 * "workflow" — N times, keeps them all alive, and divides the heap growth by N. It measures module objects only, not
 * a workflow's own state or the Rust core's history; bench:timers measures the whole worker.
 *
 *   npm run bench:workflow-memory -- [--workflows 500]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import vm from 'node:vm';
import v8 from 'node:v8';
import { bundleWorkflowCode } from '@temporalio/worker';
import { installTemporalRuntime, workflowBundle } from '../worker/worker';

const { values } = parseArgs({ options: { workflows: { type: 'string', default: '500' } } });
const count = Number(values.workflows);
if (!Number.isInteger(count) || count < 10) throw new Error(`--workflows must be a whole number >= 10, got ${values.workflows}`);

// Forced collections make the heap figures exact; node --expose-gc is not needed with this flag set at run time.
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

type Sandbox = { __TEMPORAL__: { importWorkflows(): unknown } };

/** KB of heap per workflow for `count` module caches of one bundle, and how many modules each holds. */
function perWorkflow(code: string): { kb: number; modules: number } {
  let current = new Map<string | symbol, unknown>();
  const context = vm.createContext({});
  const moduleCache = new Proxy(
    {},
    {
      get: (_, key) => current.get(key),
      set: (_, key, value) => (current.set(key, value), true),
      has: (_, key) => current.has(key),
      deleteProperty: (_, key) => current.delete(key),
    },
  );
  Object.defineProperty(context, '__webpack_module_cache__', { value: moduleCache });
  vm.runInContext(code, context);
  const sandbox = context as unknown as Sandbox;
  const load = () => {
    current = new Map();
    sandbox.__TEMPORAL__.importWorkflows();
    return current;
  };
  load(); // compile once: code is shared by every workflow, only the module objects are not
  gc();
  const before = process.memoryUsage().heapUsed;
  const kept: unknown[] = [];
  for (let i = 0; i < count; i++) {
    kept.push(load());
    if ((i + 1) % Math.ceil(count / 5) === 0) process.stdout.write(`  ${i + 1}/${count} module caches\n`);
  }
  gc();
  const after = process.memoryUsage().heapUsed;
  return { kb: (after - before) / count / 1024, modules: current.size };
}

installTemporalRuntime();
console.log(`bench:workflow-memory — ${count} module caches per bundle`);
console.log('bundling the ticket workflows and the bare timer baseline…');
const ticket = await workflowBundle();
const baseline = await bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('./timer-baseline-workflow.ts', import.meta.url)) });
console.log('ticket workflows:');
const t = perWorkflow(ticket.code);
console.log('bare timer workflow (the Temporal SDK alone):');
const b = perWorkflow(baseline.code);

const rows = [
  ['bundle', 'modules', 'KB per workflow', 'MiB per 1,000 cached'],
  ['ticket workflows (workflows/index.ts)', String(t.modules), t.kb.toFixed(1), ((t.kb * 1000) / 1024).toFixed(0)],
  ['bare timer workflow (baseline)', String(b.modules), b.kb.toFixed(1), ((b.kb * 1000) / 1024).toFixed(0)],
];
console.log();
for (const row of rows) console.log(row.map((cell, i) => cell.padEnd(i === 0 ? 40 : 22)).join(''));
console.log(`\nDeskflow's own modules and libraries: ${(t.kb - b.kb).toFixed(1)} KB per cached workflow above the SDK.`);
