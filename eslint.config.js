import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import boundaries from 'eslint-plugin-boundaries';
import { builtinModules } from 'node:module';

/**
 * The layers (README "Layout", shared/docs/architecture.md "Layers"), one element type per folder;
 * the files other layers may import as shared contracts are element types of their own. First
 * match wins, so the contracts come before their folders.
 */
const elements = [
  { type: 'domain', pattern: 'domain/**', mode: 'full' },
  // What the API and the worker may load from workflows/: typed messages, plain data types, the
  // move rules and the SLA engine (pure), the search-attribute definitions.
  { type: 'workflow-contract', pattern: ['workflows/messages.ts', 'workflows/types.ts', 'workflows/search-attributes.ts', 'workflows/lifecycle/**', 'workflows/sla/**'], mode: 'full' },
  { type: 'workflows', pattern: 'workflows/**', mode: 'full' },
  { type: 'worker-activities', pattern: ['worker/activities.ts', 'worker/activities/**'], mode: 'full' },
  { type: 'worker', pattern: 'worker/**', mode: 'full' },
  // The demo organisation and the SLA defaults: data for start-up, benchmarks and tests, which
  // reads the SLA engine's defaults (the database layer itself does not).
  { type: 'seed', pattern: 'db/seed*.ts', mode: 'full' },
  { type: 'db', pattern: 'db/**', mode: 'full' },
  // The typed client and its wire format: for browsers (web/), scripts and tests.
  { type: 'api-client', pattern: ['api/client.ts', 'api/transformer.ts'], mode: 'full' },
  { type: 'api', pattern: 'api/**', mode: 'full' },
  // The rooms' protocol and room tokens: shared with the API and the worker.
  { type: 'realtime-contract', pattern: ['realtime/protocol.ts', 'realtime/frames.ts', 'realtime/token.ts', 'realtime/room-names.ts'], mode: 'full' },
  // The rooms' client (partysocket), for browsers and tests.
  { type: 'realtime-client', pattern: ['realtime/client.ts'], mode: 'full' },
  { type: 'realtime', pattern: 'realtime/**', mode: 'full' },
  // The browser console: the API through its typed router (types only), the rooms through their client.
  { type: 'web', pattern: 'web/**', mode: 'full' },
  { type: 'config', pattern: '*.config.ts', mode: 'full' },
  { type: 'dev-support', pattern: 'dev-support/**', mode: 'full' },
  { type: 'scripts', pattern: 'scripts/**', mode: 'full' },
  { type: 'bench', pattern: 'bench/**', mode: 'full' },
  { type: 'test', pattern: 'test/**', mode: 'full' },
];

const may = (from, to, extra = {}) => ({ from: { element: { type: from } }, allow: { to: { element: { type: to } }, ...extra } });
const typesOnly = { dependency: { kind: 'type' } };
const everythingBut = (...excluded) => elements.map((e) => e.type).filter((t) => !excluded.includes(t));

/**
 * Who may import whom; anything not allowed here fails `npm run lint`. Packages are not checked
 * here (domain's and workflows' own rules below forbid them there).
 */
const layerPolicies = [
  // Every layer imports its own modules; domain imports nothing else.
  ...elements.map(({ type }) => may(type, type)),
  may('workflows', ['domain', 'workflow-contract']),
  may('workflows', 'worker-activities', typesOnly),
  // The contract is what other layers load at run time: it reaches the rest of workflows/ as types only.
  may('workflow-contract', 'domain'),
  may('workflow-contract', 'workflows', typesOnly),
  may('workflow-contract', 'worker-activities', typesOnly),
  may('db', 'domain'),
  may('seed', ['domain', 'db', 'workflow-contract']),
  may('api', ['domain', 'db', 'workflow-contract', 'realtime-contract', 'config']),
  may('api', 'workflows', typesOnly),
  may('api', 'api-client'),
  may('api-client', 'api', typesOnly),
  may('worker-activities', ['domain', 'db', 'workflow-contract', 'realtime-contract', 'config', 'worker']),
  may('worker-activities', 'workflows', typesOnly),
  may('worker', ['domain', 'db', 'workflow-contract', 'realtime-contract', 'config', 'worker-activities']),
  may('worker', 'workflows', typesOnly),
  may('realtime-contract', ['domain', 'realtime']),
  may('realtime', ['domain', 'realtime-contract']),
  may('realtime-client', ['domain', 'realtime', 'realtime-contract']),
  // Nothing imports web/; it loads domain/, the typed API client, the rooms' client and protocol, and the rest of the API as types only.
  may('web', ['domain', 'api-client', 'realtime-client', 'realtime-contract']),
  may('web', 'api', typesOnly),
  may('config', ['domain', 'workflow-contract']),
  // Tools and tests sit on top of everything; only tests import test/, and the harnesses that
  // scripts and benchmarks share with tests live in dev-support/.
  may('scripts', everythingBut('test')),
  may('bench', everythingBut('test')),
  may('dev-support', everythingBut('test')),
  may('test', everythingBut()),
];

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', '**/.wrangler/', '.scratch/', '.spike/', 'db/migrations/', 'coverage/', 'web/dist/', 'test-results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    plugins: { boundaries },
    settings: {
      'boundaries/elements': elements,
      'boundaries/include': ['**/*.ts', '**/*.tsx'],
      'import/resolver': { node: { extensions: ['.ts', '.tsx', '.js'] } },
      // Contracts are single files, which in 7.2 only `mode: 'full'` classifies (`partialMatch:
      // false` matches folders); it warns that `mode` is deprecated on every run.
      'boundaries/legacy-warnings': false,
    },
    rules: { 'boundaries/dependencies': ['error', { default: 'disallow', policies: layerPolicies }] },
  },
  {
    // The shared rules (who may do what) load in the workflow sandbox, the API, the worker and tests alike.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['*', '!./*'], message: 'domain/ depends on nothing: only its own modules.' }] }],
    },
  },
  {
    // The console runs in browsers: no Node built-ins (vite.config.ts runs in Node and may).
    files: ['web/src/**/*.ts', 'web/src/**/*.tsx'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'The console runs in browsers: no Node built-ins.' })),
          patterns: [{ group: ['node:*'], message: 'The console runs in browsers: no Node built-ins.' }],
        },
      ],
    },
  },
  {
    // Workflow code runs in Temporal's deterministic sandbox: no Node built-ins, activities as types only.
    files: ['workflows/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: builtinModules.map((name) => ({ name, message: 'Workflow code must be deterministic: no Node built-ins.' })),
          patterns: [
            { group: ['node:*'], message: 'Workflow code must be deterministic: no Node built-ins.' },
            { group: ['**/worker/*', '!**/worker/activities'], message: 'Workflows may only import activity types.' },
          ],
        },
      ],
      // A pattern, not a path: it holds at any depth (workflows/ticket/ imports '../../worker/activities').
      '@typescript-eslint/no-restricted-imports': [
        'error',
        { patterns: [{ group: ['**/worker/activities', '**/worker/activities/**'], message: 'Import activities as types only.', allowTypeImports: true }] },
      ],
    },
  },
  {
    // The ticket entity is plain, testable code: no Temporal at run time, no clock (moves take the instant).
    files: ['workflows/ticket/entity.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/worker/activities', '**/worker/activities/**'], message: 'Import activities as types only.', allowTypeImports: true },
            { group: ['@temporalio/*'], message: 'The entity is plain code: Temporal types only.', allowTypeImports: true },
          ],
        },
      ],
      'no-restricted-properties': ['error', { object: 'Date', property: 'now', message: 'The entity has no clock: take the instant as an argument.' }],
    },
  },
);
