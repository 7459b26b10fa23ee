// Each statistic against values computed by hand (the arithmetic is in the comments).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bootstrapInterval, iqr, median, p95, pairedSpeedup, passAtK, quantile, wilsonInterval } from './stats.ts';

const close = (actual: number, expected: number, tolerance = 1e-4) => assert.ok(Math.abs(actual - expected) < tolerance, `${actual} ≠ ${expected}`);

test('quantiles interpolate linearly between order statistics', () => {
  assert.equal(median([4, 1, 3, 2]), 2.5); // (2 + 3) / 2
  assert.equal(median([5]), 5);
  close(p95(Array.from({ length: 20 }, (_, i) => i + 1)), 19.05); // rank 19 × 0.95 = 18.05 → 19 + 0.05 × (20 − 19)
  assert.equal(iqr([1, 2, 3, 4]), 1.5); // q75 at rank 2.25 = 3.25, q25 at rank 0.75 = 1.75
  assert.ok(Number.isNaN(quantile([], 0.5)));
});

test('Wilson 95% interval', () => {
  // 8/10: centre (0.8 + 1.96²/20) / (1 + 1.96²/10) = 0.71674; half 1.96/1.38415 × √(0.016 + 0.0096037) = 0.22658
  const eight = wilsonInterval(8, 10);
  close(eight.low, 0.4902, 1e-3);
  close(eight.high, 0.9433, 1e-3);
  // 0/10: centre = half = 0.19207 / 1.38415 = 0.13877 → [0, 0.27753]
  const none = wilsonInterval(0, 10);
  assert.equal(none.low, 0);
  close(none.high, 0.2775, 1e-3);
  const all = wilsonInterval(10, 10);
  close(all.low, 0.7225, 1e-3);
  close(all.high, 1, 1e-12);
  assert.ok(Number.isNaN(wilsonInterval(0, 0).low));
});

test('unbiased pass@k = 1 − C(n−c, k) / C(n, k)', () => {
  close(passAtK(5, 2, 1), 0.4); // 1 − C(3,1)/C(5,1) = 1 − 3/5
  close(passAtK(5, 2, 2), 0.7); // 1 − C(3,2)/C(5,2) = 1 − 3/10
  close(passAtK(10, 3, 5), 1 - 21 / 252); // C(7,5) = 21, C(10,5) = 252
  assert.equal(passAtK(4, 0, 2), 0);
  assert.equal(passAtK(4, 3, 2), 1); // n − c = 1 < k: every draw of 2 contains a pass
  assert.ok(Number.isNaN(passAtK(3, 1, 4)));
});

test('paired speedup: median of per-item ratios with a seeded bootstrap interval', () => {
  const pairs = [
    { arMs: 10, diffusionMs: 5 }, // 2
    { arMs: 30, diffusionMs: 10 }, // 3
    { arMs: 8, diffusionMs: 8 }, // 1
  ];
  const s = pairedSpeedup(pairs);
  assert.equal(s.median, 2);
  assert.ok(s.interval.low >= 1 && s.interval.high <= 3 && s.interval.low <= 2 && s.interval.high >= 2);
  assert.deepEqual(pairedSpeedup(pairs).interval, s.interval, 'the same seed gives the same interval');
  const constant = bootstrapInterval([4, 4, 4], (xs) => median(xs));
  assert.deepEqual(constant, { low: 4, high: 4 });
  // Resamples of [0, 1] have a mean in {0, 0.5, 1}: the 95% interval of the mean over 2 values spans [0, 1].
  const spread = bootstrapInterval([0, 1], (xs) => xs.reduce((a, b) => a + b, 0) / xs.length, { resamples: 4000 });
  assert.deepEqual(spread, { low: 0, high: 1 });
});
