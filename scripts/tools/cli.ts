/**
 * `tsx scripts/tools.ts [all|temporal|test-server|wsproxy|mailpit|greenmail|pgvector|sentence-model]`: provisions the named tools (all:
 * every one, and finds PostgreSQL), one line per tool on stdout, problems on stderr.
 */
import { cacheRoot } from './cache';
import { POSTGRES_MISSING_MESSAGE, findPostgresBin } from './postgres';
import { ToolError, fmtSeconds } from './progress';
import { ensureMailpit } from './mailpit';
import { ensureGreenMail } from './greenmail';
import { ensureTemporalCli } from './temporal-cli';
import { ensureTestServer } from './test-server';
import { ensureWsproxy } from './wsproxy';
import { ensurePgvector } from './pgvector';
import { ensureSentenceModel } from './sentence-model';

type Target = 'temporal' | 'test-server' | 'wsproxy' | 'mailpit' | 'greenmail' | 'postgres' | 'pgvector' | 'sentence-model';

export async function main(argv: string[]): Promise<number> {
  const arg = argv[0] ?? 'all';
  const valid = ['all', 'temporal', 'test-server', 'wsproxy', 'mailpit', 'greenmail', 'pgvector', 'sentence-model'];
  if (!valid.includes(arg) || argv.length > 1) {
    process.stderr.write(`usage: tsx scripts/tools.ts [${valid.join('|')}]\n`);
    return 2;
  }
  const started = Date.now();
  process.stderr.write(`[tools] cache: ${cacheRoot()}\n`);
  const results = new Map<Target, string>();
  const errors: string[] = [];
  const attempt = async (target: Target, fn: () => Promise<string | undefined>): Promise<void> => {
    const t0 = Date.now();
    try {
      const p = await fn();
      results.set(target, `${p ?? '(SDK default download)'}  [${fmtSeconds(Date.now() - t0)}]`);
    } catch (err) {
      errors.push(err instanceof ToolError ? err.message : `${target}: ${err instanceof Error ? err.stack : String(err)}`);
    }
  };
  const jobs: Promise<void>[] = [];
  // The Go builds share the CPUs, so run them one after the other; Maven is mostly I/O.
  if (arg === 'all' || arg === 'temporal' || arg === 'wsproxy' || arg === 'mailpit') {
    jobs.push(
      (async () => {
        if (arg === 'all' || arg === 'temporal') await attempt('temporal', () => ensureTemporalCli());
        if (arg === 'all' || arg === 'wsproxy') await attempt('wsproxy', () => ensureWsproxy());
        if (arg === 'all' || arg === 'mailpit') await attempt('mailpit', () => ensureMailpit());
      })(),
    );
  }
  // Both Maven fetches, one after the other (they share ~/.m2).
  if (arg === 'all' || arg === 'test-server' || arg === 'greenmail')
    jobs.push(
      (async () => {
        if (arg !== 'greenmail') await attempt('test-server', () => ensureTestServer());
        if (arg !== 'test-server') await attempt('greenmail', () => ensureGreenMail());
      })(),
    );
  if (arg === 'all') {
    const bin = findPostgresBin();
    if (bin) results.set('postgres', bin);
    else errors.push(POSTGRES_MISSING_MESSAGE);
  }
  // pgvector's make and the model's pip install, one after the other (CPU, then mostly network).
  if (arg === 'all' || arg === 'pgvector' || arg === 'sentence-model')
    jobs.push(
      (async () => {
        if (arg !== 'sentence-model' && findPostgresBin()) await attempt('pgvector', () => ensurePgvector());
        if (arg !== 'pgvector') await attempt('sentence-model', () => ensureSentenceModel());
      })(),
    );
  await Promise.all(jobs);
  for (const target of ['temporal', 'test-server', 'wsproxy', 'mailpit', 'greenmail', 'postgres', 'pgvector', 'sentence-model'] as const) {
    const r = results.get(target);
    if (r) process.stdout.write(`${target.padEnd(12)} ${r}\n`);
  }
  for (const e of errors) process.stderr.write(`${e}\n`);
  process.stderr.write(`[tools] ${errors.length ? 'FAILED' : 'ready'} in ${fmtSeconds(Date.now() - started)}\n`);
  return errors.length ? 1 : 0;
}
