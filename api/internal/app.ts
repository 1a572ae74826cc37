/**
 * The internal listener (INTERNAL_HOST:INTERNAL_PORT, loopback by default): `/internal/*` for
 * the rooms, guarded by INTERNAL_API_SECRET, and nothing else. The public API does not serve
 * these paths, so a leaked or weak secret is not enough from the internet.
 */
import { Hono } from 'hono';
import type { Logger } from '../../lib/logger';
import { inboundMailHandler } from '../inbound-mail/http';
import type { InboundMailService } from '../inbound-mail/service';
import { createRoomsInternalApp, type RoomsInternalDeps } from './rooms';

/** `mail`: the inbound mail service the mailbox workflows hand messages to (POST /internal/mail/inbound); absent: that route is off. */
export type InternalDeps = RoomsInternalDeps & { mail?: { service: InboundMailService; maxBytes: number; logger: Logger } };

export function createInternalApp(deps: InternalDeps): Hono {
  const app = new Hono();
  // Before the rooms' routes: theirs check the same secret on every /internal path.
  const { mail } = deps;
  if (mail) app.post('/internal/mail/inbound', inboundMailHandler(mail.service, { secret: deps.internalSecret, source: 'imap', maxBytes: mail.maxBytes, logger: mail.logger }));
  app.route('/internal', createRoomsInternalApp(deps));
  app.notFound((c) => c.json({ error: 'not_found', message: 'no such internal endpoint' }, 404));
  return app;
}
