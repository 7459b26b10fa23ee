// Slopes on log–log axes (how a quantity scales with length: 1 = linear, 0 = constant) and a seeded
// parametric bootstrap of the slope from each point's own 95% interval, so the slope's interval is computed
// from the stored aggregates alone and is the same every time it is recomputed.
import { type Interval, quantile, seededRandom } from '../stats.ts';

/** Ordinary least-squares slope of ln(y) against ln(x); NaN with fewer than two distinct x. */
export function logLogSlope(points: readonly { x: number; y: number }[]): number {
  const xs = points.map((p) => Math.log(p.x));
  const ys = points.map((p) => Math.log(p.y));
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
  }
  return sxx === 0 ? Number.NaN : sxy / sxx;
}

/** A standard normal draw (Box–Muller) from a uniform generator. */
function normal(random: () => number): number {
  const u = Math.max(random(), Number.EPSILON);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/**
 * 95% interval of the log–log slope: each resample draws every point's ln(y) from a normal whose 95% range is
 * the point's interval on the log scale, then refits. Points without an interval are held fixed.
 */
export function logLogSlopeInterval(points: readonly { x: number; y: number; low?: number; high?: number }[], { resamples = 2000, seed = 1 } = {}): Interval {
  if (points.length < 2) return { low: Number.NaN, high: Number.NaN };
  const random = seededRandom(seed);
  const spread = points.map((p) =>
    p.low !== undefined && p.high !== undefined && p.low > 0 && p.high > 0 ? (Math.log(p.high) - Math.log(p.low)) / (2 * 1.959963984540054) : 0,
  );
  const slopes: number[] = [];
  for (let r = 0; r < resamples; r++) {
    slopes.push(logLogSlope(points.map((p, i) => ({ x: p.x, y: Math.exp(Math.log(p.y) + spread[i]! * normal(random)) }))));
  }
  return { low: quantile(slopes, 0.025), high: quantile(slopes, 0.975) };
}
