/**
 * The HTTP face of inbound mail, one handler for both routes: the push endpoint on the API
 * (POST /mail/inbound, MAIL_INBOUND_SECRET) and the internal listener's route the mailbox
 * workflow uses (POST /internal/mail/inbound, INTERNAL_API_SECRET). The body is the raw RFC 822
 * message (any content type), as mail providers' inbound hooks and `curl --data-binary @mail.eml`
 * send it. 200 with what the mail became (a failure included: it is recorded, do not resend);
 * 503 when a dependency is down (resend later: nothing is doubled).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import { z } from 'zod';
import type { DeskflowSettings } from '../../deskflow.config';
import type { Logger } from '../../lib/logger';
import { isUnavailable } from '../errors';
import { OVERSIZE_KEPT_BYTES, type InboundMailConfig, type InboundMailService, type MailSource } from './service';

const digest = (value: string) => createHash('sha256').update(value).digest();

/** Constant-time check of `Authorization: Bearer <secret>`. */
export function bearerMatches(header: string | undefined, secret: string): boolean {
  return timingSafeEqual(digest(header ?? ''), digest(`Bearer ${secret}`));
}

/**
 * The body, but never more than the limit in memory: past it only the first bytes are kept
 * (for admins to see what it was) and the rest is counted, up to 4 times the limit, then dropped.
 */
export async function readCappedBody(request: Request, maxBytes: number): Promise<{ bytes: Uint8Array; fullSize: number | null }> {
  const declared = Number(request.headers.get('content-length') ?? NaN);
  const reader = request.body?.getReader();
  if (!reader) return { bytes: new Uint8Array(0), fullSize: null };
  const chunks: Uint8Array[] = [];
  let total = 0;
  let kept = 0;
  const keep = (chunk: Uint8Array, limit: number) => {
    if (kept >= limit) return;
    const part = chunk.subarray(0, limit - kept);
    chunks.push(part);
    kept += part.length;
  };
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    const over = total > maxBytes || declared > maxBytes;
    keep(value, over ? OVERSIZE_KEPT_BYTES : maxBytes + 1);
    if (over && (declared > maxBytes || total > 4 * maxBytes)) {
      await reader.cancel().catch(() => undefined);
      total = Number.isFinite(declared) ? Math.max(declared, total) : total;
      break;
    }
  }
  const bytes = new Uint8Array(kept);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  const oversize = total > maxBytes;
  return { bytes: oversize ? bytes.subarray(0, OVERSIZE_KEPT_BYTES) : bytes, fullSize: oversize ? total : null };
}

const MailboxQuery = z.object({ mailbox: z.string().min(1).max(300).optional(), size: z.coerce.number().int().min(0).optional() });

/**
 * A Hono handler for one route. `source` says which path it is; the internal one also takes
 * `?mailbox=<key>` and `?size=<full size>` (the mailbox activity hands over only the first bytes of an oversize mail).
 */
export function inboundMailHandler(service: InboundMailService, options: { secret: string; source: 'imap' | 'push'; maxBytes: number; logger: Logger }) {
  return async (c: Context) => {
    if (!bearerMatches(c.req.header('authorization'), options.secret)) return c.json({ error: 'unauthorized', message: 'missing or wrong bearer secret' }, 401);
    const query = MailboxQuery.safeParse(c.req.query());
    if (!query.success) return c.json({ error: 'invalid_request', message: 'invalid request', fieldErrors: z.flattenError(query.error).fieldErrors }, 400);
    const { bytes, fullSize } = await readCappedBody(c.req.raw, options.maxBytes);
    if (bytes.length === 0) return c.json({ error: 'invalid_request', message: 'the body must be the raw mail message (RFC 822)' }, 400);
    const source: MailSource = {
      kind: options.source,
      mailbox: options.source === 'imap' ? (query.data.mailbox ?? null) : null,
      fullSize: fullSize ?? (query.data.size !== undefined && query.data.size > bytes.length ? query.data.size : null),
    };
    try {
      return c.json(await service.accept(bytes, source), 200);
    } catch (error) {
      options.logger.warn({ err: error }, 'inbound mail: a dependency is down; the sender should retry');
      if (isUnavailable(error) || (error instanceof Error && error.name === 'ReplySignalError'))
        return c.json({ error: 'unavailable', message: 'Deskflow cannot take mail right now; retry later (nothing is doubled).' }, 503);
      throw error;
    }
  };
}

/** The inbound service's settings from the environment (deskflow.config.ts). */
export function inboundMailConfigFromSettings(settings: DeskflowSettings): InboundMailConfig {
  const mailFrom = /<([^<>]+)>/.exec(settings.MAIL_FROM)?.[1] ?? settings.MAIL_FROM;
  return {
    maxBytes: settings.MAIL_MAX_BYTES,
    allowedDomains: settings.MAIL_ALLOWED_DOMAINS,
    ownAddresses: [mailFrom, ...settings.MAIL_IMAP_URL.map((m) => m.user).filter((user) => user.includes('@'))].map((a) => a.toLowerCase()),
    senderRatePerHour: settings.MAIL_SENDER_RATE_PER_HOUR,
    attachmentMaxBytes: settings.ATTACHMENT_MAX_BYTES,
  };
}
