/** The recorded-response OpenAI-compatible server (dev-support/recorded-llm.ts) over this suite's fixtures (test/fixtures/llm/). */
import { fileURLToPath } from 'node:url';
import { startRecordedLlm, type RecordedLlm } from '../../dev-support/recorded-llm';

export * from '../../dev-support/recorded-llm';

export const LLM_FIXTURES = fileURLToPath(new URL('../fixtures/llm', import.meta.url));

export const startTestLlm = (options: { chunkDelayMs?: number } = {}): Promise<RecordedLlm> => startRecordedLlm({ fixturesDir: LLM_FIXTURES, ...options });
