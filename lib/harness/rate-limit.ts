// Per-client rate limits on the routes that run models: a token bucket per key (capacity `burst`, refilled at
// `perMinute` / 60 tokens a second), pure apart from the clock it is given, so it is tested without waiting.

export interface RateLimitOptions {
  perMinute: number; // sustained requests a minute per key
  burst: number; // requests allowed at once from a full bucket
  maxKeys?: number; // idle keys beyond this are forgotten (a full bucket carries no state worth keeping)
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number; // ms of the last refill
}

export function createRateLimiter({ perMinute, burst, maxKeys = 10_000 }: RateLimitOptions, now: () => number = () => performance.now()) {
  if (!(perMinute > 0) || !(burst >= 1)) throw new Error('rate limit: perMinute must be > 0 and burst >= 1');
  const ratePerMs = perMinute / 60_000;
  const buckets = new Map<string, Bucket>();

  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(burst, bucket.tokens + (t - bucket.at) * ratePerMs);
    bucket.at = t;
  };

  function forgetFullBuckets(t: number) {
    for (const [key, bucket] of buckets) {
      refill(bucket, t);
      if (bucket.tokens >= burst) buckets.delete(key);
    }
  }

  /** Takes one token for `key`, or says how many whole seconds until one is available. */
  function take(key: string): RateDecision {
    const t = now();
    let bucket = buckets.get(key);
    if (!bucket) {
      if (buckets.size >= maxKeys) forgetFullBuckets(t);
      bucket = { tokens: burst, at: t };
      buckets.set(key, bucket);
    }
    refill(bucket, t);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / ratePerMs / 1000)) };
  }

  return { take, size: () => buckets.size };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;

/**
 * `DLM_RATE_LIMIT`: requests a minute per client on the routes that run models (default 30, burst the same);
 * "0" or "off" turns the limit off. A bad value is a start-up error naming the variable.
 */
export function rateLimitFromEnv(value: string | undefined): RateLimitOptions | null {
  if (value === undefined || value.trim() === '') return { perMinute: DEFAULT_PER_MINUTE, burst: DEFAULT_PER_MINUTE };
  if (value.trim() === '0' || value.trim().toLowerCase() === 'off') return null;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new Error(`DLM_RATE_LIMIT must be a positive integer (requests a minute per client) or "off", got "${value.slice(0, 20)}"`);
  return { perMinute: n, burst: n };
}

export const DEFAULT_PER_MINUTE = 30;
