/**
 * A short-lived in-process cache of validated credentials, so a busy client does not pay a
 * database round trip per call just to be recognised. Entries live `ttlMs` at most (expiry is
 * still checked on every hit); everything that ends or changes a session, token or user on
 * this instance forgets it at once. Other API instances notice within the TTL.
 */
import type { Principal } from './principal';

type Entry = { principal: Principal; until: number };

export class PrincipalCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 50_000,
  ) {}

  get(key: string, now = Date.now()): Principal | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    const expiresAt = entry.principal.kind === 'session' ? entry.principal.session.expiresAt.getTime() : Number.POSITIVE_INFINITY;
    if (entry.until <= now || expiresAt <= now) {
      this.entries.delete(key);
      return null;
    }
    return entry.principal;
  }

  set(key: string, principal: Principal, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(key, { principal, until: now + this.ttlMs });
  }

  /** Forgets every credential of a user (sign-out everywhere, password change, deactivation, role change). */
  forgetUser(userId: string): void {
    for (const [key, entry] of this.entries) if (entry.principal.user.id === userId) this.entries.delete(key);
  }

  /** Forgets one session or API token by its id. */
  forget(id: string): void {
    for (const [key, entry] of this.entries) {
      const entryId = entry.principal.kind === 'session' ? entry.principal.session.id : entry.principal.token.id;
      if (entryId === id) this.entries.delete(key);
    }
  }
}
