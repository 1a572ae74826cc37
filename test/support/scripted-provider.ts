/**
 * An AI provider for workflow tests, standing in for an external one at the provider interface
 * (the boundary a later issue fills with OpenAI-compatible endpoints). Tickets opt in to scripted
 * behaviour through markers in their title; everything else goes to the shipped offline provider.
 *   "#triage:Hardware@0.92"  triage says category Hardware with confidence 0.92
 *   "#ai-fails"              every AI step fails (the rules fallback must take over)
 *   "#ai-hangs"              screening and triage never answer until cancelled (the activity timeout must fire)
 */
import type { AiProvider } from '../../worker/ai/provider';
import { createOfflineProvider } from '../../worker/ai/offline-provider';
import { rulesTriage } from '../../worker/ai/rules-triage';

const TRIAGE_RE = /#triage:([A-Za-z ]+?)@(\d(?:\.\d+)?)/;

export function scriptedProvider(base: AiProvider = createOfflineProvider()): AiProvider & { calls: Record<string, number> } {
  const calls: Record<string, number> = {};
  const count = (what: string) => void (calls[what] = (calls[what] ?? 0) + 1);
  const misbehave = (title: string, what: string, signal: AbortSignal | undefined): Promise<never> | null => {
    count(what);
    if (title.includes('#ai-fails')) return Promise.reject(new Error(`${what}: provider unavailable (HTTP 503)`));
    if (title.includes('#ai-hangs') && what !== 'draft') return new Promise<never>((_, reject) => signal?.addEventListener('abort', () => reject(new Error(`${what}: aborted`))));
    return null;
  };
  return {
    name: 'scripted',
    calls,
    screen: (input, options) => misbehave(input.title, 'screen', options?.signal) ?? base.screen(input, options),
    triage(input, options) {
      const failure = misbehave(input.title, 'triage', options?.signal);
      if (failure) return failure;
      const scripted = TRIAGE_RE.exec(input.title);
      if (!scripted) return base.triage(input, options);
      const rules = rulesTriage(input);
      return Promise.resolve({
        category: scripted[1]!,
        confidence: Number(scripted[2]),
        priority: rules.priority,
        departmentHint: rules.confidence > 0.5 ? rules.departmentSlug : null,
        method: 'model' as const,
      });
    },
    draftFirstReply: (input, options) => misbehave(input.title, 'draft', options?.signal) ?? base.draftFirstReply(input, options),
    suggestReply: (input, options) => misbehave(input.title, 'suggest', options?.signal) ?? base.suggestReply(input, options),
    summarize: (input, options) => misbehave(input.title, 'summary', options?.signal) ?? base.summarize(input, options),
  };
}
