/**
 * Token buckets in memory, one per key (session, API token or client address). A bucket holds
 * up to `capacity` tokens and regains `refillPerSecond`; each request takes one. Buckets that
 * have refilled completely carry no information and are dropped, so memory stays bounded by
 * the clients active in the last few minutes.
 */
export type BucketPolicy = { name: string; capacity: number; refillPerSecond: number };

export type RateLimitDecision = {
  allowed: boolean;
  /** Whole requests left right now. */
  remaining: number;
  /** Seconds until the bucket is full again (the IETF draft's `t`). */
  resetSeconds: number;
  /** When refused: seconds until one request is allowed. */
  retryAfterSeconds: number;
};

type Bucket = { tokens: number; at: number };

export class TokenBucketLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private sweeps = 0;

  constructor(
    readonly policy: BucketPolicy,
    private readonly now: () => number = () => performance.timeOrigin + performance.now(),
  ) {}

  take(key: string): RateLimitDecision {
    const { capacity, refillPerSecond } = this.policy;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: capacity, at: now };
    bucket.tokens = Math.min(capacity, bucket.tokens + ((now - bucket.at) / 1000) * refillPerSecond);
    bucket.at = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(key, bucket);
    if (++this.sweeps % 1000 === 0) this.sweep(now);
    return {
      allowed,
      remaining: Math.floor(bucket.tokens),
      resetSeconds: Math.ceil((capacity - bucket.tokens) / refillPerSecond),
      retryAfterSeconds: allowed ? 0 : Math.ceil((1 - bucket.tokens) / refillPerSecond),
    };
  }

  /** Forgets a key (e.g. when a session ends). */
  forget(key: string): void {
    this.buckets.delete(key);
  }

  private sweep(now: number) {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + ((now - bucket.at) / 1000) * this.policy.refillPerSecond >= this.policy.capacity) this.buckets.delete(key);
    }
  }
}

/**
 * Response headers per draft-ietf-httpapi-ratelimit-headers: the policy (quota `q` per window
 * `w` seconds, here the burst and the time to refill it) and the current state (`r` remaining,
 * `t` seconds until full).
 */
export function rateLimitHeaders(policy: BucketPolicy, decision: RateLimitDecision): Record<string, string> {
  const window = Math.ceil(policy.capacity / policy.refillPerSecond);
  const headers: Record<string, string> = {
    'RateLimit-Policy': `"${policy.name}";q=${policy.capacity};w=${window}`,
    RateLimit: `"${policy.name}";r=${decision.remaining};t=${decision.resetSeconds}`,
  };
  if (!decision.allowed) headers['Retry-After'] = String(decision.retryAfterSeconds);
  return headers;
}
