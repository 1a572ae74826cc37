/**
 * HTTP plumbing shared by the edge and the rooms: JSON answers and bounded request bodies.
 */

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/**
 * Reads and drops a refused request's body (up to a bound) before answering: an unread body
 * leaves the connection unusable behind proxies such as wrangler dev's.
 */
export async function discardBody(request: Request, limit = 1024 * 1024): Promise<void> {
  if (!request.body) return;
  const reader = request.body.getReader();
  let read = 0;
  try {
    while (read <= limit) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
    }
    await reader.cancel();
  } catch {
    // the client went away; nothing to answer
  }
}

/** The body as text, or null if it is longer than `limit` bytes (the rest is read and dropped). */
export async function readBounded(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Drain a little more so the connection stays usable, then give up on the rest.
      while (size <= limit + 1024 * 1024) {
        const next = await reader.read();
        if (next.done) break;
        size += next.value.byteLength;
      }
      await reader.cancel().catch(() => undefined);
      return null;
    }
    chunks.push(value);
  }
  const joined = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    joined.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(joined);
}
