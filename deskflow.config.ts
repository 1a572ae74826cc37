/**
 * Every Deskflow environment variable except Temporal's (see temporal.config.ts), parsed once
 * with zod. A bad value becomes a ConfigError: one line saying what is wrong and how to fix it.
 */
import { z } from 'zod';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0]!;
  return `${issue.path.join('.') || 'value'}: ${issue.message}`;
}

const port = z.coerce.number().int().min(1).max(65535);

const postgresUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return (url.protocol === 'postgres:' || url.protocol === 'postgresql:') && url.hostname !== '' && url.pathname.length > 1;
    } catch {
      return false;
    }
  }, 'must look like postgres://user:password@host:5432/database');

const DeskflowEnv = z.object({
  DATABASE_URL: postgresUrl.optional(),
  /** host:port of Neon's WebSocket proxy in front of a plain PostgreSQL (local or self-hosted). */
  NEON_WS_PROXY: z.string().regex(/^[^\s/]+:\d+$/, 'must be host:port, e.g. 127.0.0.1:6543').optional(),
  DATA_DIR: z.string().min(1).default('.data'),
  API_HOST: z.string().min(1).default('127.0.0.1'),
  API_PORT: port.default(3000),
  /** Where rooms and the worker reach the API's internal endpoints. */
  API_INTERNAL_URL: z.url().optional(),
  ROOMS_PORT: port.default(1999),
  /** Public base URL of the rooms worker (what clients connect to). */
  ROOMS_URL: z.url().optional(),
  ROOM_TOKEN_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  INTERNAL_API_SECRET: z.string().min(32, 'must be at least 32 characters (openssl rand -hex 32)').optional(),
  DEMO_PASSWORD: z.string().min(8, 'must be at least 8 characters').default('deskflow-demo'),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type DeskflowSettings = z.infer<typeof DeskflowEnv> & {
  apiInternalUrl: string;
  roomsUrl: string;
};

export function deskflowSettings(env: NodeJS.ProcessEnv = process.env): DeskflowSettings {
  const parsed = DeskflowEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(firstIssue(parsed.error));
  const e = parsed.data;
  return {
    ...e,
    apiInternalUrl: e.API_INTERNAL_URL ?? `http://127.0.0.1:${e.API_PORT}`,
    roomsUrl: e.ROOMS_URL ?? `http://127.0.0.1:${e.ROOMS_PORT}`,
  };
}
