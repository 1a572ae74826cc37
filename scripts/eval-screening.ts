/**
 * Measures the offline screening rules (domain/screening.ts) on a labelled set.
 *
 *   npm run eval:screening [-- FILE.json]
 *
 * FILE.json (default scripts/eval/screening-set.json) is an array of
 * `{ "text": string, "label": "ordinary" | "spam" | "abusive" | "harmful" }`. Each text is
 * screened as a message (no title), the way the API screens replies. A text counts as flagged
 * as a label when the result carries that label's flag (spam → spam, abuse → abusive,
 * harmful → harmful), and as ordinary when nothing flagged it; one text may be flagged under
 * several labels. Prints precision, recall, F1 and support per label, flagged vs not per true
 * label, the confusion by the strongest flag (harmful, then abusive, then spam), and the first
 * 20 texts whose strongest flag is not their label. Exit code 1 with a one-line message for a
 * missing or malformed file.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { screenMessage, type ScreeningFlag, type ScreeningResult } from '../domain/screening';

export const screeningLabels = ['ordinary', 'spam', 'abusive', 'harmful'] as const;
export type ScreeningLabel = (typeof screeningLabels)[number];
export type LabelledScreeningText = { text: string; label: ScreeningLabel };

const labelOfFlag: Record<ScreeningFlag, Exclude<ScreeningLabel, 'ordinary'>> = { spam: 'spam', abuse: 'abusive', harmful: 'harmful' };
/** When a text carries several flags, the one a reviewer would act on first names it. */
const strongestFirst: ScreeningFlag[] = ['harmful', 'abuse', 'spam'];

export const defaultScreeningSet = fileURLToPath(new URL('./eval/screening-set.json', import.meta.url));

export class EvalInputError extends Error {}

export function readScreeningSet(path: string): LabelledScreeningText[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new EvalInputError(`no such file: ${path}`);
    throw new EvalInputError(`cannot read ${path}: ${code ?? (err as Error).message.split('\n')[0]}`);
  }
  if (!Array.isArray(raw)) throw new EvalInputError(`${path} must hold a JSON array of { text, label }`);
  return raw.map((row: unknown, i) => {
    const { text, label } = (row ?? {}) as { text?: unknown; label?: unknown };
    if (typeof text !== 'string' || !screeningLabels.includes(label as ScreeningLabel)) {
      throw new EvalInputError(`${path} entry ${i}: expected { "text": string, "label": ${screeningLabels.map((l) => `"${l}"`).join(' | ')} }`);
    }
    return { text, label: label as ScreeningLabel };
  });
}

export function flaggedAs(result: ScreeningResult, label: ScreeningLabel): boolean {
  return label === 'ordinary' ? !result.flagged : result.flags.some((flag) => labelOfFlag[flag] === label);
}

export function strongestLabel(result: ScreeningResult): ScreeningLabel {
  const flag = strongestFirst.find((f) => result.flags.includes(f));
  return flag ? labelOfFlag[flag] : 'ordinary';
}

export type LabelMetrics = { label: ScreeningLabel; precision: number; recall: number; f1: number; support: number; flaggedAs: number };
export type Misclassified = { text: string; label: ScreeningLabel; predicted: ScreeningLabel; reason: string };
export type ScreeningEvaluation = {
  n: number;
  perLabel: LabelMetrics[];
  /** Per true label: how many texts the rules flagged (any flag) and let through. */
  flaggedByLabel: { label: ScreeningLabel; flagged: number; notFlagged: number }[];
  /** confusion[i][j]: texts with true label i whose strongest flag names label j. */
  confusion: number[][];
  misclassified: Misclassified[];
};

export function evaluateScreening(rows: readonly LabelledScreeningText[], screen: (text: string) => ScreeningResult = screenMessage): ScreeningEvaluation {
  const results = rows.map((row) => screen(row.text));
  const perLabel = screeningLabels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    rows.forEach((row, i) => {
      const predicted = flaggedAs(results[i]!, label);
      if (predicted && row.label === label) tp++;
      else if (predicted) fp++;
      else if (row.label === label) fn++;
    });
    const precision = tp + fp ? tp / (tp + fp) : 0;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support: tp + fn, flaggedAs: tp + fp };
  });
  const flaggedByLabel = screeningLabels.map((label) => {
    const mine = rows.flatMap((row, i) => (row.label === label ? [results[i]!] : []));
    const flagged = mine.filter((r) => r.flagged).length;
    return { label, flagged, notFlagged: mine.length - flagged };
  });
  const confusion = screeningLabels.map(() => screeningLabels.map(() => 0));
  const misclassified: Misclassified[] = [];
  rows.forEach((row, i) => {
    const predicted = strongestLabel(results[i]!);
    confusion[screeningLabels.indexOf(row.label)]![screeningLabels.indexOf(predicted)]! += 1;
    if (predicted !== row.label) misclassified.push({ text: row.text, label: row.label, predicted, reason: results[i]!.reason });
  });
  return { n: rows.length, perLabel, flaggedByLabel, confusion, misclassified };
}

export function formatScreeningEvaluation(e: ScreeningEvaluation, maxMisclassified = 20): string {
  const num = (x: number) => x.toFixed(3);
  const w = 10;
  const lines = [
    `texts: ${e.n}`,
    '',
    `${'label'.padEnd(w)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'F1'.padStart(10)}${'support'.padStart(9)}${'flagged as'.padStart(12)}`,
    ...e.perLabel.map(
      (m) => `${m.label.padEnd(w)}${num(m.precision).padStart(10)}${num(m.recall).padStart(10)}${num(m.f1).padStart(10)}${String(m.support).padStart(9)}${String(m.flaggedAs).padStart(12)}`,
    ),
    '',
    'flagged (any flag) vs not, per true label:',
    `${'label'.padEnd(w)}${'flagged'.padStart(10)}${'not'.padStart(10)}`,
    ...e.flaggedByLabel.map((f) => `${f.label.padEnd(w)}${String(f.flagged).padStart(10)}${String(f.notFlagged).padStart(10)}`),
    '',
    'confusion by strongest flag (rows: true, columns: predicted):',
    `${''.padEnd(w)}${screeningLabels.map((l) => l.padStart(10)).join('')}`,
    ...e.confusion.map((row, i) => `${screeningLabels[i]!.padEnd(w)}${row.map((n) => String(n).padStart(10)).join('')}`),
    '',
    `misclassified: ${e.misclassified.length}${e.misclassified.length > maxMisclassified ? ` (first ${maxMisclassified})` : ''}`,
  ];
  for (const m of e.misclassified.slice(0, maxMisclassified)) {
    const text = m.text.length > 110 ? `${m.text.slice(0, 107)}...` : m.text;
    lines.push(`  ${m.label} -> ${m.predicted}: ${JSON.stringify(text)}${m.predicted === 'ordinary' ? '' : ` [${m.reason}]`}`);
  }
  return lines.join('\n');
}

function main(argv: string[]): number {
  const file = argv.find((a) => a !== '--') ?? defaultScreeningSet;
  if (file.startsWith('-')) {
    console.error('usage: npm run eval:screening [-- FILE.json]');
    return 2;
  }
  try {
    const rows = readScreeningSet(file);
    // The model-backed screening (worker/ai) is not measured here: these are the rules every deployment runs.
    if (process.env.AI_BASE_URL) console.log('note: AI_BASE_URL is set, but this measures the offline rules (domain/screening.ts) only');
    console.log(`screening ${rows.length} labelled texts from ${file} with the offline rules`);
    console.log(formatScreeningEvaluation(evaluateScreening(rows)));
    return 0;
  } catch (err) {
    console.error(`eval-screening: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
