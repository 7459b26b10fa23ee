// The length profile's counting and arithmetic against hand-computed values, and its shapes against the engines'
// own forward counts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GenerationEvent } from '../engines/types.ts';
import {
  autoregressiveShapes,
  blockDiffusionShapes,
  type CostCoefficients,
  costTerms,
  fitForwardCost,
  fullCanvasShapes,
  maxStepsPerBlockFor,
  modelledBlockSpeedup,
  predictForwardMs,
  predictShapesMs,
  splitTime,
  stepsPerBlockOf,
  workOf,
} from './length-profile.ts';

test('AR shapes: a prefill over the prompt, then one query against a cache that grows by one each step', () => {
  assert.deepEqual(autoregressiveShapes(5, 3), [
    { kind: 'prefill', query: 5, attended: 5 },
    { kind: 'decode', query: 1, attended: 6 },
    { kind: 'decode', query: 1, attended: 7 },
  ]);
});

test('block diffusion shapes: B queries against prompt + blocks so far; a commit after every block but the last', () => {
  const shapes = blockDiffusionShapes(10, 4, [2, 1, 3]);
  assert.deepEqual(
    shapes.map((s) => `${s.kind}:${s.query}x${s.attended}`),
    ['prefill:10x10', 'denoise:4x14', 'denoise:4x14', 'commit:4x14', 'denoise:4x18', 'commit:4x18', 'denoise:4x22', 'denoise:4x22', 'denoise:4x22'],
  );
  // NFE as the engine counts it: prefill + every step + (blocks − 1) commits.
  assert.equal(shapes.length, 1 + 6 + 2);
});

test('full-canvas shapes: no cache runs the canvas every step; dual refreshes once per block, then runs B + 1 rows', () => {
  assert.deepEqual(fullCanvasShapes(10, 8, 8, 'none', [3], 1), new Array(3).fill({ kind: 'denoise', query: 18, attended: 18 }));
  assert.deepEqual(fullCanvasShapes(10, 8, 4, 'dual', [2, 1], 1), [
    { kind: 'refresh', query: 18, attended: 18 },
    { kind: 'denoise', query: 5, attended: 18 }, // canvas rows 9..13: the row before the block predicts its first position
    { kind: 'refresh', query: 18, attended: 18 },
  ]);
  // prefix: the window runs from the block to the canvas's end (aligned logits: no extra row).
  assert.deepEqual(fullCanvasShapes(10, 8, 4, 'prefix', [1, 2], 0)[2], { kind: 'denoise', query: 4, attended: 18 });
});

test('steps per block are counted from step events, in block order', () => {
  const step = (block: number): GenerationEvent => ({ type: 'step', step: 0, block, committed: [], elapsedMs: 0 });
  const events: GenerationEvent[] = [
    { type: 'block', block: 0, start: 0, length: 4, elapsedMs: 0 },
    step(0),
    step(0),
    step(2),
    { type: 'token', index: 0, tokenId: 1, text: 'a', elapsedMs: 0 },
  ];
  assert.deepEqual(stepsPerBlockOf(events), [2, 0, 1]);
});

test('time split: forwards by kind, the remainder is sampling; a shape/forward count mismatch throws', () => {
  const shapes = blockDiffusionShapes(3, 2, [1, 1]); // prefill, denoise, commit, denoise
  assert.deepEqual(splitTime(shapes, [1, 2, 3, 4], 12), { prefill: 1, cacheWrite: 3, steps: 6, sampling: 2 });
  assert.throws(() => splitTime(shapes, [1, 2], 12), /4 forward shapes for 2 timed forwards/);
});

test('work totals: positions computed and query × attended pairs', () => {
  assert.deepEqual(workOf(autoregressiveShapes(2, 3)), { forwards: 3, queryTokens: 4, pairs: 4 + 3 + 4 });
});

const truth: CostCoefficients = { perCallMs: 0.3, perPositionMs: 0.01, perPairMs: 2e-5, perAttendedMs: 8e-4 };
const close = (a: number, b: number, tolerance: number, what: string) => assert.ok(Math.abs(a - b) <= tolerance * Math.abs(b), `${what}: ${a} vs ${b}`);

test('cost terms: per call, per computed position, per (query, attended) pair, per attended position', () => {
  const shapes = [
    { query: 1, attended: 10 },
    { query: 4, attended: 20 },
  ];
  const t = costTerms(truth, shapes);
  close(t.perCallMs, 0.6, 1e-12, 'calls');
  close(t.perPositionMs, 0.05, 1e-12, 'positions');
  close(t.perPairMs, 90 * 2e-5, 1e-12, 'pairs');
  close(t.perAttendedMs, 30 * 8e-4, 1e-12, 'attended');
  close(predictForwardMs(truth, shapes[1]!), 0.3 + 0.04 + 80 * 2e-5 + 20 * 8e-4, 1e-12, 'one forward');
});

test('the cost fit recovers known coefficients, and a stray slow run of one shape does not move it', () => {
  const shapes = [
    ...autoregressiveShapes(20, 200),
    ...blockDiffusionShapes(20, 32, new Array(6).fill(4)),
    ...fullCanvasShapes(20, 192, 32, 'dual', new Array(6).fill(3), 1),
  ];
  const forwards = shapes.flatMap((s) => [1, 1, 1].map(() => ({ ...s, ms: predictForwardMs(truth, s) })));
  forwards[5] = { ...forwards[5]!, ms: forwards[5]!.ms * 50 }; // one of three repeats of that shape: the median ignores it
  const fit = fitForwardCost(forwards);
  close(fit.perCallMs, truth.perCallMs, 1e-6, 'per call');
  close(fit.perPositionMs, truth.perPositionMs, 1e-6, 'per position');
  close(fit.perPairMs, truth.perPairMs, 1e-6, 'per pair');
  close(fit.perAttendedMs, truth.perAttendedMs, 1e-6, 'per attended');
  assert.ok(fit.medianAbsRelError < 1e-9);
  // AR steps alone (query always 1) cannot tell a pair from an attended position.
  assert.throws(
    () =>
      fitForwardCost(
        autoregressiveShapes(20, 50)
          .slice(1)
          .map((s) => ({ ...s, ms: predictForwardMs(truth, s) })),
      ),
    /do not vary enough/,
  );
});

test('modelled speed-up: B / (s + 1) while the per-call cost dominates; attention alone gives AR the edge', () => {
  const none: CostCoefficients = { perCallMs: 0, perPositionMs: 0, perPairMs: 0, perAttendedMs: 0 };
  // Only a per-call cost: AR runs L forwards, block diffusion 1 + (L/B)(s + 1) − 1.
  close(modelledBlockSpeedup({ ...none, perCallMs: 1 }, 10, 256, 32, 3), 256 / (8 * 4), 1e-12, 'per-call only');
  // Only attention: AR's pairs P² + P(L−1) + (L−1)L/2, block diffusion's P² + (s + 1)(LP + L²/2 + BL/2) − the last commit.
  const P = 10;
  const L = 256;
  const arPairs = P * P + (P * (L - 1) + ((L - 1) * L) / 2);
  const blockPairs = P * P + 4 * (L * P + (L * L) / 2 + (32 * L) / 2) - 32 * (P + L);
  close(modelledBlockSpeedup({ ...none, perPairMs: 1 }, P, L, 32, 3), arPairs / blockPairs, 1e-12, 'attention-only speed-up');
  assert.ok(arPairs / blockPairs < 1 / 3.5);
  // Only a per-attended-position cost: block diffusion pays it once per B positions per step, AR once per token.
  const arAttended = P + P * (L - 1) + ((L - 1) * L) / 2;
  const blockAttended = P + (4 * (L * P + (L * L) / 2 + (32 * L) / 2) - 32 * (P + L)) / 32;
  close(modelledBlockSpeedup({ ...none, perAttendedMs: 1 }, P, L, 32, 3), arAttended / blockAttended, 1e-12, 'attended-only speed-up');
  // With per-call and attention costs the speed-up falls monotonically with L at a fixed step count.
  const fit = { ...truth, perAttendedMs: 0 };
  const speedups = [64, 128, 256, 512].map((l) => modelledBlockSpeedup(fit, P, l, 32, 3));
  speedups.slice(1).forEach((s, i) => assert.ok(s < speedups[i]!, `${speedups}`));
  // A fractional mean number of steps lies between its neighbours, and whole numbers match the shapes' sum.
  const shapes = blockDiffusionShapes(P, 32, new Array(8).fill(3));
  close(modelledBlockSpeedup(truth, P, L, 32, 3), predictShapesMs(truth, autoregressiveShapes(P, L)) / predictShapesMs(truth, shapes), 1e-12, 'whole steps');
  const [a, b, c] = [3, 3.5, 4].map((s) => modelledBlockSpeedup(truth, P, L, 32, s));
  assert.ok(a! > b! && b! > c!);
});

test('most steps per block for a target: the largest s still reaching it, 0 when none does', () => {
  const fit: CostCoefficients = { perCallMs: 1, perPositionMs: 0, perPairMs: 0, perAttendedMs: 0 };
  // Per-call only: speed-up = 256 / (8(s + 1)) ≥ 3 ⇔ s + 1 ≤ 10.67 ⇔ s ≤ 9.
  assert.equal(maxStepsPerBlockFor(3, fit, 10, 256, 32), 9);
  assert.equal(maxStepsPerBlockFor(100, fit, 10, 256, 32), 0);
});
