/**
 * Plain validators for the router's search params and path params. The router is on the first
 * page, and zod (even zod/mini) cost it ~15 KB gzipped; these few lines do the same job: a value
 * that is missing or malformed falls back to the default instead of failing the navigation.
 */

type Search = Record<string, unknown>;

/** One of `values`, else `fallback`. */
export function oneOf<const T extends string | number>(value: unknown, values: readonly T[], fallback: T): T;
export function oneOf<const T extends string | number>(value: unknown, values: readonly T[]): T | undefined;
export function oneOf<const T extends string | number>(value: unknown, values: readonly T[], fallback?: T): T | undefined {
  return values.includes(value as T) ? (value as T) : fallback;
}

/** A string of at most `maxLength` characters matching `pattern` (if given), else undefined. */
export function optionalString(value: unknown, maxLength: number, pattern?: RegExp): string | undefined {
  if (typeof value !== 'string' || value.length > maxLength) return undefined;
  return pattern && !pattern.test(value) ? undefined : value;
}

/** An integer in [min, max], else `fallback`. */
export function intIn(value: unknown, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max ? value : fallback;
}

export function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A path param that must be a UUID; anything else is refused (the route shows not found). */
/** A ticket in a URL: its id, or its number as mail links write it (`/tickets/1000`), which the route turns into the id. */
export function ticketParam(value: string): string {
  if (/^[1-9]\d{0,9}$/.test(value)) return value;
  return uuidParam(value);
}

export function uuidParam(value: string): string {
  if (!uuidPattern.test(value)) throw new Error(`not an id: ${value.slice(0, 40)}`);
  return value;
}

/** A UUID, else undefined. */
export const optionalUuid = (value: unknown) => optionalString(value, 36, uuidPattern);

/** An article's slug in a URL (the API's rule: lowercase words joined by hyphens); anything else is refused (not found). */
export function slugParam(value: string): string {
  if (value.length > 80 || !/^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value)) throw new Error(`not an article: ${value.slice(0, 40)}`);
  return value;
}

/** Only paths on this origin: never send people elsewhere after signing in. */
export const returnToOf = (search: Search) => optionalString(search.returnTo, 2000, /^\/(?!\/)/);
