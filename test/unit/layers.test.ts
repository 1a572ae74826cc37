/**
 * The layers are enforced by the linter (eslint.config.js, eslint-plugin-boundaries): a wrong-way
 * import fails `npm run lint`. Each case lints an in-memory file placed in a layer with the
 * project's own configuration (type-aware parsing off: the file does not exist on disk).
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parserOptions: { projectService: false, project: null } } }, tseslint.configs.disableTypeChecked],
});

async function problems(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result!.messages.map((m) => `${m.ruleId ?? 'fatal'}: ${m.message}`);
}

const boundaryError = expect.stringMatching(/^boundaries\/dependencies: /);

describe('layers', () => {
  it('domain imports nothing: no packages, no other layer', async () => {
    expect(await problems('domain/x.ts', "import { sql } from 'drizzle-orm';\nexport const x = sql;\n")).toEqual([expect.stringMatching(/^no-restricted-imports: .*domain\/ depends on nothing/)]);
    expect(await problems('domain/x.ts', "import { tickets } from '../db/schema';\nexport const x = tickets;\n")).toContainEqual(boundaryError);
  });

  it('db does not import the API, workflows do not import db, realtime imports only itself and domain', async () => {
    expect(await problems('db/x.ts', "import { ticketHistory } from '../api/tickets/history';\nexport const x = ticketHistory;\n")).toEqual([boundaryError]);
    expect(await problems('workflows/x.ts', "import { tickets } from '../db/schema';\nexport const x = tickets;\n")).toEqual([boundaryError]);
    expect(await problems('realtime/x.ts', "import { openDatabase } from '../db/client';\nexport const x = openDatabase;\n")).toEqual([boundaryError]);
  });

  it('the API never imports worker internals; only tests import test/', async () => {
    expect(await problems('api/x.ts', "import { createActivities } from '../worker/activities';\nexport const x = createActivities;\n")).toEqual([boundaryError]);
    expect(await problems('scripts/x.ts', "import { DAY } from '../test/support/lifecycle';\nexport const x = DAY;\n")).toEqual([boundaryError]);
    // What scripts and benchmarks share with tests lives in dev-support/.
    expect(await problems('scripts/x.ts', "import { startStack } from '../dev-support/stack';\nexport const x = startStack;\n")).toEqual([]);
  });

  it('the web console reaches the API through the typed client and types only; nothing imports it', async () => {
    expect(await problems('web/src/x.ts', "import { ticketAccess } from '../../api/access';\nexport const x = ticketAccess;\n")).toEqual([boundaryError]);
    expect(await problems('web/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n")).toContainEqual(expect.stringMatching(/^no-restricted-imports: .*browsers/));
    expect(await problems('api/x.ts', "import { trpc } from '../web/src/trpc';\nexport const x = trpc;\n")).toEqual([boundaryError]);
    expect(
      await problems(
        'web/src/x.ts',
        "import type { AppRouter } from '../../api/router';\nimport { createDeskflowClient } from '../../api/client';\nimport { connectTicketRoom } from '../../realtime/client';\nimport { OPEN_STATUSES } from '../../domain/vocabulary';\nexport type R = AppRouter;\nexport const x = [createDeskflowClient, connectTicketRoom, OPEN_STATUSES];\n",
      ),
    ).toEqual([]);
  });

  it('allows the right way round', async () => {
    expect(await problems('db/x.ts', "import { OPEN_STATUSES } from '../domain/vocabulary';\nexport const x = OPEN_STATUSES;\n")).toEqual([]);
    expect(
      await problems(
        'workflows/x.ts',
        "import type { Activities } from '../worker/activities';\nimport { OPEN_STATUSES } from '../domain/vocabulary';\nexport const x: Partial<Activities> = {};\nexport const y = OPEN_STATUSES;\n",
      ),
    ).toEqual([]);
    expect(
      await problems(
        'api/x.ts',
        "import { ticketWorkflowId } from '../workflows/messages';\nimport { tickets } from '../db/schema';\nimport { signRoomToken } from '../realtime/token';\nexport const x = [ticketWorkflowId, tickets, signRoomToken];\n",
      ),
    ).toEqual([]);
  });
});
