/**
 * The AI steps of a ticket's lifecycle behind one interface: screening (spam, abuse, harmful
 * content), triage (category, priority, confidence) and a drafted first reply for the assignee.
 * Deskflow ships an offline provider (worker/ai/offline-provider.ts: the trained category model
 * plus rules); external OpenAI-compatible providers implement the same interface. Activities
 * bound every call (timeout, retries) and fall back to the rules when a provider fails.
 */
import type { Priority } from '../../domain/vocabulary';
import type { ScreeningResult } from '../../workflows/types';

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

/** Aborted when the activity is cancelled (worker shutdown); network providers pass it to fetch. */
export type CallOptions = { signal?: AbortSignal };

export interface AiProvider {
  /** Shown in audit events and stored with suggestions, e.g. "offline". */
  readonly name: string;
  screen(input: TicketText, options?: CallOptions): Promise<ScreeningResult>;
  triage(input: TicketText & { urgency: Priority }, options?: CallOptions): Promise<ProviderTriage>;
  draftFirstReply(input: DraftInput, options?: CallOptions): Promise<DraftedReply>;
}
