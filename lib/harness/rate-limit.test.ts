import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRateLimiter, DEFAULT_PER_MINUTE, rateLimitFromEnv } from './rate-limit.ts';

test('a full bucket allows a burst, then refuses with the seconds until the next token', () => {
  let t = 0;
  const limiter = createRateLimiter({ perMinute: 6, burst: 3 }, () => t); // one token every 10 s
  for (let i = 0; i < 3; i++) assert.deepEqual(limiter.take('a'), { allowed: true });
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 10 });
  t = 4_000;
  assert.deepEqual(limiter.take('a'), { allowed: false, retryAfterSeconds: 6 });
  t = 10_000;
  assert.deepEqual(limiter.take('a'), { allowed: true });
  assert.equal(limiter.take('a').allowed, false);
});

test('clients have separate buckets, and refill never exceeds the burst', () => {
  let t = 0;
  const limiter = createRateLimiter({ perMinute: 60, burst: 2 }, () => t);
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
  assert.equal(limiter.take('b').allowed, true); // b is not slowed by a
  t = 3_600_000; // an hour idle: still only `burst` at once
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, true);
  assert.equal(limiter.take('a').allowed, false);
});

test('idle clients are forgotten once there are too many keys', () => {
  let t = 0;
  const limiter = createRateLimiter({ perMinute: 60, burst: 1, maxKeys: 3 }, () => t);
  for (const k of ['a', 'b', 'c']) limiter.take(k);
  t = 5_000; // all three buckets full again
  limiter.take('d');
  assert.equal(limiter.size(), 1);
});

test('DLM_RATE_LIMIT: default, off, a number, and a clear error', () => {
  assert.deepEqual(rateLimitFromEnv(undefined), { perMinute: DEFAULT_PER_MINUTE, burst: DEFAULT_PER_MINUTE });
  assert.equal(rateLimitFromEnv('off'), null);
  assert.equal(rateLimitFromEnv('0'), null);
  assert.deepEqual(rateLimitFromEnv('120'), { perMinute: 120, burst: 120 });
  assert.throws(() => rateLimitFromEnv('fast'), /DLM_RATE_LIMIT must be a positive integer/);
  assert.throws(() => createRateLimiter({ perMinute: 0, burst: 1 }), /perMinute/);
});
