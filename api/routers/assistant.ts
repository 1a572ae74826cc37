/**
 * The self-serve answer bot (api/assistant/service.ts), for every signed-in person: answers from
 * the knowledge base the caller may read, with citations; ratings; and the handover to a person.
 * `ask` is a streaming mutation: it returns an async generator, which only httpBatchStreamLink
 * carries (api/client.ts routes it there); a mutation rather than a subscription so the
 * conversation travels in a POST body and the cookie check against cross-site requests applies.
 */
import { z } from 'zod';
import { askAssistant, handOver, rateAnswer } from '../assistant/service';
import { createTRPCRouter, protectedProcedure } from '../trpc';

/** Bounded: the bot reads the last question (and earlier ones as context), not a whole chat log. */
export const MAX_TURNS = 20;
const ZTurn = z.discriminatedUnion('role', [
  z.object({ role: z.literal('user'), text: z.string().trim().min(2, 'must be at least 2 characters').max(1_000, 'must be at most 1,000 characters') }),
  z.object({ role: z.literal('assistant'), text: z.string().trim().min(1, 'must not be empty').max(8_000, 'must be at most 8,000 characters') }),
]);

const ZAnswerId = z.uuid('must be an answer id (UUID)');

export const assistantRouter = createTRPCRouter({
  /** Streams `{ type: 'text' | 'restart' | 'done' }` events (AssistantEvent); the last one, `done`, carries the citations and the answer's id. */
  ask: protectedProcedure
    .input(
      z.object({
        turns: z
          .array(ZTurn)
          .min(1, 'ask a question')
          .max(MAX_TURNS, `at most ${MAX_TURNS} turns: start a new conversation`)
          .refine((turns) => turns.at(-1)?.role === 'user', 'must end with your question'),
      }),
    )
    .mutation(async function* ({ ctx, input, signal }) {
      yield* askAssistant(ctx, ctx.user, input.turns, signal);
    }),
  /** Helpful or not: the asker's own answers only, changeable. */
  rate: protectedProcedure.input(z.object({ answerId: ZAnswerId, helpful: z.boolean() })).mutation(({ ctx, input }) => rateAnswer(ctx.db, ctx.user, input)),
  /** Opens a ticket for the caller with the transcript of these answers (theirs) as its description; returns its number. */
  handover: protectedProcedure
    .input(
      z.object({
        answerIds: z.array(ZAnswerId).min(1, 'ask something first').max(MAX_TURNS, `at most ${MAX_TURNS} answers`),
        note: z.string().trim().max(2_000, 'must be at most 2,000 characters').optional(),
      }),
    )
    .mutation(({ ctx, input }) => handOver(ctx, input)),
});
