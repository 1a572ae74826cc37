/** DATA_DIR holds the embedded database and generated secrets: only its owner may read it. */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../db/client';
import { loadSecrets, prepareDataDir } from '../../scripts/startup';

const scratch = mkdtempSync(join(tmpdir(), 'deskflow-data-dir-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const mode = (path: string) => statSync(path).mode & 0o777;
const settings = (dir: string) => ({ DATA_DIR: dir, ROOM_TOKEN_SECRET: undefined, INTERNAL_API_SECRET: undefined });

describe('the data folder', () => {
  it('is created 0700 with secrets.json 0600', () => {
    const dir = join(scratch, 'fresh', 'data');
    prepareDataDir(dir);
    const secrets = loadSecrets(settings(dir));
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'secrets.json'))).toBe(0o600);
    // A restart keeps the same secrets.
    expect(loadSecrets(settings(dir))).toEqual(secrets);
  });

  it('tightens an existing folder and a secrets.json left readable by others', () => {
    const dir = join(scratch, 'loose');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    const file = join(dir, 'secrets.json');
    writeFileSync(file, JSON.stringify({ roomTokenSecret: 'r'.repeat(64), internalSecret: 'i'.repeat(64) }), { mode: 0o644 });
    chmodSync(file, 0o644);
    prepareDataDir(dir);
    expect(loadSecrets(settings(dir))).toEqual({ roomTokenSecret: 'r'.repeat(64), internalSecret: 'i'.repeat(64) });
    expect(mode(dir)).toBe(0o700);
    expect(mode(file)).toBe(0o600);
  });

  it('is private when the embedded database creates it first', async () => {
    const dir = join(scratch, 'db-first');
    const database = await openDatabase({ kind: 'pglite', dataDir: join(dir, 'pglite') });
    await database.close();
    expect(mode(dir)).toBe(0o700);
    expect(mode(join(dir, 'pglite'))).toBe(0o700);
  });
});
