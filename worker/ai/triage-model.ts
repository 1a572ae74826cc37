/**
 * Offline triage model: classifies a ticket's text into one of the 8 help-desk categories
 * (Hardware, HR Support, Access, Miscellaneous, Storage, Purchase, Internal Project,
 * Administrative rights) with no network and no native code.
 *
 * The model (worker/ai/triage-model.json) is written by scripts/triage/train.py: TF-IDF word
 * 1-2 grams and char 2-5 grams (within word boundaries), each block L2-normalised, into a
 * multinomial logistic regression; probabilities are a tempered softmax, mixed towards uniform
 * when few of the text's words were seen in training (so empty or unknown-word input gets a low
 * confidence). Everything below mirrors train.py (`tokenize`, `word_features`, `char_features`,
 * `Reference`); test/unit/triage-model.test.ts checks agreement with Python's predictions.
 *
 * `createTriageModel` / `TriageModel.classify` are pure (no Node built-ins, usable anywhere);
 * only `loadTriageModel` reads the file with node:fs.
 */
import { readFileSync } from 'node:fs';

export const TRIAGE_MODEL_FORMAT = 'deskflow-triage/1';

/** Where train.py writes the model; the default for `loadTriageModel`. */
export const DEFAULT_TRIAGE_MODEL_URL = new URL('./triage-model.json', import.meta.url);

export interface TriageClassification {
  /** Most probable category. */
  category: string;
  /** Probability of `category` (0..1), calibrated on a validation split; 1/8 when there is no evidence. */
  confidence: number;
  /** Probability of every category (sums to 1). */
  scores: Record<string, number>;
}

interface BlockFile {
  name: string;
  kind: 'word' | 'char_wb';
  ngramMin: number;
  ngramMax: number;
  terms: string[];
  idf: number[];
}

/** Shape of triage-model.json (see export_model in scripts/triage/train.py). */
export interface TriageModelFile {
  format: typeof TRIAGE_MODEL_FORMAT;
  classes: string[];
  tokenizer: { lowercase: true; unicode: 'NFKD'; tokenPattern: '[a-z]+'; maxTokens: number; maxTokenChars: number };
  tf: 'sublinear';
  norm: 'l2-per-block';
  blocks: BlockFile[];
  weightScale: number;
  /** [class][feature]; features are the terms of every block, in order. */
  weights: number[][];
  intercepts: number[];
  temperature: number;
  coverage: { fullConfidenceAt: number; knownWords: string[] };
  meta?: Record<string, unknown>;
}

interface Block {
  kind: 'word' | 'char_wb';
  ngramMin: number;
  ngramMax: number;
  index: Map<string, number>;
  idf: Float64Array;
  /** Feature-major weights of this block: weights[feature * nClasses + class]. */
  weights: Float64Array;
}

const TOKEN_RE = /[a-z]+/g;

/** Lowercase, NFKD, runs of a-z, long tokens dropped, at most `maxTokens` (train.py `tokenize`). */
export function tokenize(text: string, maxTokens = 3000, maxTokenChars = 40): string[] {
  const normalised = text.toLowerCase().normalize('NFKD');
  const tokens: string[] = [];
  for (const match of normalised.matchAll(TOKEN_RE)) {
    const token = match[0];
    if (token.length > maxTokenChars) continue;
    tokens.push(token);
    if (tokens.length >= maxTokens) break;
  }
  return tokens;
}

/** Adds the counts of this block's in-vocabulary features of `tokens` to `counts`. */
function countFeatures(block: Block, tokens: readonly string[], counts: Map<number, number>): void {
  const bump = (feature: string) => {
    const j = block.index.get(feature);
    if (j !== undefined) counts.set(j, (counts.get(j) ?? 0) + 1);
  };
  if (block.kind === 'word') {
    // Unigrams and bigrams only (ngramMin 1, ngramMax 2 are checked at load).
    for (const token of tokens) bump(token);
    for (let i = 0; i + 1 < tokens.length; i++) bump(`${tokens[i]} ${tokens[i + 1]}`);
    return;
  }
  for (const token of tokens) {
    const w = ` ${token} `;
    const top = Math.min(block.ngramMax, w.length);
    for (let n = block.ngramMin; n <= top; n++) {
      for (let i = 0; i + n <= w.length; i++) bump(w.slice(i, i + n));
    }
  }
}

export class TriageModel {
  readonly classes: readonly string[];
  readonly meta: Readonly<Record<string, unknown>>;
  private readonly blocks: Block[];
  private readonly intercepts: Float64Array;
  private readonly temperature: number;
  private readonly knownWords: Set<string>;
  private readonly fullConfidenceAt: number;
  private readonly maxTokens: number;
  private readonly maxTokenChars: number;

  constructor(file: TriageModelFile) {
    validate(file);
    const k = file.classes.length;
    this.classes = [...file.classes];
    this.meta = file.meta ?? {};
    this.intercepts = Float64Array.from(file.intercepts);
    this.temperature = file.temperature;
    this.knownWords = new Set(file.coverage.knownWords);
    this.fullConfidenceAt = file.coverage.fullConfidenceAt;
    this.maxTokens = file.tokenizer.maxTokens;
    this.maxTokenChars = file.tokenizer.maxTokenChars;
    let offset = 0;
    this.blocks = file.blocks.map((b) => {
      const n = b.terms.length;
      const weights = new Float64Array(n * k);
      for (let c = 0; c < k; c++) {
        const row = file.weights[c]!;
        for (let j = 0; j < n; j++) weights[j * k + c] = row[offset + j]! * file.weightScale;
      }
      offset += n;
      return {
        kind: b.kind,
        ngramMin: b.ngramMin,
        ngramMax: b.ngramMax,
        index: new Map(b.terms.map((t, j) => [t, j])),
        idf: Float64Array.from(b.idf),
        weights,
      };
    });
  }

  /** Number of features (vocabulary size over all blocks). */
  get featureCount(): number {
    return this.blocks.reduce((sum, b) => sum + b.idf.length, 0);
  }

  /** Category, confidence and per-category probabilities for a ticket's text (title + body). */
  classify(text: string): TriageClassification {
    const k = this.classes.length;
    const tokens = tokenize(typeof text === 'string' ? text : '', this.maxTokens, this.maxTokenChars);

    const logits = Float64Array.from(this.intercepts);
    const counts = new Map<number, number>();
    for (const block of this.blocks) {
      counts.clear();
      countFeatures(block, tokens, counts);
      if (counts.size === 0) continue;
      let sumSquares = 0;
      const values: Array<[number, number]> = [];
      for (const [j, count] of counts) {
        const v = (1 + Math.log(count)) * block.idf[j]!;
        values.push([j, v]);
        sumSquares += v * v;
      }
      const norm = Math.sqrt(sumSquares);
      for (const [j, v] of values) {
        const x = v / norm;
        const base = j * k;
        for (let c = 0; c < k; c++) logits[c]! += block.weights[base + c]! * x;
      }
    }

    // Tempered softmax.
    let best = 0;
    for (let c = 1; c < k; c++) if (logits[c]! > logits[best]!) best = c;
    const probs = new Float64Array(k);
    let total = 0;
    for (let c = 0; c < k; c++) {
      probs[c] = Math.exp((logits[c]! - logits[best]!) * this.temperature);
      total += probs[c]!;
    }

    // Coverage damping: mix towards uniform when few tokens are known training words.
    let known = 0;
    for (const token of tokens) if (this.knownWords.has(token)) known++;
    const lambda = tokens.length === 0 ? 0 : Math.min(1, known / tokens.length / this.fullConfidenceAt);

    const scores: Record<string, number> = {};
    for (let c = 0; c < k; c++) scores[this.classes[c]!] = (lambda * probs[c]!) / total + (1 - lambda) / k;
    const category = this.classes[best]!;
    return { category, confidence: scores[category]!, scores };
  }
}

function validate(file: TriageModelFile): void {
  const fail = (why: string): never => {
    throw new Error(`invalid triage model: ${why}`);
  };
  if (!file || typeof file !== 'object') fail('not an object');
  if (file.format !== TRIAGE_MODEL_FORMAT) fail(`format ${JSON.stringify(file.format)}, expected ${TRIAGE_MODEL_FORMAT}`);
  const t = file.tokenizer;
  if (!t || t.lowercase !== true || t.unicode !== 'NFKD' || t.tokenPattern !== '[a-z]+' || !(t.maxTokens > 0) || !(t.maxTokenChars > 0)) {
    fail('unsupported tokenizer');
  }
  if (file.tf !== 'sublinear' || file.norm !== 'l2-per-block') fail('unsupported tf/norm');
  const k = file.classes?.length ?? 0;
  if (k < 2) fail('fewer than 2 classes');
  if (file.intercepts?.length !== k || file.weights?.length !== k) fail('intercepts/weights do not match classes');
  let features = 0;
  for (const b of file.blocks ?? []) {
    if (b.kind === 'word' ? b.ngramMin !== 1 || b.ngramMax !== 2 : b.kind !== 'char_wb' || !(b.ngramMin >= 1 && b.ngramMax >= b.ngramMin)) {
      fail(`unsupported block ${b.name}`);
    }
    if (b.terms.length !== b.idf.length) fail(`block ${b.name}: terms/idf length mismatch`);
    features += b.terms.length;
  }
  if (features === 0) fail('no features');
  if (file.weights.some((row) => row.length !== features)) fail('weights do not match the vocabulary');
  if (!(file.temperature > 0) || !(file.coverage?.fullConfidenceAt > 0) || !Array.isArray(file.coverage.knownWords)) fail('bad calibration fields');
}

/** Builds a model from the parsed contents of triage-model.json (pure; no I/O). */
export function createTriageModel(file: unknown): TriageModel {
  return new TriageModel(file as TriageModelFile);
}

let defaultModel: TriageModel | undefined;

/**
 * Reads and parses the model file (default: worker/ai/triage-model.json next to this module)
 * and makes it the model used by `classify`.
 */
export function loadTriageModel(path: string | URL = DEFAULT_TRIAGE_MODEL_URL): TriageModel {
  const model = createTriageModel(JSON.parse(readFileSync(path, 'utf8')));
  defaultModel = model;
  return model;
}

/** Classifies with `model`, or with the model last loaded by `loadTriageModel`. */
export function classify(text: string, model: TriageModel | undefined = defaultModel): TriageClassification {
  if (!model) throw new Error('triage model not loaded: call loadTriageModel() first');
  return model.classify(text);
}
