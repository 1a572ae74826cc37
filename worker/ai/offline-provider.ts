/**
 * The offline AI provider Deskflow ships: the trained category model (worker/ai/triage-model.ts,
 * built by scripts/triage/train.py) for triage, rules for screening, department hints and
 * priority, templates for drafted and suggested replies, an extractive ticket summary. No network,
 * no native code.
 */
import type { Priority } from '../../domain/vocabulary';
import type { AiProvider, ProviderTriage, TicketText } from './provider';
import { extractiveSummary } from './extractive-summary';
import { draftFromTemplate } from './reply-templates';
import { rulesTriage } from './rules-triage';
import { screenByRules } from '../../domain/screening';
import { loadTriageModel, type TriageModel } from './triage-model';

export type OfflineProviderOptions = {
  /** The category model; by default the one shipped in worker/ai/triage-model.json. null: rules only. */
  model?: TriageModel | null;
};

let shipped: { model: TriageModel } | { error: Error } | undefined;

/** The shipped model, loaded once per process (about 1.5 MB of JSON); a broken file keeps failing the same way. */
export function shippedTriageModel(): TriageModel {
  if (!shipped) {
    try {
      shipped = { model: loadTriageModel() };
    } catch (error) {
      shipped = { error: error instanceof Error ? error : new Error(String(error)) };
    }
  }
  if ('error' in shipped) throw shipped.error;
  return shipped.model;
}

export function createOfflineProvider(options: OfflineProviderOptions = {}): AiProvider {
  // A broken model file fails triage (which then falls back to the rules, audited), never screening
  // or the worker's start; loading here only spares the first ticket the wait.
  if (options.model === undefined) {
    try {
      shippedTriageModel();
    } catch {
      // reported by every triage attempt
    }
  }
  const model = () => (options.model === undefined ? shippedTriageModel() : options.model);
  return {
    name: 'offline',
    async screen(input) {
      return screenByRules(input);
    },
    async triage(input: TicketText & { urgency: Priority }): Promise<ProviderTriage> {
      const rules = rulesTriage(input);
      // The rules only know a department when a keyword matched (confidence above their floor).
      const departmentHint = rules.confidence > 0.5 ? rules.departmentSlug : null;
      const classifier = model();
      if (!classifier) return { category: null, confidence: rules.confidence, priority: rules.priority, departmentHint, method: 'rules' };
      const result = classifier.classify(`${input.title}\n${input.description}`);
      return { category: result.category, confidence: result.confidence, priority: rules.priority, departmentHint, method: 'model' };
    },
    async draftFirstReply(input) {
      return { body: draftFromTemplate(input), method: 'template' };
    },
    // Offline, a suggested reply is the first-reply template for the ticket's category.
    async suggestReply(input) {
      return { body: draftFromTemplate(input), method: 'template' };
    },
    async summarize(input) {
      return { text: extractiveSummary(input), method: 'extractive' };
    },
  };
}
