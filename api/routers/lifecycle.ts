/**
 * Ticket lifecycle procedures, merged into the `ticket` router (ticket.transition, ticket.assign,
 * …). Each move is an Update to the ticket's workflow, one row of api/lifecycle/moves.ts; see
 * api/lifecycle/service.ts.
 */
import type { z } from 'zod';
import type { LifecycleAction } from '../../workflows/lifecycle/rules';
import { lifecycleMoves, type Move, type MoveInput } from '../lifecycle/moves';
import { ZLifecycleInput } from '../lifecycle/schemas';
import { changeLifecycle, lifecycleState, ticketSuggestions } from '../lifecycle/service';
import { ZTicketView } from '../tickets/schemas';
import { agentProcedure, createTRPCRouter, protectedProcedure } from '../trpc';

const openapi = (path: string, summary: string) => ({ openapi: { method: 'POST' as const, path: `/tickets/{id}/${path}` as const, tags: ['lifecycle'], summary } });

function moveProcedure<I extends z.ZodType<MoveInput>, A>(action: LifecycleAction, move: Move<I, A>) {
  const procedure: typeof protectedProcedure = move.caller === 'agent' ? agentProcedure : protectedProcedure;
  return procedure
    .meta(openapi(move.path, move.summary))
    .input(move.input)
    .output(ZTicketView)
    .mutation(({ ctx, input }) => {
      const parsed = input as z.output<I>;
      return changeLifecycle(ctx, parsed, action, move.update, (actor) => move.args(parsed, actor), move.counterpart?.(parsed));
    });
}

type Moves = typeof lifecycleMoves;
type MoveProcedures = { [K in keyof Moves]: Moves[K] extends Move<infer I, infer A> ? ReturnType<typeof moveProcedure<I, A>> : never };

const moveProcedures = Object.fromEntries(
  Object.entries(lifecycleMoves).map(([action, move]) => [action, moveProcedure(action as LifecycleAction, move as Move<z.ZodType<MoveInput>, unknown>)]),
) as MoveProcedures;

export const lifecycleRouter = createTRPCRouter({
  /** The workflow's full lifecycle state and the actions the caller may take now. */
  lifecycle: protectedProcedure.input(ZLifecycleInput).query(({ ctx, input }) => lifecycleState(ctx, input.id)),

  /** AI drafts for the ticket's agents, e.g. the suggested first reply. */
  suggestions: agentProcedure.input(ZLifecycleInput).query(({ ctx, input }) => ticketSuggestions(ctx, input.id)),

  ...moveProcedures,
});
