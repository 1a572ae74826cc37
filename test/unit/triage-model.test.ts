/**
 * Offline triage model (worker/ai/triage-model.ts + worker/ai/triage-model.json): loads, agrees
 * with the Python training code (test/fixtures/triage-parity.json, written by
 * scripts/triage/train.py), evaluates sanely on a labelled sample (scripts/eval-triage.ts), and
 * degrades to low confidence on input it has no evidence for.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateTriage, readLabelledCsv } from '../../scripts/eval-triage';
import { DEFAULT_TRIAGE_MODEL_URL, classify, loadTriageModel, tokenize, type TriageClassification, type TriageModel } from '../../worker/ai/triage-model';

const root = fileURLToPath(new URL('../../', import.meta.url));
const fixture = (name: string) => path.join(root, 'test', 'fixtures', name);
const CATEGORIES = ['Access', 'Administrative rights', 'HR Support', 'Hardware', 'Internal Project', 'Miscellaneous', 'Purchase', 'Storage'];
/** Uniform over 8 classes is 0.125; "low" leaves room for a little evidence. */
const LOW = 0.3;

interface ParityFixture {
  modelSha256: string;
  cases: Array<{ text: string; label: string; confidence: number }>;
}

let model: TriageModel;
beforeAll(() => {
  model = loadTriageModel();
});

function expectDistribution(r: TriageClassification) {
  expect(Object.keys(r.scores).sort()).toEqual(CATEGORIES);
  const values = Object.values(r.scores);
  for (const v of values) expect(Number.isFinite(v) && v >= 0 && v <= 1).toBe(true);
  expect(values.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  expect(r.confidence).toBe(r.scores[r.category]);
  expect(r.confidence).toBe(Math.max(...values));
}

function evalCli(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'eval-triage.ts'), ...args], {
    cwd: root,
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('triage model file', () => {
  it('loads: 8 categories, compact vocabulary', () => {
    expect([...model.classes].sort()).toEqual(CATEGORIES);
    expect(model.featureCount).toBeGreaterThan(1000);
    expect(fs.statSync(DEFAULT_TRIAGE_MODEL_URL).size).toBeLessThan(10_000_000);
    expectDistribution(model.classify('printer not working'));
  });

  it('classify() uses the model loaded by loadTriageModel()', () => {
    expect(classify('cannot log in, please reset my password')).toEqual(model.classify('cannot log in, please reset my password'));
  });

  it('gets obvious tickets right', () => {
    expect(model.classify('password reset for my account, cannot log in').category).toBe('Access');
    expect(model.classify('Laptop screen is broken, please replace it').category).toBe('Hardware');
    expect(model.classify('purchase order for new monitors and docking stations').category).toBe('Purchase');
  });

  it('rejects a file of another format', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'triage-')), 'model.json');
    fs.writeFileSync(tmp, JSON.stringify({ format: 'something-else' }));
    expect(() => loadTriageModel(tmp)).toThrow(/invalid triage model/);
    loadTriageModel(); // restore the default for classify()
  });
});

describe('parity with the Python training code', () => {
  const parity = JSON.parse(fs.readFileSync(fixture('triage-parity.json'), 'utf8')) as ParityFixture;

  it('fixture was written for the shipped model', () => {
    const sha = createHash('sha256').update(fs.readFileSync(DEFAULT_TRIAGE_MODEL_URL)).digest('hex');
    expect(sha, 'model changed without new fixtures: rerun npm run train:triage').toBe(parity.modelSha256);
  });

  it('agrees with scikit-learn on >= 99 % of labels (and on confidences)', () => {
    expect(parity.cases.length).toBeGreaterThanOrEqual(200);
    let sameLabel = 0;
    let closeConfidence = 0;
    const mismatches: string[] = [];
    for (const c of parity.cases) {
      const r = model.classify(c.text);
      if (r.category === c.label) sameLabel++;
      else mismatches.push(`${JSON.stringify(c.text.slice(0, 60))}: ts=${r.category} py=${c.label}`);
      if (Math.abs(r.confidence - c.confidence) < 1e-3) closeConfidence++;
    }
    expect(sameLabel / parity.cases.length, mismatches.join('\n')).toBeGreaterThanOrEqual(0.99);
    expect(closeConfidence / parity.cases.length).toBeGreaterThanOrEqual(0.99);
  });

  it('tokenises like train.py', () => {
    expect(tokenize('Laptop SCREEN broken!!! (WS-1234) re: café')).toEqual(['laptop', 'screen', 'broken', 'ws', 're', 'cafe']);
    expect(tokenize('ﬁle ＦＵＬＬ')).toEqual(['file', 'full']);
    expect(tokenize(`ok ${'x'.repeat(41)} fine ${'y'.repeat(40)}`)).toEqual(['ok', 'fine', 'y'.repeat(40)]);
    expect(tokenize('a b c d', 2)).toEqual(['a', 'b']);
  });
});

describe('eval-triage', () => {
  it('reads quoted, multi-line CSV fields like Python csv writes them', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'triage-csv-')), 'quoted.csv');
    fs.writeFileSync(file, '\ufeffDocument,Topic_group\r\n"printer, ""zebra""\nline two",Hardware\n\nreset my password,Access\n');
    expect(readLabelledCsv(file)).toEqual([
      { text: 'printer, "zebra"\nline two', label: 'Hardware' },
      { text: 'reset my password', label: 'Access' },
    ]);
  });

  it('gives sane numbers on the sample CSV', () => {
    const rows = readLabelledCsv(fixture('triage-sample.csv'));
    expect(rows.length).toBe(300);
    const e = evaluateTriage(model, rows);
    expect(e.n).toBe(300);
    // Sampled from the training data, so better than on unseen tickets (~0.86), but not perfect.
    expect(e.accuracy).toBeGreaterThan(0.8);
    expect(e.accuracy).toBeLessThanOrEqual(1);
    expect(e.macroF1).toBeGreaterThan(0.75);
    expect(e.perClass.reduce((a, c) => a + c.support, 0)).toBe(300);
    expect(e.confusion.flat().reduce((a, b) => a + b, 0)).toBe(300);
    expect(e.meanConfidence).toBeGreaterThan(0.5);
  });

  it('CLI prints the report', () => {
    const r = evalCli(fixture('triage-sample.csv'));
    expect(r.status, r.stderr).toBe(0);
    for (const s of ['accuracy:', 'macro-F1:', 'precision', 'recall', 'most frequent confusions', 'Administrative rights']) {
      expect(r.stdout).toContain(s);
    }
  });

  it('CLI: one-line errors for a missing file and wrong columns', () => {
    const missing = evalCli(path.join(os.tmpdir(), 'no-such-triage-file.csv'));
    expect(missing.status).toBe(1);
    expect(missing.stderr.trim()).toMatch(/^eval-triage: no such file: .*no-such-triage-file\.csv$/);

    const bad = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'triage-')), 'bad.csv');
    fs.writeFileSync(bad, 'text,label\nprinter broken,Hardware\n');
    const wrong = evalCli(bad);
    expect(wrong.status).toBe(1);
    expect(wrong.stderr.trim()).toBe(`eval-triage: ${bad} must have columns Document,Topic_group (found: text,label)`);
  });
});

describe('inputs without evidence', () => {
  it('empty and whitespace-only text: no throw, low confidence', () => {
    for (const text of ['', '   ', ' \t\n\r\n ', '1234 !!! ???', '日本語のチケット']) {
      const r = model.classify(text);
      expectDistribution(r);
      expect(r.confidence).toBeLessThan(LOW);
    }
  });

  it('very long input: no throw, bounded time', () => {
    const started = performance.now();
    for (const text of ['a'.repeat(2_000_000), '!?'.repeat(1_000_000), 'zq xv '.repeat(300_000)]) {
      const r = model.classify(text);
      expectDistribution(r);
      expect(r.confidence).toBeLessThan(LOW);
    }
    const real = model.classify('laptop battery is not charging, please replace the battery '.repeat(50_000));
    expectDistribution(real);
    expect(real.category).toBe('Hardware');
    expect(performance.now() - started).toBeLessThan(10_000);
  });

  it('unknown words only: low confidence', () => {
    for (const text of ['xylophone quokka platypus', 'qwxzv plokmnbq zzxyq', 'flibbertigibbet snorkack wibblewobble', 'lorem ipsum dolor sit amet']) {
      const r = model.classify(text);
      expectDistribution(r);
      expect(r.confidence).toBeLessThan(LOW);
    }
  });

  it('non-string input is treated as empty', () => {
    expect(model.classify(undefined as unknown as string).confidence).toBeLessThan(LOW);
  });
});
