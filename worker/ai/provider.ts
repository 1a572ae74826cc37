/**
 * The AI steps of a ticket's lifecycle behind one interface: screening (spam, abuse, harmful
 * content), triage (category, priority, confidence) and a drafted first reply for the assignee.
 * Deskflow ships an offline provider (worker/ai/offline-provider.ts: the trained category model
 * plus rules, templates, an extractive summary); an OpenAI-compatible endpoint
 * (worker/ai/openai-compatible-provider.ts, AI_BASE_URL) implements the same interface. Activities
 * bound every call (timeout, retries) and fall back to the rules when a provider fails.
 */
import type { Priority } from '../../domain/vocabulary';
import type { KnowledgePassage, ScreeningResult } from '../../workflows/types';

export type TicketText = { title: string; description: string };

export type ProviderTriage = {
  /** One of the categories the desk uses (categories table), or null when unknown. */
  category: string | null;
  /** 0..1: how sure the provider is of the category. Below the desk's minimum, a person triages. */
  confidence: number;
  priority: Priority;
  /** A department slug the text points to on its own (e.g. facilities words), used when the category is unsure. */
  departmentHint: string | null;
  method: 'model' | 'rules';
};

export type DraftInput = TicketText & { category: string | null; requesterName: string; agentName: string | null; ticketNumber: number };

export type DraftedReply = { body: string; method: 'model' | 'template' };

export type ModelUsage = { promptTokens: number; completionTokens: number };

export type CallOptions = {
  /** Aborted when the activity is cancelled (worker shutdown, its timeout); network providers pass it to fetch. */
  signal?: AbortSignal;
  /** Told the tokens a model call used (activities record them in ai_calls); offline providers never call it. */
  onUsage?: (usage: ModelUsage) => void;
};

/** One message of a ticket's conversation as the assistant reads it, oldest first. */
export type ConversationMessage = { author: string; side: 'requester' | 'staff'; internal: boolean; body: string; at: string };

export type { KnowledgePassage };

export type TicketContext = TicketText & {
  ticketNumber: number;
  status: string;
  category: string | null;
  requesterName: string;
  agentName: string | null;
  /** Public messages and internal notes, oldest first: what the assistant reads is for staff only. */
  conversation: ConversationMessage[];
};

export type SuggestReplyInput = TicketContext & {
  /** The requester's recent other tickets, newest first. */
  requesterHistory: { number: number; title: string; status: string }[];
  knowledge: KnowledgePassage[];
};

export type SummaryInput = TicketContext & {
  /** Status changes, oldest first. */
  statusHistory: { status: string; at: string }[];
};

export type TicketSummary = { text: string; method: 'model' | 'extractive' };

export type TriageInput = TicketText & {
  urgency: Priority;
  /** The desk's categories (the categories table): a model answer outside them is no answer. */
  categories?: string[];
};

export interface AiProvider {
  /** Shown in audit events and stored with suggestions, e.g. "offline". */
  readonly name: string;
  /** The model behind it (AI_MODEL), recorded with each call; none for the offline provider. */
  readonly model?: string;
  screen(input: TicketText, options?: CallOptions): Promise<ScreeningResult>;
  triage(input: TriageInput, options?: CallOptions): Promise<ProviderTriage>;
  draftFirstReply(input: DraftInput, options?: CallOptions): Promise<DraftedReply>;
  /** A reply for the agent to edit (never sent by itself), from the whole conversation, the requester's history and the knowledge base. */
  suggestReply(input: SuggestReplyInput, options?: CallOptions): Promise<DraftedReply>;
  /** For agents joining late: who asked what, what was tried, the status, open questions. */
  summarize(input: SummaryInput, options?: CallOptions): Promise<TicketSummary>;
}
