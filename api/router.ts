import { adminRouter } from './routers/admin';
import { attachmentRouter } from './routers/attachment';
import { authRouter } from './routers/auth';
import { commentRouter } from './routers/comment';
import { directoryRouter } from './routers/directory';
import { realtimeRouter } from './routers/realtime';
import { ticketRouter } from './routers/ticket';
import { createTRPCRouter } from './trpc';

export const appRouter = createTRPCRouter({
  auth: authRouter,
  ticket: ticketRouter,
  comment: commentRouter,
  attachment: attachmentRouter,
  directory: directoryRouter,
  admin: adminRouter,
  realtime: realtimeRouter,
});

export type AppRouter = typeof appRouter;
