/** Recognises failures that mean "a dependency is down" rather than "this request is wrong". */
const unavailableCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', '57P01', '57P03', '08000', '08001', '08003', '08006']);

export function isUnavailable(error: unknown): boolean {
  for (let e = error as { code?: unknown; cause?: unknown; name?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 6; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string' && unavailableCodes.has(e.code)) return true;
    // @temporalio/client raises ServiceError / ConnectionError when the frontend cannot be reached.
    if (e.name === 'ConnectionError' || (e.name === 'ServiceError' && /UNAVAILABLE|DEADLINE_EXCEEDED/.test(String(e.message)))) return true;
    // The Neon driver surfaces a dead WebSocket or proxy as a plain Error.
    if (typeof e.message === 'string' && /connection terminated|Connection terminated|WebSocket was closed|socket hang up|PGlite is closed/.test(e.message)) return true;
  }
  return false;
}
