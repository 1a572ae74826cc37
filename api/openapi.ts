/**
 * REST routes and the OpenAPI 3 document, generated from the same tRPC procedures
 * (trpc-to-openapi): every procedure with `meta.openapi` is also `METHOD /api/<path>`.
 * The library's fetch adapter rebuilds its handler (and, outside production, the whole
 * document) on every request; this keeps one handler and adapts fetch to it the same way.
 */
import { createOpenApiNodeHttpHandler, generateOpenApiDocument } from 'trpc-to-openapi';
import { TRPCError } from '@trpc/server';
import type { AnyTRPCRouter } from '@trpc/server';
import type { Context, ContextOptions } from './trpc';

export const REST_PREFIX = '/api';

export function openApiDocument(router: AnyTRPCRouter, publicUrl: string) {
  return generateOpenApiDocument(router as Parameters<typeof generateOpenApiDocument>[0], {
    title: 'Deskflow API',
    description:
      'The REST face of the Deskflow tRPC API. Authenticate with "Authorization: Bearer <token>": a session token from POST /auth/sign-in, or an API token (dfk_…) created with auth.tokens.create. Errors carry a tRPC code, a message and, for invalid input, the zod issues.',
    version: '1.0.0',
    baseUrl: new URL(REST_PREFIX, publicUrl).toString(),
  });
}

type FakeResponse = { statusCode: number; setHeader(name: string, value: string | string[]): void; end(body?: string): void };

export function createRestHandler(options: { router: AnyTRPCRouter; createContext: (opts: ContextOptions) => Context; onError: (opts: { error: TRPCError; path: string | undefined }) => void }) {
  const handler = createOpenApiNodeHttpHandler({
    router: options.router as Parameters<typeof createOpenApiNodeHttpHandler>[0]['router'],
    // The adapter hands over the request it was given: the original Request behind our proxy.
    createContext: ({ req }: { req: unknown }) => {
      const { original, clientIp } = (req as { [requestState]: RequestState })[requestState];
      return options.createContext({ req: original, resHeaders: new Headers(), clientIp });
    },
    responseMeta: ({ ctx }: { ctx?: Context }) => ({ headers: ctx ? headersRecord(ctx.resHeaders) : {} }),
    onError: ({ error, path }: { error: TRPCError; path?: string }) => options.onError({ error, path }),
  } as Parameters<typeof createOpenApiNodeHttpHandler>[0]);

  return async (req: Request, clientIp: string): Promise<Response> => {
    const url = new URL(req.url);
    url.pathname = url.pathname.slice(REST_PREFIX.length) || '/';
    const body = await readBody(req);
    const state: RequestState = { original: req, clientIp };
    const proxy = new Proxy(req, {
      get(target, prop) {
        if (prop === requestState) return state;
        if (prop === 'url') return url.toString();
        if (prop === 'body') {
          if (!body.ok) throw new TRPCError({ code: 'PARSE_ERROR', message: 'The request body is not valid JSON.' });
          return body.data;
        }
        return Reflect.get(target, prop, target) as unknown;
      },
      has(target, prop) {
        return prop === 'body' || Reflect.has(target, prop);
      },
    });
    return new Promise<Response>((resolve, reject) => {
      const headers = new Headers();
      const res: FakeResponse = {
        statusCode: 200,
        setHeader(name, value) {
          if (Array.isArray(value)) for (const v of value) headers.append(name, v);
          else headers.set(name, value);
        },
        end(payload) {
          resolve(new Response(payload ?? null, { status: res.statusCode, headers }));
        },
      };
      handler(proxy as never, res as never).catch(reject);
    });
  };
}

const requestState = Symbol('deskflow.restRequest');
type RequestState = { original: Request; clientIp: string };

async function readBody(req: Request): Promise<{ ok: true; data: unknown } | { ok: false }> {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') return { ok: true, data: undefined };
  const text = await req.text();
  if (!text) return { ok: true, data: undefined };
  if (!(req.headers.get('content-type') ?? '').includes('application/json')) return { ok: true, data: undefined };
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

function headersRecord(headers: Headers): Record<string, string | string[]> {
  const record: Record<string, string | string[]> = {};
  headers.forEach((value, name) => {
    if (name !== 'set-cookie') record[name] = value;
  });
  const cookies = headers.getSetCookie();
  if (cookies.length > 0) record['set-cookie'] = cookies;
  return record;
}
