/**
 * The outbox for admins: every mail with its status (queued, sent, failed, skipped), attempts and
 * the SMTP server's last answer; failed ones can be queued again. Never the mail's data (its
 * links carry credentials until sent).
 */
import type { z } from 'zod';
import { listOutbox, requeueFailedMails } from '../../../db/mail-outbox';
import type { AuthedContext } from '../../trpc';
import { recordAdminAction } from '../audit/service';
import type { ZOutboxListInput, ZRetryMailsInput } from './schemas';

export function listMail(ctx: AuthedContext, input: z.output<typeof ZOutboxListInput>) {
  return listOutbox(ctx.db, input);
}

/** Queues the named failed mails again and starts their delivery; mails that are not failed are left as they are. */
export async function retryMail(ctx: AuthedContext, input: z.output<typeof ZRetryMailsInput>) {
  const retried = await ctx.db.transaction(async (tx) => {
    const ids = await requeueFailedMails(tx, input.ids);
    for (const id of ids) await recordAdminAction(tx, { actorId: ctx.user.id, action: 'mail.retried', targetType: 'mail', targetId: String(id) });
    return ids;
  });
  await ctx.services.dispatchMail(retried);
  return { retried };
}
