/**
 * The AI steps on any OpenAI-compatible chat-completions endpoint (AI_BASE_URL, AI_API_KEY,
 * AI_MODEL) through the Vercel AI SDK. Every call is bounded by AI_TIMEOUT_MS and the activity's
 * cancellation, is never retried here (Temporal retries the activity, a few times), and reports
 * its tokens through `onUsage`. A failure is thrown: the activity or the workflow then takes the
 * offline path. Structured answers (screening, triage) are JSON checked with zod: anything else is
 * a failure, never a guess.
 *
 * Each system prompt starts with "Deskflow task: <feature>." so logs, and the recorded-response
 * server of the tests (dev-support/recorded-llm.ts), can tell the calls apart.
 */
import { generateText, Output } from 'ai';
import { z } from 'zod';
import { priorities } from '../../domain/vocabulary';
import { screenByRules, screeningFlags } from '../../domain/screening';
import { boundedSignal, createChatModel, tokenUsage, type ChatModelSettings } from '../../lib/ai-model';
import type { AiProvider, CallOptions, ConversationMessage, KnowledgePassage, ProviderTriage, TicketContext } from './provider';
import { rulesTriage } from './rules-triage';

export type OpenAICompatibleProviderSettings = ChatModelSettings & {
  /** Milliseconds one call may take (AI_TIMEOUT_MS). */
  timeoutMs: number;
};

export const taskMarker = (feature: string) => `Deskflow task: ${feature}.`;

const ZScreening = z.object({
  flagged: z.boolean(),
  flags: z.array(z.enum(screeningFlags)).default([]),
  reason: z.string().min(1).max(500),
});

const ZTriage = z.object({
  category: z.string().nullable(),
  confidence: z.number().min(0).max(1),
  priority: z.enum(priorities).optional(),
});

function conversationText(conversation: ConversationMessage[]): string {
  if (conversation.length === 0) return '(no messages yet)';
  return conversation.map((m) => `[${m.at}] ${m.internal ? 'INTERNAL NOTE by' : m.side === 'staff' ? 'Staff reply by' : 'Requester'} ${m.author}: ${m.body}`).join('\n');
}

function ticketText(input: TicketContext): string {
  return [
    `Ticket #${input.ticketNumber}: ${input.title}`,
    `Status: ${input.status}; category: ${input.category ?? 'none'}; requester: ${input.requesterName}; assignee: ${input.agentName ?? 'nobody'}`,
    `Request:\n${input.description}`,
    `Conversation (oldest first):\n${conversationText(input.conversation)}`,
  ].join('\n\n');
}

function knowledgeText(passages: KnowledgePassage[]): string {
  if (passages.length === 0) return '(no knowledge-base articles found)';
  return passages.map((p) => `[${p.slug}] ${p.title}\n${p.excerpt}`).join('\n\n');
}

export function createOpenAICompatibleProvider(settings: OpenAICompatibleProviderSettings): AiProvider {
  const model = createChatModel(settings);
  const common = (options: CallOptions | undefined) => ({ model, maxRetries: 0, abortSignal: boundedSignal(settings.timeoutMs, options?.signal), temperature: 0.2 });

  async function text(system: string, prompt: string, options: CallOptions | undefined): Promise<string> {
    const result = await generateText({ ...common(options), system, prompt });
    options?.onUsage?.(tokenUsage(result.totalUsage));
    const answer = result.text.trim();
    if (!answer) throw new Error('the model returned an empty answer');
    return answer;
  }

  async function json<T>(system: string, prompt: string, schema: z.ZodType<T>, options: CallOptions | undefined): Promise<T> {
    // JSON mode (response_format json_object), which most OpenAI-compatible servers support; the
    // shape is in the prompt and checked here (json_schema structured outputs are not universal).
    const result = await generateText({ ...common(options), system, prompt, output: Output.json() });
    options?.onUsage?.(tokenUsage(result.totalUsage));
    const parsed = schema.safeParse(result.output);
    if (!parsed.success) throw new Error(`the model's JSON does not fit: ${parsed.error.issues[0]?.path.join('.') || 'value'}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return parsed.data;
  }

  return {
    name: 'openai-compatible',
    model: settings.model,

    async screen(input, options) {
      // The rules stay the floor: what they flag is held whatever the model says.
      const rules = screenByRules(input);
      if (rules.flagged) return rules;
      const verdict = await json(
        `${taskMarker('screen')} You screen IT service-desk tickets before people read them. Flag only spam (promotions, link farms), abuse (insults or threats aimed at people) or harmful requests (self-harm, violence, malware, credential theft). An angry but genuine request is not abuse. Answer with JSON only: {"flagged": boolean, "flags": ("spam"|"abuse"|"harmful")[], "reason": string}.`,
        `Title: ${input.title}\n\nDescription:\n${input.description}`,
        ZScreening,
        options,
      );
      return { flagged: verdict.flagged && verdict.flags.length > 0, flags: verdict.flagged ? verdict.flags : [], reason: verdict.reason, method: 'model' };
    },

    async triage(input, options): Promise<ProviderTriage> {
      const categories = input.categories ?? [];
      const answer = await json(
        `${taskMarker('triage')} You triage IT service-desk tickets. Choose the one category that fits best from this list, or null when none does: ${JSON.stringify(categories)}. Give your confidence from 0 to 1 and a priority (low, medium, high, critical). Answer with JSON only: {"category": string|null, "confidence": number, "priority": string}.`,
        `Title: ${input.title}\n\nDescription:\n${input.description}\n\nThe requester chose urgency: ${input.urgency}`,
        ZTriage,
        options,
      );
      const known = categories.find((c) => c.toLowerCase() === answer.category?.toLowerCase().trim()) ?? null;
      const rules = rulesTriage(input);
      return {
        category: known,
        confidence: known ? answer.confidence : 0,
        priority: answer.priority ?? rules.priority,
        departmentHint: rules.confidence > 0.5 ? rules.departmentSlug : null,
        method: 'model',
      };
    },

    async draftFirstReply(input, options) {
      const body = await text(
        `${taskMarker('first-reply')} You draft the first reply of a service-desk agent to a new ticket. Be brief and friendly, ask only for what is needed to start, invent no facts, promise no dates. Write the reply only, signed by the agent when a name is given.`,
        `Ticket #${input.ticketNumber}: ${input.title}\nCategory: ${input.category ?? 'none'}\nRequester: ${input.requesterName}\nAgent: ${input.agentName ?? '(unnamed)'}\n\n${input.description}`,
        options,
      );
      return { body, method: 'model' };
    },

    async suggestReply(input, options) {
      const history = input.requesterHistory.length > 0 ? input.requesterHistory.map((t) => `#${t.number} ${t.title} (${t.status})`).join('\n') : '(none)';
      const body = await text(
        `${taskMarker('suggest-reply')} You suggest the next public reply of a service-desk agent. Read the whole conversation: internal notes are for your understanding only, never quote or reveal them. Use the knowledge-base articles when they help and name them by title; do not invent steps, facts or dates. Write the reply only, addressed to the requester, signed by the agent when a name is given.`,
        `${ticketText(input)}\n\nThe requester's recent other tickets:\n${history}\n\nKnowledge-base articles:\n${knowledgeText(input.knowledge)}`,
        options,
      );
      return { body, method: 'model' };
    },

    async summarize(input, options) {
      const statuses = input.statusHistory.map((s) => `${s.status} (${s.at})`).join(' → ') || input.status;
      const summary = await text(
        `${taskMarker('summary')} You summarise a service-desk ticket for an agent who joins it late. In a few short lines: who asked for what, what has been tried so far, the current status, and the open questions. Use only what the ticket says.`,
        `${ticketText(input)}\n\nStatus history: ${statuses}`,
        options,
      );
      return { text: summary, method: 'model' };
    },
  };
}
