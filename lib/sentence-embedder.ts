/**
 * Sentence embeddings in process: all-MiniLM-L6-v2 (384 dimensions, mean pooling, unit length)
 * through transformers.js on onnxruntime's CPU backend, from the local folder that
 * `npm run provision` converts once (scripts/tools/sentence-model.ts), which also sets the
 * tokenizer's limit to the model's 256 word pieces. Remote loading is off: nothing is downloaded
 * at run time.
 */
import fs from 'node:fs';
import path from 'node:path';
import { env, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { SENTENCE_MODEL, defaultSentenceModelDir } from './sentence-model';

/** Texts per forward pass: larger batches pad more, smaller ones pay more overhead. */
const BATCH = 32;

export type SentenceEmbedder = {
  readonly dimensions: number;
  /** One unit-length vector per text, in order. */
  embed(texts: string[]): Promise<number[][]>;
};

export class SentenceModelMissingError extends Error {
  override name = 'SentenceModelMissingError';
}

const loaded = new Map<string, Promise<SentenceEmbedder>>();

/** The embedder for a model folder, loaded once per process (about half a second, 90 MB). */
export function sentenceEmbedder(modelDir: string = defaultSentenceModelDir()): Promise<SentenceEmbedder> {
  const dir = path.resolve(modelDir);
  let embedder = loaded.get(dir);
  if (!embedder) {
    embedder = load(dir);
    loaded.set(dir, embedder);
    embedder.catch(() => loaded.delete(dir));
  }
  return embedder;
}

async function load(dir: string): Promise<SentenceEmbedder> {
  if (!fs.existsSync(path.join(dir, 'onnx', 'model.onnx'))) {
    throw new SentenceModelMissingError(`the sentence model is not at ${dir}: run \`npm run provision\` (converts it once), or set SENTENCE_MODEL_DIR`);
  }
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = path.dirname(dir);
  const extract: FeatureExtractionPipeline = await pipeline('feature-extraction', path.basename(dir), { dtype: 'fp32' });
  return {
    dimensions: SENTENCE_MODEL.dimensions,
    async embed(texts) {
      const vectors: number[][] = [];
      for (let i = 0; i < texts.length; i += BATCH) {
        const output = await extract(texts.slice(i, i + BATCH), { pooling: 'mean', normalize: true });
        vectors.push(...(output.tolist() as number[][]));
      }
      return vectors;
    },
  };
}
