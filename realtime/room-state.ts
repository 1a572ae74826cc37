/**
 * Plain in-memory building blocks of a room, free of any runtime API so they run (and can be
 * tested) anywhere: a per-connection token bucket, the flood guard, the ordered message log,
 * an async mutex, a bounded set of recently seen ids and a batcher for lookups by key.
 */
import { forRequesters, isStaffOnlyMessage, type StoredMessage } from './frames';

/** Token bucket: `ratePerSecond` refill, `burst` capacity. */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;
  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    now = Date.now(),
  ) {
    this.tokens = burst;
    this.updatedAt = now;
  }

  take(now = Date.now()): boolean {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.ratePerSecond);
    this.updatedAt = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts refused frames in a sliding window; says when to warn and when to disconnect. */
export class FloodGuard {
  private drops: number[] = [];
  private lastWarnAt = -Infinity;
  constructor(
    private readonly maxDrops: number,
    private readonly windowMs: number,
  ) {}

  /** Records one refused frame. */
  drop(now = Date.now()): { warn: boolean; disconnect: boolean } {
    this.drops.push(now);
    while (this.drops.length > 0 && this.drops[0]! <= now - this.windowMs) this.drops.shift();
    const warn = now - this.lastWarnAt >= 1000;
    if (warn) this.lastWarnAt = now;
    return { warn, disconnect: this.drops.length > this.maxDrops };
  }
}

/** A bounded set remembering the most recent ids (oldest forgotten first). */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}
  /** True if the id is new (and remembers it), false if it was seen. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }
}

/**
 * Coalesces lookups: one batch in flight at a time; keys asked for meanwhile go together in the
 * next one (at most `maxBatch` per call). Under a burst of joins a room asks the API once per
 * round trip, not once per connection. A failed batch rejects each of its keys.
 */
export class Batcher<K, V> {
  private queue = new Map<K, { resolve: (value: V) => void; reject: (error: unknown) => void }[]>();
  private inFlight = false;
  constructor(
    private readonly lookup: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxBatch: number,
  ) {}

  get(key: K): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiting = this.queue.get(key);
      if (waiting) waiting.push({ resolve, reject });
      else this.queue.set(key, [{ resolve, reject }]);
      void this.next();
    });
  }

  private async next() {
    if (this.inFlight || this.queue.size === 0) return;
    this.inFlight = true;
    const batch = new Map([...this.queue].slice(0, this.maxBatch));
    for (const key of batch.keys()) this.queue.delete(key);
    try {
      const found = await this.lookup([...batch.keys()]);
      for (const [key, waiters] of batch) {
        const value = found.get(key);
        for (const w of waiters) {
          if (value === undefined) w.reject(new Error(`no answer for ${String(key)}`));
          else w.resolve(value);
        }
      }
    } catch (error) {
      for (const waiters of batch.values()) for (const w of waiters) w.reject(error);
    } finally {
      this.inFlight = false;
      void this.next();
    }
  }
}

/**
 * The room's window on the ticket's conversation: the latest messages (internal ones too), in
 * id order, and the id of the last one delivered. Every message with an id greater than
 * `coveredAfter` is in the window, so replays after such an id need no API call.
 */
export class MessageLog {
  private messages: StoredMessage[] = [];
  private byId = new Map<number, StoredMessage>();
  /** Last delivered id; null until loaded from the API. */
  lastId: number | null = null;
  coveredAfter = 0;

  constructor(private readonly capacity: number) {}

  get loaded(): boolean {
    return this.lastId !== null;
  }

  /** Replaces the window with the latest page from the API. `complete`: it holds the whole conversation. */
  reset(latest: StoredMessage[], complete: boolean) {
    this.messages = [...latest];
    this.byId = new Map(latest.map((m) => [m.id, m]));
    this.lastId = latest.at(-1)?.id ?? 0;
    this.coveredAfter = complete || latest.length === 0 ? 0 : latest[0]!.id - 1;
    this.trim();
  }

  /** Appends the next message in order. Returns false (and ignores it) if not newer than lastId. */
  append(message: StoredMessage): boolean {
    if (this.lastId === null || message.id <= this.lastId) return false;
    this.messages.push(message);
    this.byId.set(message.id, message);
    this.lastId = message.id;
    this.trim();
    return true;
  }

  get(id: number): StoredMessage | undefined {
    return this.byId.get(id);
  }

  /** The newest message everyone may see with an id up to `id`, within the window; null if none. */
  newestVisibleToAll(id: number): number | null {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const message = this.messages[i]!;
      if (message.id <= id && !isStaffOnlyMessage(message)) return message.id;
    }
    return null;
  }

  /** Drops a deleted or hidden message from the window (replays never offer it again); false if it was not in it. */
  remove(id: number): boolean {
    if (!this.byId.delete(id)) return false;
    this.messages = this.messages.filter((m) => m.id !== id);
    return true;
  }

  /** Whether every message after `afterId` is in the window. */
  covers(afterId: number): boolean {
    return this.loaded && afterId >= this.coveredAfter;
  }

  /** Messages after `afterId` a viewer may see, oldest first, at most `limit` (+ whether more). */
  after(afterId: number, includeInternal: boolean, limit: number): { messages: StoredMessage[]; hasMore: boolean } {
    const visible = this.visibleTo(includeInternal).filter((m) => m.id > afterId);
    return { messages: visible.slice(0, limit), hasMore: visible.length > limit };
  }

  /** Replaces a message in the window (a held message released); false if it is not there. */
  replace(message: StoredMessage): boolean {
    const index = this.messages.findIndex((m) => m.id === message.id);
    if (index < 0) return false;
    this.messages[index] = message;
    this.byId.set(message.id, message);
    return true;
  }

  /** Staff see everything; others neither internal notes nor held messages, nor the `ai` flag. */
  private visibleTo(includeInternal: boolean): StoredMessage[] {
    return includeInternal ? this.messages : this.messages.filter((m) => !isStaffOnlyMessage(m)).map(forRequesters);
  }

  /** The latest `limit` messages a viewer may see, oldest first; null if the window cannot tell. */
  latest(includeInternal: boolean, limit: number): StoredMessage[] | null {
    const visible = this.visibleTo(includeInternal);
    if (visible.length < limit && this.coveredAfter > 0) return null;
    return visible.slice(-limit);
  }

  private trim() {
    const excess = this.messages.length - this.capacity;
    if (excess <= 0) return;
    for (const m of this.messages.splice(0, excess)) this.byId.delete(m.id);
    this.coveredAfter = this.messages[0]!.id - 1;
  }
}
