/**
 * A chat model on any OpenAI-compatible endpoint through the Vercel AI SDK, and the few helpers
 * every caller of it needs (a bounded abort signal, token usage in plain numbers). No Deskflow
 * knowledge: the worker's provider (worker/ai/) and the API's streaming (api/ai/) both build on it.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import type { LanguageModel, LanguageModelUsage } from 'ai';

export type ChatModelSettings = {
  /** The endpoint's base URL, e.g. https://api.openai.com/v1 (chat completions are POSTed to …/chat/completions). */
  baseUrl: string;
  apiKey: string | null;
  model: string;
  /** Custom fetch (tests); the global one by default. */
  fetch?: typeof fetch;
};

export function createChatModel(settings: ChatModelSettings): LanguageModel {
  const provider = createOpenAICompatible({
    name: 'openai-compatible',
    baseURL: settings.baseUrl,
    ...(settings.apiKey ? { apiKey: settings.apiKey } : {}),
    // Token counts of streamed answers arrive in a last chunk only when asked for.
    includeUsage: true,
    ...(settings.fetch ? { fetch: settings.fetch } : {}),
  });
  return provider.chatModel(settings.model);
}

export type TokenUsage = { promptTokens: number; completionTokens: number };

export const tokenUsage = (usage: LanguageModelUsage | undefined): TokenUsage => ({ promptTokens: usage?.inputTokens ?? 0, completionTokens: usage?.outputTokens ?? 0 });

/** Aborts after `timeoutMs` or when `signal` aborts, whichever comes first; the reason says which. */
export function boundedSignal(timeoutMs: number, signal?: AbortSignal): AbortSignal {
  const timeout = AbortSignal.timeout(timeoutMs);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}
