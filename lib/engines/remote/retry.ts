// When to retry a remote request and how long to wait: pure, so the policy is tested without a server.
// 429 and 5xx (and a connection that fails before any answer) are retried with exponential backoff;
// a Retry-After header (seconds or an HTTP date) is honoured when it asks for longer, up to a cap.

export interface RetryPolicy {
  maxRetries: number; // retries after the first attempt
  baseDelayMs: number; // first backoff; doubles each retry
  maxDelayMs: number; // no single wait is longer
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || status >= 500;
}

/** Retry-After as milliseconds from `nowMs`: delta-seconds or an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - nowMs);
}

/** Wait before retry number `retry` (1-based): the larger of the backoff and Retry-After, capped. */
export function retryDelayMs(retry: number, retryAfterMs: number | null, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number {
  const backoff = policy.baseDelayMs * 2 ** (retry - 1);
  return Math.min(policy.maxDelayMs, Math.max(backoff, retryAfterMs ?? 0));
}
