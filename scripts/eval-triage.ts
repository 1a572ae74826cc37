/**
 * Evaluates the offline triage model on a labelled CSV.
 *
 *   npm run eval:triage -- FILE.csv [--model path/to/triage-model.json]
 *
 * FILE.csv needs the columns `Document` (ticket text) and `Topic_group` (true category), like
 * the training data. Prints accuracy, macro-F1, per-class precision/recall/F1, the most frequent
 * confusions, the confusion matrix and the throughput. Exit code 1 with a one-line message for a
 * missing/unreadable file or wrong columns.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadTriageModel, type TriageModel } from '../worker/ai/triage-model';
import { parse } from 'csv-parse/sync';

export class EvalInputError extends Error {}

export interface LabelledText {
  text: string;
  label: string;
}

/** Reads `Document`/`Topic_group` rows; throws EvalInputError (one-line message) on bad input. */
export function readLabelledCsv(path: string): LabelledText[] {
  let content: string;
  try {
    content = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new EvalInputError(code === 'ENOENT' ? `no such file: ${path}` : `cannot read ${path}: ${code ?? String(err)}`);
  }
  let rows: string[][];
  try {
    // Excel-dialect CSV as Python's csv module writes it: quoted fields may span lines.
    rows = parse(content, { bom: true, skipEmptyLines: true, relaxColumnCount: true, recordDelimiter: ['\r\n', '\n', '\r'] }) as string[][];
  } catch (err) {
    throw new EvalInputError(`${path} is not valid CSV: ${(err as Error).message.split('\n')[0]}`);
  }
  const header = rows[0];
  if (!header) throw new EvalInputError(`${path} is empty; expected a header with columns Document,Topic_group`);
  const textCol = header.indexOf('Document');
  const labelCol = header.indexOf('Topic_group');
  if (textCol < 0 || labelCol < 0) {
    throw new EvalInputError(`${path} must have columns Document,Topic_group (found: ${header.join(',') || 'none'})`);
  }
  const out: LabelledText[] = [];
  for (const row of rows.slice(1)) {
    const label = (row[labelCol] ?? '').trim();
    if (label) out.push({ text: row[textCol] ?? '', label });
  }
  if (out.length === 0) throw new EvalInputError(`${path} has no labelled rows`);
  return out;
}

export interface ClassMetrics {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface TriageEvaluation {
  n: number;
  accuracy: number;
  macroF1: number;
  /** Labels present in the data or predicted (like scikit-learn's default), sorted. */
  labels: string[];
  perClass: ClassMetrics[];
  /** confusion[i][j]: rows with true labels[i] predicted as labels[j]. */
  confusion: number[][];
  meanConfidence: number;
  ticketsPerSecond: number;
}

export function evaluateTriage(model: TriageModel, rows: readonly LabelledText[]): TriageEvaluation {
  const started = performance.now();
  let confidenceSum = 0;
  const predicted = rows.map((r) => {
    const result = model.classify(r.text);
    confidenceSum += result.confidence;
    return result.category;
  });
  const seconds = (performance.now() - started) / 1000;

  const labels = [...new Set([...rows.map((r) => r.label), ...predicted])].sort();
  const at = new Map(labels.map((l, i) => [l, i]));
  const confusion = labels.map(() => labels.map(() => 0));
  let correct = 0;
  rows.forEach((r, i) => {
    const p = predicted[i]!;
    confusion[at.get(r.label)!]![at.get(p)!]! += 1;
    if (p === r.label) correct++;
  });
  const perClass = labels.map((label, i) => {
    const tp = confusion[i]![i]!;
    const support = confusion[i]!.reduce((a, b) => a + b, 0);
    const predictedCount = confusion.reduce((a, row) => a + row[i]!, 0);
    const precision = predictedCount ? tp / predictedCount : 0;
    const recall = support ? tp / support : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    return { label, precision, recall, f1, support };
  });
  return {
    n: rows.length,
    accuracy: correct / rows.length,
    macroF1: perClass.reduce((a, c) => a + c.f1, 0) / perClass.length,
    labels,
    perClass,
    confusion,
    meanConfidence: confidenceSum / rows.length,
    ticketsPerSecond: seconds > 0 ? rows.length / seconds : Infinity,
  };
}

export function formatEvaluation(e: TriageEvaluation): string {
  const pct = (x: number) => x.toFixed(4);
  const width = Math.max(5, ...e.labels.map((l) => l.length)) + 2;
  const lines = [
    `tickets:         ${e.n}`,
    `accuracy:        ${pct(e.accuracy)}`,
    `macro-F1:        ${pct(e.macroF1)}`,
    `mean confidence: ${pct(e.meanConfidence)}`,
    `throughput:      ${Math.round(e.ticketsPerSecond)} tickets/s`,
    '',
    `${'class'.padEnd(width)}${'precision'.padStart(10)}${'recall'.padStart(10)}${'F1'.padStart(10)}${'support'.padStart(9)}`,
    ...e.perClass.map((c) => `${c.label.padEnd(width)}${pct(c.precision).padStart(10)}${pct(c.recall).padStart(10)}${pct(c.f1).padStart(10)}${String(c.support).padStart(9)}`),
    '',
  ];
  const confusions: Array<[number, string, string]> = [];
  e.confusion.forEach((row, i) => row.forEach((n, j) => i !== j && n > 0 && confusions.push([n, e.labels[i]!, e.labels[j]!])));
  confusions.sort((a, b) => b[0] - a[0]);
  lines.push('most frequent confusions (true -> predicted):');
  if (confusions.length === 0) lines.push('  none');
  for (const [n, t, p] of confusions.slice(0, 8)) lines.push(`  ${t} -> ${p}: ${n} (${((100 * n) / e.n).toFixed(1)}% of tickets)`);
  lines.push('', 'confusion matrix (rows: true, columns: predicted):');
  const abbrev = e.labels.map((_, i) => `c${i + 1}`);
  lines.push(`${''.padEnd(width + 4)}${abbrev.map((a) => a.padStart(7)).join('')}`);
  e.confusion.forEach((row, i) => lines.push(`${`${abbrev[i]} ${e.labels[i]}`.padEnd(width + 4)}${row.map((n) => String(n).padStart(7)).join('')}`));
  return lines.join('\n');
}

function main(argv: string[]): number {
  const args = [...argv];
  let modelPath: string | undefined;
  const m = args.indexOf('--model');
  if (m >= 0) {
    modelPath = args[m + 1];
    args.splice(m, 2);
  }
  const file = args.find((a) => a !== '--');
  if (!file || file.startsWith('-') || (m >= 0 && !modelPath)) {
    console.error('usage: npm run eval:triage -- FILE.csv [--model triage-model.json]');
    return 2;
  }
  try {
    const rows = readLabelledCsv(file);
    const model = modelPath ? loadTriageModel(resolve(modelPath)) : loadTriageModel();
    console.log(`evaluating ${model.featureCount}-feature triage model on ${file}`);
    console.log(formatEvaluation(evaluateTriage(model, rows)));
    return 0;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    console.error(`eval-triage: ${message.split('\n')[0]}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
