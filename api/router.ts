import { adminRouter } from './routers/admin';
import { aiRouter } from './routers/ai';
import { assistantRouter } from './routers/assistant';
import { attachmentRouter } from './routers/attachment';
import { authRouter } from './routers/auth';
import { availabilityRouter } from './routers/availability';
import { commentRouter } from './routers/comment';
import { directoryRouter } from './routers/directory';
import { knowledgeRouter } from './routers/knowledge';
import { lifecycleRouter } from './routers/lifecycle';
import { notificationRouter } from './routers/notification';
import { realtimeRouter } from './routers/realtime';
import { reportRouter } from './routers/report';
import { ticketRouter } from './routers/ticket';
import { createTRPCRouter, mergeRouters } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  /** Tickets: create, read, search, watchers (ticketRouter) and their lifecycle through the workflow (lifecycleRouter). */
  ticket: mergeRouters(ticketRouter, lifecycleRouter),
  comment: commentRouter,
  attachment: attachmentRouter,
  directory: directoryRouter,
  admin: adminRouter,
  /** Agents' availability for routing: their own, and their team's for supervisors. */
  availability: availabilityRouter,
  realtime: realtimeRouter,
  /** The caller's notification center: list, unread count, mark read, preferences. */
  notification: notificationRouter,
  /** Reports over the maintained aggregates, ratings of resolved tickets (CSAT) and of AI suggestions. */
  report: reportRouter,
  /** The assistant for staff of a ticket: suggested replies and summaries (the model, or offline). */
  ai: aiRouter,
  /** The knowledge base: search, articles with versions, votes and files, related articles and drafts from tickets. */
  kb: knowledgeRouter,
  /** The self-serve answer bot: streamed answers from the knowledge base with citations, ratings, handover to a person. */
  assistant: assistantRouter,
});

export type AppRouter = typeof appRouter;
