/** Recognises failures that mean "a dependency is down" rather than "this request is wrong". */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P03', '08000', '08001', '08003', '08006']);

type ErrorLike = { code?: unknown; cause?: unknown; error?: unknown; name?: unknown; message?: unknown };

export function isUnavailable(error: unknown): boolean {
  // Follows `cause` (drizzle, tRPC) and `error` (a WebSocket ErrorEvent from the Neon driver).
  for (let e = error as ErrorLike | undefined, depth = 0; e && depth < 8; e = (e.cause ?? e.error) as ErrorLike | undefined, depth++) {
    if (typeof e.code === 'string' && unavailableCodes.has(e.code)) return true;
    // @temporalio/client raises ServiceError / ConnectionError when the frontend cannot be reached.
    if (e.name === 'ConnectionError' || (e.name === 'ServiceError' && /UNAVAILABLE|DEADLINE_EXCEEDED/.test(String(e.message)))) return true;
    // The Neon driver surfaces a dead WebSocket or proxy as a plain Error ("connect ECONNREFUSED …").
    if (
      typeof e.message === 'string' &&
      /connection terminated|Connection terminated|WebSocket was closed|socket hang up|PGlite is closed|\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EPIPE)\b/.test(e.message)
    )
      return true;
  }
  return false;
}

/** The SQLSTATE of a Postgres error anywhere in a cause chain (drizzle wraps driver errors). */
export function postgresErrorCode(error: unknown): string | null {
  for (let e = error as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return null;
}

/** Carried as a TRPCError's cause so the error formatter can tell clients when to retry. */
export class RetryLater extends Error {
  override name = 'RetryLater';
  constructor(readonly retryAfterSeconds: number) {
    super(`retry after ${retryAfterSeconds} s`);
  }
}
