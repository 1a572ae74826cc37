import { authRouter } from './routers/auth';
import { realtimeRouter } from './routers/realtime';
import { ticketRouter } from './routers/ticket';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  ticket: ticketRouter,
  realtime: realtimeRouter,
});

export type AppRouter = typeof appRouter;
