import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { builtinModules } from 'node:module';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', '**/.wrangler/', '.scratch/', '.spike/', 'db/migrations/', 'coverage/'] },
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
    // The shared rules (who may do what) load in the workflow sandbox, the API, the worker and tests alike.
    files: ['domain/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['*', '!./*'], message: 'domain/ depends on nothing: only its own modules.' }] }],
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
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['**/worker/activities', '**/worker/activities/**'], message: 'Import activities as types only.', allowTypeImports: true }] }],
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
