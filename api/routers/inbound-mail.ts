/** Inbound mail for admins (admin.inboundMail.*): what each mail became, failures with their raw message, bouncing addresses. */
import { z } from 'zod';
import { getInboundMail, listFailingAddresses, listInboundMail, ZInboundMailId, ZListInboundMailInput } from '../inbound-mail/admin';
import { adminProcedure, createTRPCRouter } from '../trpc';

export const inboundMailRouter = createTRPCRouter({
  list: adminProcedure.input(ZListInboundMailInput).query(({ ctx, input }) => listInboundMail(ctx.db, input)),
  get: adminProcedure.input(ZInboundMailId).query(({ ctx, input }) => getInboundMail(ctx.db, input.id)),
  failingAddresses: adminProcedure.input(z.void()).query(({ ctx }) => listFailingAddresses(ctx.db)),
});
