/**
 * The rooms worker's environment (wrangler vars and secrets) and the settings read from it.
 */
import { DEFAULT_TYPING_TTL_MS } from './protocol';
import type { Room } from './room';

export interface RoomsEnv {
  Room: DurableObjectNamespace<Room>;
  /** Secret the API signs room tokens with. */
  ROOM_TOKEN_SECRET?: string;
  /** Bearer secret between the API, the workflow worker and the rooms. */
  INTERNAL_API_SECRET?: string;
  /** Base URL of the API's internal endpoints, e.g. http://127.0.0.1:3000. */
  API_INTERNAL_URL?: string;
  /** Typing indicator expiry (ms); default 6000. */
  TYPING_TTL_MS?: string;
  /** How often a room re-checks its connected users' access with the API (ms); default 60000. */
  ACCESS_RECHECK_MS?: string;
  /** Echoed by /health so a launcher knows it reached the instance it started. */
  ROOMS_INSTANCE?: string;
}

/** Timeout of a call to the API or to another room. */
export const API_TIMEOUT_MS = 5000;
/** Largest push (API, worker or another room into a room). */
export const MAX_PUSH_BYTES = 64 * 1024;
const DEFAULT_ACCESS_RECHECK_MS = 60_000;

export function misconfigured(env: RoomsEnv): string | null {
  for (const key of ['ROOM_TOKEN_SECRET', 'INTERNAL_API_SECRET', 'API_INTERNAL_URL'] as const) {
    if (!env[key]) return `rooms are misconfigured: ${key} is not set (pass it with --env-file or realtime/.dev.vars)`;
  }
  return null;
}

export function typingTtlMs(env: RoomsEnv): number {
  const value = Number(env.TYPING_TTL_MS);
  return Number.isFinite(value) && value >= 100 ? value : DEFAULT_TYPING_TTL_MS;
}

export function accessRecheckMs(env: RoomsEnv): number {
  const value = Number(env.ACCESS_RECHECK_MS);
  return Number.isFinite(value) && value >= 500 ? value : DEFAULT_ACCESS_RECHECK_MS;
}
