/**
 * An OpenAI-compatible endpoint on 127.0.0.1 that replays recorded chat completions, for tests
 * and the history recorder: `POST /v1/chat/completions`, as JSON or, with `stream: true`, as
 * server-sent events (`data: {chunk}` with `choices[].delta.content`, a last chunk with `usage`,
 * then `data: [DONE]`). The AI SDK talks to it over real HTTP exactly as to a hosted model.
 *
 * Responses come from fixture files (test/fixtures/llm/<key>.json), each a recorded exchange in
 * the chat-completions wire format: `{ key, response: <chat.completion>, chunks?: <chat.completion.chunk>[] }`.
 * A request is matched by the feature marker Deskflow puts at the start of every system prompt
 * ("Deskflow task: <key>."). Every request is kept (`requests`) so tests can assert what was sent.
 * `behave(key, …)` makes the calls of one feature fail: HTTP 500, hang until the client gives up,
 * or a body that is not JSON.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export type ChatMessage = { role: string; content: string | { type: string; text?: string }[] | null };
export type ChatRequest = { model: string; messages: ChatMessage[]; stream?: boolean; stream_options?: { include_usage?: boolean }; response_format?: unknown; [field: string]: unknown };

/** A recorded exchange: the chat.completion the endpoint answered, and its stream when it was streamed. */
export type RecordedExchange = { key: string; response: ChatCompletion; chunks?: unknown[] };
export type ChatCompletion = {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: { index: number; message: { role: 'assistant'; content: string | null; refusal?: string | null }; logprobs?: null; finish_reason: string }[];
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
  system_fingerprint?: string;
};

export type Behaviour = 'replay' | 'http-500' | 'hang' | 'malformed-json';

export type ReceivedRequest = { key: string | null; body: ChatRequest; authorization: string | null; at: number };

export type RecordedLlm = {
  /** The base URL to configure (AI_BASE_URL), ending in /v1. */
  baseUrl: string;
  requests: ReceivedRequest[];
  /** The text of every message of the requests for one feature, joined (what the model was shown). */
  promptsOf(key: string): string[];
  behave(key: string, behaviour: Behaviour): void;
  reset(): void;
  close(): Promise<void>;
};

const MARKER = /^Deskflow task: ([a-z-]+)\./;

export const messageText = (message: ChatMessage): string => (typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text ?? '').join(''));

export function loadExchanges(dir: string): Map<string, RecordedExchange> {
  const exchanges = new Map<string, RecordedExchange>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const exchange = JSON.parse(readFileSync(join(dir, file), 'utf8')) as RecordedExchange;
    exchanges.set(exchange.key, exchange);
  }
  return exchanges;
}

/** The stream of a recorded answer: its recorded chunks, or the answer cut in a few word-sized chunks, then usage. */
function streamOf(exchange: RecordedExchange): unknown[] {
  if (exchange.chunks) return exchange.chunks;
  const { response } = exchange;
  const base = { id: response.id, object: 'chat.completion.chunk', created: response.created, model: response.model };
  const content = response.choices[0]?.message.content ?? '';
  const pieces = content.match(/\S+\s*/g) ?? [];
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...pieces.map((piece) => ({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: response.choices[0]?.finish_reason ?? 'stop' }] },
    { ...base, choices: [], usage: response.usage },
  ];
}

async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of req) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

export async function startRecordedLlm(options: { fixturesDir: string; chunkDelayMs?: number }): Promise<RecordedLlm> {
  const exchanges = loadExchanges(options.fixturesDir);
  const requests: ReceivedRequest[] = [];
  const behaviours = new Map<string, Behaviour>();
  const hanging = new Set<ServerResponse>();

  const error = (res: ServerResponse, status: number, message: string, type: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { message, type, param: null, code: null } }));
  };

  const server = createServer((req, res) => {
    void (async () => {
      if (req.method !== 'POST' || req.url !== '/v1/chat/completions') return error(res, 404, `no route ${req.method} ${req.url}`, 'invalid_request_error');
      let body: ChatRequest;
      try {
        body = JSON.parse(await readBody(req)) as ChatRequest;
      } catch {
        return error(res, 400, 'the body is not JSON', 'invalid_request_error');
      }
      const system = body.messages.find((m) => m.role === 'system');
      const key = system ? (MARKER.exec(messageText(system))?.[1] ?? null) : null;
      requests.push({ key, body, authorization: req.headers.authorization ?? null, at: Date.now() });
      const behaviour = (key && behaviours.get(key)) ?? 'replay';
      if (behaviour === 'http-500') return error(res, 500, 'The server had an error while processing your request.', 'server_error');
      if (behaviour === 'hang') {
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      }
      if (behaviour === 'malformed-json') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [{"index": 0, "message": {"role": "assist');
        return;
      }
      const exchange = key ? exchanges.get(key) : undefined;
      if (!exchange) return error(res, 400, `no recorded response for ${key ?? 'a request without a Deskflow task marker'}`, 'invalid_request_error');
      if (!body.stream) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ...exchange.response, model: exchange.response.model }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      const includeUsage = body.stream_options?.include_usage === true;
      for (const chunk of streamOf(exchange)) {
        const isUsage = Array.isArray((chunk as { choices?: unknown[] }).choices) && (chunk as { choices: unknown[] }).choices.length === 0;
        if (isUsage && !includeUsage) continue;
        res.write(`data: ${JSON.stringify(chunk)}\n\n`);
        if (options.chunkDelayMs) await new Promise((resolve) => setTimeout(resolve, options.chunkDelayMs));
      }
      res.end('data: [DONE]\n\n');
    })().catch((cause: unknown) => {
      if (!res.headersSent) error(res, 500, cause instanceof Error ? cause.message : String(cause), 'server_error');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    promptsOf: (key) => requests.filter((r) => r.key === key).map((r) => r.body.messages.map(messageText).join('\n')),
    behave: (key, behaviour) => void behaviours.set(key, behaviour),
    reset() {
      behaviours.clear();
      requests.length = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
