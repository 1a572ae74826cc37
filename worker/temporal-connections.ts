/** Opens Temporal connections (client and worker) from temporal.config.ts, with one-line errors. */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { ConfigError } from '../deskflow.config';
import type { TemporalSettings } from '../temporal.config';
import { installTemporalRuntime } from './worker';

function tlsOptions(settings: TemporalSettings) {
  if (settings.tls === true) return true;
  if (!settings.tls) return undefined;
  try {
    return { clientCertPair: { crt: readFileSync(settings.tls.certPath), key: readFileSync(settings.tls.keyPath) } };
  } catch (error) {
    throw new ConfigError(`cannot read TEMPORAL_TLS_CERT / TEMPORAL_TLS_KEY: ${(error as Error).message}`);
  }
}

function unreachable(address: string, error: unknown): ConfigError {
  const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return new ConfigError(`cannot reach Temporal at ${address} (${reason}): start it, fix TEMPORAL_ADDRESS, or unset TEMPORAL_ADDRESS to run the embedded dev server`);
}

export async function connectClient(settings: TemporalSettings & { address: string }): Promise<{ client: Client; connection: Connection }> {
  try {
    const connection = await Connection.connect({ address: settings.address, tls: tlsOptions(settings), apiKey: settings.apiKey, connectTimeout: '5 seconds' });
    return { client: new Client({ connection, namespace: settings.namespace }), connection };
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw unreachable(settings.address, error);
  }
}

export async function connectWorker(settings: TemporalSettings & { address: string }): Promise<NativeConnection> {
  installTemporalRuntime();
  try {
    return await NativeConnection.connect({ address: settings.address, tls: tlsOptions(settings), apiKey: settings.apiKey });
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw unreachable(settings.address, error);
  }
}
