/** Which sentence model semantic search uses and where its converted copy is cached (no heavy imports: config reads this). */
import { toolDir } from './cache-dir';

export const SENTENCE_MODEL = { id: 'all-minilm-l6-v2', version: '0.1.2', dimensions: 384 } as const;

export function defaultSentenceModelDir(environment: NodeJS.ProcessEnv = process.env): string {
  return toolDir(SENTENCE_MODEL.id, SENTENCE_MODEL.version, environment);
}
