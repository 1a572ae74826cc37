/**
 * A room's calls to the API's internal endpoints (bearer secret, timeout, zod-checked answers):
 * rooms never touch Postgres, they load and store messages and ask about access here.
 */
import type { z } from 'zod';
import { MAX_ACCESS_USERS, MessagesPage, RoomAccessAnswer, StoreMessageResult, describeIssue, type ErrorCode, type RoomAccess } from './protocol';
import { API_TIMEOUT_MS, type RoomsEnv } from './env';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
  /** How a client should read a failed store. */
  get frameCode(): ErrorCode {
    if (this.status === 400 || this.status === 409) return 'bad_frame';
    if (this.status === 403) return 'forbidden';
    if (this.status === 404) return 'not_found';
    if (this.status === 413) return 'too_large';
    return 'unavailable';
  }
}

export type PageQuery = { after?: number; limit: number; internal: boolean; viewer?: string };
export type NewMessage = { authorId: string; body: string; internal: boolean; ai: boolean; clientId: string };

export class InternalApi {
  constructor(private readonly env: RoomsEnv) {}

  /** Stores a message (idempotent by `clientId`); the answer names the message stored before it. */
  storeMessage(ticketId: string, body: NewMessage): Promise<StoreMessageResult> {
    return this.call(`/internal/rooms/tickets/${ticketId}/messages`, StoreMessageResult, { method: 'POST', body });
  }

  messagesPage(ticketId: string, query: PageQuery): Promise<MessagesPage> {
    const params = new URLSearchParams({ limit: String(query.limit), internal: query.internal ? '1' : '0' });
    if (query.after !== undefined) params.set('after', String(query.after));
    if (query.viewer) params.set('viewer', query.viewer);
    return this.call(`/internal/rooms/tickets/${ticketId}/messages?${params}`, MessagesPage);
  }

  /** What the API says these users may do in the room now. */
  async accessOf(room: string, userIds: string[]): Promise<Map<string, RoomAccess>> {
    const found = new Map<string, RoomAccess>();
    for (let i = 0; i < userIds.length; i += MAX_ACCESS_USERS) {
      const params = new URLSearchParams({ room, users: userIds.slice(i, i + MAX_ACCESS_USERS).join(',') });
      const answer = await this.call(`/internal/rooms/access?${params}`, RoomAccessAnswer);
      for (const entry of answer.users) found.set(entry.userId, entry);
    }
    return found;
  }

  private async call<T>(path: string, schema: z.ZodType<T>, init: { method?: 'GET' | 'POST'; body?: unknown } = {}): Promise<T> {
    const base = this.env.API_INTERNAL_URL;
    if (!base || !this.env.INTERNAL_API_SECRET) throw new ApiError(0, 'API_INTERNAL_URL or INTERNAL_API_SECRET is not set');
    let response: Response;
    try {
      response = await fetch(`${base.replace(/\/+$/, '')}${path}`, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${this.env.INTERNAL_API_SECRET}`, 'content-type': 'application/json' },
        body: init.body === undefined ? null : JSON.stringify(init.body),
        signal: AbortSignal.timeout(API_TIMEOUT_MS),
      });
    } catch (error) {
      throw new ApiError(0, `API unreachable: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (!response.ok) {
      const detail = await response.json().then(
        (b: unknown) => (b && typeof b === 'object' && 'message' in b && typeof b.message === 'string' ? b.message : response.statusText),
        () => response.statusText,
      );
      throw new ApiError(response.status, detail);
    }
    const parsed = schema.safeParse(await response.json());
    if (!parsed.success) throw new ApiError(502, `unexpected API answer: ${describeIssue(parsed.error)}`);
    return parsed.data;
  }
}
