/**
 * The one place for how Deskflow reaches Temporal: address, namespace, task queue,
 * TLS / API key (Temporal Cloud), search attribute definitions and dev-server options.
 */
import { z } from 'zod';
import { ConfigError, firstIssue, withoutEmpty } from './deskflow.config';
import { ticketSearchAttributes } from './workflows/search-attributes';

/** Defined beside the workflow that upserts them (its bundle must not load this file's zod). */
export const searchAttributes = ticketSearchAttributes;

const TemporalEnv = z.object({
  TEMPORAL_ADDRESS: z
    .string()
    .regex(/^[^:\s]+:\d+$/, 'must be host:port, e.g. localhost:7233')
    .optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('deskflow'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_DEV_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
});

export type TemporalSettings = {
  /** host:port of the frontend; undefined = start the embedded dev server */
  address: string | undefined;
  namespace: string;
  taskQueue: string;
  apiKey: string | undefined;
  tls: { certPath: string; keyPath: string } | true | undefined;
  devServer: { port: number; uiPort: number; dbFile: string };
};

export function temporalSettings(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const parsed = TemporalEnv.safeParse(withoutEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(firstIssue(parsed.error));
  }
  const e = parsed.data;
  if ((e.TEMPORAL_TLS_CERT === undefined) !== (e.TEMPORAL_TLS_KEY === undefined)) {
    throw new ConfigError('TEMPORAL_TLS_CERT and TEMPORAL_TLS_KEY must be set together (mTLS client certificate and key files)');
  }
  return {
    address: e.TEMPORAL_ADDRESS,
    namespace: e.TEMPORAL_NAMESPACE,
    taskQueue: e.TEMPORAL_TASK_QUEUE,
    apiKey: e.TEMPORAL_API_KEY,
    // Temporal Cloud with an API key needs TLS without a client certificate.
    tls: e.TEMPORAL_TLS_CERT && e.TEMPORAL_TLS_KEY ? { certPath: e.TEMPORAL_TLS_CERT, keyPath: e.TEMPORAL_TLS_KEY } : e.TEMPORAL_API_KEY ? true : undefined,
    devServer: { port: e.TEMPORAL_DEV_PORT, uiPort: e.TEMPORAL_UI_PORT, dbFile: '.data/temporal.db' },
  };
}
