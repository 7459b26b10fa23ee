// Where a generation's time goes as the output grows: the shape of every forward each engine runs (how many
// positions it computes, `query`, and how many it attends to, `attended`), read from the engine's own step
// events, so measured forward times can be split by kind and fitted to a four-term cost model:
//   ms(forward) = perCall + perPosition · query + perPair · query · attended + perAttended · attended
// (fixed per-call/per-node cost; weights and MLP per computed position; attention per query–key pair; and what
// a forward pays per cached position whatever its query: the KV cache concatenated, copied and returned).
// Pure: bench/profile-long.ts measures, this file counts and does the arithmetic.
import type { CacheMode, GenerationEvent } from '../engines/types.ts';

/** prefill: the prompt into the cache; decode: one AR token; denoise: a diffusion step; commit: a finished block
 *  written to the cache; refresh: a full-canvas step that also rewrites the cache (cached full-canvas diffusion). */
export type ForwardKind = 'prefill' | 'decode' | 'denoise' | 'commit' | 'refresh';

export interface ForwardShape {
  kind: ForwardKind;
  query: number; // positions computed this forward
  attended: number; // positions their attention reads (cache + themselves)
}

/** AR with a KV cache: the prompt, then one token per forward against everything before it (`forwards` = tokens). */
export function autoregressiveShapes(prompt: number, forwards: number): ForwardShape[] {
  const out: ForwardShape[] = [];
  for (let i = 0; i < forwards; i++)
    out.push(i === 0 ? { kind: 'prefill', query: prompt, attended: prompt } : { kind: 'decode', query: 1, attended: prompt + i });
  return out;
}

/** Block diffusion on its exact cache: the prompt; then per block b its denoising steps (B positions against the
 *  prompt, the earlier blocks and themselves) and, after every block but the last, one clean commit of the same shape. */
export function blockDiffusionShapes(prompt: number, blockSize: number, stepsPerBlock: readonly number[]): ForwardShape[] {
  const out: ForwardShape[] = [{ kind: 'prefill', query: prompt, attended: prompt }];
  stepsPerBlock.forEach((steps, b) => {
    const attended = prompt + (b + 1) * blockSize;
    for (let s = 0; s < steps; s++) out.push({ kind: 'denoise', query: blockSize, attended });
    if (b < stepsPerBlock.length - 1) out.push({ kind: 'commit', query: blockSize, attended });
  });
  return out;
}

/** Full-canvas diffusion over prompt + L positions. No cache: every step runs the whole canvas. prefix/dual: a block's
 *  first step runs the whole canvas and refreshes the cache; the others run a window (from the row that predicts
 *  the block's first position to the block's end, dual, or the canvas's end, prefix) and read the rest from it. */
export function fullCanvasShapes(
  prompt: number,
  length: number,
  blockLength: number,
  cache: CacheMode,
  stepsPerBlock: readonly number[],
  rowShift: 0 | 1,
): ForwardShape[] {
  const total = prompt + length;
  const out: ForwardShape[] = [];
  stepsPerBlock.forEach((steps, b) => {
    const windowStart = prompt + b * blockLength - rowShift;
    const windowEnd = cache === 'dual' ? prompt + (b + 1) * blockLength : total;
    for (let s = 0; s < steps; s++) {
      if (cache === 'none') out.push({ kind: 'denoise', query: total, attended: total });
      else if (s === 0) out.push({ kind: 'refresh', query: total, attended: total });
      else out.push({ kind: 'denoise', query: windowEnd - windowStart, attended: total });
    }
  });
  return out;
}

/** Denoising steps per block, from a diffusion engine's `step` events (blocks without a step count 0). */
export function stepsPerBlockOf(events: readonly GenerationEvent[]): number[] {
  const counts: number[] = [];
  for (const e of events) {
    if (e.type !== 'step') continue;
    while (counts.length <= e.block) counts.push(0);
    counts[e.block]! += 1;
  }
  return counts;
}

/** A generation's time by what it was spent on, in ms. `sampling` is everything outside the forwards: scoring and
 *  choosing tokens, building tensors, bookkeeping. */
export interface TimeSplit {
  prefill: number;
  cacheWrite: number; // block commits (block diffusion) or refresh steps (cached full-canvas diffusion)
  steps: number; // AR decode steps or diffusion denoising steps
  sampling: number;
}

export function splitTime(shapes: readonly ForwardShape[], forwardMs: readonly number[], totalMs: number): TimeSplit {
  if (shapes.length !== forwardMs.length) throw new Error(`${shapes.length} forward shapes for ${forwardMs.length} timed forwards`);
  const split: TimeSplit = { prefill: 0, cacheWrite: 0, steps: 0, sampling: totalMs };
  shapes.forEach((s, i) => {
    const ms = forwardMs[i]!;
    if (s.kind === 'prefill') split.prefill += ms;
    else if (s.kind === 'commit' || s.kind === 'refresh') split.cacheWrite += ms;
    else split.steps += ms;
    split.sampling -= ms;
  });
  return split;
}

/** Totals of the work a list of forwards does. */
export function workOf(shapes: readonly ForwardShape[]): { forwards: number; queryTokens: number; pairs: number } {
  let queryTokens = 0;
  let pairs = 0;
  for (const s of shapes) {
    queryTokens += s.query;
    pairs += s.query * s.attended;
  }
  return { forwards: shapes.length, queryTokens, pairs };
}

export interface CostCoefficients {
  perCallMs: number;
  perPositionMs: number; // per computed (query) position
  perPairMs: number; // per (query, attended) pair
  perAttendedMs: number; // per attended position, once per forward
}

export interface CostFit extends CostCoefficients {
  groups: number; // distinct (query, attended) shapes the fit used
  medianAbsRelError: number; // over those groups
}

export interface TimedForward {
  query: number;
  attended: number;
  ms: number;
}

const features = (s: { query: number; attended: number }) => [1, s.query, s.query * s.attended, s.attended];

/** Solves a·x = b (n×n) by Gaussian elimination with partial pivoting. */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r]![c]!) > Math.abs(m[pivot]![c]!)) pivot = r;
    [m[c], m[pivot]] = [m[pivot]!, m[c]!];
    const scale = Math.max(...m.map((row) => Math.abs(row[c]!)));
    if (Math.abs(m[c]![c]!) <= 1e-12 * scale) throw new Error('cost fit: the forwards do not vary enough in query and attended length');
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = m[r]![c]! / m[c]![c]!;
      for (let k = c; k <= n; k++) m[r]![k]! -= f * m[c]![k]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

const medianOf = (values: readonly number[]) => {
  const s = [...values].sort((x, y) => x - y);
  const mid = s.length / 2;
  return s.length % 2 ? s[Math.floor(mid)]! : (s[mid - 1]! + s[mid]!) / 2;
};

/**
 * Fits the four coefficients by least squares. Forwards of one shape are reduced to their median (robust to a
 * stray slow run), and each shape is weighted by its count over its time squared, so the fit minimises relative
 * error: a 40 ms full-canvas forward does not drown a 0.5 ms AR step. Needs shapes that separate the terms:
 * several query lengths, and attended lengths that vary within one of them.
 */
export function fitForwardCost(forwards: readonly TimedForward[]): CostFit {
  const groups = new Map<string, { query: number; attended: number; ms: number[] }>();
  for (const f of forwards) {
    const key = `${f.query}:${f.attended}`;
    const g = groups.get(key) ?? { query: f.query, attended: f.attended, ms: [] };
    g.ms.push(f.ms);
    groups.set(key, g);
  }
  const rows = [...groups.values()].map((g) => ({ shape: g, x: features(g), y: medianOf(g.ms), w: g.ms.length }));
  // Columns scaled to unit size first: q·a reaches 10⁶ while the constant is 1.
  const scale = [0, 1, 2, 3].map((j) => Math.max(...rows.map((r) => Math.abs(r.x[j]!)), 1e-300));
  const ata = [0, 1, 2, 3].map(() => [0, 0, 0, 0]);
  const atb = [0, 0, 0, 0];
  for (const { x, y, w } of rows) {
    const weight = w / (y * y);
    for (let i = 0; i < 4; i++) {
      atb[i]! += (weight * x[i]! * y) / scale[i]!;
      for (let j = 0; j < 4; j++) ata[i]![j]! += (weight * x[i]! * x[j]!) / (scale[i]! * scale[j]!);
    }
  }
  const c = solve(ata, atb).map((v, j) => v / scale[j]!);
  const coefficients: CostCoefficients = { perCallMs: c[0]!, perPositionMs: c[1]!, perPairMs: c[2]!, perAttendedMs: c[3]! };
  const medianAbsRelError = medianOf(rows.map(({ shape, y }) => Math.abs(predictForwardMs(coefficients, shape) - y) / y));
  return { ...coefficients, groups: rows.length, medianAbsRelError };
}

/** What the model says a list of forwards costs, in ms, term by term. */
export function costTerms(fit: CostCoefficients, shapes: readonly { query: number; attended: number }[]): CostCoefficients {
  const t = { perCallMs: 0, perPositionMs: 0, perPairMs: 0, perAttendedMs: 0 };
  for (const s of shapes) {
    t.perCallMs += fit.perCallMs;
    t.perPositionMs += fit.perPositionMs * s.query;
    t.perPairMs += fit.perPairMs * s.query * s.attended;
    t.perAttendedMs += fit.perAttendedMs * s.attended;
  }
  return t;
}

export function predictForwardMs(fit: CostCoefficients, shape: { query: number; attended: number }): number {
  const t = costTerms(fit, [shape]);
  return t.perCallMs + t.perPositionMs + t.perPairMs + t.perAttendedMs;
}

export const predictShapesMs = (fit: CostCoefficients, shapes: readonly ForwardShape[]): number => shapes.reduce((t, s) => t + predictForwardMs(fit, s), 0);

/** Block diffusion's speed-up over AR for L tokens under the cost model (forwards only), with `steps` denoising
 *  steps in every block (a mean may be fractional): AR runs 1 + (L − 1) forwards, block diffusion 1 + ⌈L/B⌉·(steps + 1) − 1. */
export function modelledBlockSpeedup(fit: CostCoefficients, prompt: number, length: number, blockSize: number, steps: number): number {
  const blocks = Math.ceil(length / blockSize);
  const ar = predictShapesMs(fit, autoregressiveShapes(prompt, length));
  // As blockDiffusionShapes, with `steps` allowed to be a measured mean (not a whole number).
  let block = predictForwardMs(fit, { query: prompt, attended: prompt });
  for (let b = 0; b < blocks; b++)
    block += predictForwardMs(fit, { query: blockSize, attended: prompt + (b + 1) * blockSize }) * (steps + (b < blocks - 1 ? 1 : 0));
  return ar / block;
}

/** The most denoising steps per block (1..B) at which the modelled speed-up still reaches `target`; 0 if even one
 *  step per block falls short. Tokens per step on average must then be at least B / that. */
export function maxStepsPerBlockFor(target: number, fit: CostCoefficients, prompt: number, length: number, blockSize: number): number {
  let best = 0;
  for (let s = 1; s <= blockSize; s++) if (modelledBlockSpeedup(fit, prompt, length, blockSize, s) >= target) best = s;
  return best;
}
