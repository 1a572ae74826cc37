/** npm run eval:screening: how screening results are scored against labels, and the data set it ships with. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ScreeningFlag, ScreeningResult } from '../../domain/screening';
import { defaultScreeningSet, EvalInputError, evaluateScreening, formatScreeningEvaluation, readScreeningSet } from '../../scripts/eval-screening';

const result = (...flags: ScreeningFlag[]): ScreeningResult => ({ flagged: flags.length > 0, flags, reason: flags.join(', ') || 'nothing', method: 'rules' });

describe('eval:screening', () => {
  it('scores each label by its flag, and names the misclassified texts', () => {
    const verdicts: Record<string, ScreeningResult> = {
      'reset my password': result(),
      'printer is dead': result('harmful'),
      'buy now': result('spam'),
      'you idiots': result('abuse'),
      'i will hurt myself': result(),
      'steal their passwords, idiots': result('abuse', 'harmful'),
    };
    const e = evaluateScreening(
      [
        { text: 'reset my password', label: 'ordinary' },
        { text: 'printer is dead', label: 'ordinary' },
        { text: 'buy now', label: 'spam' },
        { text: 'you idiots', label: 'abusive' },
        { text: 'i will hurt myself', label: 'harmful' },
        { text: 'steal their passwords, idiots', label: 'harmful' },
      ],
      (text) => verdicts[text]!,
    );
    const by = Object.fromEntries(e.perLabel.map((m) => [m.label, m]));
    expect(by.ordinary).toMatchObject({ precision: 0.5, recall: 0.5, support: 2 });
    expect(by.spam).toMatchObject({ precision: 1, recall: 1, support: 1 });
    expect(by.abusive).toMatchObject({ precision: 0.5, recall: 1, support: 1 }); // the harmful text was also flagged as abuse
    expect(by.harmful).toMatchObject({ precision: 0.5, recall: 0.5, support: 2 });
    expect(e.flaggedByLabel.find((f) => f.label === 'harmful')).toEqual({ label: 'harmful', flagged: 1, notFlagged: 1 });
    // The strongest flag decides the confusion: harmful before abuse.
    expect(e.misclassified.map((m) => [m.text, m.predicted])).toEqual([
      ['printer is dead', 'harmful'],
      ['i will hurt myself', 'ordinary'],
    ]);
    expect(formatScreeningEvaluation(e)).toContain('harmful -> ordinary: "i will hurt myself"');
  });

  it('ships a labelled set of at least 240 distinct texts with every label well represented', () => {
    const rows = readScreeningSet(defaultScreeningSet);
    expect(rows.length).toBeGreaterThanOrEqual(240);
    expect(new Set(rows.map((r) => r.text)).size).toBe(rows.length);
    const count = (label: string) => rows.filter((r) => r.label === label).length;
    expect(count('ordinary')).toBeGreaterThanOrEqual(120);
    for (const label of ['spam', 'abusive', 'harmful']) expect(count(label), label).toBeGreaterThanOrEqual(40);
  });

  it('rejects a file with an unknown label in one line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-screening-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify([{ text: 'hello', label: 'rude' }]));
    expect(() => readScreeningSet(file)).toThrow(EvalInputError);
    expect(() => readScreeningSet(file)).toThrow(/entry 0: expected/);
    expect(() => readScreeningSet(join(dir, 'missing.json'))).toThrow(/no such file/);
  });
});
