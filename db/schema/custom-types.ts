import { customType } from 'drizzle-orm/pg-core';

/** Postgres full-text document; only ever written by a generated column, read by @@ and ts_rank. */
export const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/** Raw bytes. PGlite returns Uint8Array, the Neon driver a Buffer (a Uint8Array too). */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (value) => (value instanceof Uint8Array ? value : new Uint8Array(value as ArrayLike<number>)),
});
