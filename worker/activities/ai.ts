/**
 * The AI steps as activities. The workflow bounds them (timeout, few retries) and on failure
 * calls the `*ByRules` fallbacks, which never depend on a provider.
 */
import { Context } from '@temporalio/activity';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { aiSuggestions, categories, departments, ticketEvents, tickets, users, type Priority } from '../../db/schema';
import { ticketWorkflowId } from '../../workflows/messages';
import type { ScreeningResult, TriageResult } from '../../workflows/types';
import type { AiProvider, ProviderTriage } from '../ai/provider';
import { draftFromTemplate } from '../ai/reply-templates';
import { rulesTriage } from '../ai/rules-triage';
import { screenByRules } from '../../domain/screening';

type TriageInput = { title: string; description: string; urgency: Priority };

const call = () => ({ signal: Context.current().cancellationSignal });

const DEFAULT_DEPARTMENT = 'it';
const MODEL_HR_CATEGORY = 'HR Support';
/** A category the model is at least this sure of outweighs HR words ("Cannot print payslips" is a printer problem). */
const SURE_CATEGORY = 0.8;

export function aiActivities(db: Db, provider: AiProvider | (() => AiProvider)) {
  let resolved: AiProvider | undefined;
  const ai = () => (resolved ??= typeof provider === 'function' ? provider() : provider);

  /** The department a category routes to: the categories table, else the default department. */
  async function departmentForCategory(category: string): Promise<string> {
    const [row] = await db
      .select({ slug: departments.slug })
      .from(categories)
      .innerJoin(departments, eq(departments.id, categories.departmentId))
      .where(eq(sql`lower(${categories.name})`, category.toLowerCase()));
    return row?.slug ?? DEFAULT_DEPARTMENT;
  }

  /**
   * The department, from the model's category and the words' own department vocabulary (HR,
   * facilities): the model was trained on IT-helpdesk topics only, so
   *   - facilities words decide on their own (the model has no facilities topics);
   *   - its "HR Support" (HR systems and office IT in its data; a fifth of its printer tickets)
   *     leads to HR only when the words speak of HR matters, else the ticket stays in IT;
   *   - HR words win over another category the model is unsure of (below 0.8);
   *   - otherwise the category's department (the categories table).
   */
  async function departmentFor(result: ProviderTriage): Promise<string> {
    const hint = result.departmentHint;
    if (!result.category) return hint ?? DEFAULT_DEPARTMENT;
    if (hint === 'facilities') return hint;
    if (result.category === MODEL_HR_CATEGORY) return hint === 'hr' ? hint : DEFAULT_DEPARTMENT;
    if (hint && result.confidence < SURE_CATEGORY) return hint;
    return departmentForCategory(result.category);
  }

  async function toTriageResult(result: ProviderTriage): Promise<TriageResult> {
    const departmentSlug = await departmentFor(result);
    return { departmentSlug, category: result.category, priority: result.priority, confidence: result.confidence, method: result.method, departmentHint: result.departmentHint };
  }

  return {
    async screenTicket(input: { title: string; description: string }): Promise<ScreeningResult> {
      return ai().screen(input, call());
    },

    async screenTicketByRules(input: { title: string; description: string }): Promise<ScreeningResult> {
      return screenByRules(input);
    },

    async triageTicket(input: TriageInput): Promise<TriageResult> {
      return toTriageResult(await ai().triage(input, call()));
    },

    async triageTicketByRules(input: TriageInput): Promise<TriageResult> {
      const rules = rulesTriage(input);
      return { ...rules, departmentHint: rules.departmentSlug };
    },

    /**
     * Drafts the first reply for the assignee and stores it (once per key). `fallbackFrom` (the
     * provider's failure) uses the offline template instead and audits the fallback.
     */
    async draftFirstReply(input: { ticketId: string; assigneeId: string; key: string; fallbackFrom?: string }): Promise<{ method: string; provider: string }> {
      const [ticket] = await db
        .select({ number: tickets.number, title: tickets.title, description: tickets.description, category: tickets.category, requesterName: users.name })
        .from(tickets)
        .innerJoin(users, eq(users.id, tickets.requesterId))
        .where(eq(tickets.id, input.ticketId));
      if (!ticket) return { method: 'none', provider: 'none' };
      const [agent] = await db.select({ name: users.name }).from(users).where(eq(users.id, input.assigneeId));
      const draftInput = {
        title: ticket.title,
        description: ticket.description,
        category: ticket.category,
        requesterName: ticket.requesterName,
        agentName: agent?.name ?? null,
        ticketNumber: ticket.number,
      };
      const fallback = input.fallbackFrom !== undefined;
      const draft = fallback ? { body: draftFromTemplate(draftInput), method: 'template' as const } : await ai().draftFirstReply(draftInput, call());
      const provider = fallback ? 'offline' : ai().name;
      const key = `${ticketWorkflowId(ticket.number)}#${input.key}`;
      await db.transaction(async (tx) => {
        await tx
          .insert(aiSuggestions)
          .values({ ticketId: input.ticketId, kind: 'first_reply', forUserId: input.assigneeId, body: draft.body, provider, method: draft.method, dedupeKey: key })
          .onConflictDoNothing();
        if (fallback) {
          await tx
            .insert(ticketEvents)
            .values({
              ticketId: input.ticketId,
              kind: 'ai_fallback',
              field: 'first_reply',
              newValue: { step: 'first_reply', error: input.fallbackFrom, fallback: 'template' },
              source: 'workflow',
              reason: `drafting the first reply failed (${input.fallbackFrom}); used the offline template`,
              dedupeKey: `${key}/ai-fallback`,
            })
            .onConflictDoNothing();
        }
      });
      return { method: draft.method, provider };
    },
  };
}
