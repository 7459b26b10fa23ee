// Summary statistics, computed from stored runs (never stored alone, so they can always be recomputed).
// Each formula is tested against hand-computed values in stats.test.ts.

/** Linear-interpolated quantile (q in [0, 1]) of the values (type 7, as numpy and R default); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (at - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);
export const p95 = (values: readonly number[]) => quantile(values, 0.95);
/** Interquartile range: 75th minus 25th percentile. */
export const iqr = (values: readonly number[]) => quantile(values, 0.75) - quantile(values, 0.25);

export interface Interval {
  low: number;
  high: number;
}

/** Wilson score interval for `passed` successes out of `n` (z = 1.96 for 95%). Empty for n = 0 (NaN bounds). */
export function wilsonInterval(passed: number, n: number, z = 1.959963984540054): Interval {
  if (n === 0) return { low: Number.NaN, high: Number.NaN };
  const p = passed / n;
  const z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Unbiased pass@k for one item with n samples of which c passed (Chen et al., 2021): 1 − C(n−c, k) / C(n, k),
 * computed as a running product so large n does not overflow. NaN when k > n.
 */
export function passAtK(n: number, c: number, k: number): number {
  if (k > n || k < 1) return Number.NaN;
  if (n - c < k) return 1;
  let allFail = 1;
  for (let i = n - c + 1; i <= n; i++) allFail *= 1 - k / i;
  return 1 - allFail;
}

/** Mulberry32: a small seeded generator, so a bootstrap interval is the same every time it is recomputed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile-bootstrap 95% interval of a statistic over paired values: resamples the pairs with replacement
 * `resamples` times (seeded) and takes the 2.5th and 97.5th percentiles of the statistic.
 */
export function bootstrapInterval<T>(pairs: readonly T[], statistic: (sample: readonly T[]) => number, { resamples = 2000, seed = 1 } = {}): Interval {
  if (pairs.length === 0) return { low: Number.NaN, high: Number.NaN };
  const random = seededRandom(seed);
  const values: number[] = [];
  const sample: T[] = new Array(pairs.length);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < pairs.length; i++) sample[i] = pairs[Math.floor(random() * pairs.length)]!;
    values.push(statistic(sample));
  }
  return { low: quantile(values, 0.025), high: quantile(values, 0.975) };
}

/**
 * Speedup paired by item: for each item, AR latency ÷ diffusion latency; the point estimate is the median
 * of the per-item ratios, with a bootstrap 95% interval over items.
 */
export function pairedSpeedup(pairs: readonly { arMs: number; diffusionMs: number }[], options?: { resamples?: number; seed?: number }) {
  const ratios = (sample: readonly { arMs: number; diffusionMs: number }[]) => median(sample.map((p) => p.arMs / p.diffusionMs));
  return { n: pairs.length, median: ratios(pairs), interval: bootstrapInterval(pairs, ratios, options) };
}
