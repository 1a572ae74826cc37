/**
 * Reading a push into a room (from the API, a workflow activity or another room): bounded,
 * JSON, one of the protocol's RoomPush shapes; anything else is answered here.
 */
import type { z } from 'zod';
import { MAX_PUSH_BYTES } from './env';
import { json, readBounded } from './http';
import { RoomPush, describeIssue } from './protocol';

export async function readPush(request: Request): Promise<z.infer<typeof RoomPush> | Response> {
  const text = await readBounded(request, MAX_PUSH_BYTES);
  if (text === null) return json({ error: 'too_large', message: `pushes are limited to ${MAX_PUSH_BYTES} bytes` }, 413);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return json({ error: 'invalid_request', message: 'body must be JSON' }, 400);
  }
  const parsed = RoomPush.safeParse(body);
  if (!parsed.success) return json({ error: 'invalid_request', message: describeIssue(parsed.error) }, 400);
  return parsed.data;
}
